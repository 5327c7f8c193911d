/**
 * Buildings (or tree crowns) as a 2.5D heightfield standing on the terrain, met by camera rays: a ray
 * that reaches the ground may first have passed through a house, whose roof it then shows (displaced
 * from its footprint by parallax) or whose wall (in oblique views). The shader paints roofs and crowns on
 * the ground; this finds where the ray really stops.
 *
 * A ray can meet a building only in its last stretch above the ground, below MAX_BUILT_H_M. That stretch
 * is marched in half-metre steps against a lattice of building heights every half metre (filled per
 * 32 m tile on first read; a tile with no building is skipped whole, and a ray above a tile's or a 4 m
 * block's tallest height skips down to it), so most steps cost a few array reads; where the lattice
 * around a step stands above the ray the exact height is asked for, and the crossing is found exactly
 * (roofs) or by bisection (walls), so walls and roof edges stay sharp at any resolution.
 *
 * Tree crowns (`latticeOnly`) are met on a coarser lattice's own surface instead: round things whose
 * exact heights cost most of a photo to ask for, with sheer edges half-way between lattice points and
 * walls where the surface is steep.
 */

/** Buildings are at most this tall (m); higher up a ray meets none. */
export const MAX_BUILT_H_M = 22;
/** Longest horizontal stretch (m) marched before the ground hit: rays nearer the horizon meet only lower parts. */
const MAX_RUN_M = 60;
/** Horizontal march step and spacing of the height lattice the march reads (m), unless told otherwise. */
const LATTICE_M = 0.5;
/** Tiles are 32 m square. */
const TILE_M = 32;
/** Blocks of the lattice (m) whose tallest height lets a ray high above them skip them. */
const BLOCK_M = 4;
const BLOCKS = TILE_M / BLOCK_M;
/** Headroom (m) over a block's lattice maximum: a roof ridge or corner between lattice points. */
const BLOCK_MARGIN_M = 0.5;
const KEY_OFF = 1 << 14;
const KEY_SPAN = 1 << 15;
/**
 * A ray skipping down to a tile's or block's top resumes this far (m) below it (still above every lattice
 * height there, by BLOCK_MARGIN_M less this): over ground falling away about as steeply as the ray, landing
 * exactly on the top would leave it a hair above it again, step after step.
 */
const DOWN_SLACK_M = 0.25;
/** How far (m) past a tile's edge a ray skipping it resumes. */
const EXIT_EPS_M = 1e-3;
/** Rays lower than this (m) over the ground are at it (the ground hit's tolerance is 1–2 cm). */
const MIN_ABOVE_M = 0.05;
/** Fixed-point steps onto a roof, and how near (m) in height they must land. */
const ROOF_STEPS = 3;
const ROOF_TOL_M = 0.01;
/** Bisection stops within this (m) of the crossing (a wall 1–2 cm off is not seen), or after BISECT halvings. */
const BISECT_M = 0.02;
const BISECT = 16;
/** On the lattice's own surface (latticeOnly), slopes steeper than this (rise over run) are walls. */
const WALL_SLOPE = 2;
/** Probe radius (m) around a wall point for the side of the building it lies on. */
const PROBE_M = 0.12;

export interface BuildingSource {
  /** Building height (m) above the ground at a scene point, 0 where none stands; sets the axis fields. */
  builtHeight(x: number, y: number): number;
  /** Whether a building may stand in a square (x0, y0, side): false lets a tile skip its heights. */
  mayBuild?(x0: number, y0: number, size: number): boolean;
  /** Hash and one wall axis of the building the last positive builtHeight found. */
  builtHash: number;
  builtAx: number;
  builtAy: number;
}

export class BuildingRays {
  /** The last hit: scene point, whether it is a wall, its height above the ground (m) and outward normal. */
  x = 0;
  y = 0;
  wall = false;
  aboveM = 0;
  nx = 0;
  ny = 0;
  /** Height of the building where the wall was met (its eaves or gable there), and its hash. */
  topM = 0;
  hash = 0;
  private readonly tiles = new Map<number, Float32Array>();
  private lastKey = -1;
  private last: Float32Array | null = null;

