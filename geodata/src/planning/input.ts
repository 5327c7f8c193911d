import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { PlanInputError } from './errors.ts';

/** GeoJSON accepted by the planners: a FeatureCollection, a Feature, or a bare geometry. */
export type GeoInput = FeatureCollection | Feature | Geometry;

export interface InputPolygon {
  id: string;
  /** WGS84 rings, closed as in GeoJSON. */
  coordinates: Position[][];
  properties: Record<string, unknown>;
}

export interface InputLine {
  id: string;
  coordinates: Position[];
  properties: Record<string, unknown>;
}

function features(input: GeoInput, field: string): Feature[] {
  if (!input || typeof input !== 'object' || !('type' in input)) {
    throw new PlanInputError('不是 GeoJSON / not GeoJSON', field);
  }
  if (input.type === 'FeatureCollection') {
    if (!Array.isArray(input.features)) throw new PlanInputError('缺少 features / missing features', field);
    return input.features;
  }
  if (input.type === 'Feature') return [input];
  return [{ type: 'Feature', properties: {}, geometry: input as Geometry }];
}

function featureId(f: Feature, i: number, prefix: string): string {
  const p = f.properties ?? {};
  const id = (p as Record<string, unknown>).id ?? f.id;
  return id === undefined || id === null ? `${prefix}-${i + 1}` : String(id);
}

function checkPosition(c: unknown, id: string, field: string): asserts c is Position {
  if (!Array.isArray(c) || c.length < 2 || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
    throw new PlanInputError('坐标不是数字对 / coordinate is not a number pair', field, id);
  }
  const [lon, lat] = c as number[];
  if (lon! < -180 || lon! > 180 || lat! < -90 || lat! > 90) {
    throw new PlanInputError(
      `坐标越界 / coordinate out of range [${lon}, ${lat}] (expect [lon, lat] WGS84)`,
      field,
      id,
    );
  }
}

/** Maximum area of one polygon the planner accepts (m²): 100 km², a large township. */
const MAX_AREA_M2 = 100e6;

/**
 * Reads and validates survey polygons: closed rings of ≥ 4 positions, WGS84 ranges, non-zero area,
 * no self-intersection, not larger than `maxAreaM2`. Errors name the feature and the field.
 */
export function readPolygons(input: GeoInput, opts: { maxAreaM2?: number; field?: string } = {}): InputPolygon[] {
  const field = opts.field ?? 'areas';
  const maxArea = opts.maxAreaM2 ?? MAX_AREA_M2;
  const out: InputPolygon[] = [];
  features(input, field).forEach((f, i) => {
    const id = featureId(f, i, field === 'nofly' ? 'nofly' : 'area');
    const g = f.geometry;
    if (!g) throw new PlanInputError('缺少几何 / missing geometry', `${field}.geometry`, id);
    let polys: Position[][][];
    if (g.type === 'Polygon') polys = [g.coordinates];
    else if (g.type === 'MultiPolygon') polys = g.coordinates;
    else throw new PlanInputError(`需要面 / expected Polygon, got ${g.type}`, `${field}.geometry.type`, id);
    if (!Array.isArray(polys) || polys.length === 0)
      throw new PlanInputError('空多边形 / empty polygon', `${field}.geometry.coordinates`, id);
    polys.forEach((rings) => {
      if (!Array.isArray(rings) || rings.length === 0) {
        throw new PlanInputError('空多边形 / empty polygon', `${field}.geometry.coordinates`, id);
      }
      for (const ring of rings) {
        if (!Array.isArray(ring) || ring.length < 4) {
          throw new PlanInputError(
            '环少于 4 个点 / ring has fewer than 4 positions',
            `${field}.geometry.coordinates`,
            id,
          );
        }
        ring.forEach((c) => checkPosition(c, id, `${field}.geometry.coordinates`));
        const a = ring[0]!;
        const b = ring[ring.length - 1]!;
        if (a[0] !== b[0] || a[1] !== b[1]) {
          throw new PlanInputError('环未闭合 / ring is not closed', `${field}.geometry.coordinates`, id);
        }
      }
      const poly = turf.polygon(rings.map((r) => r.map((c) => [c[0]!, c[1]!])));
      if (turf.kinks(poly).features.length > 0) {
        throw new PlanInputError('多边形自相交 / polygon intersects itself', `${field}.geometry.coordinates`, id);
      }
      const areaM2 = turf.area(poly);
      if (!(areaM2 > 0.01))
        throw new PlanInputError('面积为零 / polygon has zero area', `${field}.geometry.coordinates`, id);
      if (areaM2 > maxArea) {
        throw new PlanInputError(
          `面积过大 / area too large: ${(areaM2 / 1e6).toFixed(1)} km² > ${(maxArea / 1e6).toFixed(0)} km²; 请拆分 / split it`,
          `${field}.geometry.coordinates`,
          id,
        );
      }
      out.push({ id, coordinates: rings, properties: (f.properties ?? {}) as Record<string, unknown> });
    });
  });
  if (out.length === 0) throw new PlanInputError('没有多边形 / no polygons given', field);
  return out;
}

/** Reads and validates corridor lines: ≥ 2 distinct positions, WGS84 ranges, ≤ 500 km. */
export function readLines(input: GeoInput, opts: { field?: string } = {}): InputLine[] {
  const field = opts.field ?? 'lines';
  const out: InputLine[] = [];
  features(input, field).forEach((f, i) => {
    const id = featureId(f, i, 'line');
    const g = f.geometry;
    if (!g) throw new PlanInputError('缺少几何 / missing geometry', `${field}.geometry`, id);
    let lines: Position[][];
    if (g.type === 'LineString') lines = [g.coordinates];
    else if (g.type === 'MultiLineString') lines = g.coordinates;
    else throw new PlanInputError(`需要线 / expected LineString, got ${g.type}`, `${field}.geometry.type`, id);
    for (const line of lines) {
      if (!Array.isArray(line) || line.length < 2) {
        throw new PlanInputError(
          '线至少需要 2 个点 / a line needs at least 2 positions',
          `${field}.geometry.coordinates`,
          id,
        );
      }
      line.forEach((c) => checkPosition(c, id, `${field}.geometry.coordinates`));
      const len = turf.length(turf.lineString(line.map((c) => [c[0]!, c[1]!])), { units: 'meters' });
      if (!(len > 0.5))
        throw new PlanInputError('线长度为零 / line has zero length', `${field}.geometry.coordinates`, id);
      if (len > 500_000)
        throw new PlanInputError(
          `线过长 / line too long: ${(len / 1000).toFixed(0)} km`,
          `${field}.geometry.coordinates`,
          id,
        );
      out.push({ id, coordinates: line, properties: (f.properties ?? {}) as Record<string, unknown> });
    }
  });
  if (out.length === 0) throw new PlanInputError('没有线 / no lines given', field);
  return out;
}
