/**
 * A construction site (the geodata layer kind, or the hard negative "construction site that is not a
 * slope"), as a Chinese building site looks from the air: a flat graded pad inside a perimeter hoarding
 * (围挡) with a gate and muddy tyre tracks out of it, green dust-suppression netting (防尘网, required by law
 * over bare soil and spoil heaps) over part of the ground and most heaps, concrete (a poured slab with
 * formwork lines or pile caps), rebar and formwork stacks, puddles, an excavator and trucks, and a row of
 * prefab site offices (彩钢板房) with blue or white roofs. Straight edges, right angles and machinery are
 * what tell a site from a landslide; bare earth alone is what the two share.
 *
 * Everything is drawn once per site from its salt (the plan) in the site's own frame: u along its length
 * l, v across its width w, metres, centred. The same plan gives the heights that cast shadows
 * (siteHeight), so nothing casts a shadow that is not drawn, and everything drawn tall casts one.
 */
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import { Rng } from '../random.ts';
import type { Shader } from '../shade.ts';
import { periodicAmp, smooth, stripeShare, thinLineShare, type Surface } from '../surface.ts';
import { detailBuffer } from '../textures.ts';
import { SOIL_COLOURS } from './exposed-slope.ts';

// det4 results, one buffer per read (see Shader.det4).
const siteDetail = detailBuffer();

const GRAVEL: RGB = [0.6, 0.58, 0.55];
const SAND: RGB = [0.76, 0.68, 0.5];
const EXCAVATOR: RGB = [0.88, 0.66, 0.1];
const BLUE_ROOF: RGB = [0.2, 0.42, 0.7];
const WHITE_ROOF: RGB = [0.86, 0.87, 0.86];
const BLUE_PANEL: RGB = [0.16, 0.36, 0.66];
const GREY_PANEL: RGB = [0.8, 0.81, 0.8];
const CONCRETE: RGB = [0.66, 0.66, 0.63];
const RUST: RGB = [0.42, 0.27, 0.18];
const PLYWOOD: RGB = [0.62, 0.42, 0.26];
const MUD: RGB = [0.3, 0.26, 0.2];
const PUDDLE: RGB = [0.33, 0.31, 0.26];
const TRUCK_BED: RGB = [0.55, 0.52, 0.48];
const CABS: RGB[] = [
  [0.2, 0.38, 0.62],
  [0.7, 0.2, 0.15],
  [0.88, 0.86, 0.8],
  [0.25, 0.45, 0.3],
];
/** Netting greens: bright new, dark, and sun-faded grey-green. */
const NETS: RGB[] = [
  [0.2, 0.48, 0.24],
  [0.1, 0.3, 0.15],
  [0.3, 0.42, 0.3],
];
const HEAP_SOILS: RGB[] = [
  SOIL_COLOURS.red as RGB,
  SOIL_COLOURS.yellow as RGB,
  SOIL_COLOURS.ochre as RGB,
  GRAVEL,
  SAND,
];

/** Hoarding height (m) and how far inside the pad's edge it stands. */
const HOARD_H = 2.5;
const HOARD_IN = 0.4;
// Drawn 0.8 m thick (panels, posts and footing; in oblique views its face): the shadow lattice (0.25 m)
// drops features under three nodes across the sun, so a thinner wall cast a comb of stripes, not a shadow.
const HOARD_T = 0.8;
const UNIT_STOREY_M = 2.9;

/** An axis-aligned box in the site frame. */
interface Box {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
}
interface Heap {
  u: number;
  v: number;
  ru: number;
  rv: number;
  h: number;
  soil: RGB;
  netted: boolean;
}
interface Truck extends Box {
  /** The cab is at the u0 end (else u1). */
  cabLow: boolean;
  cab: RGB;
}

