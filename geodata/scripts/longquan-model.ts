/**
 * The synthetic Longquan landscape the sample data set is drawn from: river centre lines as smooth curves in a
 * local metric frame, a curvilinear "river frame" to lay out fields and villages along the valley, and the terrain
 * function the DEM is rasterised from. Everything is deterministic (seeded noise, no Math.random).
 *
 * Local frame: x metres east, y metres north of ORIGIN (the city centre, 119.14 E 28.07 N), equirectangular.
 * At 20 km scale the distortion of that projection is far below what a synthetic data set needs.
 */

export const ORIGIN = { lon: 119.14, lat: 28.07 } as const;

const PHI = (ORIGIN.lat * Math.PI) / 180;
/** Metres per degree of latitude / longitude at the origin (WGS84 series expansion). */
export const M_PER_DEG_LAT = 111_132.954 - 559.822 * Math.cos(2 * PHI) + 1.175 * Math.cos(4 * PHI);
export const M_PER_DEG_LON = 111_412.84 * Math.cos(PHI) - 93.5 * Math.cos(3 * PHI);

export type XY = [number, number];
export type LonLat = [number, number];

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Local metres → [lon, lat] rounded to 6 decimals (about 0.1 m). */
export function toLonLat([x, y]: XY): LonLat {
  return [round6(ORIGIN.lon + x / M_PER_DEG_LON), round6(ORIGIN.lat + y / M_PER_DEG_LAT)];
}

/** [lon, lat] → local metres. */
export function toXY([lon, lat]: LonLat): XY {
  return [(lon - ORIGIN.lon) * M_PER_DEG_LON, (lat - ORIGIN.lat) * M_PER_DEG_LAT];
}

/** The study area (the 龙泉市 polygon of the data set). */
export const STUDY_BBOX = [119.03, 28.0, 119.25, 28.13] as const;

// ---------------------------------------------------------------------------------------------------------------
// Rivers

/** A river as a parametric curve: param p (metres-like), point(p) in local metres, bed elevation at p. */
export interface RiverCurve {
  id: string;
  /** param range that is published in rivers.geojson (upstream → downstream) */
  pFrom: number;
  pTo: number;
  /** param range used for the terrain (extends beyond the study area so valleys do not end in it) */
  pTerrainFrom: number;
  pTerrainTo: number;
  point(p: number): XY;
  bedElevationM(p: number): number;
  /** half width of the flat valley floor at param p */
  valleyHalfWidthM(p: number): number;
  halfWidthM: number;
  /**
   * A smooth stand-in for "param of the nearest point" used by the terrain for bed height and floor width.
   * The true nearest param jumps across the valley's medial axis, which would tear scarps into the hills.
   */
  terrainParam(x: number, y: number): number;
}

const TAU = 2 * Math.PI;

/** Main river centre line y(x): WSW → ENE trend with two meander harmonics. */
export function mainY(x: number): number {
  return 0.2 * x - 330 + 380 * Math.sin((TAU * x) / 7000 + 0.6) + 60 * Math.sin((TAU * x) / 3800 + 1.9);
}

function mainDY(x: number): number {
  return (
    0.2 + 380 * (TAU / 7000) * Math.cos((TAU * x) / 7000 + 0.6) + 60 * (TAU / 3800) * Math.cos((TAU * x) / 3800 + 1.9)
  );
}

/** Bed of 龙泉溪: about 222 m at the west edge, 188 m at the east edge. */
export function mainBedElevationM(x: number): number {
  return 205 - (x / 10_000) * 17;
}

/** Flat valley floor half-width: wider around the city. */
export function mainValleyHalfWidthM(x: number): number {
  return 900 + 500 * Math.exp(-((x / 5000) ** 2));
}

export const MAIN: RiverCurve = {
  id: 'river-longquanxi',
  pFrom: -9400,
  pTo: 9800,
  pTerrainFrom: -14_000,
  pTerrainTo: 14_000,
  point: (x) => [x, mainY(x)],
  bedElevationM: mainBedElevationM,
  valleyHalfWidthM: mainValleyHalfWidthM,
  halfWidthM: 55,
  terrainParam: (x) => x,
};

