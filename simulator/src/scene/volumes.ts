/**
 * Smoke, dust and mist as volumes the camera looks through: straw-fire plumes (a line source along
 * the fire front rising into a column that bends downwind, widening, thinning and drifting with the
 * scenario's wind), and the hard negatives that look like them: cooking smoke from chimneys, dust
 * behind a vehicle, and banks of low mist. Each volume knows its bounding box, so rays that miss it
 * pay nothing.
 *
 * A fire's plume is drawn after real straw-burning smoke: cauliflower billows at the source whose
 * turbulent puffs break apart downwind, a dense grey-brown to yellow-brown core that thins to a
 * bluish-white haze, an orange glow on its underside over the flame line, and a sun side brighter
 * than its shaded side. Chimney smoke, dust and mist keep their plain look (they are the negatives).
 */
import type { HardNegativeKind } from './distractor-schema.ts';
import type { RGB } from './look.ts';
import { valueNoise, valueNoise3 } from './noise.ts';
import { smooth } from './surface.ts';

export type VolumeKind = 'fire' | 'cooking' | 'dust' | 'mist';

export interface Volume {
  kind: VolumeKind;
  /** Incident index + 1 for a fire's smoke, else 0. */
  incident: number;
  /** Hard-negative kind for the others. */
  tag: HardNegativeKind | null;
  sx: number;
  sy: number;
  sz: number;
  /** Downwind (drift) unit vector. */
  wx: number;
  wy: number;
  /** Cross-wind half-spread at the source (a fire front is a line source), metres. */
  sigmaQ0: number;
  /** Vertical spread at the source. */
  sigmaZ0: number;
  /** Spread growth per metre downwind. */
  growth: number;
  /** Height the plume levels off at, metres above the source. */
  ceilM: number;
  /** Initial rise per metre downwind (buoyant column in light wind, flat in strong wind). */
  rise: number;
  lengthM: number;
  /** Extinction per metre at the core, at the source. */
  beta: number;
  /** Colour of thin smoke (for a fire: the haze far downwind). */
  colour: RGB;
  /** Colour of dense smoke near the source (a fire's core); the same as `colour` for the others. */
  coreColour: RGB;
  /** Downwind distance over which the core colour gives way to `colour`, metres. */
  ageM: number;
  /** Orange light of the flames on the smoke's underside near the source, 0 = none. */
  glow: number;
  glowColour: RGB;
  /** How far puffs break apart downwind, 0 (a continuous plume) to 1 (separate puffs). */
  breakup: number;
  /** How much thick parts darken (self-shadowing), 0..1. */
  darkening: number;
  /** Downwind distance that counts as the fire itself in labels. */
  columnM: number;
  seed: number;
  box: [number, number, number, number, number, number];
  /**
   * Tighter boxes along a fire's plume (slices of downwind distance, each around its stretch of the
   * rising centreline), so a ray marches only through the smoke, not the whole box: a thin column
   * sampled a few metres apart would show as streaks. Null: march the whole box.
   */
  parts: (readonly number[])[] | null;
}

/** Slices of a fire plume's downwind range, finer near the source where the column is thin and steep. */
const PLUME_PARTS = 8;

/** A fire's appearance terms; other volumes default to one colour, no glow, no break-up. */
type FireLook = 'coreColour' | 'ageM' | 'glow' | 'glowColour' | 'breakup';
const NO_GLOW: RGB = [0, 0, 0];