export interface SitePlan {
  seed: number;
  salt: number;
  l: number;
  w: number;
  soil: RGB;
  /** Hoarding panels (null: an open site, a tiled layer lot has none). */
  panel: RGB | null;
  /** Gate: side 0..3 (+v, −v, +u, −u), centre along that side, half width. */
  gateSide: number;
  gateAt: number;
  gateHalf: number;
  netShare: number;
  net: RGB;
  netCellM: number;
  heaps: Heap[];
  offices: Box;
  /** Office units along u (else along v), their size along the row, roof, storeys. */
  unitM: number;
  roof: RGB;
  storeys: number;
  concrete: Box;
  /** 0 = poured ground slab, 1 = pile caps in a pit, 2 = foundation slab with rebar. */
  concreteKind: number;
  stacks: (Box & { rebar: boolean })[];
  excavator: { u: number; v: number };
  trucks: Truck[];
  puddles: { u: number; v: number; ru: number; rv: number }[];
}

const plans = new Map<number, SitePlan>();

/** The plan of the site with this salt and size (cached: every pixel of the site reads it). */
export function sitePlan(sh: Shader, salt: number, l: number, w: number, hoarded = true): SitePlan {
  const p = plans.get(salt);
  if (p && p.seed === sh.seed && p.l === l && p.w === w && (p.panel !== null) === hoarded) return p;
  if (plans.size > 256) plans.clear();
  const plan = drawSitePlan(sh, salt, l, w, hoarded);
  plans.set(salt, plan);
  return plan;
}

function drawSitePlan(sh: Shader, salt: number, l: number, w: number, hoarded: boolean): SitePlan {
  const r = new Rng((Math.imul(salt, 0x2f0b3) ^ Math.imul(sh.seed, 0x9e3779b1) ^ 0xc0de) >>> 0);
  const hl = l / 2 - HOARD_IN - 1;
  const hw = w / 2 - HOARD_IN - 1;
  const soil = r.weighted({ look: 0.5, ochre: 0.2, yellow: 0.2, red: 0.1 });
  const soilRgb = soil === 'look' ? sh.look.soil : (SOIL_COLOURS[soil] as RGB);
  // Offices along one long side, from a corner; one or two rows of units, one or two storeys.
  const side = r.chance(0.5) ? 1 : -1;
  const rows = w > 40 && r.chance(0.4) ? 2 : 1;
  const unitM = r.range(5.5, 6.5);
  const units = Math.max(2, Math.min(Math.floor((l * 0.45) / unitM), r.int(3, 8)));
  const oStart = r.chance(0.5) ? -hl : hl - units * unitM;
  const depth = rows * 3 + (rows - 1) * 1.5;
  const offices: Box = {
    u0: oStart,
    u1: oStart + units * unitM,
    v0: side > 0 ? hw - depth : -hw,
    v1: side > 0 ? hw : -hw + depth,
  };
  // Concrete on the other half of the pad from most heaps.
  const left = r.chance(0.5);
  const cl = r.range(0.22, 0.4) * l;
  const cw = r.range(0.25, 0.4) * w;
  const cu = (left ? -1 : 1) * r.range(0.05, 0.45) * (l / 2 - cl / 2);
  const cv = -side * r.range(0, 0.4) * (w / 2 - cw / 2);
  const concrete: Box = { u0: cu - cl / 2, u1: cu + cl / 2, v0: cv - cw / 2, v1: cv + cw / 2 };
  const concreteKind = r.int(0, 2);
  const heaps: Heap[] = [];
  const nHeaps = r.int(2, 5);
  for (let i = 0; i < nHeaps; i++) {
    const ru = r.range(2.5, 7);
    heaps.push({
      u: (left ? 1 : -1) * r.range(0.1, 0.9) * (hl - ru),
      v: r.range(-0.7, 0.7) * (hw - ru),
      ru,
      rv: ru * r.range(0.55, 1),
      h: r.range(1.2, 3.5),
      soil: r.pick(HEAP_SOILS),
      netted: r.chance(0.8),
    });
  }
  const stacks: SitePlan['stacks'] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const su = cu + r.range(-0.5, 0.5) * cl;
    const sv = (r.chance(0.5) ? concrete.v1 + 1.5 : concrete.v0 - 3.5) + r.range(0, 1);
    const len = r.range(4, 9);
    stacks.push({ u0: su, u1: su + len, v0: sv, v1: sv + r.range(1.2, 2.2), rebar: r.chance(0.6) });
  }
  const h0 = heaps[0] as Heap;
  const excavator = { u: h0.u + (h0.ru + 3) * (left ? -1 : 1), v: h0.v + r.range(-2, 2) };
  const trucks: Truck[] = [];
  for (let i = r.int(1, 2); i > 0; i--) {
    const tu = excavator.u + (left ? -1 : 1) * r.range(4, 8) * i;
    const tv = excavator.v + r.range(-4, 4);
    trucks.push({ u0: tu - 4, u1: tu + 4, v0: tv - 1.25, v1: tv + 1.25, cabLow: r.chance(0.5), cab: r.pick(CABS) });
  }
  const puddles: SitePlan['puddles'] = [];
  for (let i = r.int(0, 3); i > 0; i--)
    puddles.push({ u: r.range(-0.8, 0.8) * hl, v: r.range(-0.8, 0.8) * hw, ru: r.range(1, 4), rv: r.range(0.8, 2.5) });
  const u = r.next();
  return {
    seed: sh.seed,
    salt,
    l,
    w,
    soil: soilRgb,
    panel: hoarded ? (r.chance(0.6) ? BLUE_PANEL : GREY_PANEL) : null,
    gateSide: r.int(0, 3),
    gateAt: r.range(-0.3, 0.3),
    gateHalf: r.range(3, 4.5),
    // Most sites net most of their bare ground; some are still mostly bare earth.
    netShare: u < 0.2 ? u * 0.75 : 0.35 + 0.55 * ((u - 0.2) / 0.8),
    net: r.pick(NETS),
    netCellM: r.range(7, 14),
    heaps,
    offices,
    unitM,
    roof: r.chance(0.75) ? BLUE_ROOF : WHITE_ROOF,
    storeys: r.chance(0.4) ? 2 : 1,
    concrete,
    concreteKind,
    stacks,
    excavator,
    trucks,
    puddles,
  };
}

