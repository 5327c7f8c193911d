/**
 * Exposed slopes (山体裸露) as real ones look from a drone: not an even patch of red earth, but
 * - a slide: a long pale track down the fall line, with a curved head scarp at the top, a narrower
 *   chute that bends a little, and a debris tongue or fan at the toe, where the soil is darker, lumpier
 *   and full of rocks and fallen trunks;
 * - scars: two or three such tracks of different lengths side by side (shallow slides, debris-flow
 *   channels after a fire);
 * - a cut: an earthwork beside a new road or building, nearly as wide as it is long, with straighter
 *   edges, contour strata and often benches.
 * Soil is pale where dry (tan, ochre, grey, light brown; Zhejiang's red earth washes to pink-tan), with
 * rills and flow streaks along the fall line and remnant shrubs. Every shape and colour is drawn from
 * seeded ranges (drawSlopeForm); the outline is one function (slopeOutline) shared by the painter and
 * the tree clearing, so no tree stands on the scar and no scar pixel is left unlabelled.
 */
import { lerp, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Rng } from '../random.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';
import { detailBuffer } from '../textures.ts';
import type { PreparedIncident } from './incidents.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const edgeTeeth = detailBuffer();
const clodDetail = detailBuffer();
const grainDetail = detailBuffer();
const slopeMoisture = detailBuffer();

/** Base soil colours by name (the incident's `soil`), before drying pales them. */
export const SOIL_COLOURS: Record<string, RGB> = {
  red: [0.64, 0.38, 0.26],
  ochre: [0.68, 0.5, 0.31],
  tan: [0.7, 0.6, 0.46],
  yellow: [0.74, 0.64, 0.42],
  grey: [0.6, 0.58, 0.54],
};

/** What dry bare soil fades toward in sun (the pale tan of the aerial photos' tracks). */
const DRY_PALE: RGB = [0.82, 0.77, 0.68];
const ROCK: RGB = [0.62, 0.6, 0.56];
const CHARRED: RGB = [0.11, 0.1, 0.09];
const DEADWOOD: RGB = [0.5, 0.46, 0.4];

/** One track of a slide: centre offset and width scale across the slope, and where it starts and ends. */
interface SlopeTrack {
  /** Centre across the slope in half-widths (−1..1). */
  off: number;
  /** Width as a share of the incident's half-width. */
  scale: number;
  /** Top and toe along the fall line, −1 (top) .. 1 (bottom). */
  u0: number;
  u1: number;
}

export interface SlopeForm {
  kind: 'slide' | 'scars' | 'cut';
  tracks: SlopeTrack[];
  /** Width profile (shares of a track's width) at the head, the chute and the toe. */
  headW: number;
  chuteW: number;
  toeW: number;
  /** Where along the track (0 top .. 1 toe) the chute is narrowest, and where the fan begins. */
  chuteAt: number;
  fanAt: number;
  /** The chute's bend: amplitude in half-widths, waves over the length, phase. */
  bendA: number;
  bendK: number;
  bendPhase: number;
  /** Outline raggedness (normalised radius units): swells of ~13 m, lobes of ~3 m, small teeth. */
  swells: number;
  lobes: number;
  teeth: number;
  /** The soil's colour after drying, and the debris at the toe. */
  soil: RGB;
  debris: RGB;
  /** Remnant shrubs and fallen trunks: share of their cells that hold one. */
  shrubs: number;
  trunks: number;
  /** Trunks are charred (burnt slope) rather than weathered grey. */
  charred: boolean;
  /** Contrast of the flow streaks along the fall line. */
  streaks: number;
}

/**
 * Draw a slope's form from `r` (its own fork, so the incident's other draws stay as they were).
 * `base` is the soil colour, `aspect` the incident's length / width.
 */