/** Fill in the bounding box of a volume from its parameters (and the plain look where not given). */
export function withBox(p: Omit<Volume, 'box' | 'parts' | FireLook> & Partial<Pick<Volume, FireLook>>): Volume {
  const v = { coreColour: p.colour, ageM: 1, glow: 0, glowColour: NO_GLOW, breakup: 0, ...p };
  if (v.kind === 'mist') {
    const r = v.sigmaQ0 * 2.2;
    return { ...v, box: [v.sx - r, v.sy - r, v.sz - 5, v.sx + r, v.sy + r, v.sz + v.ceilM * 3], parts: null };
  }
  const parts = v.kind === 'fire' ? plumeParts(v) : null;
  const sigEnd = Math.max(v.sigmaQ0, v.sigmaZ0) + v.growth * v.lengthM;
  const m = 3 * sigEnd;
  const ex = [v.sx - v.wx * v.sigmaQ0 * 2, v.sx + v.wx * v.lengthM];
  const ey = [v.sy - v.wy * v.sigmaQ0 * 2, v.sy + v.wy * v.lengthM];
  return {
    ...v,
    box: [
      Math.min(ex[0] as number, ex[1] as number) - m,
      Math.min(ey[0] as number, ey[1] as number) - m,
      v.sz - 3,
      Math.max(ex[0] as number, ex[1] as number) + m,
      Math.max(ey[0] as number, ey[1] as number) + m,
      v.sz + v.ceilM + 3 * (v.sigmaZ0 + v.growth * v.lengthM) + 5,
    ],
    parts,
  };
}

/**
 * Boxes that together hold all of a plume's smoke: for each slice [sa, sb] of downwind distance, the
 * cross-wind and vertical reach of `density` (|q| ≤ 3σq, |zq| ≤ 3σz, cut there) around the centreline.
 */
function plumeParts(v: Omit<Volume, 'box' | 'parts'>): number[][] {
  const out: number[][] = [];
  const centre = (s: number): number => {
    const sp = s > 0 ? s : 0;
    const sigZ = v.sigmaZ0 + v.growth * sp;
    return climbAt(v, sp) + sigZ * AXIS_LIFT;
  };
  let sa = -2 * v.sigmaQ0;
  for (let k = 0; k <= PLUME_PARTS; k++) {
    const sb = k === 0 ? 0 : v.lengthM * (k / PLUME_PARTS) ** 2;
    const sigQ = v.sigmaQ0 + v.growth * Math.max(0, sb);
    const sigZ = v.sigmaZ0 + v.growth * Math.max(0, sb);
    const mq = 3 * sigQ + 0.5;
    const mz = 3 * sigZ + 0.5;
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const s of [sa, sb])
      for (const q of [-mq, mq]) {
        const x = v.sx + s * v.wx - q * v.wy;
        const y = v.sy + s * v.wy + q * v.wx;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    // The centreline only climbs downwind, so its lowest and highest points are at the slice's ends.
    out.push([x0, y0, v.sz + centre(sa) - mz, x1, y1, v.sz + centre(sb) + mz]);
    sa = sb;
  }
  return out;
}

/**
 * Ray parameter in [tLo, tHi] where the ray o + t·d passes closest to a plume's axis, in units of the
 * plume's spread (cross-wind over σq, vertical over σz, as `density` measures it): the spread and the
 * axis's height taken where the ray crosses the plume's vertical mid-plane, then the closest point of the
 * ray to the axis there. It moves smoothly as the ray does (a point for per-pixel detail inside the smoke).
 */
export function plumeMidT(
  v: Volume,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tLo: number,
  tHi: number,
): number {
  const clamp = (t: number): number => (t < tLo ? tLo : t > tHi ? tHi : t);
  const q0 = -(ox - v.sx) * v.wy + (oy - v.sy) * v.wx;
  const qd = -dx * v.wy + dy * v.wx;
  const t1 = clamp(Math.abs(qd) > 1e-9 ? -q0 / qd : (tLo + tHi) / 2);
  const s1 = Math.min(v.lengthM, Math.max(0, (ox + t1 * dx - v.sx) * v.wx + (oy + t1 * dy - v.sy) * v.wy));
  const sigQ = v.sigmaQ0 + v.growth * s1;
  const sigZ = v.sigmaZ0 + v.growth * s1;
  const hc = climbAt(v, s1) + sigZ * AXIS_LIFT;
  const z0 = oz - v.sz - hc;
  const a = (qd * qd) / (sigQ * sigQ) + (dz * dz) / (sigZ * sigZ);
  return a > 1e-12 ? clamp(-((q0 * qd) / (sigQ * sigQ) + (z0 * dz) / (sigZ * sigZ)) / a) : t1;
}

