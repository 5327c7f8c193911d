/**
 * Villages: rows of house lots along concrete lanes. A lot holds a house (gable roof of grey, dark
 * or red tiles with tile courses and a ridge line, a flat concrete roof with parapet, water tank and
 * solar water heater, or blue steel sheet), a concrete yard, a vegetable patch or a tree. Houses are
 * 2–4 storeys: their height casts shadows across lanes and yards.
 */
import { CROP, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Shader } from '../shade.ts';
import { periodicAmp, smooth, type Surface } from '../surface.ts';
import { paintRoofItem, roofItemAt } from './roof-furniture.ts';
import { shadeCanopy, shadeScrub } from './vegetation.ts';

import { detailBuffer, type Detail4 } from '../textures.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const villageDetail = detailBuffer();

const LANE_M = 3;
/** Share of flat village roofs with a steel shed built over part of them. */
const VILLAGE_SHED_SHARE = 0.08;
const PARAPET: RGB = [0.5, 0.5, 0.48];
/** Moss and soot on old roof tiles (a constant: not an array built per pixel). */
const MOSS: RGB = [0.2, 0.24, 0.16];
/** Damp and grime on old yard concrete. */
const STAIN: RGB = [0.3, 0.3, 0.27];
/** Dark leafy greens (cabbage, greens, beans) in kitchen gardens. */
const GARDEN_DARK: RGB = [0.14, 0.27, 0.12];

/** The house lot under a point (reused object: read it before the next call). */
export interface Lot {
  /** 0 = lane, 1 = house, 2 = yard, 3 = garden, 4 = tree, 5 = open lot (no house: kitchen garden, weeds or bare earth). */
  kind: number;
  /** Position inside the lot / house footprint, 0..1. */
  fu: number;
  fv: number;
  hash: number;
  heightM: number;
  /** Inside the house footprint: across (0..1) the ridge. */
  across: number;
  ridgeAlongU: boolean;
  cos: number;
  sin: number;
  widthM: number;
  depthM: number;
}

const lot: Lot = {
  kind: 0,
  fu: 0,
  fv: 0,
  hash: 0,
  heightM: 0,
  across: 0,
  ridgeAlongU: true,
  cos: 1,
  sin: 0,
  widthM: 1,
  depthM: 1,
};

/** The last footprint houseFits checked, and its answer: a pixel's neighbours are mostly in the same lot. */
const fitMemo = { sh: null as Shader | null, feat: -1, u0: Number.NaN, v0: Number.NaN, fits: false };

/**
 * Whether the house footprint [u0, u1] × [v0, v1] (lot axes: x = u·c − v·s, y = u·s + v·c) lies on village
 * feature `feat` of the class raster: its corners, the middles of its sides and its centre.
 */
function houseFits(
  sh: Shader,
  feat: number,
  c: number,
  s: number,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
): boolean {
  const m = fitMemo;
  if (m.sh === sh && m.feat === feat && m.u0 === u0 && m.v0 === v0) return m.fits;
  let fits = true;
  for (let i = 0; i <= 2 && fits; i++)
    for (let j = 0; j <= 2 && fits; j++) {
      const u = u0 + ((u1 - u0) * i) / 2;
      const v = v0 + ((v1 - v0) * j) / 2;
      fits = sh.onVillage(u * c - v * s, u * s + v * c, feat);
    }
  m.sh = sh;
  m.feat = feat;
  m.u0 = u0;
  m.v0 = v0;
  m.fits = fits;
  return fits;
}

/** Which lot (x, y) falls in, for village feature `feat`. */
export function lotAt(sh: Shader, x: number, y: number, feat: number): Lot {
  const a = hash2(feat, 9, sh.seed) * Math.PI;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const u = x * c + y * s;
  const v = -x * s + y * c;
  const rowM = 15 + 4 * hash2(feat, 10, sh.seed);
  const jv = Math.floor(v / (rowM + LANE_M));
  const fvRow = v / (rowM + LANE_M) - jv;
  lot.cos = c;
  lot.sin = s;
  if (fvRow * (rowM + LANE_M) > rowM) {
    lot.kind = 0;
    lot.heightM = 0;
    return lot;
  }
  const lotM = 11 + 5 * hash2(jv, feat, sh.seed + 1);
  const uu = u + hash2(jv, feat, sh.seed + 2) * lotM;
  const iu = Math.floor(uu / lotM);
  const h = hash2(iu * 131 + jv, feat, sh.seed + 3);
  lot.hash = h;
  lot.fu = uu / lotM - iu;
  lot.fv = (fvRow * (rowM + LANE_M)) / rowM;
  if (h < 0.1) {
    lot.kind = 5;
    lot.heightM = 0;
    return lot;
  }
  if (h < 0.17) {
    lot.kind = 3;
    lot.heightM = 0;
    return lot;
  }
  if (h < 0.26) {
    lot.kind = 4;
    lot.heightM = 0;
    return lot;
  }
  // House footprint inside the lot, front yard toward the lane.
  const w = 0.62 + 0.3 * hash2(iu, jv, sh.seed + 4);
  const d = 0.55 + 0.3 * hash2(iu, jv, sh.seed + 5);
  const ou = 0.04 + (0.92 - w) * hash2(iu, jv, sh.seed + 6);
  const ov = 0.05;
  const pu = (lot.fu - ou) / w;
  const pv = (lot.fv - ov) / d;
  if (pu < 0 || pu > 1 || pv < 0 || pv > 1) {
    lot.kind = 2;
    lot.heightM = 0;
    return lot;
  }
  // A house stands wholly on its village or not at all: the lot grid runs on past the village's outline and
  // across the roads through it, where the class raster cut houses into ragged slivers (torn walls and
  // roofs standing in the road). A lot whose house would not fit is left open (kind 5).
  const u0 = (iu + ou) * lotM - (uu - u);
  const v0 = jv * (rowM + LANE_M) + ov * rowM;
  if (!houseFits(sh, feat, c, s, u0, u0 + w * lotM, v0, v0 + d * rowM)) {
    lot.kind = 5;
    lot.heightM = 0;
    return lot;
  }
  lot.kind = 1;
  lot.fu = pu;
  lot.fv = pv;
  lot.widthM = w * lotM;
  lot.depthM = d * rowM;
  lot.ridgeAlongU = lot.widthM >= lot.depthM;
  lot.across = lot.ridgeAlongU ? pv : pu;
  lot.heightM = 3 * (2 + Math.floor(3 * hash2(iu, jv, sh.seed + 7))) + 1;
  return lot;
}