  constructor(
    private readonly src: BuildingSource,
    /** Terrain height (m) at a scene point. */
    private readonly groundAt: (x: number, y: number) => number,
    /**
     * Meet the lattice's bilinear surface instead of asking the source for exact heights: for smooth,
     * rounded things (tree crowns), where half-metre facets do not show and exact heights cost most.
     */
    private readonly latticeOnly = false,
    /** Lattice spacing and march step (m): coarser for big, rounded things, whose lattice is costly to fill. */
    private readonly latticeM = LATTICE_M,
  ) {
    this.inv = 1 / latticeM;
    this.np = TILE_M / latticeM + 1;
  }

  /** Lattice points per metre, and lattice points along a tile's side. */
  private readonly inv: number;
  private readonly np: number;

  /**
   * On the lattice's surface a hit is a wall at a sheer edge (refine) or where it is steeper than
   * WALL_SLOPE; a wall faces down the bilinear gradient of the corner heights (toward the ray (dx, dy) where
   * there is none).
   */
  private slopeWall(dx: number, dy: number): void {
    const t = this.cellAt(this.x, this.y);
    if (!t) return;
    const np = this.np;
    const a = this.cellA;
    const b = this.cellB;
    const k = this.cellK;
    const h00 = t[k] as number;
    const h10 = t[k + 1] as number;
    const h01 = t[k + np] as number;
    const h11 = t[k + np + 1] as number;
    const gx = ((h10 - h00) * (1 - b) + (h11 - h01) * b) * this.inv;
    const gy = ((h01 - h00) * (1 - a) + (h11 - h10) * a) * this.inv;
    const g = Math.sqrt(gx * gx + gy * gy);
    // refine found a sheer edge, or the crown's surface is this steep here.
    this.wall ||= g > WALL_SLOPE;
    if (!this.wall) return;
    if (g > 0) {
      this.nx = -gx / g;
      this.ny = -gy / g;
    } else {
      // No gradient (a sheer edge between equal corners): face the ray, as a wall it came in through does.
      const hs = Math.sqrt(dx * dx + dy * dy) || 1;
      this.nx = -dx / hs;
      this.ny = -dy / hs;
    }
  }

  /** Where (x, y) lies in its lattice cell: fractions along x and y, and the index of its lower corner. */
  private cellA = 0;
  private cellB = 0;
  private cellK = 0;

  /** The lattice of the tile under (x, y), with the cell fields set, or null where the tile is empty. */
  private cellAt(x: number, y: number): Float32Array | null {
    this.selectTile(x, y);
    if (this.tileEmpty) return null;
    const fx = (x - this.tileX0) * this.inv;
    const fy = (y - this.tileY0) * this.inv;
    const u = Math.min(this.np - 2, Math.floor(fx));
    const v = Math.min(this.np - 2, Math.floor(fy));
    this.cellA = fx - u;
    this.cellB = fy - v;
    this.cellK = v * this.np + u;
    return this.last;
  }

  /** Height (m) the rays meet at (x, y): the source's, or the lattice's bilinear one. */
  height(x: number, y: number): number {
    if (!this.latticeOnly) return this.src.builtHeight(x, y);
    const t = this.cellAt(x, y);
    if (!t) return 0;
    const a = this.cellA;
    const b = this.cellB;
    const k = this.cellK;
    // Where something stands (its bilinear share of the corners at least a half) the mean height of the
    // corners it stands on; elsewhere nothing: sheer edges half-way between lattice points, not ramps
    // reaching a lattice step out past them.
    let share = 0;
    let sum = 0;
    const np = this.np;
    const h00 = t[k] as number;
    const h10 = t[k + 1] as number;
    const h01 = t[k + np] as number;
    const h11 = t[k + np + 1] as number;
    if (h00 > 0) {
      const w = (1 - a) * (1 - b);
      share += w;
      sum += w * h00;
    }
    if (h10 > 0) {
      const w = a * (1 - b);
      share += w;
      sum += w * h10;
    }
    if (h01 > 0) {
      const w = (1 - a) * b;
      share += w;
      sum += w * h01;
    }
    if (h11 > 0) {
      const w = a * b;
      share += w;
      sum += w * h11;
    }
    return share >= 0.5 ? sum / share : 0;
  }

