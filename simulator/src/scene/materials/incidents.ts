/**
 * What the three incident classes paint on the ground (their smoke is a volume, see volumes.ts):
 * - straw burning: a black (fresh) to grey (old) scar with ragged sharp edges, stubble rows and
 *   unburnt tufts still showing, char lumps and ash flecks, a scorched rim, and while it burns a thin
 *   flickering flame line on the downwind front with glowing embers behind it;
 * - exposed slope: bare earth in the place's soil colour (red, ochre, tan, yellow, grey), optionally cut
 *   into benches along the contours, with downhill erosion rills, clods and mottling, pebbles, scattered
 *   rocks and weed patches;
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

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const burnDetail = detailBuffer();
const flameGaps = detailBuffer();
const outlineTeeth = detailBuffer();
const slopeDetail = detailBuffer();
const slopeMoisture = detailBuffer();
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
}

const FLAME_CORE: RGB = [1.0, 0.86, 0.45];
const FLAME_EDGE: RGB = [1.0, 0.45, 0.08];
const EMBER: RGB = [0.55, 0.12, 0.03];
const CHAR: RGB = [0.1, 0.095, 0.09];
const ASH: RGB = [0.45, 0.44, 0.42];
const ASH_WHITE: RGB = [0.75, 0.74, 0.72];
const SCORCH: RGB = [0.3, 0.22, 0.14];
const ROCK: RGB = [0.62, 0.6, 0.56];
const CONCRETE: RGB = [0.68, 0.67, 0.64];
const PIPE_DARK: RGB = [0.05, 0.05, 0.05];
const FOAM: RGB = [0.9, 0.9, 0.88];
const STAIN: RGB = [0.22, 0.24, 0.16];

export const SOIL_COLOURS: Record<string, RGB> = {
  red: [0.64, 0.38, 0.26],
  ochre: [0.68, 0.5, 0.31],
  tan: [0.7, 0.6, 0.46],
  yellow: [0.74, 0.64, 0.42],
  grey: [0.6, 0.58, 0.54],
};

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
  } else if (r > 1 - 5 * wr && flicker > 0.6) {
    const ke = front * shape.intensity * smooth(0.6, 0.78, flicker) * 0.7;
    s.mix(EMBER, ke);
    s.emit = Math.max(s.emit, ke * 0.5);
  }
}

/** Normalised outline radius of an exposed slope at (x, y) without its finest teeth (1 = edge). */
export function slopeRadius(
  sh: Shader,
  p: PreparedIncident,
  sl: number,
  q: number,
  x: number,
  y: number,
  gsd: number,
): number {
  const lobes = sh.tex(x, y, 0.05, gsd, p.seed) - 0.5;
  const teeth = (sh.det4(x, y, 0.1, gsd, outlineTeeth)[0] as number) - 0.5;
  const downhill = sl / (p.shape.lengthM / 2 + 1e-6);
  const finger =
    downhill > 0.3 ? Math.pow(Math.abs(Math.sin((q / (p.rillM * 2.5)) * Math.PI)), 3) * 0.25 * (downhill - 0.3) : 0;
  return rho(p.shape, sl, q) + lobes * 0.5 + teeth * 0.4 + finger;
}