/** Height of what stands at (x, y) in village `feat` (houses; trees are added by the caller). */
export function villageHeight(sh: Shader, x: number, y: number, feat: number): number {
  return lotAt(sh, x, y, feat).heightM;
}

/** Height of a house's roof at the lot point `lotAt` found (kind 1): flat, or from the eaves up to the ridge. */
export function houseRoofHeight(sh: Shader, L: Lot): number {
  if (pickRoof(sh, L.hash).flat)
    return (
      L.heightM + roofItemAt(L.fu * L.widthM, L.fv * L.depthM, L.widthM, L.depthM, L.hash, VILLAGE_SHED_SHARE).heightM
    );
  const span = L.ridgeAlongU ? L.depthM : L.widthM;
  return L.heightM + GABLE_PITCH * Math.max(0, span / 2 - Math.abs(L.across - 0.5) * span);
}

/** Rise of a gable roof per metre across (shadeVillage's roof planes). */
const GABLE_PITCH = 0.48;

export function shadeVillage(sh: Shader, s: Surface, x: number, y: number, gsd: number, feat: number): void {
  const look = sh.look;
  const L = lotAt(sh, x, y, feat);
  const d = sh.det4(x, y, 0.05, gsd, villageDetail);
  const grain = d[1] as number;
  switch (L.kind) {
    case 0:
      s.set(look.concrete, 0.88 + 0.2 * grain);
      s.ao = 0.8;
      return;
    case 2:
      shadeYard(sh, s, x, y, gsd, L, d);
      return;
    case 5:
      shadeOpenLot(sh, s, x, y, gsd, L, d);
      return;
    case 3:
      shadeKitchenGarden(sh, s, x, y, gsd, L, d);
      return;
    case 4:
      if (!shadeCanopy(sh, s, x, y, gsd, 0.9, 0.7, 9)) s.set(look.concrete, 0.75 + 0.2 * grain);
      return;
  }
  // A house roof.
  const roof = pickRoof(sh, L.hash);
  const wear = d[0] as number;
  s.objH = L.heightM;
  s.grain = 0.3;
  const edge = Math.min(L.fu, 1 - L.fu) * L.widthM;
  const edgeV = Math.min(L.fv, 1 - L.fv) * L.depthM;
  if (roof.flat) {
    s.set(roof.colour, 0.85 + 0.18 * wear + 0.1 * (grain - 0.5));
    // A parapet round the edge; stairwell, solar water heaters and tanks inside it.
    if (Math.min(edge, edgeV) < 0.35) s.set(PARAPET, 0.95 + 0.1 * grain);
    else {
      const tu = L.fu * L.widthM;
      const tv = L.fv * L.depthM;
      const it = roofItemAt(tu, tv, L.widthM, L.depthM, L.hash, VILLAGE_SHED_SHARE);
      paintRoofItem(s, it, tu, tv, L.hash, grain, gsd);
      s.objH += it.heightM;
    }
    return;
  }
  // Gable roof: two planes falling away from the ridge, tile courses across them.
  const side = L.across < 0.5 ? -1 : 1;
  const pitch = 0.48;
  const au = L.ridgeAlongU ? 0 : 1;
  // Slope direction in the scene frame: across the ridge.
  const dx = au ? L.cos : -L.sin;
  const dy = au ? L.sin : L.cos;
  s.gx = side * pitch * dx;
  s.gy = side * pitch * dy;
  s.set(roof.colour, 0.88 + 0.2 * wear + 0.08 * (grain - 0.5));
  const along = L.ridgeAlongU ? L.fu * L.widthM : L.fv * L.depthM;
  const acrossM = (L.ridgeAlongU ? L.fv * L.depthM : L.fu * L.widthM) - (L.ridgeAlongU ? L.depthM : L.widthM) / 2;
  const amp = periodicAmp(0.22, gsd);
  if (amp > 0) s.mul(1 + 0.12 * amp * Math.sin((Math.PI * 2 * along) / 0.22));
  const ampC = periodicAmp(0.3, gsd);
  if (ampC > 0) s.mul(1 - 0.06 * ampC * smooth(0.8, 1, Math.abs(Math.sin((Math.PI * 2 * acrossM) / 0.3))));
  // Ridge cap and eaves.
  if (Math.abs(acrossM) < 0.25) s.mul(0.8);
  if (Math.min(edge, edgeV) < 0.3) s.mul(0.85);
  s.objH = L.heightM + pitch * Math.max(0, (L.ridgeAlongU ? L.depthM : L.widthM) / 2 - Math.abs(acrossM));
  // Moss and soot on old tiles.
  if (wear < 0.3) s.mix(MOSS, (0.3 - wear) * 1.5);
}