  /**
   * Ray parameter where the ray o + t·d (d pointing down) first meets a building before `tGround`, its
   * ground hit; NaN where it meets none. The hit's details are left in the fields.
   */
  hit(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tGround: number): number {
    if (!(dz < 0)) return Number.NaN;
    const hs = Math.sqrt(dx * dx + dy * dy);
    let t0 = tGround - MAX_BUILT_H_M / -dz;
    if (hs * (tGround - t0) > MAX_RUN_M) t0 = tGround - MAX_RUN_M / hs;
    if (t0 < 0) t0 = 0;
    const dt = hs > 1e-9 ? this.latticeM / hs : tGround - t0;
    let tPrev = t0;
    for (let t = t0; ;) {
      if (t > tGround) t = tGround;
      const x = ox + t * dx;
      const y = oy + t * dy;
      this.selectTile(x, y);
      if (this.tileEmpty) {
        // No building in this 32 m tile: on to where the ray leaves it.
        if (t >= tGround) return Number.NaN;
        const x0 = this.tileX0;
        const y0 = this.tileY0;
        const tx = exitT(x0, TILE_M, ox, dx);
        const ty = exitT(y0, TILE_M, oy, dy);
        tPrev = t;
        t = Math.max(t + 1e-6, Math.min(tx, ty) + EXIT_EPS_M / hs);
        continue;
      }
      // Clamped: the ground hit is found to centimetres, and a ray at the ground is in no building.
      const above = Math.max(MIN_ABOVE_M, oz + t * dz - this.groundAt(x, y));
      const last = this.last as Float32Array;
      const nn = this.np * this.np;
      const tileTop = (last[nn + BLOCKS * BLOCKS] as number) + BLOCK_MARGIN_M;
      if (tileTop < above && t < tGround) {
        // Above everything in this tile: on to where the ray leaves it or comes down to its top.
        const tx = exitT(this.tileX0, TILE_M, ox, dx);
        const ty = exitT(this.tileY0, TILE_M, oy, dy);
        const tDown = t + (above - tileTop + DOWN_SLACK_M) / -dz;
        tPrev = t;
        t = Math.max(t + 1e-6, Math.min(Math.min(tx, ty) + EXIT_EPS_M / hs, tDown));
        continue;
      }
      const bi = Math.min(BLOCKS - 1, Math.floor((x - this.tileX0) / BLOCK_M));
      const bj = Math.min(BLOCKS - 1, Math.floor((y - this.tileY0) / BLOCK_M));
      const top = (last[nn + bj * BLOCKS + bi] as number) + BLOCK_MARGIN_M;
      if (top < above && t < tGround) {
        // Above every building of this 4 m block: on to where the ray leaves it or comes down to them.
        const x0 = this.tileX0 + bi * BLOCK_M;
        const y0 = this.tileY0 + bj * BLOCK_M;
        const tx = exitT(x0, BLOCK_M, ox, dx);
        const ty = exitT(y0, BLOCK_M, oy, dy);
        const tDown = t + (above - top + DOWN_SLACK_M) / -dz;
        tPrev = t;
        t = Math.max(t + 1e-6, Math.min(Math.min(tx, ty) + EXIT_EPS_M / hs, tDown));
        continue;
      }
      // On the lattice alone its surface is the test; else the lattice says where exact heights are worth asking.
      if (
        this.latticeOnly ? this.height(x, y) > above : this.nearMax(x, y) > above && this.src.builtHeight(x, y) > above
      ) {
        if (!this.onRoof(ox, oy, oz, dx, dy, dz, tPrev, t)) this.refine(ox, oy, oz, dx, dy, dz, tPrev, t);
        if (this.latticeOnly) this.slopeWall(dx, dy);
        return this.tHit;
      }
      if (t >= tGround) return Number.NaN;
      tPrev = t;
      t += dt;
    }
  }

  private tHit = 0;