/** Result of one density evaluation (reused). */
export const sample = { density: 0, light: 0, s: 0, core: 0, glow: 0 };

/**
 * A fire plume's fine turbulence at world point (x, y, z) in metres, about −1..1 (mean 0): soft curls
 * of 0.7–1.6 m, finer than the billows. The volume grid is coarser than the pixels (a few px per
 * cell) and a ray through a plume averages its billows, so the renderer adds this per pixel where
 * the ray crosses the smoke: the smoke keeps small structure at 1:1 instead of a blurred veil.
 */
export function fireFineDetail(x: number, y: number, z: number): number {
  const n4 = valueNoise3(x / 1.6 + 11, y / 1.6, z / 1.6, 0x5e11);
  const n5 = valueNoise3(x / 0.7, y / 0.7 + 3, z / 0.7, 0x5e12);
  return 1.2 * (n4 - 0.5) + 0.6 * (n5 - 0.5);
}

/**
 * Density of `v` at world point (px, py, pz) into `sample` (density per metre, light 0..1 on the
 * sun side, s = downwind distance, core = weight 0..1 of the core colour, glow = flame light
 * added on top). Sun direction (ux, uy, uz) toward the sun.
 */
export function density(v: Volume, px: number, py: number, pz: number, ux: number, uy: number, uz: number): void {
  // Kept small, so it is inlined into the ray marches: most steps leave in these tests, and a call
  // that is not inlined boxes each of its number arguments (a heap allocation per step).
  sample.density = 0;
  sample.core = 0;
  sample.glow = 0;
  const dx = px - v.sx;
  const dy = py - v.sy;
  const dz = pz - v.sz;
  if (v.kind === 'mist') {
    mistDensity(v, px, py, dx, dy, dz);
    return;
  }
  const s = dx * v.wx + dy * v.wy;
  if (s < -2 * v.sigmaQ0 || s > v.lengthM) return;
  const sp = s > 0 ? s : 0;
  const q = -dx * v.wy + dy * v.wx;
  const sigQ = v.sigmaQ0 + v.growth * sp;
  // Most steps of a ray through a plume's box pass beside the plume (r2 > 9 on the cross-wind term
  // alone): they leave before the centreline's exp. r2 adds a term ≥ 0 to this one, so it is the same.
  const rq2 = (q * q) / (sigQ * sigQ);
  if (rq2 > 9) return;
  const sigZ = v.sigmaZ0 + v.growth * sp;
  // Centreline height: rises steeply near the source, then levels off toward the ceiling.
  const climb = climbAt(v, sp);
  const hc = climb + sigZ * AXIS_LIFT;
  const zq = dz - hc;
  const r2 = rq2 + (zq * zq) / (sigZ * sigZ);
  if (r2 > 9) return;
  if (v.kind === 'fire') fireDensity(v, s, sp + climb, q, zq, dz, r2, sigQ, sigZ, ux, uy, uz);
  else billowDensity(v, s, sp, q, zq, r2, sigQ, sigZ, ux, uy, uz);
}

/** A mist bank's density at (px, py), (dx, dy, dz) from its centre (see density). */
function mistDensity(v: Volume, px: number, py: number, dx: number, dy: number, dz: number): void {
  const d2 = (dx * dx + dy * dy) / (v.sigmaQ0 * v.sigmaQ0);
  if (d2 > 4.5 || dz < -2) return;
  const n = valueNoise(px / 40, py / 40, v.seed) * 0.7 + valueNoise(px / 12 + dz / 8, py / 12, v.seed + 1) * 0.6;
  sample.density = v.beta * Math.exp(-d2) * Math.exp(-Math.max(0, dz) / v.ceilM) * Math.max(0, n - 0.25);
  sample.light = 0.85 + 0.15 * Math.min(1, dz / v.ceilM);
  sample.s = 0;
}

