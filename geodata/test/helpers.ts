import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection } from 'geojson';
import type { Plan } from '../src/plan-schema.ts';

export const testDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(testDir, '../..');

/** Metres → degrees around Longquan (119.13E, 28.06N), for building small test shapes. */
export function lonLat(xM: number, yM: number, origin: [number, number] = [119.13, 28.06]): [number, number] {
  const lat = origin[1] + yM / 110_950;
  const lon = origin[0] + xM / (111_320 * Math.cos((origin[1] * Math.PI) / 180));
  return [lon, lat];
}

/** A polygon feature from metric rings around the origin. */
export function polygonM(rings: Array<Array<[number, number]>>, properties: Record<string, unknown> = {}): Feature {
  return {
    type: 'Feature',
    properties,
    geometry: { type: 'Polygon', coordinates: rings.map((r) => [...r, r[0]!].map(([x, y]) => lonLat(x, y))) },
  };
}

/** The golden view of a plan: routes and a stats point, beside the input. */
export function goldenOf(input: FeatureCollection, plan: Plan): FeatureCollection {
  const round = (v: unknown): unknown =>
    typeof v === 'number'
      ? Number(v.toFixed(6))
      : Array.isArray(v)
        ? v.map(round)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
          : v;
  const routes: Feature[] = plan.sorties.map((s) => ({
    type: 'Feature',
    properties: {
      sortie: s.index,
      lengthM: s.lengthM,
      durationS: s.durationS,
      photoCount: s.photoCount,
      items: s.items.length,
      stroke: '#d62728',
    },
    geometry: s.route,
  }));
  const summary: Feature = {
    type: 'Feature',
    properties: { stats: plan.stats, warnings: plan.warnings.map((w) => w.code), 'marker-color': '#1f77b4' },
    geometry: { type: 'Point', coordinates: [plan.launch.lon, plan.launch.lat] },
  };
  return round({ type: 'FeatureCollection', features: [...input.features, ...routes, summary] }) as FeatureCollection;
}

/** Compares with `out.geojson`; UPDATE=1 rewrites it; a missing golden fails with a hint. */
export function expectGolden(dir: string, actual: FeatureCollection): { expected: unknown; actual: unknown } {
  const file = path.join(dir, 'out.geojson');
  if (process.env.UPDATE === '1') {
    fs.writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
  }
  if (!fs.existsSync(file)) {
    throw new Error(
      `golden ${path.relative(repoRoot, file)} is missing: run with UPDATE=1 to create it, then review it`,
    );
  }
  return { expected: JSON.parse(fs.readFileSync(file, 'utf8')), actual: JSON.parse(JSON.stringify(actual)) };
}

/** Route length without the transits from launch to the first photo and back from the last one. */
export function workLengthM(plan: Plan): number {
  const photos = plan.photos;
  const first = photos[0];
  const last = photos[photos.length - 1];
  if (!first || !last) return plan.stats.lengthM;
  const d = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => {
    const dy = (b.lat - a.lat) * 110_950;
    const dx = (b.lon - a.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
    return Math.hypot(dx, dy);
  };
  return plan.stats.lengthM - d(plan.launch, first) - d(last, plan.launch);
}