function pickRoof(sh: Shader, h: number): { colour: RGB; flat: boolean } {
  const roofs = sh.look.roofs;
  let total = 0;
  for (const r of roofs) total += r.weight;
  let acc = ((h * 7.77) % 1) * total;
  for (const r of roofs) {
    acc -= r.weight;
    if (acc < 0) return r;
  }
  return roofs[0] as { colour: RGB; flat: boolean };
}

/**
 * A house's yard: concrete gone grey with age, stained in blotches, weeds along its cracks; one in four is
 * beaten earth. Before, every yard was the lanes' clean pale concrete and a
 * village read as a car park with houses on it.
 */
function shadeYard(sh: Shader, s: Surface, x: number, y: number, gsd: number, L: Lot, d: Detail4): void {
  const look = sh.look;
  const grain = d[1] as number;
  const stain = d[0] as number;
  if (L.hash * 13.7 - Math.floor(L.hash * 13.7) < 0.25) {
    s.set(look.dirt, 0.8 + 0.25 * grain);
    s.mix(look.grass, 0.5 * smooth(0.6, 0.8, d[3] as number));
    return;
  }
  s.set(look.concrete, 0.7 + 0.18 * grain + 0.1 * (stain - 0.5));
  s.mix(STAIN, 0.35 * smooth(0.35, 0.15, stain));
  // Hairline cracks every few metres with weeds in them, where they can still be seen.
  const amp = periodicAmp(3.4, gsd);
  if (amp > 0) {
    const crack = Math.abs((((((x * L.cos + y * L.sin) / 3.4) % 1) + 1) % 1) - 0.5) * 3.4;
    if (crack < 0.05) s.mix(look.grass, 0.5 * amp * (d[3] as number));
  }
}

/** A lot with no house: a kitchen garden, weeds and shrubs, or bare earth. Village fringes are mostly these. */
function shadeOpenLot(sh: Shader, s: Surface, x: number, y: number, gsd: number, L: Lot, d: Detail4): void {
  const look = sh.look;
  const grain = d[1] as number;
  const pick = L.hash * 29.3 - Math.floor(L.hash * 29.3);
  if (pick < 0.3) {
    shadeScrub(sh, s, x, y, gsd);
    s.objH = 0; // its shrubs stand in no height (villageHeight is 0 here), so they stand in none here either
    return;
  }
  if (pick < 0.42) s.set(look.dirt, 0.78 + 0.3 * grain);
  else shadeKitchenGarden(sh, s, x, y, gsd, L, d);
}

/** A kitchen garden (菜地): beds a metre or so wide, each its own crop or bare, furrows between. */
function shadeKitchenGarden(sh: Shader, s: Surface, x: number, y: number, gsd: number, L: Lot, d: Detail4): void {
  const look = sh.look;
  const grain = d[1] as number;
  // Beds run along the lot's axis; which crop a bed carries comes from its index.
  const bedM = 1.1 + 0.5 * (L.hash * 5.3 - Math.floor(L.hash * 5.3));
  const w = (x * L.cos + y * L.sin) / bedM;
  const bed = Math.floor(w);
  const fw = w - bed;
  const amp = periodicAmp(bedM, gsd);
  const crop = hash2(bed, Math.floor(L.hash * 4096), sh.seed + 11);
  s.set(look.soil, 0.85 + 0.25 * grain);
  if (crop > 0.2) {
    const green = crop < 0.55 ? look.crops[CROP.vegetables] : crop < 0.8 ? look.grass : GARDEN_DARK;
    // Leaves cover the bed's middle, thinly where the crop is young.
    const cover = (0.55 + 0.45 * crop) * smooth(0.08, 0.2, Math.min(fw, 1 - fw));
    s.mix(green as RGB, (amp * cover + (1 - amp) * 0.6) * (0.75 + 0.35 * (d[2] as number)));
  }
}
