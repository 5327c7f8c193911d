/**
 * Villages: rows of house lots along concrete lanes. A lot holds a house (gable roof of grey, dark
 * or red tiles with tile courses and a ridge line, a flat concrete roof with parapet, water tank and
 * solar water heater, or blue steel sheet), a concrete yard, a vegetable patch or a tree. Houses are
 * 2–4 storeys: their height casts shadows across lanes and yards. Trees stand between the houses, in
 * yards and gardens, their crowns over lanes and lower roofs.
 */
import { CROP, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Shader } from '../shade.ts';
import { periodicAmp, smooth, thinLineShare, type Surface } from '../surface.ts';
import { paintRoofItem, roofItemAt } from './roof-furniture.ts';
import { canopyHeight, shadeCanopy, shadeScrub, TREE_BASE_SHARE } from './vegetation.ts';

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

/** Where lot `i` of row `row` begins (m along the row): moved off the even spacing by up to a quarter lot. */
function lotEdge(sh: Shader, i: number, row: number, lotM: number): number {
  return (i + 0.25 * (hash2(i, row, sh.seed + 8) - 0.5)) * lotM;
}

/** Most a house turns from its row (rad): about 7°. */
const HOUSE_TURN = 0.12;

/**
 * The layout lotAt last read, per village, row and lot: a pixel's neighbours are mostly in the same lot,
 * and hashing its plan afresh for each of them was most of a village's cost.
 */
const plan = {
  sh: null as Shader | null,
  feat: -1,
  // The village: its rows' axis and depth.
  c: 1,
  s: 0,
  rowM: 0,
  // The row: its lot width and the lots' shift along it.
  jv: Number.NaN,
  lotM: 0,
  shift: 0,
  // The lot: where it runs along the row, its hash; its house's half sizes, turn and centre.
  iu: 0,
  e0: Number.NaN,
  e1: Number.NaN,
  h: 0,
  hw: 0,
  hd: 0,
  ct: 1,
  st: 0,
  bu: 0,
  bv: 0,
  uc: 0,
  vc: 0,
  heightM: 0,
};

/** Read lot `iu` of row `jv` into `plan` (its village and row read already). */
function planLot(sh: Shader, feat: number, jv: number, iu: number): void {
  const p = plan;
  const row = jv * 7 + feat;
  p.iu = iu;
  p.e0 = lotEdge(sh, iu, row, p.lotM);
  p.e1 = lotEdge(sh, iu + 1, row, p.lotM);
  p.h = hash2(iu * 131 + jv, feat, sh.seed + 3);
  // The house: its size, turn and place in the lot; its turned outline's bounding box stays inside the
  // lot, a metre or more from the lane it backs onto (the front yard faces the next lane).
  const lotW = p.e1 - p.e0;
  p.hw = ((0.6 + 0.28 * hash2(iu, jv, sh.seed + 4)) * lotW) / 2;
  p.hd = ((0.52 + 0.26 * hash2(iu, jv, sh.seed + 5)) * p.rowM) / 2;
  const turn = (2 * hash2(iu, jv, sh.seed + 12) - 1) * HOUSE_TURN;
  p.ct = Math.cos(turn);
  p.st = Math.sin(turn);
  p.bu = p.hw * p.ct + p.hd * Math.abs(p.st);
  p.bv = p.hw * Math.abs(p.st) + p.hd * p.ct;
  const margin = 0.03 * lotW;
  p.uc = margin + p.bu + Math.max(0, lotW - 2 * (margin + p.bu)) * hash2(iu, jv, sh.seed + 6);
  const back = 1 + 0.2 * p.rowM * hash2(iu, jv, sh.seed + 14);
  p.vc = Math.min(back + p.bv, p.rowM - p.bv);
  p.heightM = 3 * (2 + Math.floor(3 * hash2(iu, jv, sh.seed + 7))) + 1;
}

/**
 * Which lot (x, y) falls in, for village feature `feat`. Rows of lots run along lanes; lots are 0.75–1.25
 * of the row's lot width, and a house stands turned up to ~7° from its row and set back from its lane by
 * its own amount, so fronts and gaps do not line up the length of a row as on a surveyed grid.
 */