export function drawSlopeForm(r: Rng, base: RGB, terraced: boolean, lengthM: number, widthM: number): SlopeForm {
  const aspect = lengthM / Math.max(1, widthM);
  // Squat outlines more often hold several scars side by side than one track filling them.
  const kind: SlopeForm['kind'] = terraced
    ? 'cut'
    : r.chance(aspect < 0.9 ? 0.6 : aspect < 1.5 ? 0.35 : 0.15)
      ? 'scars'
      : 'slide';
  const tracks: SlopeTrack[] = [];
  if (kind === 'scars') {
    const n = r.chance(0.55) ? 2 : 3;
    for (let i = 0; i < n; i++) {
      const slot = -1 + (2 * (i + 0.5)) / n;
      const scale = r.range(0.55, 0.9) / n;
      tracks.push({
        off: slot + r.range(-0.25, 0.25) / n,
        scale,
        u0: -1 + r.range(0, 0.45),
        u1: 1 - r.range(0, 0.5) * (i === 0 ? 0 : 1),
      });
    }
  } else if (kind === 'slide') {
    // A narrow outline is one track filling it; a wide one holds a track narrower than itself.
    const scale = widthM < 30 ? r.range(0.8, 1) : r.range(0.55, 0.85);
    tracks.push({ off: r.range(-0.15, 0.15), scale, u0: -1, u1: 1 });
  } else tracks.push({ off: 0, scale: r.range(0.85, 1), u0: -1, u1: 1 });
  // Dry soil pales toward a light tan: most of the real tracks are light, a few still show red or ochre.
  const dry = r.range(0.5, 1);
  const grey = (base[0] + base[1] + base[2]) / 3;
  const washed = lerp(lerp(base, [grey, grey, grey], 0.45), DRY_PALE, 0.7);
  const tone = r.range(0.95, 1.05);
  const soil = lerp(base, washed, dry).map((c) => c * tone) as unknown as RGB;
  const debris = lerp(soil, [0.42, 0.38, 0.33], r.range(0.25, 0.5));
  return {
    kind,
    tracks,
    headW: kind === 'cut' ? 1 : r.range(0.55, 0.85),
    chuteW: kind === 'cut' ? r.range(0.85, 1) : r.range(0.35, 0.6),
    toeW: kind === 'cut' ? r.range(0.8, 1) : r.range(0.85, 1.05),
    chuteAt: r.range(0.3, 0.55),
    fanAt: r.range(0.65, 0.85),
    bendA: kind === 'cut' ? 0 : r.range(0, 0.2),
    bendK: r.range(0.5, 1.5),
    bendPhase: r.range(0, 2 * Math.PI),
    lobes: kind === 'cut' ? 0.1 : r.range(0.2, 0.35),
    swells: kind === 'cut' ? 0.06 : r.range(0.2, 0.4),
    teeth: kind === 'cut' ? 0.08 : r.range(0.18, 0.3),
    soil,
    debris,
    shrubs: r.range(0.02, 0.12),
    trunks: kind === 'cut' ? 0 : r.range(0, 0.3),
    charred: r.chance(0.35),
    streaks: kind === 'cut' ? 0.03 : r.range(0.06, 0.14),
  };
}

/** Track `t`'s normalised radius at (u, v) (1 on its outline) and its half-width there in metres. */
function trackRadius(f: SlopeForm, t: SlopeTrack, u: number, v: number, halfW: number, halfL: number): number {
  const a = (u - t.u0) / (t.u1 - t.u0); // 0 top .. 1 toe
  // Width profile: the head narrows into the chute, which widens again into the toe's fan.
  const prof =
    a < f.chuteAt
      ? f.headW + (f.chuteW - f.headW) * smooth(0, f.chuteAt, a)
      : f.chuteW + (f.toeW - f.chuteW) * smooth(f.chuteAt, 1, a);
  const wv = t.scale * prof; // half-width in half-widths
  const bend = f.bendA * Math.sin(Math.PI * (a * f.bendK * 2) + f.bendPhase) * smooth(0, 0.3, a);
  const across = Math.abs(v - t.off - bend) / wv;
  // Round ends (a horseshoe head scarp, a lobed toe), square for a cut: caps as long as the end is wide.
  const wM = wv * halfW;
  const capT = Math.min(0.45, Math.max(0.03, (wM * (f.kind === 'cut' ? 0.3 : 0.8)) / (halfL * (t.u1 - t.u0))));
  const capB = Math.min(0.45, Math.max(0.03, (wM * (f.kind === 'cut' ? 0.3 : 0.6)) / (halfL * (t.u1 - t.u0))));
  const end = Math.max(0, (a - (1 - capB)) / capB, (capT - a) / capT);
  const p = f.kind === 'cut' ? 6 : 2;
  return Math.pow(Math.pow(across, p) + Math.pow(end, p), 1 / p);
}

