/**
 * An elevation raster held in memory: a north-up lon/lat grid of Float32 heights (metres AMSL) with
 * bilinear lookup between pixel centres. Built by `openDem` from a GeoTIFF, or directly from arrays.
 */
import { bbox as turfBbox } from '@turf/turf';
import type { BBox, GeoJSON, Position } from 'geojson';

/** Raster geometry and values. Pixel (i, j) covers [west + i·dx, west + (i+1)·dx] × [north − (j+1)·dy, north − j·dy]. */
export interface DemGrid {
  width: number;
  height: number;
  /** West edge of the first column, degrees. */
  west: number;
  /** North edge of the first row, degrees. */
  north: number;
  /** Pixel size in longitude, degrees (> 0). */
  pixelSizeLonDeg: number;
  /** Pixel size in latitude, degrees (> 0). */
  pixelSizeLatDeg: number;
  /** Row-major, first row = northernmost, metres AMSL. */
  values: Float32Array;
  /** Value that marks "no data" (NaN also counts as no data). */
  noData: number | null;
}

/** One sample of a profile along a line. */
export interface DemLineSample {
  lon: number;
  lat: number;
  /** Distance from the first position along the line, metres (great-circle). */
  distanceM: number;
  /** Terrain height, metres AMSL; null outside the DEM or over no-data. */
  elevationM: number | null;
}

/** A DEM ready for queries. */
export interface Dem {
  /** [west, south, east, north] of the raster's outer edges, degrees. */
  bbox: [number, number, number, number];
  /** Pixel size in degrees (longitude; latitude pixels are usually the same). */
  resolutionDeg: number;
  /** The raster itself, for bulk work (hillshade, ray marching). Do not mutate. */
  grid: DemGrid;
  /** Terrain height at a point, bilinear between pixel centres; null outside the DEM or over no-data. */
  elevationAt(lon: number, lat: number): number | null;
  /** Slope at a point, degrees (central differences over one pixel); null where a neighbour is missing. */
  slopeDegAt(lon: number, lat: number): number | null;
  /** Whether the DEM's extent contains a bbox [w, s, e, n] or the bbox of any GeoJSON object. */
  covers(target: BBox | GeoJSON): boolean;
  /**
   * Terrain profile along a polyline of [lon, lat] positions: a sample every `stepM` metres of path length,
   * plus one at every vertex and at the end.
   */
  sampleLine(coords: readonly Position[], stepM: number): DemLineSample[];
}

const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

/** Great-circle distance in metres (haversine, the sphere turf uses). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLon = (lon2 - lon1) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Wraps an in-memory grid as a {@link Dem}. Throws on inconsistent grid sizes. */
export function demFromGrid(grid: DemGrid): Dem {
  const { width, height, west, north, pixelSizeLonDeg: dx, pixelSizeLatDeg: dy, values } = grid;
  if (!(width >= 1 && height >= 1) || values.length !== width * height) {
    throw new Error(`DEM网格尺寸不一致 / DEM grid size mismatch: ${width}×${height} vs ${values.length} values`);
  }
  if (!(dx > 0 && dy > 0)) throw new Error('DEM像元大小必须为正 / DEM pixel size must be positive');
  // round away float noise (119.02 + 800 × 0.0003 = 119.25999999999999) so edges compare as written
  const east = Math.round((west + width * dx) * 1e10) / 1e10;
  const south = Math.round((north - height * dy) * 1e10) / 1e10;
  const noData = grid.noData;
  const maxI = width - 1;
  const maxJ = height - 1;

  const elevationAt = (lon: number, lat: number): number | null => {
    if (!(lon >= west && lon <= east && lat >= south && lat <= north)) return null;
    // continuous pixel-centre coordinates, clamped so the half-pixel border repeats the edge values
    let fx = (lon - west) / dx - 0.5;
    let fy = (north - lat) / dy - 0.5;
    fx = fx < 0 ? 0 : fx > maxI ? maxI : fx;
    fy = fy < 0 ? 0 : fy > maxJ ? maxJ : fy;
    let i0 = Math.floor(fx);
    let j0 = Math.floor(fy);
    if (i0 >= maxI) i0 = maxI > 0 ? maxI - 1 : 0;
    if (j0 >= maxJ) j0 = maxJ > 0 ? maxJ - 1 : 0;
    const i1 = i0 < maxI ? i0 + 1 : i0;
    const j1 = j0 < maxJ ? j0 + 1 : j0;
    const tx = fx - i0;
    const ty = fy - j0;
    const a = values[j0 * width + i0]!;
    const b = values[j0 * width + i1]!;
    const c = values[j1 * width + i0]!;
    const d = values[j1 * width + i1]!;
    if (a !== a || b !== b || c !== c || d !== d) return null; // NaN
    if (noData !== null && (a === noData || b === noData || c === noData || d === noData)) return null;
    const top = a + (b - a) * tx;
    const bottom = c + (d - c) * tx;
    return top + (bottom - top) * ty;
  };

  const slopeDegAt = (lon: number, lat: number): number | null => {
    const hx = dx;
    const hy = dy;
    const e = elevationAt(lon + hx, lat);
    const w = elevationAt(lon - hx, lat);
    const n = elevationAt(lon, lat + hy);
    const s = elevationAt(lon, lat - hy);
    if (e === null || w === null || n === null || s === null) return null;
    const mx = haversineM(lon - hx, lat, lon + hx, lat);
    const my = haversineM(lon, lat - hy, lon, lat + hy);
    const gx = (e - w) / mx;
    const gy = (n - s) / my;
    return Math.atan(Math.hypot(gx, gy)) / DEG;
  };

  const covers = (target: BBox | GeoJSON): boolean => {
    const b = Array.isArray(target) ? (target as number[]) : turfBbox(target as GeoJSON);
    const [bw, bs, be, bn] = b.length === 6 ? [b[0]!, b[1]!, b[3]!, b[4]!] : [b[0]!, b[1]!, b[2]!, b[3]!];
    return bw >= west && be <= east && bs >= south && bn <= north && bw <= be && bs <= bn;
  };

  const sampleLine = (coords: readonly Position[], stepM: number): DemLineSample[] => {
    if (!(stepM > 0)) throw new Error(`stepM必须为正数 / stepM must be > 0 (got ${stepM})`);
    const out: DemLineSample[] = [];
    const push = (lon: number, lat: number, distanceM: number) =>
      out.push({ lon, lat, distanceM, elevationM: elevationAt(lon, lat) });
    if (coords.length === 0) return out;
    const first = coords[0]!;
    push(first[0]!, first[1]!, 0);
    let travelled = 0;
    let nextMark = stepM;
    for (let k = 1; k < coords.length; k++) {
      const a = coords[k - 1]!;
      const b = coords[k]!;
      const segM = haversineM(a[0]!, a[1]!, b[0]!, b[1]!);
      while (nextMark < travelled + segM - 1e-9) {
        const f = (nextMark - travelled) / segM;
        push(a[0]! + (b[0]! - a[0]!) * f, a[1]! + (b[1]! - a[1]!) * f, nextMark);
        nextMark += stepM;
      }
      travelled += segM;
      if (segM > 0) push(b[0]!, b[1]!, travelled);
      if (nextMark <= travelled + 1e-9) nextMark = travelled + stepM;
    }
    return out;
  };

  return {
    bbox: [west, south, east, north],
    resolutionDeg: dx,
    grid,
    elevationAt,
    slopeDegAt,
    covers,
    sampleLine,
  };
}