export function lotAt(sh: Shader, x: number, y: number, feat: number): Lot {
  const p = plan;
  if (p.sh !== sh || p.feat !== feat) {
    const a = hash2(feat, 9, sh.seed) * Math.PI;
    p.sh = sh;
    p.feat = feat;
    p.c = Math.cos(a);
    p.s = Math.sin(a);
    p.rowM = 15 + 4 * hash2(feat, 10, sh.seed);
    p.jv = Number.NaN;
  }
  const c = p.c;
  const s = p.s;
  const rowM = p.rowM;
  const u = x * c + y * s;
  const v = -x * s + y * c;
  const jv = Math.floor(v / (rowM + LANE_M));
  const fvRow = v / (rowM + LANE_M) - jv;
  lot.cos = c;
  lot.sin = s;
  if (fvRow * (rowM + LANE_M) > rowM) {
    lot.kind = 0;
    lot.heightM = 0;
    return lot;
  }
  if (jv !== p.jv) {
    p.jv = jv;
    p.lotM = 11 + 5 * hash2(jv, feat, sh.seed + 1);
    p.shift = hash2(jv, feat, sh.seed + 2) * p.lotM;
    p.e0 = p.e1 = Number.NaN;
  }
  const uu = u + p.shift;
  if (!(uu >= p.e0 && uu < p.e1)) {
    // Lot i runs from lotEdge(i) to lotEdge(i + 1).
    const row = jv * 7 + feat;
    let iu = Math.floor(uu / p.lotM);
    if (uu < lotEdge(sh, iu, row, p.lotM)) iu--;
    else if (uu >= lotEdge(sh, iu + 1, row, p.lotM)) iu++;
    planLot(sh, feat, jv, iu);
  }
  const lotW = p.e1 - p.e0;
  const h = p.h;
  lot.hash = h;
  lot.fu = (uu - p.e0) / lotW;
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
  const du = lot.fu * lotW - p.uc;
  const dv = lot.fv * rowM - p.vc;
  const hu = du * p.ct + dv * p.st;
  const hv = -du * p.st + dv * p.ct;
  if (Math.abs(hu) > p.hw || Math.abs(hv) > p.hd) {
    lot.kind = 2;
    lot.heightM = 0;
    return lot;
  }
  // A house stands wholly on its village or not at all: the lot grid runs on past the village's outline and
  // across the roads through it, where the class raster cut houses into ragged slivers (torn walls and
  // roofs standing in the road). A lot whose house would not fit is left open (kind 5).
  const u0 = p.e0 - p.shift + p.uc - p.bu;
  const v0 = jv * (rowM + LANE_M) + p.vc - p.bv;
  if (!houseFits(sh, feat, c, s, u0, u0 + 2 * p.bu, v0, v0 + 2 * p.bv)) {
    lot.kind = 5;
    lot.heightM = 0;
    return lot;
  }
  lot.kind = 1;
  // The house's own axes: the row's, turned.
  lot.cos = c * p.ct - s * p.st;
  lot.sin = s * p.ct + c * p.st;
  lot.widthM = 2 * p.hw;
  lot.depthM = 2 * p.hd;
  lot.fu = (hu + p.hw) / lot.widthM;
  lot.fv = (hv + p.hd) / lot.depthM;
  lot.ridgeAlongU = lot.widthM >= lot.depthM;
  lot.across = lot.ridgeAlongU ? lot.fv : lot.fu;
  lot.heightM = p.heightM;
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

/** The trees of a village: a tree lot's grove (kind 4) and the trees standing between the houses. */
interface TreeLayer {
  density: number;
  /** Crown size against the canopy texture's. */
  scale: number;
  heightM: number;
}
const GROVE: TreeLayer = { density: 0.9, scale: 0.7, heightM: 9 };
const yardLayer: TreeLayer = { density: 0, scale: 0.8, heightM: 0 };
/**
 * The trees between the houses of village `feat` (one object, rewritten per call): 10–30 % of the canopy
 * texture's crowns, 7.5–10.5 m tall (above a 2-storey house's eaves). Villages in Zhejiang have camphor,
 * osmanthus and fruit trees in their yards and gardens; before, the only trees in a village were whole
 * tree lots.
 */
function yardTrees(sh: Shader, feat: number): TreeLayer {
  yardLayer.density = 0.1 + 0.2 * hash2(feat, 12, sh.seed);
  yardLayer.heightM = 7.5 + 3 * hash2(feat, 13, sh.seed);
  return yardLayer;
}

/** The last trunk trunkKind looked up, and its lot's kind: a crown's samples share their trunk. */
const trunkMemo = { sh: null as Shader | null, feat: -1, qx: 0, qy: 0, kind: 0 };

/**
 * The kind of lot the trunk of the crown canopyHeight last found stands in (its centre, on a 25 cm grid so
 * that a crown's samples, whose centres differ by up to half a texel, share one lookup).
 */
function trunkKind(sh: Shader, feat: number): number {
  const qx = Math.round(sh.crownX * 4);
  const qy = Math.round(sh.crownY * 4);
  const m = trunkMemo;
  if (m.qx === qx && m.qy === qy && m.feat === feat && m.sh === sh) return m.kind;
  m.sh = sh;
  m.feat = feat;
  m.qx = qx;
  m.qy = qy;
  // A trunk outside the village (in a road through it, or past its edge) stands no tree of it.
  m.kind = sh.groundFeatureAt(qx / 4, qy / 4) === feat ? lotAt(sh, qx / 4, qy / 4, feat).kind : -1;
  return m.kind;
}

/** The layer of the crown villageTreeHeight last found. */
let treeFound: TreeLayer = GROVE;

/**
 * Height (m) of a village tree at (x, y), 0 where none stands; canopyHeight's heights (with `sh.treesOnly`,
 * the crown's dome). A crown stands where its trunk (the crown's centre) does: a grove's in its tree lot, a
 * yard tree's in a yard, a garden or an open lot, never in a house or a lane. Crowns overhang lanes, yards
 * and roofs round them (a grove's crowns used to be cut off straight at its lot's edges). Reuses lotAt's
 * lot: read a lot again after this.
 */
export function villageTreeHeight(sh: Shader, x: number, y: number, feat: number): number {
  let best = 0;
  let base = 0;
  const g = GROVE;
  const hg = canopyHeight(sh, x, y, g.density, g.scale, g.heightM, TREE_BASE_SHARE);
  if (hg > 0 && trunkKind(sh, feat) === 4) {
    best = hg;
    base = sh.objectBaseM;
    treeFound = g;
  }
  const t = yardTrees(sh, feat);
  const ht = canopyHeight(sh, x, y, t.density, t.scale, t.heightM, TREE_BASE_SHARE);
  if (ht > best) {
    const trunk = trunkKind(sh, feat);
    if (trunk === 2 || trunk === 3 || trunk === 5) {
      best = ht;
      base = sh.objectBaseM;
      treeFound = t;
    }
  }
  sh.objectBaseM = base;
  return best;
}

/**
 * The height (m) at which a camera ray coming down meets a village tree at (x, y), 0 where it meets none
 * there: the crown's dome where it stands over open ground or above the roof under it. Camera rays
 * (objectHeight with treesOnly) and the shading read this one rule. Reuses lotAt's lot.
 */
export function villageCrownSeenAt(sh: Shader, x: number, y: number, feat: number): number {
  const was = sh.treesOnly;
  sh.treesOnly = true;
  const dome = villageTreeHeight(sh, x, y, feat);
  sh.treesOnly = was;
  if (dome === 0) return 0;
  const L = lotAt(sh, x, y, feat);
  return L.kind !== 1 || dome > houseRoofHeight(sh, L) ? dome : 0;
}

/** How far (m) a village crown reaches from its trunk: the canopy texture's largest lobed crown at yard scale. */
const CROWN_REACH_M = 3.6;
/** Directions in which villageNear looks for a village, a crown's reach away. */
const REACH_DX = [1, 0.7071, 0, -0.7071, -1, -0.7071, 0, 0.7071].map((d) => d * CROWN_REACH_M);
const REACH_DY = [0, 0.7071, 1, 0.7071, 0, -0.7071, -1, -0.7071].map((d) => d * CROWN_REACH_M);
/** The last 1 m cell villageNear looked round, and the village it found there. */
const nearMemo = { sh: null as Shader | null, ix: 0, iy: 0, feat: 0 };

/**
 * The village feature whose trees may overhang (x, y), a point outside any village (a road or track through
 * or past one, a field at its edge), 0 where no village lies within a crown's reach. Looked up once per metre
 * cell.
 */
function villageNear(sh: Shader, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const m = nearMemo;
  if (m.ix === ix && m.iy === iy && m.sh === sh) return m.feat;
  m.sh = sh;
  m.ix = ix;
  m.iy = iy;
  m.feat = 0;
  for (let k = 0; k < 8; k++) {
    const px = ix + 0.5 + (REACH_DX[k] as number);
    const py = iy + 0.5 + (REACH_DY[k] as number);
    m.feat = sh.villageAt(px, py);
    if (m.feat) break;
  }
  return m.feat;
}

/**
 * Height (m) of a village tree whose crown overhangs (x, y), a point on a road, track or field beside or
 * through a village, 0 where none does (with `sh.treesOnly`, the crown's dome): roads through villages ran
 * between straight walls of cut-off crowns, and villages ended at their fields the same way. The crown is
 * villageTreeHeight's, so its trunk is in the village, and its layer is left in treeFound for the shading.
 */
export function villageCrownOver(sh: Shader, x: number, y: number): number {
  const feat = villageNear(sh, x, y);
  return feat ? villageTreeHeight(sh, x, y, feat) : 0;
}

/** Shade a village crown overhanging a road, track or field at (x, y); false where none does. */
export function shadeVillageCrownOver(sh: Shader, s: Surface, x: number, y: number, gsd: number): boolean {
  const was = sh.treesOnly;
  sh.treesOnly = true;
  const dome = villageCrownOver(sh, x, y);
  sh.treesOnly = was;
  if (dome === 0) return false;
  const t = treeFound;
  return shadeCanopy(sh, s, x, y, gsd, 1, t.scale, t.heightM);
}

export function shadeVillage(sh: Shader, s: Surface, x: number, y: number, gsd: number, feat: number): void {
  const look = sh.look;
  // A tree's crown over the yard, lane or roof (the crown was chosen above: all the texture's crowns here).
  if (villageCrownSeenAt(sh, x, y, feat) > 0) {
    const t = treeFound;
    if (shadeCanopy(sh, s, x, y, gsd, 1, t.scale, t.heightM)) return;
  }
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
      // The floor of a tree lot, between and under its crowns: grass and leaf litter on earth.
      s.set(look.dirt, 0.75 + 0.25 * grain);
      s.mix(look.grass, 0.4 + 0.4 * (d[3] as number));
      s.ao = 0.8;
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
  // Joints between the slabs, both ways every few metres: dark lines of dirt, weeds along some stretches.
  // A joint is 6 cm wide; a coarser pixel gets it as its share of the pixel (a 10 cm line sampled by 20 cm
  // pixels was a row of dashes, and weeds read per sample from a 5 cm texture were hatch marks).
  const amp = periodicAmp(YARD_SLAB_M, gsd);
  if (amp > 0) {
    const u = (x * L.cos + y * L.sin) / YARD_SLAB_M;
    const v = (y * L.cos - x * L.sin) / YARD_SLAB_M;
    const ju = Math.abs(u - Math.floor(u) - 0.5) * YARD_SLAB_M;
    const jv = Math.abs(v - Math.floor(v) - 0.5) * YARD_SLAB_M;
    const cover = amp * Math.max(thinLineShare(s, ju, YARD_JOINT_M, gsd), thinLineShare(s, jv, YARD_JOINT_M, gsd));
    if (cover > 0) {
      s.mul(1 - 0.4 * cover);
      s.mix(look.grass, 0.7 * cover * smooth(0.5, 0.7, sh.tex(x, y, 0.8, gsd, 163)));
    }
  }
}

/** Yard slabs' size (m), and the width (m) of the joints between them. */
const YARD_SLAB_M = 3.4;
const YARD_JOINT_M = 0.06;

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
  // Beds run along the lot's axis, cut across every few metres into plots of their own crop (a garden is
  // a patchwork, not long stripes), each plot's crop from its indices.
  const bedM = 1.1 + 0.5 * (L.hash * 5.3 - Math.floor(L.hash * 5.3));
  const w = (x * L.cos + y * L.sin) / bedM;
  const bed = Math.floor(w);
  const fw = w - bed;
  const amp = periodicAmp(bedM, gsd);
  const plotM = 2.5 + 3 * hash2(bed, 17, sh.seed);
  const along = (y * L.cos - x * L.sin) / plotM + hash2(bed, 19, sh.seed);
  const plot = Math.floor(along);
  const crop = hash2(bed * 61 + plot, Math.floor(L.hash * 4096), sh.seed + 11);
  s.set(look.soil, 0.85 + 0.25 * grain);
  if (crop > 0.2) {
    const green = crop < 0.55 ? look.crops[CROP.vegetables] : crop < 0.8 ? look.grass : GARDEN_DARK;
    // Leaves cover the bed's middle, thinly where the crop is young.
    const cover = (0.55 + 0.45 * crop) * smooth(0.08, 0.2, Math.min(fw, 1 - fw));
    s.mix(green as RGB, (amp * cover + (1 - amp) * 0.6) * (0.75 + 0.35 * (d[2] as number)));
  }
}
