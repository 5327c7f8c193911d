/**
 * Reading the ground-class raster at a scene point. A cell read as it is draws class edges (a field's,
 * a river bank's, a road's) as stair steps of the cell: at 25 cm cells that is 10–20 pixels a step in a
 * full-resolution photo from a low drone. Where a cell spans more than a pixel or two the read is
 * blended instead (`lookupBlended`): across an edge, the class with the most weight under a cubic B-spline
 * of the cells around the point wins, so the edge runs as a smooth line near the polygon's own, and a
 * smooth warp of the point (`edgeWarp`) bends that line the way a real field edge or bank wanders.
 */
import { valueNoise } from './noise.ts';
import { LEVEL_CELL_M, TILE_CELLS, type GroundRaster, type GroundTile } from './raster.ts';

/** The raster tile a lookup last read, so neighbouring samples skip the tile cache. */
export class RasterMemo {
  tile: GroundTile | null = null;
  x0 = 0;
  y0 = 0;
  cell = 1;
  level = -1;
  tx = 0;
  ty = 0;
}

/** Index in `m.tile` of the cell of `level` under (x, y); `m.tile` is that cell's tile afterwards. */
export function lookupCell(raster: GroundRaster, m: RasterMemo, x: number, y: number, level: number): number {
  const cell = LEVEL_CELL_M[level] ?? 16;
  const span = cell * TILE_CELLS;
  const tx = Math.floor(x / span);
  const ty = Math.floor(y / span);
  if (level !== m.level || tx !== m.tx || ty !== m.ty || !m.tile) {
    m.tile = raster.tile(level, tx, ty);
    m.level = level;
    m.tx = tx;
    m.ty = ty;
    m.x0 = tx * span;
    m.y0 = ty * span;
    m.cell = cell;
  }
  const i = Math.min(TILE_CELLS - 1, Math.floor((x - m.x0) / m.cell));
  const j = Math.min(TILE_CELLS - 1, Math.floor((y - m.y0) / m.cell));
  return j * TILE_CELLS + i;
}

/** A cell blends with its neighbours once it spans this many pixels: below, its steps do not show. */
export const BLEND_CELL_PX = 1.5;

/** Scratch for a blended read across an edge: per region met, its key, weight, weighted aux and cell. */
const regionKey = new Float64Array(16);
const regionW = new Float64Array(16);
const regionAux = new Float64Array(16);
const regionBest = new Int32Array(16);
const regionBestW = new Float64Array(16);
const wu = new Float64Array(4);
const wv = new Float64Array(4);

/**
 * The cell a blended read picks at (x, y), as {@link lookupCell} returns one, and in `out.aux` the
 * auxiliary value (0–255: distance across a river or road, out from the water on a bank) interpolated
 * over the corners of that same class and feature, so the gradients it drives have no steps either.
 */
export function lookupBlended(
  raster: GroundRaster,
  m: RasterMemo,
  x: number,
  y: number,
  level: number,
  out: { aux: number },
): number {
  const cell = LEVEL_CELL_M[level] ?? 16;
  const u = x / cell - 0.5;
  const v = y / cell - 0.5;
  const gi = Math.floor(u);
  const gj = Math.floor(v);
  const fu = u - gi;
  const fv = v - gj;
  // The four corners' cells in one tile (all but the tile's last row and column): read in place.
  const k00 = lookupCell(raster, m, (gi + 0.5) * cell, (gj + 0.5) * cell, level);
  const t = m.tile as GroundTile;
  const n = TILE_CELLS;
  if (k00 % n < n - 1 && k00 < n * (n - 1)) {
    const cls = t.cls;
    const feat = t.feat;
    const a = t.aux;
    const c0 = cls[k00] as number;
    const f0 = feat[k00] as number;
    if (
      cls[k00 + 1] === c0 &&
      cls[k00 + n] === c0 &&
      cls[k00 + n + 1] === c0 &&
      feat[k00 + 1] === f0 &&
      feat[k00 + n] === f0 &&
      feat[k00 + n + 1] === f0
    ) {
      // One region around the point (nearly every read): only the auxiliary value is interpolated.
      const top = (a[k00] as number) + ((a[k00 + 1] as number) - (a[k00] as number)) * fu;
      const bottom = (a[k00 + n] as number) + ((a[k00 + n + 1] as number) - (a[k00 + n] as number)) * fu;
      out.aux = top + (bottom - top) * fv;
      return k00;
    }
  }
  // An edge between regions, or a tile's seam: the region with the most weight under a cubic B-spline
  // over the 4 × 4 cells around the point. A bilinear blend of the 2 × 2 would only chamfer the
  // steps' corners (a shallow edge keeps steps of a cell); the B-spline rounds the staircase into its
  // line. With the 2 × 2 in one region that region has at least (5/6)² of the weight, so the read
  // above is the same as this one there.
  bspline(fu, wu);
  bspline(fv, wv);
  let regions = 0;
  for (let b = 0; b < 4; b++)
    for (let a = 0; a < 4; a++) {
      const k = lookupCell(raster, m, (gi + a - 0.5) * cell, (gj + b - 0.5) * cell, level);
      const tc = m.tile as GroundTile;
      // Class and feature together: two fields side by side are two regions, as two classes are.
      const key = (tc.cls[k] as number) * 65536 + (tc.feat[k] as number);
      const w = (wu[a] as number) * (wv[b] as number);
      let r = 0;
      while (r < regions && regionKey[r] !== key) r++;
      if (r === regions) {
        regionKey[r] = key;
        regionW[r] = 0;
        regionAux[r] = 0;
        regionBest[r] = -1;
        regions++;
      }
      regionW[r] = (regionW[r] as number) + w;
      regionAux[r] = (regionAux[r] as number) + w * (tc.aux[k] as number);
      // The region's own cell with the most weight answers for it (the nearest of its cells).
      if (regionBest[r] === -1 || w > (regionBestW[r] as number)) {
        regionBest[r] = b * 4 + a;
        regionBestW[r] = w;
      }
    }
  let best = 0;
  for (let r = 1; r < regions; r++) if ((regionW[r] as number) > (regionW[best] as number) + 1e-12) best = r;
  out.aux = (regionAux[best] as number) / (regionW[best] as number);
  const at = regionBest[best] as number;
  return lookupCell(raster, m, (gi + (at & 3) - 0.5) * cell, (gj + (at >> 2) - 0.5) * cell, level);
}

/** Uniform cubic B-spline weights of the four lattice points around fraction f (they sum to 1). */
function bspline(f: number, w: Float64Array): void {
  const g = 1 - f;
  w[0] = (g * g * g) / 6;
  w[1] = (3 * f * f * f - 6 * f * f + 4) / 6;
  w[2] = (-3 * f * f * f + 3 * f * f + 3 * f + 1) / 6;
  w[3] = (f * f * f) / 6;
}

/**
 * How far (in units of the warp's amplitude, about −1…1) class edges are moved at (x, y) along x
 * (`axis` 0) or y (1): two octaves of smooth noise, 1.2 m and 0.35 m, so an edge wanders by decimetres
 * over metres and is never a straight run of cells.
 */
export function edgeWarp(x: number, y: number, axis: 0 | 1): number {
  const seed = axis ? 0x3c6e : 0x1b87;
  return (valueNoise(x / 1.2, y / 1.2, seed) - 0.5) * 1.5 + (valueNoise(x / 0.35, y / 0.35, seed + 1) - 0.5) * 0.6;
}
