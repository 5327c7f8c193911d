import { checkCrsOffset, convertToWgs84, type InputCrs, type PlanWarning } from '@xuncha/geodata';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import { listAreas } from './area-repository.ts';

/** Reference layers an imported area is compared with (the "looks offset" check). */
const REFERENCE_KINDS = ['farmland', 'river', 'hillside'] as const;
/** Margin around the import when loading references (degrees; GCJ-02 offsets stay under ~0.01°). */
const MARGIN_DEG = 0.015;

/** Bounding box of the features' positions, widened by {@link MARGIN_DEG}; null when there is none. */
function envelope(features: readonly GeoJSON.Feature[]): [number, number, number, number] | null {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      b[0] = Math.min(b[0]!, c[0]);
      b[1] = Math.min(b[1]!, c[1]);
      b[2] = Math.max(b[2]!, c[0]);
      b[3] = Math.max(b[3]!, c[1]);
    } else c.forEach(walk);
  };
  features.forEach((f) => walk((f.geometry as { coordinates?: unknown }).coordinates));
  if (!b.every(Number.isFinite)) return null;
  return [b[0]! - MARGIN_DEG, b[1]! - MARGIN_DEG, b[2]! + MARGIN_DEG, b[3]! + MARGIN_DEG];
}

const isFeature = (f: unknown): f is GeoJSON.Feature =>
  !!f && typeof f === 'object' && (f as { type?: unknown }).type === 'Feature' && !!(f as GeoJSON.Feature).geometry;

/**
 * Brings imported area features to WGS84 from the coordinate system they were drawn in (`gcj02` for
 * AMap / Tencent, `bd09` for Baidu; `wgs84` leaves them) and checks them against the stored farmland, river and
 * hillside layers: a warning per feature that fits them only in another coordinate system. Positions outside
 * mainland China with `gcj02` / `bd09` are a 400 (the offset is not defined there). Anything that is not a
 * feature with a geometry passes through untouched, for the area validator to name.
 */
export async function applyImportCrs(
  db: Queryable,
  features: unknown[],
  crs: InputCrs,
): Promise<{ features: unknown[]; warnings: PlanWarning[] }> {
  const raw = features.filter(isFeature);
  let converted: GeoJSON.FeatureCollection;
  try {
    converted = convertToWgs84({ type: 'FeatureCollection', features: raw }, crs);
  } catch (e) {
    if ((e as Error).name === 'PlanFormatError')
      throw new AppError('invalid_input', 'outside_china', (e as Error).message);
    throw e;
  }
  const byRaw = new Map(raw.map((f, i) => [f, converted.features[i]!]));
  const out = features.map((f) => (isFeature(f) ? byRaw.get(f)! : f));
  if (raw.length === 0) return { features: out, warnings: [] };
  const env = envelope([...raw, ...converted.features]);
  if (!env) return { features: out, warnings: [] };
  const reference = (await Promise.all(REFERENCE_KINDS.map((k) => listAreas(db, k, env)))).flat();
  try {
    return { features: out, warnings: checkCrsOffset(raw, crs, reference) };
  } catch {
    // Geometry the check cannot read is reported by the area validator that runs next.
    return { features: out, warnings: [] };
  }
}