const inBox = (b: Box, u: number, v: number): boolean => u >= b.u0 && u <= b.u1 && v >= b.v0 && v <= b.v1;

/** Position along the gate's side and distance inward from that side's hoarding line. */
function gateCoords(p: SitePlan, u: number, v: number): [number, number] {
  const s = p.gateSide;
  if (s < 2) return [u - p.gateAt * p.l, p.w / 2 - HOARD_IN - (s === 0 ? v : -v)];
  return [v - p.gateAt * p.w, p.l / 2 - HOARD_IN - (s === 2 ? u : -u)];
}

/** Whether (u, v) is on the hoarding line (outside the gate). */
function onHoarding(p: SitePlan, u: number, v: number): boolean {
  if (!p.panel) return false;
  const du = p.l / 2 - HOARD_IN - Math.abs(u);
  const dv = p.w / 2 - HOARD_IN - Math.abs(v);
  if (du < -0.01 || dv < -0.01 || Math.min(du, dv) > HOARD_T) return false;
  const [along, inward] = gateCoords(p, u, v);
  return !(Math.abs(along) < p.gateHalf && inward < HOARD_T + 0.01);
}

/** Height of a heap at (u, v), 0 outside it; its slopes into out (∂z/∂u, ∂z/∂v). */
function heapAt(hp: Heap, u: number, v: number, out?: Float64Array): number {
  const du = (u - hp.u) / hp.ru;
  const dv = (v - hp.v) / hp.rv;
  const r2 = du * du + dv * dv;
  if (r2 >= 1) return 0;
  if (out) {
    out[0] = (-2 * hp.h * du) / hp.ru;
    out[1] = (-2 * hp.h * dv) / hp.rv;
  }
  return hp.h * (1 - r2);
}