/**
 * Cooking smoke's and dust's density at plume coordinates (s downwind, sp = max(s, 0), q cross-wind,
 * zq above the centreline; r2 = squared Gaussian radius), past density's tests.
 */
function billowDensity(
  v: Volume,
  s: number,
  sp: number,
  q: number,
  zq: number,
  r2: number,
  sigQ: number,
  sigZ: number,
  ux: number,
  uy: number,
  uz: number,
): void {
  // Billows: three octaves of 3-D value noise in plume coordinates; they also roughen the
  // plume's outline (the Gaussian radius), so its edge is cauliflower-like, not a smooth tube.
  const a = s / sigZ;
  const b = zq / sigZ;
  const c = q / sigQ;
  const n1 = valueNoise3(a * 1.1, b * 1.1, c * 1.1, v.seed);
  const n2 = valueNoise3(a * 2.7 + 7, b * 2.6, c * 2.6, v.seed + 1);
  const n3 = valueNoise3(a * 6.5, b * 6.5, c * 6.5, v.seed + 2);
  const rough = r2 * (1 + 1.3 * (0.5 - n1) + 0.7 * (0.5 - n2));
  if (rough > 6) return;
  const puff = Math.max(0, 1 + 2.2 * (n1 - 0.5) + 1.5 * (n2 - 0.5) + 0.9 * (n3 - 0.5));
  const dilute = (v.sigmaQ0 * v.sigmaZ0) / (sigQ * sigZ);
  // Upwind of the source the plume fades out smoothly instead of ending at a plane.
  const back = s < 0 ? Math.exp((-2 * s * s) / (v.sigmaQ0 * v.sigmaQ0)) : 1;
  sample.density = v.beta * Math.sqrt(dilute) * Math.exp(-0.5 * rough) * downwind(sp / v.lengthM) * puff * back;
  // Lit side: the offset from the axis along the sun direction (cross-wind and up).
  const sq = -ux * v.wy + uy * v.wx;
  const lit = (q * sq) / sigQ + (zq * uz) / sigZ;
  sample.light =
    Math.min(1, Math.max(0, 0.5 + 0.45 * lit + 0.3 * (n2 - 0.5) + 0.2 * (n3 - 0.5))) *
    (1 - v.darkening * Math.exp(-0.5 * r2) * (0.4 + 0.6 * n1));
  sample.s = s;
}

/**
 * A fire's plume at plume coordinates (s downwind, q cross-wind, zq above the centreline, dz above
 * the source; r2 = squared Gaussian radius; path = distance travelled along the rising centreline):
 * turbulent billows lit on their sun side, break-up downwind, core colour weight and flame glow.
 */
