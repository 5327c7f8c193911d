/**
 * Ground-class rasters of the scene features, in square tiles of the scene frame at four levels of
 * detail (0.25, 1, 4, 16 m cells), built on first use and cached. The renderer picks the level whose
 * cell is no smaller than the pixel's ground size, so a nadir shot at 100 m reads 25 cm cells and a
 * far oblique horizon reads 16 m cells without rasterising kilometres at 25 cm.
 */
import { GROUND, type SceneFeature } from './layers.ts';
import { segmentDistance } from './segment-distance.ts';

export const TILE_CELLS = 256;
export const LEVEL_CELL_M = [0.25, 1, 4, 16] as const;
const MAX_TILES = 160;

export interface GroundTile {
  /** Ground class per cell (GROUND.*). */
  cls: Uint8Array;
  /** 1-based feature index per cell, 0 = none. */
  feat: Uint16Array;
  /**
   * Water/road/track: distance from the centreline relative to the half-width, 0..255 (255 = edge);
   * bank: distance from the water's edge relative to the bank width, 0..255.
   */
  aux: Uint8Array;
}

/** Level of detail for a pixel whose ground footprint is `gsdM` metres. */
export function levelForGsd(gsdM: number): number {
  if (gsdM < 0.3) return 0;
  if (gsdM < 1.2) return 1;
  if (gsdM < 5) return 2;
  return 3;
}

function fillPolygon(tile: GroundTile, x0: number, y0: number, cell: number, f: SceneFeature): void {
  const n = TILE_CELLS;
  const yMin = y0;
  const yMax = y0 + n * cell;
  // Edges overlapping the tile's rows; crossings left of the tile still count for the even-odd rule.
  const edges: number[] = [];
  for (const poly of f.polygons)
    for (const ring of poly) {
      const m = ring.length / 2;
      for (let i = 0; i < m; i++) {
        const ax = ring[2 * i] as number;
        const ay = ring[2 * i + 1] as number;
        const k = (i + 1) % m;
        const bx = ring[2 * k] as number;
        const by = ring[2 * k + 1] as number;
        if ((ay < yMin && by < yMin) || (ay > yMax && by > yMax) || ay === by) continue;
        edges.push(ax, ay, bx, by);
      }
    }
  if (edges.length === 0) return;
  const xs: number[] = [];
  for (let j = 0; j < n; j++) {
    const yc = y0 + (j + 0.5) * cell;
    xs.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const ay = edges[e + 1] as number;
      const by = edges[e + 3] as number;
      if (ay <= yc !== by <= yc) {
        const ax = edges[e] as number;
        const bx = edges[e + 2] as number;
        xs.push(ax + ((yc - ay) * (bx - ax)) / (by - ay));
      }
    }
    if (xs.length < 2) continue;
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Cells whose centre lies inside [xs[k], xs[k+1]].
      const i0 = Math.max(0, Math.ceil(((xs[k] as number) - x0) / cell - 0.5));
      const i1 = Math.min(n - 1, Math.floor(((xs[k + 1] as number) - x0) / cell - 0.5));
      const row = j * n;
      for (let i = i0; i <= i1; i++) {
        tile.cls[row + i] = f.cls;
        tile.feat[row + i] = f.index;
        tile.aux[row + i] = 128;
      }
    }
  }
}

function strokeLines(tile: GroundTile, x0: number, y0: number, cell: number, f: SceneFeature): void {
  const n = TILE_CELLS;
  const hw = f.halfWidthM;
  const reach = hw + f.bankM;
  const x1 = x0 + n * cell;
  const y1 = y0 + n * cell;
  for (const l of f.lines) {
    for (let s = 0; s + 3 < l.length; s += 2) {
      const ax = l[s] as number;
      const ay = l[s + 1] as number;
      const bx = l[s + 2] as number;
      const by = l[s + 3] as number;
      if (Math.max(ax, bx) + reach < x0 || Math.min(ax, bx) - reach > x1) continue;
      if (Math.max(ay, by) + reach < y0 || Math.min(ay, by) - reach > y1) continue;
      const i0 = Math.max(0, Math.floor((Math.min(ax, bx) - reach - x0) / cell));
      const i1 = Math.min(n - 1, Math.floor((Math.max(ax, bx) + reach - x0) / cell));
      const j0 = Math.max(0, Math.floor((Math.min(ay, by) - reach - y0) / cell));
      const j1 = Math.min(n - 1, Math.floor((Math.max(ay, by) + reach - y0) / cell));
      for (let j = j0; j <= j1; j++) {
        const y = y0 + (j + 0.5) * cell;
        for (let i = i0; i <= i1; i++) {
          const d = segmentDistance(x0 + (i + 0.5) * cell, y, ax, ay, bx, by);
          if (d > reach) continue;
          const k = j * n + i;
          if (d <= hw) {
            const rel = Math.min(255, Math.round((d / hw) * 255));
            if (tile.feat[k] === f.index && tile.cls[k] === f.cls) {
              if (rel < (tile.aux[k] as number)) tile.aux[k] = rel;
            } else {
              tile.cls[k] = f.cls;
              tile.feat[k] = f.index;
              tile.aux[k] = rel;
            }
          } else if (tile.cls[k] !== GROUND.water && tile.cls[k] !== GROUND.road && tile.cls[k] !== GROUND.track) {
            const rel = Math.min(255, Math.round(((d - hw) / f.bankM) * 255));
            if (tile.cls[k] === GROUND.bank && tile.feat[k] === f.index && rel >= (tile.aux[k] as number)) continue;
            tile.cls[k] = GROUND.bank;
            tile.feat[k] = f.index;
            tile.aux[k] = rel;
          }
        }
      }
    }
  }
}

/** Lazily rasterised, cached ground-class tiles of a list of scene features. */
export class GroundRaster {
  private readonly tiles = new Map<string, GroundTile>();
  constructor(private readonly features: readonly SceneFeature[]) {}

  /** The tile (level, tx, ty): cells [tx·256, tx·256 + 256) × … of LEVEL_CELL_M[level] metres. */
  tile(level: number, tx: number, ty: number): GroundTile {
    const key = `${level}/${tx}/${ty}`;
    const hit = this.tiles.get(key);
    if (hit) {
      // Refresh recency for the LRU.
      this.tiles.delete(key);
      this.tiles.set(key, hit);
      return hit;
    }
    const cell = LEVEL_CELL_M[level] ?? 16;
    const n = TILE_CELLS;
    const x0 = tx * n * cell;
    const y0 = ty * n * cell;
    const t: GroundTile = {
      cls: new Uint8Array(n * n),
      feat: new Uint16Array(n * n),
      aux: new Uint8Array(n * n).fill(255),
    };
    const x1 = x0 + n * cell;
    const y1 = y0 + n * cell;
    for (const f of this.features) {
      const [bx0, by0, bx1, by1] = f.bbox;
      if (bx1 < x0 || bx0 > x1 || by1 < y0 || by0 > y1) continue;
      if (f.polygons.length) fillPolygon(t, x0, y0, cell, f);
      if (f.lines.length) strokeLines(t, x0, y0, cell, f);
    }
    if (this.tiles.size >= MAX_TILES) {
      const oldest = this.tiles.keys().next().value;
      if (oldest !== undefined) this.tiles.delete(oldest);
    }
    this.tiles.set(key, t);
    return t;
  }

  /** Feature by its 1-based index. */
  feature(index: number): SceneFeature | undefined {
    return this.features[index - 1];
  }
}