function truckHeight(t: Truck, u: number, v: number): number {
  if (!inBox(t, u, v)) return 0;
  const inCab = t.cabLow ? u < t.u0 + 2.2 : u > t.u1 - 2.2;
  return inCab ? 3 : 2.4;
}

/** Height (m) of what stands at (u, v) on the site: hoarding, offices, machines, stacks, heaps. */
export function siteHeight(p: SitePlan, u: number, v: number): number {
  if (onHoarding(p, u, v)) return HOARD_H;
  if (inBox(p.offices, u, v)) return officeRoof(p, u, v) ? UNIT_STOREY_M * p.storeys : 0;
  const e = p.excavator;
  if (Math.abs(u - e.u) < 1.6 && Math.abs(v - e.v) < 2.4) return 3;
  if (Math.abs(u - e.u) < 0.35 && v - e.v > 2.4 && v - e.v < 7) return 2;
  let h = 0;
  for (const t of p.trucks) h = Math.max(h, truckHeight(t, u, v));
  for (const s of p.stacks) if (inBox(s, u, v)) h = Math.max(h, s.rebar ? 0.8 : 1.2);
  for (const hp of p.heaps) h = Math.max(h, heapAt(hp, u, v));
  return h;
}

/** Height (m) of what is built at (u, v) on the site (hoarding, offices): what camera rays meet as walls. */
export function siteBuiltHeight(p: SitePlan, u: number, v: number): number {
  if (onHoarding(p, u, v)) return HOARD_H;
  if (inBox(p.offices, u, v)) return officeRoof(p, u, v) ? UNIT_STOREY_M * p.storeys : 0;
  return 0;
}

/** Whether (u, v) in the office box is a roof (not the gap between units or the walkway between rows). */
function officeRoof(p: SitePlan, u: number, v: number): boolean {
  const o = p.offices;
  const f = (u - o.u0) / p.unitM;
  if ((f - Math.floor(f)) * p.unitM < 0.3) return false;
  const depth = o.v1 - o.v0;
  if (depth > 3.5) {
    const k = v - o.v0;
    if (k > 3 && k < depth - 3) return false;
  }
  return true;
}

const slope = new Float64Array(2);

/**
 * Shade the site at scene point (x, y), site-frame (u, v); (dux, duy) and (dvx, dvy) are ∂u/∂(x, y) and
 * ∂v/∂(x, y), turning slopes drawn in the site frame into the scene frame's.
 */
