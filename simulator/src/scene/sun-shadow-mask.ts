/**
 * Sun shadows of trees and houses in ground coordinates, one mask per photo. For each node of a
 * lattice turned to face the sun it holds the shadow top: the height below which that ground point
 * is shadowed, max over d of (object height d metres toward the sun − d · tan(sun elevation)). A point
 * standing objH high sees the sun when objH is above the top; a shading sample reads it in O(1)
 * (bilinear between four nodes, which also softens the shadow edges) instead of marching toward the
 * sun. Along a lattice row the top follows a running maximum (top[a] = max(h[a+1], top[a+1]) − step ·
 * tan), so a tile costs one object height per node plus a few additions per node of the margin
 * upstream.
 *
 * A tree's crown floats: it stands between its base and its top, with only a trunk below. Bare ground
 * reads it as such (`top`'s `ground`): each node's crown is cast as a column of its own depth (top −
 * base), moved base / tan(elevation) away from the sun, which shades exactly the ground that the crown
 * shades (the ray from a ground point d metres away meets the crown where base ≤ d · tan ≤ top). A
 * pine's shadow lies a trunk's length off its foot as a blob, not a streak from the trunk's foot. Points
 * on objects read the nodes as solid columns.
 *
 * Tiles are filled when first read, so the mask covers the photo's footprint (and the strip toward the
 * sun whose objects cast into it) and nothing else. The lattice spacing follows the ground footprint of
 * the samples that read it: 0.25 m near the camera, doubling far off in oblique views (memory stays
 * that of a footprint-sized grid). Each node depends only on its position, so a photo's pixels do not
 * depend on the order they are shaded in.
 */

/** Finest lattice spacing (m): the object-height raster is dithered on 0.4 m, crowns are metres wide. */
export const SHADOW_CELL_M = 0.25;
/** Objects are at most this tall (m); a point standing higher is always lit. */
export const MAX_OBJECT_H_M = 20;
/** Farthest object that can shade a point (m), whatever the sun's elevation. */
const MAX_REACH_M = 45;
/**
 * Objects nearer than this toward the sun (m) are left to the surface's own modelling: a crown is not
 * darkened by the next lattice node of the same crown (its normals already light it). Bare ground has
 * no such self: it reads the tops of every node from the next one on (`top`'s `ground`), or objects
 * shorter than this times the sun's tangent (a 1.8 m shrub at 68°) would cast no shadow at all.
 */
const SELF_M = 0.75;
/**
 * Lattices up to this wide across three nodes drop features narrower than that (see fillTops): only
 * the finest, where the class raster's dither makes lone tall nodes. Eroding coarser ones too would
 * shrink their shadows (by a fifth at 0.5 m) against the finer lattice's, and show where they meet.
 */
const ERODE_MAX_M = 0.75;
const LEVELS = 6;
/** Nodes per tile side (a power of two). */
const TILE_SHIFT = 6;
const TILE = 1 << TILE_SHIFT;
const TILE_MASK = TILE - 1;
/** Offset of the bare-ground tops in a tile of tops. */
const NEAR = TILE * TILE;
/** Offset keeping tile coordinates positive in the map key (±2^11 tiles: ±32 km on the finest lattice). */
const KEY_OFF = 1 << 11;
const KEY_SPAN = 1 << 12;

interface Level {
  cell: number;
  inv: number;
  /** How far the top falls per node toward the camera (m). */
  drop: number;
  /** Nodes skipped next to the point (SELF_M) and nodes read toward the sun beyond a tile. */
  self: number;
  reach: number;
  /** Whether heights are narrowed across the sun before they cast (the finest lattice only). */
  erode: boolean;
  heights: Map<number, Float32Array>;
  tops: Map<number, Float32Array>;
}

export class SunShadowMask {
  private readonly levels: Level[] = [];
  /** Horizontal unit vector toward the sun: the lattice's a axis; b is a turned a quarter left. */
  private readonly ux: number;
  private readonly uy: number;
  // The last tile read (most successive reads fall in it); keys stay small integers.
  private lastKey = -1;
  private last: Float32Array | null = null;
  /** When set, CPU time spent filling tiles is summed in fillUs (render-profile --stages). */
  timed = false;
  fillUs = 0;

