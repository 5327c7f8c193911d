/**
 * Terrain the camera's rays land on: the takeoff plane (flat, at altAmslM − altRelM) or a DEM.
 *
 * A DEM is resampled once into cached 8 m tiles of a regular grid in the scene's local frame (bilinear
 * between nodes), so the renderer's millions of lookups are typed-array reads, not GeoTIFF calls.
 * Points the DEM cannot answer (outside it, nodata) take the mean of the tile's valid nodes, or the
 * DEM's first valid answer when the whole tile is empty.
 */
import type { LocalFrame } from './local-frame.ts';

/** Anything that answers an elevation (metres AMSL) at a WGS84 point: a function or `{ elevationAt }`. */
export type DemLike =
  | ((lon: number, lat: number) => number | null | undefined)
  | { elevationAt(lon: number, lat: number): number | null | undefined };

export interface Terrain {
  readonly flat: boolean;
  /** Elevation AMSL at local (x, y). */
  heightAt(x: number, y: number): number;
  /** Elevation and gradient at (x, y), written into out[0..2] = [h, ∂h/∂x, ∂h/∂y]. */
  sample(x: number, y: number, out: Float64Array): void;
}

/** A horizontal plane at `zM` metres AMSL. */
export function flatTerrain(zM: number): Terrain {
  return {
    flat: true,
    heightAt: () => zM,
    sample: (_x, _y, out) => {
      out[0] = zM;
      out[1] = 0;
      out[2] = 0;
    },
  };
}

const NODES = 129; // per tile side
const SPACING_M = 8;
const TILE_M = (NODES - 1) * SPACING_M;
const MAX_TILES = 160;

function demFunction(dem: DemLike): (lon: number, lat: number) => number | null | undefined {
  return typeof dem === 'function' ? dem : (lon, lat) => dem.elevationAt(lon, lat);
}

/** A DEM seen in `frame`'s local coordinates, resampled lazily into 4 m tiles. */
export function demTerrain(dem: DemLike, frame: LocalFrame): Terrain {
  const elevation = demFunction(dem);
  // Per tile: heights, then ∂h/∂x and ∂h/∂y at the nodes (central differences), so shading
  // interpolates the slope smoothly instead of showing 4 m facets.
  const tiles = new Map<number, Float32Array>();
  let fallback: number | undefined;

  const buildTile = (tx: number, ty: number): Float32Array => {
    const grid = new Float32Array(NODES * NODES);
    let sum = 0;
    let n = 0;
    for (let j = 0; j < NODES; j++) {
      for (let i = 0; i < NODES; i++) {
        const [lon, lat] = frame.toLonLat(tx * TILE_M + i * SPACING_M, ty * TILE_M + j * SPACING_M);
        const h = elevation(lon, lat);
        if (typeof h === 'number' && Number.isFinite(h)) {
          grid[j * NODES + i] = h;
          sum += h;
          n++;
          fallback ??= h;
        } else grid[j * NODES + i] = Number.NaN;
      }
    }
    const fill = n > 0 ? sum / n : (fallback ?? 0);
    const nn = NODES * NODES;
    for (let k = 0; k < nn; k++) if (Number.isNaN(grid[k])) grid[k] = fill;
    const out = new Float32Array(3 * nn);
    out.set(grid);
    for (let j = 0; j < NODES; j++)
      for (let i = 0; i < NODES; i++) {
        const i0 = Math.max(0, i - 1);
        const i1 = Math.min(NODES - 1, i + 1);
        const j0 = Math.max(0, j - 1);
        const j1 = Math.min(NODES - 1, j + 1);
        out[nn + j * NODES + i] =
          ((grid[j * NODES + i1] as number) - (grid[j * NODES + i0] as number)) / ((i1 - i0) * SPACING_M);
        out[2 * nn + j * NODES + i] =
          ((grid[j1 * NODES + i] as number) - (grid[j0 * NODES + i] as number)) / ((j1 - j0) * SPACING_M);
      }
    return out;
  };

  const tileAt = (tx: number, ty: number): Float32Array => {
    // Cantor-free key: tiles stay within ±2^20 of the origin (±500 000 km), far beyond any scene.
    const key = (tx + 1048576) * 2097152 + (ty + 1048576);
    let t = tiles.get(key);
    if (t) return t;
    t = buildTile(tx, ty);
    if (tiles.size >= MAX_TILES) {
      const oldest = tiles.keys().next().value;
      if (oldest !== undefined) tiles.delete(oldest);
    }
    tiles.set(key, t);
    return t;
  };

  // Single-entry memo: consecutive lookups almost always hit the same tile.
  let lastKx = Number.NaN;
  let lastKy = Number.NaN;
  let lastTile: Float32Array = new Float32Array(0);

  const sample = (x: number, y: number, out: Float64Array): void => {
    const gx = x / SPACING_M;
    const gy = y / SPACING_M;
    const ix = Math.floor(gx);
    const iy = Math.floor(gy);
    const tx = Math.floor(ix / (NODES - 1));
    const ty = Math.floor(iy / (NODES - 1));
    if (tx !== lastKx || ty !== lastKy) {
      lastTile = tileAt(tx, ty);
      lastKx = tx;
      lastKy = ty;
    }
    const i = ix - tx * (NODES - 1);
    const j = iy - ty * (NODES - 1);
    const fx = gx - ix;
    const fy = gy - iy;
    const k = j * NODES + i;
    const h00 = lastTile[k] as number;
    const h10 = lastTile[k + 1] as number;
    const h01 = lastTile[k + NODES] as number;
    const h11 = lastTile[k + NODES + 1] as number;
    const a = h00 + (h10 - h00) * fx;
    const b = h01 + (h11 - h01) * fx;
    out[0] = a + (b - a) * fy;
    const nn = NODES * NODES;
    for (let c = 1; c <= 2; c++) {
      const o = c * nn + k;
      const g00 = lastTile[o] as number;
      const g10 = lastTile[o + 1] as number;
      const g01 = lastTile[o + NODES] as number;
      const g11 = lastTile[o + NODES + 1] as number;
      const ga = g00 + (g10 - g00) * fx;
      const gb = g01 + (g11 - g01) * fx;
      out[c] = ga + (gb - ga) * fy;
    }
  };
  // Height alone, as `sample` works out out[0] (the ray marcher calls it ~30 times a ray): skips the
  // two gradient channels.
  const heightAt = (x: number, y: number): number => {
    const gx = x / SPACING_M;
    const gy = y / SPACING_M;
    const ix = Math.floor(gx);
    const iy = Math.floor(gy);
    const tx = Math.floor(ix / (NODES - 1));
    const ty = Math.floor(iy / (NODES - 1));
    if (tx !== lastKx || ty !== lastKy) {
      lastTile = tileAt(tx, ty);
      lastKx = tx;
      lastKy = ty;
    }
    const fx = gx - ix;
    const fy = gy - iy;
    const k = (iy - ty * (NODES - 1)) * NODES + (ix - tx * (NODES - 1));
    const h00 = lastTile[k] as number;
    const h10 = lastTile[k + 1] as number;
    const h01 = lastTile[k + NODES] as number;
    const h11 = lastTile[k + NODES + 1] as number;
    const a = h00 + (h10 - h00) * fx;
    const b = h01 + (h11 - h01) * fx;
    return a + (b - a) * fy;
  };
  return { flat: false, sample, heightAt };
}