/**
 * Normalised outline radius of an exposed slope at incident-local (sl, q) (1 = edge, < 1 inside), with
 * its ragged lobes and teeth; `track` receives the index of the nearest track's centre share (0 centre..1 edge).
 */
export function slopeOutline(
  sh: Shader,
  p: PreparedIncident,
  sl: number,
  q: number,
  x: number,
  y: number,
  gsd: number,
): number {
  const f = p.slope as SlopeForm;
  const halfL = p.shape.lengthM / 2 + 1e-6;
  const halfW = p.shape.widthM / 2 + 1e-6;
  const u = sl / halfL;
  const v = q / halfW;
  let r = 9;
  for (const t of f.tracks) {
    if (u < t.u0 - 0.3 || u > t.u1 + 0.3) continue;
    const rt = trackRadius(f, t, u, v, halfW, halfL);
    if (rt < r) r = rt;
  }
  if (r > 2) return r;
  const swells = sh.tex(x, y, 0.2, gsd, p.seed + 1) - 0.5;
  const lobes = sh.tex(x, y, 0.05, gsd, p.seed) - 0.5;
  const teeth = (sh.det4(x, y, 0.1, gsd, edgeTeeth)[0] as number) - 0.5;
  const fine = (sh.det4(x, y, 0.025, gsd, grainDetail)[0] as number) - 0.5;
  return r + swells * f.swells + lobes * f.lobes + teeth * f.teeth + fine * 0.1;
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
  const f = p.slope as SlopeForm;
  // Inside the outline only (grainDetail and edgeTeeth hold this pixel's reads afterwards).
  const r = slopeOutline(sh, p, sl, q, x, y, gsd);
  if (r > 1) return;
  s.incident = p.index + 1;
  const I = shape.intensity;
  const downhill = sl / (shape.lengthM / 2 + 1e-6); // −1 top .. 1 toe
  const g = grainDetail; // blobs 80 cm, 20 cm, grain 5 cm, alt 40 cm
  const d = sh.det4(x, y, 0.1, gsd, clodDetail); // blobs 3.2 m, 80 cm, grain 20 cm, alt 1.6 m
  const moist = sh.det4(x, y, 0.12, gsd, slopeMoisture); // 4 m blobs of moisture and colour
  // The toe's debris: darker, mixed, lumpier soil where the slide spread out.
  const fan = f.kind === 'cut' ? 0 : smooth(f.fanAt * 2 - 1, f.fanAt * 2 - 0.6, downhill);
  // Flow streaks along the fall line (stretched noise: ~0.8 m across, ~8 m along), strongest in the chute.
  const streak = sh.tex(q, sl * 0.1, 0.012, gsd, p.seed + 3) - 0.5;
  // Strata: colour bands along the contours, as in a fresh road cut (weak on slides).
  const strata = Math.sin(z * 1.3 + (moist[3] as number) * 4) * (f.kind === 'cut' ? 0.06 : 0.02);
  // Mottling and clods: drier crumbs lighter, damp hollows darker, each clod tilted so the sun picks
  // out its lit and shaded sides.
  const clod = (d[1] as number) - 0.5;
  const mottle = (d[3] as number) - 0.5;
  const grain = (g[2] as number) - 0.5;
  const crumbs = (g[1] as number) - 0.5;
  s.set(f.soil);
  if (fan > 0) s.mix(f.debris, fan * (0.55 + 0.5 * ((moist[1] as number) - 0.5)));
  // Edges carry some topsoil and litter; the centre is scoured bare and lighter.
  const edgeDark = smooth(0.55, 1, r) * 0.12;
  s.mul(
    0.97 +
      0.22 * ((moist[0] as number) - 0.5) +
      0.5 * grain +
      0.35 * crumbs +
      (0.3 + 0.15 * fan) * clod +
      0.2 * mottle +
      f.streaks * 2 * streak * (1 - fan) +
      strata -
      edgeDark,
  );
  s.objH = 0;
  s.dropLeaves();
  s.ao = 1;
  s.spec = 0;
  s.grain = 0.75;
  s.gx = (clod - mottle) * (1.1 + fan) + crumbs * 0.8;
  s.gy = (clod + mottle) * (1.1 + fan) - crumbs * 0.8;
  // Bench terraces along the contours: each bench drops benchM; its riser (a 1:0.5 face) takes a
  // share of the plan that grows with the ground's slope, the rest is a nearly level bench.
  let onBench = true;
  const slope = Math.sqrt(hx * hx + hy * hy);
  if (p.terraced && slope > 0.05) {
    const fb = (((z / p.benchM) % 1) + 1) % 1;
    const riser = Math.min(0.5, Math.max(0.08, 0.5 * slope));
    if (fb < riser) {
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
      if (fb > 0.93) s.mul(0.85);
    }
  }
  // Rills: narrow gullies running downhill (along s), wandering with the moisture, deeper lower down.
  const wig = ((moist[0] as number) - 0.5) * 1.5 + mottle * 0.25;
  const rillAmp = Math.min(1, Math.max(0, (p.rillM / gsd - 3) / 3)) * (1 - 0.6 * fan);
  if (rillAmp > 0) {
    const rill = Math.pow(Math.abs(Math.sin(Math.PI * (q / p.rillM + wig))), 12);
    s.mul(1 - 0.4 * rill * rillAmp * (0.3 + 0.7 * smooth(-0.8, 0.8, downhill)));
  }
  // Head scarp: a steep fresh face just inside the top edge, facing downhill (shaded by the hill's own
  // gradient made steeper), with the sod's dark lip above it; fresher, less faded soil shows in it.
  if (f.kind !== 'cut' && downhill < 0 && r > 0.8) {
    const topness = smooth(-0.2, -0.7, downhill);
    const face = smooth(0.8, 0.93, r) * topness;
    if (face > 0) {
      s.mix(p.soil, face * 0.5);
      s.gx += hx * 1.5 * face;
      s.gy += hy * 1.5 * face;
      if (r > 0.95) s.mul(1 - 0.35 * topness);
    }
  }
  // Scattered rocks casting tiny shadows; more and bigger in the debris at the toe.
  const cell = 1.4;
  const ci = Math.floor(x / cell);
  const cj = Math.floor(y / cell);
  if (hash2(ci, cj, p.seed + 5) < 0.1 + 0.2 * fan) {
    const rx = (ci + hash2(ci, cj, p.seed + 6)) * cell;
    const ry = (cj + hash2(ci, cj, p.seed + 7)) * cell;
    const rr = (0.15 + 0.4 * hash2(ci, cj, p.seed + 8)) * (1 + 0.6 * fan);
    const dr = Math.hypot(x - rx, y - ry);
    if (dr < rr) {
      s.set(ROCK, 0.75 + 0.45 * hash2(ci, cj, p.seed + 9));
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
  if (pk > 0 && hash2(pi, pj, p.seed + 11) < 0.35) {
    const px = (pi + 0.2 + 0.6 * hash2(pi, pj, p.seed + 12)) * pc;
    const py = (pj + 0.2 + 0.6 * hash2(pi, pj, p.seed + 13)) * pc;
    const pr = 0.04 + 0.08 * hash2(pi, pj, p.seed + 14);
    const dp = Math.hypot(x - px, y - py);
    if (dp < pr) {
      s.mul(1 + pk * (0.6 * hash2(pj, pi, p.seed + 15) - 0.3));
      s.gx += ((x - px) / pr) * 1.2 * pk;
      s.gy += ((y - py) / pr) * 1.2 * pk;
    }
  }
  paintTrunk(s, p, f, sl, q, fan);
  paintShrub(sh, s, p, f, x, y, r, fan);
  // Weeds reclaiming the edges and the benches; fewer where the exposure is fresh (high intensity).
  const weed = (d[1] as number) * 0.3 + (moist[2] as number) * 0.2 + (g[0] as number) * 0.5;
  const thr = 0.72 - (1 - I) * 0.2 - (onBench && f.kind === 'cut' ? 0.04 : 0) - smooth(0.75, 1, r) * 0.14;
  if (weed > thr) s.mix(sh.look.grass, smooth(thr, thr + 0.06, weed) * 0.8);
}

/** A fallen or charred trunk (2–5 m, 15–35 cm thick), mostly lying along the fall line, more in the debris. */
function paintTrunk(s: Surface, p: PreparedIncident, f: SlopeForm, sl: number, q: number, fan: number): void {
  if (f.trunks <= 0) return;
  // Cells in incident-local axes, so trunks lie relative to the fall line.
  const cell = 5;
  const ci = Math.floor(sl / cell);
  const cj = Math.floor(q / cell);
  if (hash2(ci, cj, p.seed + 21) >= f.trunks * (0.4 + 1.6 * fan)) return;
  const cx = (ci + 0.3 + 0.4 * hash2(ci, cj, p.seed + 22)) * cell;
  const cq = (cj + 0.3 + 0.4 * hash2(ci, cj, p.seed + 23)) * cell;
  const ang = (hash2(ci, cj, p.seed + 24) - 0.5) * (0.9 + 2.2 * fan);
  const half = 1 + 1.5 * hash2(ci, cj, p.seed + 25);
  const rad = 0.08 + 0.1 * hash2(ci, cj, p.seed + 26);
  const ca = Math.cos(ang);
  const sa = Math.sin(ang);
  const ds = sl - cx;
  const dq = q - cq;
  const along = ds * ca + dq * sa;
  const across = -ds * sa + dq * ca;
  if (Math.abs(along) > half || Math.abs(across) > rad) return;
  const round = across / rad; // −1..1 across the log
  s.set(f.charred ? CHARRED : DEADWOOD, 0.75 + 0.45 * (1 - round * round));
  s.objH = rad * 2;
  // The log's curved top: tilt across it (in scene axes the incident's q direction).
  s.gx += round * 1.2 * p.cosH;
  s.gy -= round * 1.2 * p.sinH;
}

/** Remnant shrubs and saplings (0.4–1.4 m) left on the scar, denser at the edges and in the debris. */
function paintShrub(
  sh: Shader,
  s: Surface,
  p: PreparedIncident,
  f: SlopeForm,
  x: number,
  y: number,
  r: number,
  fan: number,
): void {
  const cell = 3;
  const ci = Math.floor(x / cell);
  const cj = Math.floor(y / cell);
  if (hash2(ci, cj, p.seed + 31) >= f.shrubs * (0.6 + smooth(0.6, 1, r) * 1.5 + fan)) return;
  const bx = (ci + 0.25 + 0.5 * hash2(ci, cj, p.seed + 32)) * cell;
  const by = (cj + 0.25 + 0.5 * hash2(ci, cj, p.seed + 33)) * cell;
  const br = 0.4 + 1 * hash2(ci, cj, p.seed + 34);
  // A ragged clump, not a disc: its edge wanders with the 80 cm and 20 cm detail.
  const lumpy = ((edgeTeeth[1] as number) - 0.5) * 0.6 + ((grainDetail[1] as number) - 0.5) * 0.5;
  const db = Math.hypot(x - bx, y - by) / br + lumpy;
  if (db > 1.25) return;
  if (db > 1) {
    // Litter and the clump's own shade darken the soil around its foot.
    s.mul(0.8 + 0.2 * smooth(1, 1.25, db));
    return;
  }
  const leaf = (grainDetail[3] as number) * 0.6 + (grainDetail[1] as number) * 0.4;
  s.set(hash2(ci, cj, p.seed + 35) < 0.3 ? sh.look.grassDry : sh.look.forestAlt, 0.6 + 0.7 * leaf);
  s.objH = br;
  s.gx += ((x - bx) / br) * 0.9;
  s.gy += ((y - by) / br) * 0.9;
}