  constructor(
    /** Height (m) of trees and houses above the ground at a scene-frame point. */
    private readonly heightAt: (x: number, y: number) => number,
    /** Direction toward the sun, horizontal (need not be unit; (0, 0) for a sun overhead). */
    sunX: number,
    sunY: number,
    tanSun: number,
    /** Height (m) of the bottom of what heightAt's last call found (a crown's base; 0: it stands on the ground). */
    private readonly baseOfLast: () => number = () => 0,
  ) {
    const len = Math.hypot(sunX, sunY);
    this.ux = len > 1e-9 ? sunX / len : 0;
    this.uy = len > 1e-9 ? sunY / len : 1;
    const reachM = Math.min(MAX_REACH_M, MAX_OBJECT_H_M / Math.max(1e-6, tanSun));
    for (let l = 0, cell = SHADOW_CELL_M; l < LEVELS; l++, cell *= 2)
      this.levels.push({
        cell,
        inv: 1 / cell,
        drop: cell * tanSun,
        self: Math.max(1, Math.round(SELF_M / cell)),
        reach: Math.ceil(reachM / cell),
        erode: cell * 3 <= ERODE_MAX_M,
        heights: new Map(),
        tops: new Map(),
      });
  }

  /** The level whose spacing suits samples standing for `footM` metres of ground. */
  static levelFor(footM: number): number {
    let level = 0;
    let cell = SHADOW_CELL_M;
    while (level < LEVELS - 1 && cell * 2 <= footM) {
      level++;
      cell *= 2;
    }
    return level;
  }

  /**
   * Shadow top (m above the ground) at scene point (x, y) on lattice `level`, bilinear. `ground`: for a
   * point of bare ground, which objects from the next node toward the sun on shade (SELF_M is for points
   * on an object).
   */
  top(x: number, y: number, level: number, ground = false): number {
    const L = this.levels[level] as Level;
    const u = (x * this.ux + y * this.uy) * L.inv;
    const v = (y * this.ux - x * this.uy) * L.inv;
    const i = Math.floor(u);
    const j = Math.floor(v);
    const fu = u - i;
    const fv = v - j;
    const li = i & TILE_MASK;
    const lj = j & TILE_MASK;
    // Nodes on a tile's last row or column: their neighbours are in the next tile (a path of its own,
    // so that this one stays small enough to be inlined into the shader's per-sample calls).
    const near = ground ? NEAR : 0;
    if (li === TILE_MASK || lj === TILE_MASK) return this.topAcross(level, L, i, j, fu, fv, near);
    // All four nodes in one tile (most reads): one tile look-up, then plain reads.
    const t = this.topTile(level, L, i >> TILE_SHIFT, j >> TILE_SHIFT);
    const k = lj * TILE + li + near;
    const t00 = t[k] as number;
    const t10 = t[k + 1] as number;
    const t01 = t[k + TILE] as number;
    const t11 = t[k + TILE + 1] as number;
    const a = t00 + (t10 - t00) * fu;
    const b = t01 + (t11 - t01) * fu;
    return a + (b - a) * fv;
  }

  /** `top` for nodes (i, j) … (i + 1, j + 1) that span two or four tiles. */
  private topAcross(level: number, L: Level, i: number, j: number, fu: number, fv: number, near: number): number {
    const t00 = this.topNode(level, L, i, j, near);
    const t10 = this.topNode(level, L, i + 1, j, near);
    const t01 = this.topNode(level, L, i, j + 1, near);
    const t11 = this.topNode(level, L, i + 1, j + 1, near);
    const a = t00 + (t10 - t00) * fu;
    const b = t01 + (t11 - t01) * fu;
    return a + (b - a) * fv;
  }

  private topNode(level: number, L: Level, i: number, j: number, near: number): number {
    const t = this.topTile(level, L, i >> TILE_SHIFT, j >> TILE_SHIFT);
    return t[(j & TILE_MASK) * TILE + (i & TILE_MASK) + near] as number;
  }

  private topTile(level: number, L: Level, ti: number, tj: number): Float32Array {
    const key = ((level * KEY_SPAN + ti + KEY_OFF) * KEY_SPAN + tj + KEY_OFF) | 0;
    if (key === this.lastKey && this.last) return this.last;
    return this.topTileLookUp(level, L, ti, tj, key);
  }

  /** topTile past its one-entry memo: the tile map, filling the tile on first read. */
  private topTileLookUp(level: number, L: Level, ti: number, tj: number, key: number): Float32Array {
    let t = L.tops.get(key);
    if (!t) {
      const c0 = this.timed ? process.cpuUsage() : null;
      t = this.fillTops(level, L, ti, tj);
      L.tops.set(key, t);
      if (c0) {
        const c = process.cpuUsage(c0);
        this.fillUs += c.user + c.system;
      }
    }
    this.lastKey = key;
    this.last = t;
    return t;
  }

