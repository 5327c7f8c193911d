/**
 * What the three incident classes paint on the ground (their smoke is a volume, see volumes.ts):
 * - straw burning: a black (fresh) to grey (old) scar with ragged sharp edges, stubble rows and
 *   unburnt tufts still showing, char lumps and ash flecks, a scorched rim, and while it burns a thin
 *   flickering flame line on the downwind front with glowing embers behind it;
 * - exposed slope: see exposed-slope.ts (slide tracks, scars and cuts down the fall line);
 * - sewage outfall: a round or box culvert in the bank with its headwall, a white jet where the flow
 *   hits the water, and a discoloured plume (grey, black, milky, foamy, brown, green) spreading
 *   downstream, stronger and longer with the incident's strength.
 */
import type { IncidentShape } from '../incident-shape.ts';
import { plumeWidth } from '../incident-shape.ts';
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';

import { detailBuffer } from '../textures.ts';
import type { BurnCrew } from './burn-crew.ts';
import type { SlopeForm } from './exposed-slope.ts';
import type { PixelPlot, PlotGrid } from './fields.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const burnDetail = detailBuffer();
const flameGaps = detailBuffer();
const headwallGrain = detailBuffer();
const plumeDetail = detailBuffer();

export interface PreparedIncident {
  index: number;
  shape: IncidentShape;
  cx: number;
  cy: number;
  sinH: number;
  cosH: number;
  boundM: number;
  seed: number;
  scarAge: number;
  soil: RGB;
  terraced: boolean;
  benchM: number;
  rillM: number;
  culvert: 'round' | 'box';
  pipeM: number;
  discharge: RGB;
  foam: boolean;
  /** Exposed slopes: the scar's drawn form (exposed-slope.ts); null for the other classes. */
  slope: SlopeForm | null;
  /** Straw burns: the people and truck beside the fire (burn-crew.ts); null for none and the other classes. */
  crew: BurnCrew | null;
}

const FLAME_CORE: RGB = [1.0, 0.86, 0.45];
const FLAME_EDGE: RGB = [1.0, 0.45, 0.08];
const EMBER: RGB = [0.55, 0.12, 0.03];
const CHAR: RGB = [0.1, 0.095, 0.09];
const ASH: RGB = [0.45, 0.44, 0.42];
const ASH_WHITE: RGB = [0.75, 0.74, 0.72];
const SCORCH: RGB = [0.3, 0.22, 0.14];
const CONCRETE: RGB = [0.68, 0.67, 0.64];
const PIPE_DARK: RGB = [0.05, 0.05, 0.05];
const FOAM: RGB = [0.9, 0.9, 0.88];
const STAIN: RGB = [0.22, 0.24, 0.16];

export const DISCHARGE_COLOURS: Record<string, RGB> = {
  grey: [0.42, 0.42, 0.4],
  black: [0.07, 0.07, 0.07],
  milky: [0.78, 0.78, 0.74],
  foam: [0.86, 0.86, 0.84],
  brown: [0.4, 0.3, 0.18],
  green: [0.22, 0.4, 0.18],
};

/** Normalised radius of incident-local (s, q): 1 on the nominal outline. */
function rho(shape: IncidentShape, s: number, q: number): number {
  return shape.shape === 'disc'
    ? Math.sqrt(s * s + q * q) / shape.radiusM
    : Math.max(Math.abs(s) / (shape.lengthM / 2), Math.abs(q) / (shape.widthM / 2));
}

/**
 * Whether incident-local (s, q) lies within a burn's reach (its nominal outline and the ragged margin
 * paintBurn may draw out to): trees there do not stand up over the scar painted on the ground.
 */
export function inBurnReach(shape: IncidentShape, s: number, q: number): boolean {
  return rho(shape, s, q) <= BURN_REACH;
}
/** paintBurn draws nothing past this normalised radius (its outline plus the ragged edge). */
const BURN_REACH = 1.1 + 0.35 + 0.125;

/** Share of the plots a burn only reaches into (not over most of their width) that it burns all the same. */
const JUMP_CHANCE = 0.3;

