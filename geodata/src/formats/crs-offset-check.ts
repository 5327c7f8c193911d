import { area, bbox, featureCollection, intersect } from '@turf/turf';
import type { Feature, Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { PlanWarning } from '../plan-schema.ts';
import { crsName, isInMainlandChina, toWgs84, INPUT_CRS, type InputCrs } from './chinese-crs.ts';

/** A fit at or above this says "this is where the feature belongs". */
const FITS = 0.5;
/** How much better the best reading must fit than the declared one (a shifted field may half-cover a neighbour). */
const MARGIN = 0.4;
/** Reference features farther than this from a candidate's bounding box are not compared (m, as degrees). */
const NEAR_DEG = 0.003;

type Areal = Polygon | MultiPolygon;
type Linear = LineString | MultiLineString;

const isAreal = (g: Geometry | null): g is Areal => g?.type === 'Polygon' || g?.type === 'MultiPolygon';
const isLinear = (g: Geometry | null): g is Linear => g?.type === 'LineString' || g?.type === 'MultiLineString';

function mapGeometry<G extends Geometry>(g: G, f: (p: Position) => Position): G {
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(walk);
  return { ...g, coordinates: walk((g as { coordinates: unknown }).coordinates) } as G;
}

function firstPosition(c: unknown): Position | undefined {
  let x = c;
  while (Array.isArray(x) && Array.isArray(x[0])) x = x[0];
  return Array.isArray(x) && typeof x[0] === 'number' ? (x as Position) : undefined;
}

function near(a: Feature, b: Feature): boolean {
  const [w1, s1, e1, n1] = bbox(a);
  const [w2, s2, e2, n2] = bbox(b);
  return w1 <= e2 + NEAR_DEG && w2 <= e1 + NEAR_DEG && s1 <= n2 + NEAR_DEG && s2 <= n1 + NEAR_DEG;
}

/** Best intersection-over-union of a polygon with any reference polygon. */
function arealFit(g: Areal, refs: readonly Feature<Areal>[]): number {
  const a: Feature<Areal> = { type: 'Feature', properties: {}, geometry: g };
  const aArea = area(a);
  let best = 0;
  for (const r of refs) {
    if (!near(a, r)) continue;
    let inter = 0;
    try {
      const x = intersect(featureCollection([a, r]));
      inter = x ? area(x) : 0;
    } catch {
      continue; // a reference ring turf cannot intersect: compare the others
    }
    const union = aArea + area(r) - inter;
    if (union > 0) best = Math.max(best, inter / union);
  }
  return best;
}

/** Local metres around a latitude (equirectangular: ample for tolerances of tens of metres). */
function localMetres(lat0: number): (p: Position) => [number, number] {
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  return (p) => [p[0]! * kx, p[1]! * 110_900];
}

function segDist(p: [number, number], a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/**
 * Share of points along a line (its vertices and up to 200 evenly spaced points) within a reference line's
 * half width (`halfWidthM`, at least 15 m).
 */
function linearFit(g: Linear, refs: readonly Feature<Linear>[]): number {
  const a: Feature<Linear> = { type: 'Feature', properties: {}, geometry: g };
  const close = refs.filter((r) => near(a, r));
  const lines: Position[][] = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
  const first = lines[0]?.[0];
  if (!close.length || !first) return 0;
  const xy = localMetres(first[1]!);
  const pts: Array<[number, number]> = [];
  for (const l of lines) {
    const q = l.map(xy);
    pts.push(...q);
    const L = q.slice(1).reduce((s, v, i) => s + Math.hypot(v[0] - q[i]![0], v[1] - q[i]![1]), 0);
    const step = Math.max(20, L / 200);
    let along = 0;
    for (let i = 1; i < q.length; i++) {
      const u = q[i - 1]!;
      const v = q[i]!;
      const len = Math.hypot(v[0] - u[0], v[1] - u[1]);
      for (let s = Math.ceil(along / step) * step - along; s < len; s += step) {
        pts.push([u[0] + ((v[0] - u[0]) * s) / len, u[1] + ((v[1] - u[1]) * s) / len]);
      }
      along += len;
    }
  }
  const segs: Array<{ a: [number, number]; b: [number, number]; tol: number }> = [];
  for (const r of close) {
    const tol = Math.max(15, Number(r.properties?.halfWidthM) || 0);
    const parts: Position[][] = r.geometry.type === 'LineString' ? [r.geometry.coordinates] : r.geometry.coordinates;
    for (const c of parts) for (let i = 1; i < c.length; i++) segs.push({ a: xy(c[i - 1]!), b: xy(c[i]!), tol });
  }
  const hits = pts.filter((p) => segs.some((sg) => segDist(p, sg.a, sg.b) <= sg.tol)).length;
  return hits / pts.length;
}

const KIND_ZH: Record<string, string> = { farmland: '农田', river: '河流', hillside: '山坡', nofly: '禁飞区' };

/**
 * The "looks offset" check for imported areas: each feature, read as WGS84, GCJ-02 and BD-09 in turn, is
 * compared with the project's reference layers (farmland, rivers, hillsides — WGS84). Polygons score by their
 * best intersection-over-union with a reference polygon of the same kind; lines by the share of points along
 * them within a reference river's half width. A warning says when another coordinate system fits (score ≥ 0.5)
 * clearly better (by ≥ 0.4) than the one the file was declared in — a field drawn on AMap imported as WGS84, or a
 * WGS84 file converted twice. Features that fit nothing (a new field) and features outside mainland China
 * (where no offset exists) give no warning.
 *
 * `features` are as they came in the file, before conversion.
 */
export function checkCrsOffset(
  features: readonly Feature[],
  declared: InputCrs,
  reference: readonly Feature[],
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  features.forEach((f, i) => {
    const g = f.geometry;
    if (!isAreal(g) && !isLinear(g)) return;
    const start = firstPosition(g.coordinates);
    if (!start || !isInMainlandChina(start[0]!, start[1]!)) return;
    const kind = typeof f.properties?.kind === 'string' ? f.properties.kind : undefined;
    const refs = reference.filter(
      (r) =>
        (kind === undefined || r.properties?.kind === kind) &&
        (isAreal(g) ? isAreal(r.geometry) : isLinear(r.geometry)),
    );
    if (!refs.length) return;
    const score = (crs: InputCrs) => {
      const w = mapGeometry(g, (p) => [...toWgs84([p[0]!, p[1]!], crs)]);
      return isAreal(w) ? arealFit(w, refs as Feature<Areal>[]) : linearFit(w as Linear, refs as Feature<Linear>[]);
    };
    const scores = Object.fromEntries(INPUT_CRS.map((c) => [c, score(c)])) as Record<InputCrs, number>;
    const best = INPUT_CRS.reduce((a, b) => (scores[b] > scores[a] ? b : a));
    if (best === declared || scores[best] < FITS || scores[best] - scores[declared] < MARGIN) return;
    const name = String(f.properties?.name ?? f.properties?.Name ?? f.id ?? '');
    const label = name ? `「${name}」` : '';
    const labelEn = name ? ` "${name}"` : '';
    const refZh = KIND_ZH[kind ?? ''] ?? '参考图层';
    const refEn = kind ?? 'reference';
    warnings.push({
      code: 'crs-looks-offset',
      message:
        `第 ${i + 1} 个要素${label}按 ${crsName(best)} 解读才与${refZh}吻合（重合度 ${scores[best].toFixed(2)}，按 ${crsName(declared)} 仅 ${scores[declared].toFixed(2)}），请确认坐标系（--crs ${best}） / ` +
        `feature ${i + 1}${labelEn} fits the ${refEn} layer only when read as ${crsName(best)} (overlap ${scores[best].toFixed(2)}; ` +
        `as ${crsName(declared)} ${scores[declared].toFixed(2)}): check the coordinate system (--crs ${best})`,
      ...(typeof f.id === 'string'
        ? { featureId: f.id }
        : typeof f.properties?.id === 'string'
          ? { featureId: f.properties.id }
          : {}),
    });
  });
  return warnings;
}