/** A tributary flowing north/south into the main river at main x = xc; param p = distance in y from the confluence. */
function tributary(opts: {
  id: string;
  xc: number;
  /** +1: comes from the north, -1: from the south */
  side: 1 | -1;
  lean: number;
  wiggleM: number;
  wiggleWaveM: number;
  lengthY: number;
  gradient: number;
  valleyHalfWidthM: number;
  halfWidthM: number;
}): RiverCurve {
  const yc = mainY(opts.xc);
  const zc = mainBedElevationM(opts.xc);
  return {
    id: opts.id,
    // param = distance from the confluence measured along y; upstream is the larger param
    pFrom: opts.lengthY,
    pTo: 0,
    pTerrainFrom: opts.lengthY + 3000,
    pTerrainTo: 0,
    point: (p) => [opts.xc + opts.lean * p + opts.wiggleM * Math.sin(p / opts.wiggleWaveM), yc + opts.side * p],
    bedElevationM: (p) => zc + opts.gradient * p,
    valleyHalfWidthM: () => opts.valleyHalfWidthM,
    halfWidthM: opts.halfWidthM,
    terrainParam: (_x, y) => Math.max(0, opts.side * (y - yc)),
  };
}

/** 蛟垟溪: from the southern hills, joins west of the city. */
export const JIAOYANG = tributary({
  id: 'river-jiaoyangxi',
  xc: -3600,
  side: -1,
  lean: -0.25,
  wiggleM: 200,
  wiggleWaveM: 900,
  lengthY: 6000,
  gradient: 0.02,
  valleyHalfWidthM: 330,
  halfWidthM: 25,
});

/** 瀑云溪: from the northern hills, joins east of the city. */
export const PUYUN = tributary({
  id: 'river-puyunxi',
  xc: 5200,
  side: 1,
  lean: 0.15,
  wiggleM: 180,
  wiggleWaveM: 800,
  lengthY: 4400,
  gradient: 0.022,
  valleyHalfWidthM: 300,
  halfWidthM: 20,
});

export const RIVERS: RiverCurve[] = [MAIN, JIAOYANG, PUYUN];

/** Sample a river curve from pA to pB every stepP param units (both ends included). */
export function sampleCurve(r: RiverCurve, pA: number, pB: number, stepP: number): { p: number; xy: XY }[] {
  const n = Math.max(1, Math.ceil(Math.abs(pB - pA) / stepP));
  const out: { p: number; xy: XY }[] = [];
  for (let i = 0; i <= n; i++) {
    const p = pA + ((pB - pA) * i) / n;
    out.push({ p, xy: r.point(p) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// River frame: (x, t) → point on main river at x, offset t metres to the left (north-ish) of the flow.

/** Map a river-frame coordinate to local metres. Valid while |t| stays below the curve's radius (~2 km). */
export function frame(x: number, t: number): XY {
  const dy = mainDY(x);
  const len = Math.hypot(1, dy);
  return [x + (t * -dy) / len, mainY(x) + t / len];
}

/** Smallest radius of curvature of the main river between x0 and x1 (for the fold check). */
export function minRadiusM(x0: number, x1: number): number {
  let min = Infinity;
  const h = 5;
  for (let x = x0; x <= x1; x += 10) {
    const d1 = mainDY(x);
    const d2 = (mainDY(x + h) - mainDY(x - h)) / (2 * h);
    const r = (1 + d1 * d1) ** 1.5 / Math.abs(d2);
    if (r < min) min = r;
  }
  return min;
}

/**
 * A polygon ring given in river-frame vertices → local metres, each edge densified to ≤ maxEdgeM so the shape
 * follows the river's curve.
 */
export function frameRing(vertices: XY[], maxEdgeM = 50): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < vertices.length; i++) {
    const a = vertices[i]!;
    const b = vertices[(i + 1) % vertices.length]!;
    const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / maxEdgeM));
    for (let k = 0; k < n; k++) {
      out.push(frame(a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n));
    }
  }
  out.push(out[0]!);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Terrain

/** Integer hash → [0, 1). Deterministic value noise lattice. */
function hash2(ix: number, iy: number, seed: number): number {
  let h = Math.imul(ix, 374_761_393) ^ Math.imul(iy, 668_265_263) ^ Math.imul(seed, 1_442_695_041);
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

const smooth = (t: number): number => t * t * t * (t * (t * 6 - 15) + 10);

/** Smooth value noise in [0, 1) with lattice spacing 1. */
function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = smooth(x - ix);
  const fy = smooth(y - iy);
  const a = hash2(ix, iy, seed);
  const b = hash2(ix + 1, iy, seed);
  const c = hash2(ix, iy + 1, seed);
  const d = hash2(ix + 1, iy + 1, seed);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/** Fractal noise in about [0, 1): `octaves` octaves of value noise, wavelength `waveM` for the first. */
export function fbm(x: number, y: number, waveM: number, octaves: number, seed: number): number {
  let sum = 0;
  let amp = 1;
  let norm = 0;
  let f = 1 / waveM;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(x * f, y * f, seed + o * 101);
    norm += amp;
    amp *= 0.5;
    f *= 2.03;
  }
  return sum / norm;
}

/** Nearest point on a densely sampled curve: distance and param. Chunked bounding boxes prune most segments. */
export class CurveIndex {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly ps: Float64Array;
  private readonly chunks: { i0: number; i1: number; minX: number; minY: number; maxX: number; maxY: number }[] = [];

  constructor(readonly curve: RiverCurve) {
    const pts = sampleCurve(curve, curve.pTerrainFrom, curve.pTerrainTo, 40);
    this.xs = Float64Array.from(pts, (q) => q.xy[0]);
    this.ys = Float64Array.from(pts, (q) => q.xy[1]);
    this.ps = Float64Array.from(pts, (q) => q.p);
    const CH = 32;
    for (let i0 = 0; i0 < pts.length - 1; i0 += CH) {
      const i1 = Math.min(i0 + CH, pts.length - 1);
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let i = i0; i <= i1; i++) {
        minX = Math.min(minX, this.xs[i]!);
        maxX = Math.max(maxX, this.xs[i]!);
        minY = Math.min(minY, this.ys[i]!);
        maxY = Math.max(maxY, this.ys[i]!);
      }
      this.chunks.push({ i0, i1, minX, minY, maxX, maxY });
    }
  }

  /** Chunk that held the last answer: neighbouring queries start there, which makes pruning effective. */
  private lastChunk = 0;

  nearest(x: number, y: number): { d: number; p: number } {
    const best = { d2: Infinity, p: 0 };
    this.scanChunk(this.lastChunk, x, y, best);
    for (let c = 0; c < this.chunks.length; c++) {
      if (c === this.lastChunk) continue;
      const ch = this.chunks[c]!;
      const dx = Math.max(ch.minX - x, 0, x - ch.maxX);
      const dy = Math.max(ch.minY - y, 0, y - ch.maxY);
      if (dx * dx + dy * dy >= best.d2) continue;
      if (this.scanChunk(c, x, y, best)) this.lastChunk = c;
    }
    return { d: Math.sqrt(best.d2), p: best.p };
  }

  /** Updates `best` from the segments of chunk c; true when it improved. */
  private scanChunk(c: number, x: number, y: number, best: { d2: number; p: number }): boolean {
    const ch = this.chunks[c]!;
    let improved = false;
    for (let i = ch.i0; i < ch.i1; i++) {
      const ax = this.xs[i]!;
      const ay = this.ys[i]!;
      const bx = this.xs[i + 1]! - ax;
      const by = this.ys[i + 1]! - ay;
      const l2 = bx * bx + by * by;
      let u = l2 > 0 ? ((x - ax) * bx + (y - ay) * by) / l2 : 0;
      u = u < 0 ? 0 : u > 1 ? 1 : u;
      const ex = x - ax - u * bx;
      const ey = y - ay - u * by;
      const d2 = ex * ex + ey * ey;
      if (d2 < best.d2) {
        best.d2 = d2;
        best.p = this.ps[i]! + u * (this.ps[i + 1]! - this.ps[i]!);
        improved = true;
      }
    }
    return improved;
  }
}