  /**
   * Most hits are roofs: where the ray comes down to the height of the roof under it (a few fixed-point
   * steps, exact on flat roofs), if that point lies on the same roof after tOut. False leaves it to refine.
   */
  private onRoof(
    ox: number,
    oy: number,
    oz: number,
    dx: number,
    dy: number,
    dz: number,
    tOut: number,
    tIn: number,
  ): boolean {
    // g(t) = the ray's height over the roof under it: a fixed-point step first (exact on a flat roof), then
    // secant steps (exact on a roof plane).
    let t1 = tIn;
    const h = this.height(ox + t1 * dx, oy + t1 * dy);
    let g1 = oz + t1 * dz - this.groundAt(ox + t1 * dx, oy + t1 * dy) - h;
    let t = (oz - this.groundAt(ox + t1 * dx, oy + t1 * dy) - h) / -dz;
    for (let k = 0; k < ROOF_STEPS; k++) {
      if (!(t > tOut && t <= tIn)) return false;
      const x = ox + t * dx;
      const y = oy + t * dy;
      const hn = this.height(x, y);
      if (!(hn > 0)) return false;
      const g = oz + t * dz - this.groundAt(x, y) - hn;
      if (Math.abs(g) < ROOF_TOL_M) {
        this.topM = hn;
        this.hash = this.src.builtHash;
        this.x = x;
        this.y = y;
        this.aboveM = hn;
        this.tHit = t;
        this.wall = false;
        return true;
      }
      if (g === g1) return false;
      const tn = t - (g * (t - t1)) / (g - g1);
      t1 = t;
      g1 = g;
      t = tn;
    }
    return false;
  }

  /** Bisect between tOut (outside every building) and tIn (inside one), then classify the hit. */
  private refine(
    ox: number,
    oy: number,
    oz: number,
    dx: number,
    dy: number,
    dz: number,
    tOut: number,
    tIn: number,
  ): void {
    const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    for (let k = 0; k < BISECT && (tIn - tOut) * len > BISECT_M; k++) {
      const t = (tOut + tIn) / 2;
      const x = ox + t * dx;
      const y = oy + t * dy;
      if (this.height(x, y) > Math.max(MIN_ABOVE_M, oz + t * dz - this.groundAt(x, y))) tIn = t;
      else tOut = t;
    }
    const x = ox + tIn * dx;
    const y = oy + tIn * dy;
    const above = oz + tIn * dz - this.groundAt(x, y);
    // Just outside: a ray that came in through a roof had the roof just under it there, one that came
    // through a wall had open air down to the ground (or a lower roof).
    const hOut = this.height(ox + tOut * dx, oy + tOut * dy);
    this.topM = this.height(x, y);
    this.hash = this.src.builtHash;
    this.x = x;
    this.y = y;
    this.aboveM = Math.max(0, above);
    this.tHit = tIn;
    this.wall = hOut < above - 0.05;
    // On the lattice alone slopeWall faces the wall down the lattice's gradient instead.
    if (this.wall && !this.latticeOnly) this.wallNormal(x, y, above, dx, dy);
  }

  /**
   * Outward normal of the wall at (x, y): of the building's faces (± either axis) that face the camera, the
   * one a probe just outside of finds open air (the nearer-facing one at a corner).
   */
  private wallNormal(x: number, y: number, above: number, dx: number, dy: number): void {
    const ax = this.src.builtAx;
    const ay = this.src.builtAy;
    // The faces toward the camera: one along each axis.
    const sa = ax * dx + ay * dy > 0 ? -1 : 1;
    const sb = -ay * dx + ax * dy > 0 ? -1 : 1;
    const anx = sa * ax;
    const any = sa * ay;
    const bnx = -sb * ay;
    const bny = sb * ax;
    const aOut = this.height(x + PROBE_M * anx, y + PROBE_M * any) < above;
    const bOut = this.height(x + PROBE_M * bnx, y + PROBE_M * bny) < above;
    const aFaces = -(anx * dx + any * dy);
    const bFaces = -(bnx * dx + bny * dy);
    const useA = aOut && bOut ? aFaces >= bFaces : aOut || (!bOut && aFaces >= bFaces);
    this.nx = useA ? anx : bnx;
    this.ny = useA ? any : bny;
  }

  /** Whether the tile nearMax last read has no building at all, and its corner (m). */
  private tileEmpty = false;
  private tileX0 = 0;
  private tileY0 = 0;

  /** Tallest of the four lattice heights around (x, y) (m): a building there is at least about that tall. */
  nearMax(x: number, y: number): number {
    this.selectTile(x, y);
    if (this.tileEmpty) return 0;
    const t = this.last as Float32Array;
    const u = Math.min(this.np - 2, Math.floor((x - this.tileX0) * this.inv));
    const v = Math.min(this.np - 2, Math.floor((y - this.tileY0) * this.inv));
    const k = v * this.np + u;
    return Math.max(t[k] as number, t[k + 1] as number, t[k + this.np] as number, t[k + this.np + 1] as number);
  }

