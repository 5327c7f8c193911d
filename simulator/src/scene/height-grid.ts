/**
 * Heights of trees and houses for shadow tests, on lattices filled lazily. A shadow test samples
 * the height field at a few points toward the sun, and neighbouring shadow blocks (~0.3 m apart)
 * sample nearly the same points: evaluating the height once per lattice node and interpolating
 * costs a fraction of evaluating it per sample. The lattice spacing follows the ground footprint of
 * the shadow blocks (0.25 m near the camera, coarser far off in oblique views), so a grid is never
 * finer than the tests that read it. Each node's value depends only on its position, so the result
 * does not depend on the order the pixels are shaded in (same bytes for the same photo).
 */

/** Finest lattice spacing (m): the object-height raster is dithered on 0.4 m, crowns are metres wide. */
export const HEIGHT_CELL_M = 0.25;
const LEVELS = 6;
/** Nodes per tile side (a power of two). */
const TILE_SHIFT = 6;
const TILE = 1 << TILE_SHIFT;
const TILE_MASK = TILE - 1;
/** Offset keeping tile coordinates positive in the map key (±2^10 tiles: ±16 km on the finest lattice). */
const KEY_OFF = 1 << 10;
const KEY_SPAN = 1 << 11;
/** Memo slots: one per sample distance of a shadow test (each walks its own row of tiles). */
const SLOTS = 8;

export class HeightGrid {
  private readonly tiles = new Map<number, Float32Array>();
  private level = 0;
  private cell = HEIGHT_CELL_M;
  private inv = 1 / HEIGHT_CELL_M;
  // The last tile each slot read (a slot's successive samples mostly fall in it); keys stay small
  // integers so map look-ups hash them cheaply.
  private readonly lastKey = new Int32Array(SLOTS).fill(-1);
  private readonly last: (Float32Array | null)[] = new Array<Float32Array | null>(SLOTS).fill(null);
  private slot = 0;

  constructor(
    /** The exact height (m) at a scene-frame point. */
    private readonly heightAt: (x: number, y: number) => number,
  ) {}

  /** Choose the lattice for samples standing for `footM` metres of ground. */
  setFootprint(footM: number): void {
    let level = 0;
    let cell = HEIGHT_CELL_M;
    while (level < LEVELS - 1 && cell * 2 <= footM) {
      level++;
      cell *= 2;
    }
    if (level === this.level) return;
    this.level = level;
    this.cell = cell;
    this.inv = 1 / cell;
  }

  /** Height at (x, y), bilinear between the four lattice nodes around it; `slot` picks the tile memo. */
  at(x: number, y: number, slot: number): number {
    this.slot = slot & (SLOTS - 1);
    const u = x * this.inv;
    const v = y * this.inv;
    const i = Math.floor(u);
    const j = Math.floor(v);
    const fu = u - i;
    const fv = v - j;
    let h00: number;
    let h10: number;
    let h01: number;
    let h11: number;
    const li = i & TILE_MASK;
    const lj = j & TILE_MASK;
    if (li < TILE_MASK && lj < TILE_MASK) {
      // All four nodes in one tile (most samples): one tile look-up, then plain reads.
      const t = this.tile(i >> TILE_SHIFT, j >> TILE_SHIFT);
      const k = lj * TILE + li;
      h00 = this.read(t, k, i, j);
      h10 = this.read(t, k + 1, i + 1, j);
      h01 = this.read(t, k + TILE, i, j + 1);
      h11 = this.read(t, k + TILE + 1, i + 1, j + 1);
    } else {
      h00 = this.node(i, j);
      h10 = this.node(i + 1, j);
      h01 = this.node(i, j + 1);
      h11 = this.node(i + 1, j + 1);
    }
    const a = h00 + (h10 - h00) * fu;
    const b = h01 + (h11 - h01) * fu;
    return a + (b - a) * fv;
  }

  private node(i: number, j: number): number {
    return this.read(this.tile(i >> TILE_SHIFT, j >> TILE_SHIFT), (j & TILE_MASK) * TILE + (i & TILE_MASK), i, j);
  }

  /** The tile (tx, ty) of the current lattice, through this slot's memo. */
  private tile(tx: number, ty: number): Float32Array {
    const key = ((this.level * KEY_SPAN + tx + KEY_OFF) * KEY_SPAN + ty + KEY_OFF) | 0;
    const slot = this.slot;
    let t = this.last[slot] ?? null;
    if (key !== this.lastKey[slot] || !t) {
      t = this.tiles.get(key) ?? null;
      if (!t) {
        t = new Float32Array(TILE * TILE).fill(Number.NaN);
        this.tiles.set(key, t);
      }
      this.lastKey[slot] = key;
      this.last[slot] = t;
    }
    return t;
  }

  /** Node (i, j), entry k of tile t: evaluated on first read. */
  private read(t: Float32Array, k: number, i: number, j: number): number {
    let h = t[k] as number;
    if (h !== h) {
      h = this.heightAt(i * this.cell, j * this.cell);
      t[k] = h;
      // Float32 storage: read back what was stored, so a node reads the same whether fresh or cached.
      h = t[k] as number;
    }
    return h;
  }
}