/** Steepest terrain slope (rise over run) the ray marcher assumes; tan 63°. */
const LIPSCHITZ = 2;

/**
 * Distance parameter t ≥ 0 where the ray origin + t·dir first meets the terrain, or NaN when it does
 * not within `maxRangeM` horizontal metres. `dir` need not be normalised.
 */
export function intersectTerrain(
  terrain: Terrain,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  maxRangeM: number,
): number {
  const horiz = Math.sqrt(dx * dx + dy * dy);
  if (terrain.flat) {
    if (dz >= 0) return Number.NaN;
    const t = (terrain.heightAt(ox, oy) - oz) / dz;
    return t * horiz > maxRangeM ? Number.NaN : t;
  }
  // Lipschitz ray marching: the gap above ground cannot shrink faster than (−dz + L·horiz) per unit t.
  const rate = -dz + LIPSCHITZ * horiz;
  if (rate <= 0) return Number.NaN;
  const len = Math.sqrt(horiz * horiz + dz * dz);
  let t = 0;
  let prevT = 0;
  for (let i = 0; i < 600; i++) {
    const gap = oz + t * dz - terrain.heightAt(ox + t * dx, oy + t * dy);
    if (gap < 0) {
      // Overshot (slope steeper than assumed, or the minimum step): bisect back to the surface.
      let lo = prevT;
      let hi = t;
      for (let k = 0; k < 30; k++) {
        const mid = (lo + hi) / 2;
        const g = oz + mid * dz - terrain.heightAt(ox + mid * dx, oy + mid * dy);
        if (g < 0) hi = mid;
        else lo = mid;
      }
      return (lo + hi) / 2;
    }
    if (gap < 0.01 + 1e-5 * t * len) return t;
    if (t * horiz > maxRangeM) return Number.NaN;
    prevT = t;
    // The minimum step grows with range (0.5 m near, ~10 m at 5 km): far terrain is a few pixels.
    t += Math.max(gap / rate, (0.5 + 0.002 * t * len) / len);
  }
  return t * horiz > maxRangeM ? Number.NaN : t;
}