export function shadeConstruction(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  u: number,
  v: number,
  p: SitePlan,
  dux: number,
  duy: number,
  dvx: number,
  dvy: number,
): void {
  const d = sh.det4(x, y, 0.06, gsd, siteDetail);
  const grain = d[1] as number;
  const blot = d[0] as number;
  // The pad replaces whatever was painted below it: no crop height, ridges or paddy-water glint.
  s.level();
  s.grain = 0.5;
  sh.tagIfNegative(s, 'construction_site');
  if (onHoarding(p, u, v)) {
    // Panels on posts every 2 m; from above the wall's top edge, its face in oblique views.
    s.set(p.panel as RGB, 0.92 + 0.1 * grain);
    // Along the wall: u on the long sides (near ±w/2), v on the short ones.
    const along = p.l / 2 - Math.abs(u) < p.w / 2 - Math.abs(v) ? v : u;
    // The posts, 24 cm wide, as their share of a coarser pixel (point samples drew them as dashes).
    const f = (((along / 2) % 1) + 1) % 1;
    const amp = periodicAmp(2, gsd);
    const post = amp > 0 ? thinLineShare(s, Math.min(f, 1 - f) * 2, 0.24, gsd) : 0;
    if (post > 0) s.mul(1 - 0.25 * amp * post);
    s.objH = HOARD_H;
    return;
  }
  if (inBox(p.offices, u, v)) {
    if (officeRoof(p, u, v)) {
      // Corrugated steel roof: ribs across each unit, a darker ridge line along the row.
      s.set(p.roof, 0.9 + 0.12 * grain);
      s.mul(1 - 0.16 * periodicAmp(0.25, gsd) * stripeShare(u * 4, gsd * 4, 0.3));
      s.objH = UNIT_STOREY_M * p.storeys;
      return;
    }
    s.set(CONCRETE, 0.85 + 0.15 * grain);
    return;
  }
  const e = p.excavator;
  if (Math.abs(u - e.u) < 1.6 && Math.abs(v - e.v) < 2.4) {
    s.set(EXCAVATOR, 0.95);
    s.objH = 3;
    // Cab glass and the dark engine deck behind it.
    if (Math.abs(u - e.u - 0.6) < 0.6 && Math.abs(v - e.v - 0.8) < 0.7) s.mul(0.35);
    if (v - e.v < -1.5) s.mul(0.5);
    return;
  }
  if (Math.abs(u - e.u) < 0.35 && v - e.v > 2.4 && v - e.v < 7) {
    s.set(EXCAVATOR, 0.85);
    s.objH = 2;
    return;
  }
  for (const t of p.trucks) {
    const h = truckHeight(t, u, v);
    if (!h) continue;
    if (h === 3) s.set(t.cab, 0.95);
    else {
      // Tipper bed: steel sides around a load of earth.
      const rim = Math.min(v - t.v0, t.v1 - v, u - t.u0, t.u1 - u) < 0.2;
      s.set(rim ? TRUCK_BED : p.soil, rim ? 1 : 0.8 + 0.2 * grain);
    }
    s.objH = h;
    return;
  }
  for (const st of p.stacks) {
    if (!inBox(st, u, v)) continue;
    if (st.rebar) {
      // Bundles of bars along the stack: rust lines on timber bearers.
      s.set(RUST, 0.85 + 0.3 * grain);
      s.mul(1 - 0.3 * periodicAmp(0.08, gsd) * stripeShare(v * 12, gsd * 12, 0.35));
      s.objH = 0.8;
    } else {
      // Formwork panels stacked in piles.
      const pile = Math.floor((u - st.u0) / 2.4);
      s.set(PLYWOOD, 0.85 + 0.2 * hash2(pile, 3, p.salt));
      // The dark 15 cm gap at the start of each pile, its share of a coarser pixel.
      const gap = stripeShare((u - st.u0) / 2.4, gsd / 2.4, 0.15 / 2.4);
      if (gap > 0) s.mul(1 - 0.4 * periodicAmp(2.4, gsd) * gap);
      s.objH = 1.2;
    }
    return;
  }
  // Spoil heaps of different soils, most of them under netting draped with their shading.
  for (const hp of p.heaps) {
    const h = heapAt(hp, u, v, slope);
    if (h <= 0) continue;
    const su = slope[0] as number;
    const sv = slope[1] as number;
    s.gx = su * dux + sv * dvx;
    s.gy = su * duy + sv * dvy;
    s.objH = h;
    s.set(hp.soil, 0.9 + 0.25 * grain);
    if (hp.netted) shadeNet(sh, s, x, y, gsd, v, p, 1, dvx, dvy);
    return;
  }
  // Bare graded ground.
  s.set(p.soil, 1.02 + 0.25 * grain);
  s.mix(SAND, 0.1 + 0.25 * blot);
  s.mul(1 - 0.15 * smooth(0.55, 0.75, d[3] as number));
  // Blade marks of the grader: faint stripes along the pad.
  s.mul(1 - 0.04 * periodicAmp(1.2, gsd) * Math.sin((v * Math.PI * 2) / 1.2) ** 2);
  const c = p.concrete;
  if (inBox(c, u, v)) {
    shadeConcrete(s, u, v, gsd, grain, p);
    return;
  }
  // Puddles in the ruts and low spots.
  for (const pd of p.puddles) {
    const du = (u - pd.u) / pd.ru;
    const dv = (v - pd.v) / pd.rv;
    const r2 = du * du + dv * dv + (blot - 0.5) * 0.6;
    if (r2 < 1) {
      s.set(PUDDLE, 0.9 + 0.1 * grain);
      s.spec = 0.6;
      s.grain = 0.1;
      return;
    } else if (r2 < 1.5) s.mix(MUD, 0.5 * (1.5 - r2) * 2);
  }
  // Muddy tyre tracks from the gate inward, and wheel ruts crossing the pad along gentle curves.
  const [along, inward] = gateCoords(p, u, v);
  const amp = periodicAmp(0.8, gsd);
  if (Math.abs(along) < p.gateHalf && inward > -1) {
    s.mix(MUD, 0.35 * smooth(30, 5, inward));
    const rut = Math.abs(Math.abs(along) - 1) / 0.35;
    if (rut < 1) s.mul(1 - 0.25 * amp * (1 - rut));
  }
  if (amp > 0)
    for (let k = 0; k < 4; k++) {
      const th = hash2(p.salt, 10 + k, sh.seed) * Math.PI;
      const off = (hash2(p.salt, 20 + k, sh.seed) - 0.5) * Math.min(p.l, p.w) * 0.8;
      const al = u * Math.cos(th) + v * Math.sin(th);
      const across = -u * Math.sin(th) + v * Math.cos(th) - off - 4 * Math.sin(al / 11 + k);
      const rut = Math.abs(Math.abs(across) - 1) / 0.3;
      if (rut < 1) s.mul(1 - 0.14 * amp * (1 - rut));
    }
  // Netting over part of the bare ground, laid in rectangular blocks of strips (straight edges).
  const cu = Math.floor(u / p.netCellM);
  const cv = Math.floor(v / p.netCellM);
  if (hash2(cu, cv, p.salt ^ 0x6e7) < p.netShare && Math.abs(along) >= p.gateHalf + 1)
    shadeNet(sh, s, x, y, gsd, v, p, 0, dvx, dvy);
}