/**
 * Whether straw burn `p` burns the plot in `pp`: yes for the plot it was lit in and for those whose nearest
 * point to the anchor lies well inside its outline; for plots its outline only reaches into, a seeded few
 * (the fire jumped the ridge); never for the rest. Straw is burnt plot by plot: the ridge (田埂) and the
 * neighbour's crop stop the fire, so a scar ends at a plot's edge instead of running across the ridges.
 */
export function burnsPlot(p: PreparedIncident, pp: PixelPlot): boolean {
  const g = pp.grid as PlotGrid;
  // The anchor in plot-grid coordinates (locate's, without the edge wobble), clamped into the plot.
  const ua = p.cx * g.cos + p.cy * g.sin;
  const va = -p.cx * g.sin + p.cy * g.cos;
  const u0 = pp.iu * g.widthM;
  const v0 = pp.iv * pp.stripL - pp.off;
  const uc = Math.min(u0 + g.widthM, Math.max(u0, ua));
  const vc = Math.min(v0 + pp.stripL, Math.max(v0, va));
  const e = (uc - ua) * g.cos - (vc - va) * g.sin;
  const n = (uc - ua) * g.sin + (vc - va) * g.cos;
  const r0 = rho(p.shape, e * p.sinH + n * p.cosH, e * p.cosH - n * p.sinH);
  if (r0 <= 0.6) return true;
  if (r0 >= 1) return false;
  return hash2(pp.iu * 7919 + pp.iv, g.salt + p.seed, 0x7b1) < JUMP_CHANCE;
}