/** Paint an exposed slope's bare earth over the ground in `s`; z is the terrain elevation. */
export function paintSlope(
  sh: Shader,
  s: Surface,
  p: PreparedIncident,
  sl: number,
  q: number,
  x: number,
  y: number,
  z: number,
  hx: number,
  hy: number,
  gsd: number,
): void {
  const shape = p.shape;
  // Irregular outline: lobes, and fingers reaching down the gullies at the lower end.
  const downhill = sl / (shape.lengthM / 2 + 1e-6);
  // Blobs 3.2 m, 80 cm, grain 20 cm, alt 1.6 m. (This read was meant at 2.5 cm texels, but slopeRadius's own
  // read overwrote the old shared buffer before any channel was used; these are the texels it has always used.)
  const d = sh.det4(x, y, 0.1, gsd, slopeDetail);
  const r = slopeRadius(sh, p, sl, q, x, y, gsd) + ((d[0] as number) - 0.5) * 0.16;
  if (r > 1) return;
  s.incident = p.index + 1;
  const I = shape.intensity;
  const moist = sh.det4(x, y, 0.12, gsd, slopeMoisture); // 4 m blobs of moisture and colour
  // Strata: colour bands along the contours, as in a fresh road cut.
  const strata = Math.sin(z * 1.3 + (moist[3] as number) * 4) * 0.06;
  // Mottling and clods at 0.2–0.4 m: drier crumbs lighter, damp hollows darker, each clod tilted so
  // the sun picks out its lit and shaded sides (the ground's texture a real cut shows at this scale).
  const clod = (d[1] as number) - 0.5;
  const mottle = (d[3] as number) - 0.5;
  s.set(
    p.soil,
    0.95 + 0.3 * ((moist[0] as number) - 0.5) + 0.4 * ((d[2] as number) - 0.5) + 0.4 * clod + 0.2 * mottle + strata,
  );
  s.objH = 0;
  s.ao = 1;
  s.spec = 0;
  s.grain = 0.75;
  s.gx = s.gx * 0.2 + (clod - mottle) * 1.4;
  s.gy = s.gy * 0.2 + (clod + mottle) * 1.4;
  // Bench terraces along the contours: each bench drops benchM; its riser (a 1:0.5 face) takes a
  // share of the plan that grows with the ground's slope, the rest is a nearly level bench.
  let onBench = true;
  const slope = Math.sqrt(hx * hx + hy * hy);
  if (p.terraced && slope > 0.05) {
    const f = (((z / p.benchM) % 1) + 1) % 1;
    const riser = Math.min(0.5, Math.max(0.08, 0.5 * slope));
    if (f < riser) {
      onBench = false;
      // The face is steeper than the hill: add the extra slope along the hill's own gradient.
      const k = (2 - slope) / slope;
      s.gx += hx * k;
      s.gy += hy * k;
      s.mul(1.04);
    } else {
      // The bench is nearly level: take the hill's slope back out.
      s.gx -= hx * 0.8;
      s.gy -= hy * 0.8;
      if (f > 0.93) s.mul(0.85);
    }
  }
  // Rills: narrow gullies running downhill (along s), wandering a little, deeper lower down.
  const wig = ((moist[0] as number) - 0.5) * 1.5 + ((d[3] as number) - 0.5) * 0.25;
  const rillAmp = Math.min(1, Math.max(0, (p.rillM / gsd - 3) / 3));
  if (rillAmp > 0) {
    const rill = Math.pow(Math.abs(Math.sin(Math.PI * (q / p.rillM + wig))), 12);
    s.mul(1 - 0.45 * rill * rillAmp * (0.3 + 0.7 * smooth(-0.8, 0.8, downhill)));
  }
  // Scattered rocks casting tiny shadows.
  const cell = 1.4;
  const ci = Math.floor(x / cell);
  const cj = Math.floor(y / cell);
  if (hash2(ci, cj, p.seed + 5) < 0.1) {
    const rx = (ci + hash2(ci, cj, p.seed + 6)) * cell;
    const ry = (cj + hash2(ci, cj, p.seed + 7)) * cell;
    const rr = 0.15 + 0.4 * hash2(ci, cj, p.seed + 8);
    const dr = Math.hypot(x - rx, y - ry);
    if (dr < rr) {
      s.set(ROCK, 0.8 + 0.4 * hash2(ci, cj, p.seed + 9));
      s.objH = 0.35 * rr;
      s.gx += ((x - rx) / rr) * 0.8;
      s.gy += ((y - ry) / rr) * 0.8;
    }
  }
  // Pebbles and crumbs of 4–12 cm between the rocks, each with a lit and a shaded side.
  const pc = 0.45;
  const pi = Math.floor(x / pc);
  const pj = Math.floor(y / pc);
  // Faded out where a pixel covers more ground than a pebble (no seam, no aliasing).
  const pk = Math.min(1, (0.08 - gsd) / 0.04);
  if (pk > 0 && hash2(pi, pj, p.seed + 11) < 0.3) {
    const px = (pi + 0.2 + 0.6 * hash2(pi, pj, p.seed + 12)) * pc;
    const py = (pj + 0.2 + 0.6 * hash2(pi, pj, p.seed + 13)) * pc;
    const pr = 0.04 + 0.08 * hash2(pi, pj, p.seed + 14);
    const dp = Math.hypot(x - px, y - py);
    if (dp < pr) {
      s.mul(1 + pk * (0.5 * hash2(pj, pi, p.seed + 15) - 0.25));
      s.gx += ((x - px) / pr) * 1.2 * pk;
      s.gy += ((y - py) / pr) * 1.2 * pk;
    }
  }
  // The fresh cut at the top edge throws a dark line.
  if (downhill < -0.6 && r > 0.9) s.mul(0.65);
  // Weeds reclaiming the edges and the benches; fewer where the exposure is fresh (high intensity).
  const weed = (d[1] as number) * 0.5 + (moist[2] as number) * 0.2 + (d[0] as number) * 0.3;
  const thr = 0.7 - (1 - I) * 0.2 - (onBench ? 0.04 : 0) - smooth(0.75, 1, r) * 0.12;
  if (weed > thr) s.mix(sh.look.grass, smooth(thr, thr + 0.06, weed) * 0.85);
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
  // Headwall: a concrete face along the bank around the mouth, on the land side.
  const wall = rp * 1.6 + 0.6;
  if (Math.abs(sl) < wall && qq > -1.2 && qq < 0.15) {
    s.incident = p.index + 1;
    s.set(CONCRETE, 0.85 + 0.2 * (sh.det4(x, y, 0.02, gsd, headwallGrain)[1] as number));
    s.spec = 0;
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
  if (conc > 0.12) s.incident = p.index + 1;
}