/** Concrete: a poured slab with formwork joints, pile caps in a dug pit, or a rebar mat on a slab. */
function shadeConcrete(s: Surface, u: number, v: number, gsd: number, grain: number, p: SitePlan): void {
  const c = p.concrete;
  if (p.concreteKind === 1) {
    // Pile caps on a 6 m grid in a pit of darker dug soil.
    s.mul(0.75);
    const fu = (((u - c.u0) / 6) % 1) * 6;
    const fv = (((v - c.v0) / 6) % 1) * 6;
    if (fu > 2 && fu < 4 && fv > 2 && fv < 4) s.set(CONCRETE, 0.95 + 0.1 * grain);
    return;
  }
  s.set(CONCRETE, 0.92 + 0.12 * grain);
  // Formwork lines: bays of 6 × 6 m with dark joints.
  const amp = periodicAmp(6, gsd);
  const fu = (((u - c.u0) / 6) % 1) * 6;
  const fv = (((v - c.v0) / 6) % 1) * 6;
  // Joints 16 cm wide, their share of a coarser pixel (point samples broke them into dashes).
  const joint =
    amp > 0
      ? Math.max(thinLineShare(s, Math.min(fu, 6 - fu), 0.16, gsd), thinLineShare(s, Math.min(fv, 6 - fv), 0.16, gsd))
      : 0;
  if (joint > 0) s.mul(1 - 0.3 * amp * joint);
  if (Math.min(u - c.u0, c.u1 - u, v - c.v0, c.v1 - v) < 0.25) s.set(PLYWOOD, 0.8);
  if (p.concreteKind === 2) {
    // Rebar mat: a 0.2 m grid of rust-brown bars over the slab's blinding.
    const m = periodicAmp(0.2, gsd);
    if (m > 0) {
      const bu = stripeShare(u / 0.2, gsd / 0.2, 0.15);
      const bv = stripeShare(v / 0.2, gsd / 0.2, 0.15);
      s.mix(RUST, 0.8 * m * (bu + bv - bu * bv));
    }
    if (m < 1) s.mix(RUST, 0.3 * (1 - m));
  }
}