/** Paint a straw fire's scar and flames over the ground already in `s`. */
export function paintBurn(
  sh: Shader,
  s: Surface,
  p: PreparedIncident,
  sl: number,
  q: number,
  x: number,
  y: number,
  gsd: number,
): void {
  const shape = p.shape;
  const size = shape.shape === 'disc' ? shape.radiusM : Math.min(shape.lengthM, shape.widthM) / 2;
  // Ragged, sharp edge: big lobes where the fire ran or stopped, small teeth along the stubble.
  const lobes = sh.tex(x, y, 0.06, gsd, p.seed) - 0.5;
  const d = sh.det4(x, y, 0.03, gsd, burnDetail); // blobs 1 m, 25 cm, grain 6 cm, alt blobs 50 cm
  const ragged = lobes * Math.min(0.7, 0.3 + 6 / size) + ((d[0] as number) - 0.5) * Math.min(0.25, 2 / size);
  const r = rho(shape, sl, q) + ragged;
  if (r > 1.1) return;
  // On farmland the scar keeps to the plots that burn and stops at their ridges, a few decimetres short
  // where the straw lay thin; in places the fire crossed a ridge (seeded lobes ~10 m) and burnt it too.
  const pp = sh.pixelPlot;
  let edgeM = Infinity; // metres inside the burnt plot's edge, for the embers along a ridge the fire reached
  if (pp.on) {
    if (!burnsPlot(p, pp)) return;
    const dEdge = Math.min(pp.du, pp.dv);
    const stop = pp.ridgeHalf + 0.1 + 0.5 * (d[0] as number);
    if (dEdge < stop && sh.tex(x, y, 0.15, gsd, p.seed + 3) < 0.72) {
      // Ridge grass beside the burn is scorched in patches.
      if (r <= 1 && dEdge < pp.ridgeHalf) s.mix(SCORCH, 0.45 * smooth(0.35, 0.65, d[3] as number));
      return;
    }
    // Only ridges facing downwind stopped the fire's head.
    const alongU = pp.du < pp.dv;
    const sgn = (alongU ? pp.fu : pp.fv) < 0.5 ? -1 : 1;
    const g = pp.grid as PlotGrid;
    const nx = alongU ? g.cos : -g.sin;
    const ny = alongU ? g.sin : g.cos;
    if (dEdge >= stop && sgn * (nx * p.sinH + ny * p.cosH) > 0.3) edgeM = dEdge - stop;
  }
  if (r > 1) {
    s.mix(SCORCH, ((1.1 - r) / 0.1) * 0.5);
    return;
  }
  s.incident = p.index + 1;
  // The field's own texture (stubble rows, straw lines) keeps showing through the char.
  const luma = (s.r + s.g + s.b) / 3;
  const texture = Math.min(1.7, Math.max(0.45, luma / 0.42));
  const age = p.scarAge;
  const ash = (d[3] as number) * 0.7 + (d[1] as number) * 0.3;
  // Even a fresh scar is mottled: grey ash where the straw lay thick, black char between.
  const k = Math.min(1, Math.max(0, 0.45 * (ash - 0.4) + age * (0.55 + 0.9 * (ash - 0.5) + 0.45)));
  const rr = s.r;
  const gg = s.g;
  const bb = s.b;
  s.r = (CHAR[0] + (ASH[0] - CHAR[0]) * k) * texture;
  s.g = (CHAR[1] + (ASH[1] - CHAR[1]) * k) * texture;
  s.b = (CHAR[2] + (ASH[2] - CHAR[2]) * k) * texture;
  s.dropLeaves();
  // Unburnt tufts and islands.
  const keep = smooth(0.68, 0.8, (d[3] as number) * 0.6 + (d[2] as number) * 0.4) * 0.8;
  if (keep > 0) {
    s.r += (rr * 0.7 - s.r) * keep;
    s.g += (gg * 0.7 - s.g) * keep;
    s.b += (bb * 0.7 - s.b) * keep;
  }
  if (age > 0.4) s.mix(ASH_WHITE, smooth(0.68, 0.8, ash) * (age - 0.4) * 1.2);
  // Char lumps and flecks of pale ash at 5–25 cm, where single straw heaps burnt out: a burnt field is
  // speckled close up, not an even black.
  s.mul(0.75 + 0.5 * (d[1] as number));
  s.mix(ASH, smooth(0.66, 0.78, d[2] as number) * 0.55);
  s.spec = 0;
  s.gx *= 0.5;
  s.gy *= 0.5;
  if (shape.intensity <= 0.05) return;
  // Flame line along the head of the fire (downwind), broken into tongues; embers just behind it.
  const len = Math.sqrt(sl * sl + q * q) || 1;
  const along = shape.shape === 'disc' ? sl / len : sl / (shape.lengthM / 2);
  const front = smooth(0.25, 0.7, along);
  if (front <= 0) return;
  const widthM = 0.3 + 0.7 * shape.intensity;
  const wr = widthM / size;
  // Where the fire's head reached a ridge it went out: embers, no flames, along the plot's edge. (Flames
  // there drew bright straight bars along ridges the fire had already crossed.)
  const rf = Math.max(r, 1 - Math.max(edgeM, widthM) / size);
  const g2 = sh.det4(x, y, 0.08, gsd, flameGaps); // 2.5 m gaps between flame tongues
  const gap = smooth(0.36, 0.5, g2[0] as number);
  const flicker = d[2] as number;
  if (r > 1 - wr) {
    const core = 1 - Math.abs((r - (1 - wr / 2)) / (wr / 2));
    const kf = front * gap * shape.intensity * (0.6 + 0.8 * (flicker - 0.5) + 0.4);
    if (kf > 0.08) {
      s.mix(core > 0.45 ? FLAME_CORE : FLAME_EDGE, Math.min(1, kf * 1.5));
      s.emit = Math.max(s.emit, Math.min(1, kf * 1.3));
    }
  } else if (rf > 1 - 5 * wr && flicker > 0.6) {
    const ke = front * shape.intensity * smooth(0.6, 0.78, flicker) * 0.7;
    s.mix(EMBER, ke);
    s.emit = Math.max(s.emit, ke * 0.5);
  }
}

