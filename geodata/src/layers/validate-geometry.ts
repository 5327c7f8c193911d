/**
 * Geometry validity beyond what a schema can say: rings closed and with ≥ 4 positions, coordinates in range,
 * RFC 7946 winding (outer rings counter-clockwise, holes clockwise), no self-intersections (turf `kinks`),
 * holes inside their outer ring, no zero-area rings.
 */
import { booleanPointInPolygon, kinks, polygon as turfPolygon } from '@turf/turf';
import type { Geometry, Position } from 'geojson';

export interface GeometryIssue {
  /** Path inside the feature, e.g. `geometry.coordinates[0][3]`. */
  field: string;
  message: string;
}

export interface ValidateGeometryOptions {
  /** RFC 7946 winding: 'error' (default) reports clockwise outer rings / counter-clockwise holes. */
  winding?: 'error' | 'ignore';
}

/** Signed area of a ring in the lon/lat plane (positive = counter-clockwise). */
export function ringSignedArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    s += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return s / 2;
}

function checkPositions(coords: Position[], field: string, out: GeometryIssue[]): boolean {
  let ok = true;
  coords.forEach((p, i) => {
    const [lon, lat] = p as [number, number];
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      out.push({ field: `${field}[${i}]`, message: '坐标不是有限数 / coordinate is not a finite number' });
      ok = false;
    } else if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      out.push({
        field: `${field}[${i}]`,
        message: `坐标超出范围 / coordinate out of range: [${lon}, ${lat}] (需 [经度, 纬度] / expects [lon, lat])`,
      });
      ok = false;
    }
  });
  return ok;
}

function checkPolygon(rings: Position[][], field: string, opts: ValidateGeometryOptions, out: GeometryIssue[]): void {
  if (rings.length === 0) {
    out.push({ field, message: '多边形没有环 / polygon has no rings' });
    return;
  }
  let structural = true;
  rings.forEach((ring, r) => {
    const f = `${field}[${r}]`;
    if (!checkPositions(ring, f, out)) {
      structural = false;
    } else if (ring.length < 4) {
      out.push({ field: f, message: `环至少需要4个坐标 / a ring needs at least 4 positions (has ${ring.length})` });
      structural = false;
    } else {
      const first = ring[0]!;
      const last = ring[ring.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        out.push({
          field: f,
          message: '环未闭合（首尾坐标不同）/ ring is not closed (first and last positions differ)',
        });
        structural = false;
      }
    }
  });
  if (!structural) return;
  // self-intersections first: a bow tie's signed area says nothing useful about its winding
  const crossings = kinks(turfPolygon(rings)).features;
  if (crossings.length > 0) {
    const at = crossings[0]!.geometry.coordinates;
    out.push({
      field,
      message: `边界自相交（${crossings.length}处，如 [${at[0]!.toFixed(6)}, ${at[1]!.toFixed(6)}]）/ boundary self-intersects (${crossings.length}×, e.g. at that point)`,
    });
    return;
  }
  let degenerate = false;
  rings.forEach((ring, r) => {
    const f = `${field}[${r}]`;
    const area = ringSignedArea(ring);
    if (area === 0) {
      out.push({ field: f, message: '环面积为零 / ring has zero area' });
      degenerate = true;
    } else if (opts.winding !== 'ignore') {
      if (r === 0 && area < 0) {
        out.push({ field: f, message: '外环应为逆时针（RFC 7946）/ outer ring must be counter-clockwise (RFC 7946)' });
      } else if (r > 0 && area > 0) {
        out.push({ field: f, message: '内环（洞）应为顺时针（RFC 7946）/ hole must be clockwise (RFC 7946)' });
      }
    }
  });
  if (degenerate) return;
  const outer = turfPolygon([rings[0]!]);
  rings.slice(1).forEach((hole, h) => {
    if (!booleanPointInPolygon(hole[0]!, outer, { ignoreBoundary: true })) {
      out.push({ field: `${field}[${h + 1}]`, message: '洞不在外环内 / hole lies outside the outer ring' });
    }
  });
}

function checkLine(coords: Position[], field: string, out: GeometryIssue[]): void {
  if (!checkPositions(coords, field, out)) return;
  if (coords.length < 2) {
    out.push({ field, message: `线至少需要2个坐标 / a line needs at least 2 positions (has ${coords.length})` });
  }
}

/** Checks one geometry; returns every problem found (empty when valid). Fields are prefixed with `geometry.`. */
export function validateGeometry(geometry: Geometry, options: ValidateGeometryOptions = {}): GeometryIssue[] {
  const out: GeometryIssue[] = [];
  const base = 'geometry.coordinates';
  switch (geometry.type) {
    case 'Point':
      checkPositions([geometry.coordinates], 'geometry', out);
      break;
    case 'MultiPoint':
      checkPositions(geometry.coordinates, base, out);
      break;
    case 'LineString':
      checkLine(geometry.coordinates, base, out);
      break;
    case 'MultiLineString':
      geometry.coordinates.forEach((l, i) => checkLine(l, `${base}[${i}]`, out));
      break;
    case 'Polygon':
      checkPolygon(geometry.coordinates, base, options, out);
      break;
    case 'MultiPolygon':
      geometry.coordinates.forEach((p, i) => checkPolygon(p, `${base}[${i}]`, options, out));
      break;
    case 'GeometryCollection':
      geometry.geometries.forEach((g, i) =>
        validateGeometry(g, options).forEach((iss) =>
          out.push({ ...iss, field: iss.field.replace(/^geometry/, `geometry.geometries[${i}]`) }),
        ),
      );
      break;
  }
  return out;
}