  /**
   * Tops of tile (ti, tj): per row across the sun, a running maximum from `reach` nodes toward the sun
   * down to the tile (run[i] is the top node i casts on the next one, its own height included). The
   * tile holds the tops for points on objects, then (from NEAR) those for bare ground.
   */
  private fillTops(level: number, L: Level, ti: number, tj: number): Float32Array {
    const t = new Float32Array(2 * TILE * TILE);
    const i0 = ti << TILE_SHIFT;
    const n = TILE + L.self + L.reach;
    const drop = L.drop;
    // The top at node i takes objects from i + self on: run[i + self] − self · drop.
    const selfDrop = L.self * drop;
    let prev = new Float64Array(n);
    let cur = new Float64Array(n);
    let next = new Float64Array(n);
    let basePrev = new Float64Array(n);
    let baseCur = new Float64Array(n);
    let baseNext = new Float64Array(n);
    const run = new Float64Array(n);
    const onGround = new Float64Array(n);
    const j0 = tj << TILE_SHIFT;
    if (L.erode) {
      this.column(level, L, j0 - 1, i0, n, prev, basePrev);
      this.column(level, L, j0, i0, n, cur, baseCur);
    }
    for (let lj = 0; lj < TILE; lj++) {
      const j = j0 + lj;
      // Column j's bases (in the erode path, filled a row ago: the rotation below moves on to j + 1's).
      const base = baseCur;
      if (L.erode) {
        // Narrowed across the sun by one node each side on the finest lattice: a lone node made tall by
        // the class raster's dither would otherwise cast a one-node streak the length of a shadow.
        this.column(level, L, j + 1, i0, n, next, baseNext);
        for (let m = 0; m < n; m++) run[m] = Math.min(prev[m] as number, cur[m] as number, next[m] as number);
        const spare = prev;
        prev = cur;
        cur = next;
        next = spare;
        const spareBase = basePrev;
        basePrev = baseCur;
        baseCur = baseNext;
        baseNext = spareBase;
      } else this.column(level, L, j, i0, n, run, base);
      // What bare ground sees: each node's crown as a column of its depth, moved off by its base.
      onGround.fill(Number.NEGATIVE_INFINITY);
      for (let m = 0; m < n; m++) {
        const h = run[m] as number;
        const b = base[m] as number;
        if (b <= 0) {
          if (h > (onGround[m] as number)) onGround[m] = h;
          continue;
        }
        if (h <= b) continue;
        const to = m - Math.round(b / drop);
        if (to >= 0 && h - b > (onGround[to] as number)) onGround[to] = h - b;
      }
      let r = Number.NEGATIVE_INFINITY;
      let rg = Number.NEGATIVE_INFINITY;
      for (let m = n - 1; m >= 0; m--) {
        r = Math.max(run[m] as number, r - drop);
        run[m] = r;
        rg = Math.max(onGround[m] as number, rg - drop);
        onGround[m] = rg;
      }
      const row = lj * TILE;
      for (let m = 0; m < TILE; m++) {
        t[row + m] = Math.max(-1, (run[m + L.self] as number) - selfDrop);
        t[NEAR + row + m] = Math.max(-1, (onGround[m + 1] as number) - drop);
      }
    }
    return t;
  }

  /**
   * Object heights of nodes i0 … i0 + n − 1 of lattice column j into out, and their bases into outBase,
   * each evaluated once (a tile of heights holds the bases from NEAR on).
   */
  private column(
    level: number,
    L: Level,
    j: number,
    i0: number,
    n: number,
    out: Float64Array,
    outBase: Float64Array,
  ): void {
    const tj = j >> TILE_SHIFT;
    const row = (j & TILE_MASK) * TILE;
    const b = j * L.cell;
    for (let i = i0, end = i0 + n; i < end;) {
      const ti = i >> TILE_SHIFT;
      const key = ((level * KEY_SPAN + ti + KEY_OFF) * KEY_SPAN + tj + KEY_OFF) | 0;
      let t = L.heights.get(key);
      if (!t) {
        t = new Float32Array(2 * TILE * TILE).fill(Number.NaN);
        L.heights.set(key, t);
      }
      for (const stop = Math.min(end, (ti + 1) << TILE_SHIFT); i < stop; i++) {
        const k = row + (i & TILE_MASK);
        let h = t[k] as number;
        if (h !== h) {
          const a = i * L.cell;
          t[k] = this.heightAt(a * this.ux - b * this.uy, a * this.uy + b * this.ux);
          t[NEAR + k] = t[k] > 0 ? this.baseOfLast() : 0;
          // Float32 storage: use what was stored, so a node reads the same whether fresh or cached.
          h = t[k] as number;
        }
        out[i - i0] = h;
        outBase[i - i0] = t[NEAR + k] as number;
      }
    }
  }
}