const HILL_DECAY_M = 1150;

/**
 * The terrain: flat valley floors around each river (rising 0.4 % away from the channel), hills beyond the floor
 * rising towards 430–810 m above the bed (exponential profile: steepest at the foot), plus fractal relief that
 * fades out on the valley floor so farmland stays flat.
 */
export function makeTerrain(): (x: number, y: number) => number {
  const indexes = RIVERS.map((r) => new CurveIndex(r));
  return (x, y) => {
    let base = Infinity;
    let uMin = Infinity;
    let channel = false;
    const hmax = 430 + 380 * fbm(x, y, 6000, 3, 11);
    for (const idx of indexes) {
      const r = idx.curve;
      const { d } = idx.nearest(x, y);
      const p = r.terrainParam(x, y);
      const w = r.valleyHalfWidthM(p);
      const u = d - w;
      const hill = u > 0 ? hmax * (1 - Math.exp(-u / HILL_DECAY_M)) : 0;
      const z = r.bedElevationM(p) + 0.004 * Math.min(d, w) + hill;
      if (z < base) base = z;
      if (u < uMin) uMin = u;
      if (d < r.halfWidthM) channel = true;
    }
    const hillFactor = uMin <= 0 ? 0 : uMin >= 500 ? 1 : smooth(uMin / 500);
    const relief = 180 * (fbm(x, y, 1100, 4, 29) - 0.5) * hillFactor;
    const floorRipple = 0.6 * (fbm(x, y, 400, 2, 47) - 0.5) * (1 - hillFactor);
    return base + relief + floorRipple - (channel ? 2 : 0);
  };
}