/** Paint an outfall (culvert, jet, plume) over the ground in `s`; `onWater` = the pixel is water. */
export function paintOutfall(
  sh: Shader,
  s: Surface,
  p: PreparedIncident,
  sl: number,
  q: number,
  x: number,
  y: number,
  gsd: number,
  onWater: boolean,
): void {
  const shape = p.shape;
  const side = shape.side === 0 ? 1 : shape.side;
  const qq = q * side; // > 0 toward the water
  const rp = p.pipeM;
  // The ground as it was: the outfall is labelled only where it changes the photo's colour by a
  // just-noticeable difference, which the renderer measures by lighting this too (camera/visibility.ts).
  const r0 = s.r;
  const g0 = s.g;
  const b0 = s.b;
  const spec0 = s.spec;
  // Headwall: a concrete face along the bank around the mouth, on the land side.
  const wall = rp * 1.6 + 0.6;
  if (Math.abs(sl) < wall && qq > -1.2 && qq < 0.15) {
    s.incident = p.index + 1;
    s.keepUnder(r0, g0, b0, spec0);
    s.set(CONCRETE, 0.85 + 0.2 * (sh.det4(x, y, 0.02, gsd, headwallGrain)[1] as number));
    s.spec = 0;
    s.dropLeaves();
    s.objH = 0.8;
    const open = p.culvert === 'round' ? Math.hypot(sl, (qq + 0.1) * 2) < rp : Math.abs(sl) < rp * 1.2 && qq > -0.45;
    if (open) s.set(PIPE_DARK, 1);
    // Stain below the mouth.
    else if (Math.abs(sl) < rp && qq > -0.3) s.mix(STAIN, 0.6);
    return;
  }
  if (!onWater) {
    // A wet dark trickle across the bank to the water.
    if (Math.abs(sl) < rp * 0.8 && qq > -2.5 && qq < 0.5) {
      s.mix(STAIN, 0.7);
      s.spec = 0.2;
      s.incident = p.index + 1;
      s.keepUnder(r0, g0, b0, spec0);
    }
    return;
  }
  const I = shape.intensity;
  // The jet: white water churned where the flow hits.
  const jetLen = 0.8 + 2.5 * I;
  const dj = Math.hypot(sl / (rp * 1.6 + 0.3), qq / jetLen);
  const d = sh.det4(x, y, 0.04, gsd, plumeDetail); // blobs 1.3 m, 30 cm, grain 8 cm, alt 65 cm
  const churn = (d[1] as number) * 0.6 + (d[2] as number) * 0.4;
  if (qq > -0.5 && dj < 1) {
    const k = (1 - dj) * (0.6 + 0.6 * churn) * (0.5 + 0.5 * I);
    if (k > 0.15) {
      s.mix(FOAM, Math.min(1, k * 1.5));
      s.spec *= 0.3;
      s.incident = p.index + 1;
      s.keepUnder(r0, g0, b0, spec0);
    }
  }
  if (sl < -1 || sl > shape.lengthM * 1.15) return;
  const w = plumeWidth(shape, Math.max(0, sl));
  const lat = shape.side === 0 ? Math.abs(q) / (w / 2) : Math.max(0, qq) / w;
  if (shape.side !== 0 && qq < -1.5) return;
  const swirl = sh.tex(x, y, 0.05, gsd, p.seed + 2);
  const swirl2 = (d[0] as number) * 0.6 + (d[3] as number) * 0.4;
  const r = Math.max(lat, sl / shape.lengthM) + (swirl - 0.5) * 0.45 + (swirl2 - 0.5) * 0.15;
  if (r > 1) return;
  const conc = (0.35 + 0.65 * I) * (1 - 0.6 * (sl / shape.lengthM)) * Math.min(1, (1 - r) * 3);
  if (conc <= 0.02) return;
  s.mix(p.discharge, Math.min(0.92, conc));
  // Turbid or scummy water reflects less sky.
  s.spec *= 1 - 0.6 * Math.min(1, conc);
  if (p.foam && swirl2 > 0.62) s.mix(FOAM, smooth(0.62, 0.75, swirl2) * conc);
  if (conc > 0.12) {
    s.incident = p.index + 1;
    s.keepUnder(r0, g0, b0, spec0);
  }
}