/**
 * Dust netting over whatever was shaded (bare ground, a heap): the green mesh with the ground showing
 * through its holes at fine GSD, seams between 4 m strips, sag folds, and tears.
 */
function shadeNet(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  v: number,
  p: SitePlan,
  heap: number,
  dvx: number,
  dvy: number,
): void {
  const fold = sh.tex(x, y, 0.05, gsd, p.salt + 71);
  // Tears show the ground below.
  if (fold > 0.82 - 0.05 * heap) return;
  const sr = s.r;
  const sg = s.g;
  const sb = s.b;
  s.set(p.net, 0.85 + 0.35 * fold);
  // Mesh: the soil shows through at fine GSD; blended to an even see-through share when unresolved. The
  // weave runs across the scene axes (nets are laid any way round), so it needs no site frame.
  const m = periodicAmp(0.06, gsd);
  const gu = (((x / 0.06) % 1) + 1) % 1;
  const gv = (((y / 0.06) % 1) + 1) % 1;
  const hole = gu > 0.5 && gv > 0.5 ? 1 : 0;
  const see = 0.15 * (1 - m) + 0.4 * m * hole;
  s.r += (sr - s.r) * see;
  s.g += (sg - s.g) * see;
  s.b += (sb - s.b) * see;
  // Seams where 4 m strips overlap (along u); each strip sags between them (a tilt across it), and creases
  // wrinkle it where it was dragged over the ground (sharp ridges of a metre-scale noise).
  const f = (((v / 4) % 1) + 1) % 1;
  const amp = periodicAmp(4, gsd);
  const seam = amp > 0 ? thinLineShare(s, Math.min(f, 1 - f) * 4, 0.16, gsd) : 0;
  if (seam > 0) s.mul(1 - 0.15 * amp * seam);
  const sag = 0.12 * amp * Math.cos(f * Math.PI * 2);
  const crease = sh.tex(x, y, 0.012, gsd, p.salt + 74);
  const ridge = Math.max(0, 1 - Math.abs(crease - 0.5) * 12);
  s.mul(1 - 0.15 * ridge * periodicAmp(0.3, gsd));
  s.gx += (fold - 0.5) * 0.5 + sag * dvx + (crease - 0.5) * 0.6;
  s.gy += (sh.tex(x, y, 0.03, gsd, p.salt + 72) - 0.5) * 0.5 + sag * dvy;
}

/** How far outside the pad the apron reaches (m), for bounds. */
export const APRON_M = 22;

/** Whether (u, v), outside the pad, is on the muddy apron in front of the gate. */
export function inApron(p: SitePlan, u: number, v: number): boolean {
  if (!p.panel) return false;
  const [along, inward] = gateCoords(p, u, v);
  return inward <= -HOARD_IN && inward >= -APRON_M && Math.abs(along) <= p.gateHalf;
}

/**
 * The muddy apron outside the gate: tyre tracks carrying mud from the site out toward the road, fading
 * over ~20 m. Returns whether it painted (u, v) (site frame, outside the pad).
 */
export function shadeSiteApron(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  u: number,
  v: number,
  p: SitePlan,
): boolean {
  if (!inApron(p, u, v)) return false;
  const [along, inward] = gateCoords(p, u, v);
  const out = -inward;
  const fade = smooth(APRON_M, 4, out) * smooth(p.gateHalf, p.gateHalf - 1.2, Math.abs(along));
  const n = sh.tex(x, y, 0.1, gsd, p.salt + 73);
  s.level();
  s.mix(MUD, fade * (0.5 + 0.5 * n));
  const rut = Math.abs(Math.abs(along) - 1) / 0.35;
  if (rut < 1) s.mul(1 - 0.3 * fade * periodicAmp(0.8, gsd) * (1 - rut));
  sh.tagIfNegative(s, 'construction_site');
  return true;
}