function fireDensity(
  v: Volume,
  s: number,
  path: number,
  q: number,
  zq: number,
  dz: number,
  r2: number,
  sigQ: number,
  sigZ: number,
  ux: number,
  uy: number,
  uz: number,
): void {
  // Noise coordinates scale with the plume's width, so puffs are small at the source and grow as the
  // plume widens; a slow swirl displaces them so lobes curl over instead of sitting on a lattice.
  // Along the plume the coordinate is ∫ d(path) / σz: the puffs ride up and downwind with the smoke
  // and grow with it (s / σz would stretch them into streaks, most of all up a rising column).
  const g = v.growth > 1e-6 ? v.growth : 1e-6;
  const a0 = s > 0 ? Math.log(1 + (g * path) / v.sigmaZ0) / g : s / v.sigmaZ0;
  const b0 = zq / sigZ;
  const c0 = q / sigQ;
  const swirl = valueNoise3(a0 * 0.55 + 3.1, b0 * 0.55, c0 * 0.55, v.seed + 3) - 0.5;
  const a = a0 + 1.4 * swirl;
  const b = b0 - 1.1 * swirl;
  const c = c0 + 0.9 * swirl;
  const n1 = valueNoise3(a * 1.1, b * 1.1, c * 1.1, v.seed);
  const n2 = valueNoise3(a * 2.7 + 7, b * 2.6, c * 2.6, v.seed + 1);
  const n3 = valueNoise3(a * 6.5, b * 6.5, c * 6.5, v.seed + 2);
  // Cauliflower outline: the big octave as billows (|2n−1| folds it into round lobes with creases).
  const lobe = Math.abs(2 * n1 - 1);
  const rough = r2 * (1 + 1.5 * (0.5 - lobe) + 0.8 * (0.5 - n2));
  if (rough > 6) return;
  const f = sp(s) / v.lengthM;
  // Downwind the puffs come apart: a threshold that rises with distance opens gaps of clear air.
  const gap = v.breakup * 1.5 * Math.min(1, Math.max(0, (f - 0.1) * 2));
  const puff = Math.max(0, 1 + 3.4 * (n1 - 0.5) + 2.2 * (n2 - 0.5) + 1.3 * (n3 - 0.5) - gap);
  if (puff <= 0) return;
  const dilute = (v.sigmaQ0 * v.sigmaZ0) / (sigQ * sigZ);
  // Upwind of the source the plume fades out smoothly instead of ending at a plane.
  const back = s < 0 ? Math.exp((-2 * s * s) / (v.sigmaQ0 * v.sigmaQ0)) : 1;
  const body = Math.exp(-0.5 * rough);
  sample.density = v.beta * Math.sqrt(dilute) * body * downwind(f) * puff * back;
  // Colour: dense young smoke keeps the core's grey-brown; thin or old smoke turns to haze.
  sample.core = Math.exp(-sp(s) / v.ageM) * Math.min(1, 0.3 + 0.7 * body * puff);
  // Flame light from below: strongest low over the front, fading with height and distance.
  const low = dz > 0 ? dz : 0;
  sample.glow = v.glow * Math.exp(-sp(s) / (2 * v.sigmaZ0 + 4) - low / (1.5 * v.sigmaZ0 + 2));
  // Lit side: the offset from the axis along the sun direction (cross-wind and up); the shaded
  // side and the dense core's underside are darker (self-shadowing).
  const sw = ux * v.wx + uy * v.wy;
  const sq = -ux * v.wy + uy * v.wx;
  const lit = (q * sq) / sigQ + (zq * uz) / sigZ;
  // Each billow is lit on its own sun side: more smoke a little way toward the sun = in its shade.
  const toSun = valueNoise3((a + 0.3 * sw) * 1.1, (b + 0.3 * uz) * 1.1, (c + 0.3 * sq) * 1.1, v.seed) - n1;
  sample.light =
    Math.min(1, Math.max(0, 0.5 + 0.45 * lit - 2.2 * toSun + 0.2 * (n2 - 0.5) + 0.15 * (n3 - 0.5))) *
    (1 - v.darkening * Math.exp(-0.5 * r2) * (0.4 + 0.6 * n1));
  sample.s = s;
}

/**
 * How a plume's density falls off downwind, at `f` of its length: thinning as it spreads (e^−1.2f), and over
 * its last 30 % to nothing. Cut at its length where a third of it was left, it ended at a plane across the
 * wind: a straight edge wherever a photo sees the plume's end.
 */
function downwind(f: number): number {
  return Math.exp(-1.2 * f) * (1 - smooth(0.7, 1, f));
}

/** A plume's axis lies this many σz above its climbed centreline (`climbAt`): its body sits on the ground. */
const AXIS_LIFT = 0.6;

/**
 * How high a plume's centreline has climbed `sp` metres downwind (the axis is this plus AXIS_LIFT σz): steeply near
 * the source, levelling off toward the ceiling.
 */
function climbAt(v: Pick<Volume, 'ceilM' | 'rise'>, sp: number): number {
  return v.ceilM * (1 - Math.exp((-sp * v.rise) / Math.max(1, v.ceilM)));
}

/** Downwind distance, 0 upwind of the source. */
function sp(s: number): number {
  return s > 0 ? s : 0;
}