  /** Make the tile under (x, y) the current one (`last`, tileEmpty, tileX0/Y0), filling it on first read. */
  private selectTile(x: number, y: number): void {
    const ti = Math.floor(x / TILE_M);
    const tj = Math.floor(y / TILE_M);
    const key = (ti + KEY_OFF) * KEY_SPAN + tj + KEY_OFF;
    let t = key === this.lastKey ? this.last : null;
    if (!t) {
      t = this.tiles.get(key) ?? null;
      if (!t) {
        t = this.fill(ti, tj);
        this.tiles.set(key, t);
      }
      this.lastKey = key;
      this.last = t;
      this.tileEmpty = t.length === 0;
      this.tileX0 = ti * TILE_M;
      this.tileY0 = tj * TILE_M;
    }
  }

  /** Building heights of tile (ti, tj) on its lattice, or EMPTY where none stands. */
  private fill(ti: number, tj: number): Float32Array {
    const x0 = ti * TILE_M;
    const y0 = tj * TILE_M;
    if (this.src.mayBuild && !this.src.mayBuild(x0, y0, TILE_M)) return EMPTY;
    const np = this.np;
    // Heights at the lattice points, then the tallest per 4 m block, then the tallest in the tile.
    const pts = new Float32Array(np * np + BLOCKS * BLOCKS + 1);
    let any = false;
    if (this.latticeOnly) {
      // Coarse first: every other lattice point, then the points between only in cells where something
      // stands at a corner (a thing narrower than two lattice steps may be missed: it stays on the ground).
      for (let b = 0; b < np; b += 2)
        for (let a = 0; a < np; a += 2) {
          const h = this.src.builtHeight(x0 + a * this.latticeM, y0 + b * this.latticeM);
          pts[b * np + a] = h;
          if (h > 0) any = true;
        }
      if (!any) return EMPTY;
      for (let b = 0; b < np; b++)
        for (let a = b & 1 ? 0 : 1; a < np; a += b & 1 ? 1 : 2) {
          const a0 = a & ~1;
          const b0 = b & ~1;
          const a1 = Math.min(np - 1, a0 + 2);
          const b1 = Math.min(np - 1, b0 + 2);
          if (
            (pts[b0 * np + a0] as number) > 0 ||
            (pts[b0 * np + a1] as number) > 0 ||
            (pts[b1 * np + a0] as number) > 0 ||
            (pts[b1 * np + a1] as number) > 0
          )
            pts[b * np + a] = this.src.builtHeight(x0 + a * this.latticeM, y0 + b * this.latticeM);
        }
    } else
      for (let b = 0; b < np; b++)
        for (let a = 0; a < np; a++) {
          const h = this.src.builtHeight(x0 + a * this.latticeM, y0 + b * this.latticeM);
          pts[b * np + a] = h;
          if (h > 0) any = true;
        }
    // An empty tile is an empty array (rays skip it whole).
    if (!any) return EMPTY;
    // Then the tallest lattice height of each 4 m block, its edges included.
    const per = BLOCK_M / this.latticeM;
    let tallest = 0;
    for (let bj = 0; bj < BLOCKS; bj++)
      for (let bi = 0; bi < BLOCKS; bi++) {
        let m = 0;
        for (let b = bj * per; b <= bj * per + per; b++)
          for (let a = bi * per; a <= bi * per + per; a++) m = Math.max(m, pts[b * np + a] as number);
        pts[np * np + bj * BLOCKS + bi] = m;
        tallest = Math.max(tallest, m);
      }
    pts[np * np + BLOCKS * BLOCKS] = tallest;
    return pts;
  }
}

const EMPTY = new Float32Array(0);

/** Ray parameter where o + t·d leaves the interval [lo, lo + size] along one axis (∞ when d is 0). */
function exitT(lo: number, size: number, o: number, d: number): number {
  return d > 0 ? (lo + size - o) / d : d < 0 ? (lo - o) / d : Number.POSITIVE_INFINITY;
}
