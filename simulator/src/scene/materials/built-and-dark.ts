/**
 * Hard negatives the real-photo check showed (issue 15): the detector fired on a dense stand of dark
 * conifer/shrub crowns in shade (straw-burning head), on a block of grey town roofs (straw-burning
 * head) and on red bare-earth lanes and yards between village houses (exposed-slope head).
 *
 * - dark_forest: small, tightly packed crowns of a dark conifer/shrub green (dark-forest.ts).
 * - town_roofs: rows of lots almost all built over, grey concrete and dark tile roofs of 2–6 storeys,
 *   lanes of 1–3 m between the rows.
 * - dirt_lanes: smaller houses (tin, rusty sheet, tile) scattered over red/ochre bare earth: wide
 *   irregular lanes and open yards with ruts and a few trees.
 *
 * Each planted patch draws its look once from its own seed (`drawPatchLook`, ranges below), so it
 * looks the same in every photo of a scene and differs between patches. The patch is a rectangle
 * (lengthM along headingDeg, widthM across) with a ragged edge.
 */
import type { PatchKind } from '../distractor-schema.ts';
import { jitterChannels, lerp, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import { Rng } from '../random.ts';
import type { Shader } from '../shade.ts';
import { periodicAmp, smooth, type Surface } from '../surface.ts';
import { BARE_ROOF, paintRoofItem, roofItemAt, type RoofItem } from './roof-furniture.ts';
import { drawOpenLook, isOpenLook, openGroundHeight, shadeOpenGround, type OpenLook } from './open-ground.ts';
import { darkForestHeight, drawForestLook, shadeDarkForest, type ForestLook } from './dark-forest.ts';
import { rowCrown, rowCrownAt } from './tree-rows.ts';
import { canopyHeight, crownHeight, paintCrown, crownColour, shadeCanopy, TREE_BASE_SHARE } from './vegetation.ts';

import { detailBuffer } from '../textures.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const blockDetail = detailBuffer();

export interface BlockLook {
  kind: 'town_roofs' | 'dirt_lanes';
  lotM: number;
  rowM: number;
  laneM: number;
  /** Share of lots with a house (the rest are yards or trees). */
  houseShare: number;
  treeShare: number;
  /** House footprint share of its lot (min, max), per axis. */
  footprint: [number, number];
  roofs: RGB[];
  flatShare: number;
  storeys: [number, number];
  /** Lanes (asphalt, concrete or bare earth) and yards. */
  lane: RGB;
  yard: RGB;
  /** Lanes wander (bare-earth tracks) instead of running straight. */
  wander: number;
  /** Flat roofs carry stairwells, heaters and tanks (roof-furniture.ts); this share a steel shed. -1: bare roofs. */
  shedShare: number;
  /** After this many rows the lane is an avenue `avenueM` wide with street trees `streetTreeM` tall; 0: none. */
  avenueEvery: number;
  avenueM: number;
  streetTreeM: number;
  /** Street trees' crown radius (m). */
  streetCrownM: number;
}

export type PatchLook = ForestLook | BlockLook | OpenLook;

/** Two to four roof colours from `from`, each varied by up to ±`k`. */
function roofPalette(r: Rng, from: readonly RGB[], k: number): RGB[] {
  const n = r.int(2, 4);
  const roofs: RGB[] = [];
  for (let i = 0; i < n; i++) roofs.push(jitterChannels(r, r.pick(from), k));
  return roofs;
}

/** Bare earth of tropical and southern towns: laterite red to ochre. */
const EARTH_RED: RGB = [0.6, 0.33, 0.22];
const EARTH_OCHRE: RGB = [0.64, 0.47, 0.3];
const TOWN_ROOFS: RGB[] = [
  [0.56, 0.56, 0.54], // weathered concrete
  [0.66, 0.65, 0.62], // newer concrete
  [0.25, 0.26, 0.28], // dark grey tiles
  [0.38, 0.39, 0.41], // grey tiles
  [0.45, 0.47, 0.5], // grey-blue sheet
];
const VILLAGE_ROOFS: RGB[] = [
  [0.62, 0.64, 0.65], // new tin
  [0.47, 0.48, 0.48], // old tin
  [0.44, 0.3, 0.22], // rusty sheet
  [0.3, 0.3, 0.31], // dark sheet or tiles
  [0.56, 0.35, 0.27], // red tiles
];

/** The look of one planted patch, from its seed. */
export function drawPatchLook(kind: PatchKind, seed: number): PatchLook {
  if (kind === 'sparse_canopy' || kind === 'dry_scrub') return drawOpenLook(kind, seed);
  const r = new Rng(seed);
  if (kind === 'dark_forest') return drawForestLook(r);
  if (kind === 'town_roofs') {
    const roofs = roofPalette(r, TOWN_ROOFS, 0.08);
    return {
      kind,
      lotM: r.range(7, 13),
      rowM: r.range(9, 16),
      laneM: r.range(1.2, 3.2),
      houseShare: r.range(0.85, 0.97),
      treeShare: r.range(0, 0.06),
      footprint: [0.8, 0.98],
      roofs,
      flatShare: r.range(0.3, 0.85),
      storeys: [2, r.int(3, 6)],
      lane: jitterChannels(r, r.chance(0.5) ? [0.36, 0.36, 0.36] : [0.58, 0.57, 0.54], 0.1),
      yard: jitterChannels(r, [0.6, 0.59, 0.56], 0.08),
      wander: 0,
      shedShare: r.range(0.08, 0.25),
      avenueEvery: r.int(2, 5),
      avenueM: r.range(7, 14),
      streetTreeM: r.range(6, 10),
      streetCrownM: r.range(2.2, 3.4),
    };
  }
  const earth = jitterChannels(r, lerp(EARTH_RED, EARTH_OCHRE, r.next()), 0.08);
  const roofs = roofPalette(r, VILLAGE_ROOFS, 0.1);
  return {
    kind,
    lotM: r.range(11, 20),
    rowM: r.range(12, 22),
    laneM: r.range(3, 7),
    houseShare: r.range(0.45, 0.75),
    treeShare: r.range(0.05, 0.2),
    footprint: [0.45, 0.8],
    roofs,
    flatShare: r.range(0, 0.25),
    storeys: [1, r.int(1, 2)],
    lane: earth,
    yard: jitterChannels(r, lerp(earth, [0.5, 0.4, 0.3], r.range(0, 0.4)), 0.06),
    wander: r.range(0.4, 1.2),
    // Tin and sheet roofs of one or two storeys: nothing stands on them.
    shedShare: -1,
    avenueEvery: 0,
    avenueM: 0,
    streetTreeM: 0,
    streetCrownM: 0,
  };
}

/** Whether (a, q) (along, across the patch, from its centre) lies inside it: a ragged rectangle. */
export function insidePatch(
  sh: Shader,
  x: number,
  y: number,
  a: number,
  q: number,
  lengthM: number,
  widthM: number,
  salt: number,
): boolean {
  const e = (sh.tex(x, y, 0.5, 0.3, salt) - 0.5) * Math.min(lengthM, widthM) * 0.4;
  return Math.abs(a) <= lengthM / 2 + e && Math.abs(q) <= widthM / 2 + e;
}

/** Shade the patch at (x, y) ((a, q) in its frame). */
export function shadePatch(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  a: number,
  q: number,
  gsd: number,
  look: PatchLook,
  salt: number,
  /** The patch heading's sine and cosine (roof planes tilt in the scene frame). */
  sinH: number,
  cosH: number,
): void {
  // No leaves of the ground class under the patch light it (its own crowns set their own).
  s.dropLeaves();
  if (look.kind === 'dark_forest') shadeDarkForest(sh, s, x, y, gsd, look, salt);
  else if (isOpenLook(look)) shadeOpenGround(sh, s, x, y, gsd, look, salt);
  else shadeBlock(sh, s, x, y, a, q, gsd, look, salt, sinH, cosH);
}

/** Height of what stands in the patch at (x, y), for shadows. */
export function patchHeight(
  sh: Shader,
  x: number,
  y: number,
  a: number,
  q: number,
  look: PatchLook,
  salt: number,
  /** The patch heading's sine and cosine (street trees stand along its avenues). */
  sinH: number,
  cosH: number,
): number {
  // Buildings only (Shader.builtHeight): the patch stands nothing but its houses.
  if (sh.builtOnly) {
    if (look.kind === 'dark_forest' || isOpenLook(look)) return 0;
    const B = blockLot(sh, x, y, a, q, look, salt);
    sh.builtHash = B.hash;
    return B.kind === 1 ? blockRoofHeight(B, look) : 0;
  }
  if (look.kind === 'dark_forest') return darkForestHeight(sh, x, y, look, salt);
  if (isOpenLook(look)) return openGroundHeight(sh, x, y, look, salt);
  const L = blockLot(sh, x, y, a, q, look, salt);
  if (L.kind === 0)
    return L.avenueQ === L.avenueQ && streetCrown(a, q, L, look, salt, sinH, cosH)
      ? crownHeight(sh, rowCrown.hgt, look.streetTreeM, 1, TREE_BASE_SHARE)
      : 0;
  if (L.kind === 1) return sh.treesOnly ? 0 : L.heightM;
  if (L.kind === 3) return canopyHeight(sh, x, y, 0.9, 0.6, 8, TREE_BASE_SHARE);
  return 0;
}

/** Street trees: a crown every STREET_SPACING_M along a row this far (m) in from each avenue edge. */
const STREET_SPACING_M = 6.5;
const STREET_ROW_M = 1.8;
/** Share of planting spots with a tree (the rest lost or never planted). */
const STREET_PLANTED = 0.85;

/**
 * The street-tree crown over (a, q) in the avenue of lot `L` (blockLot there) into rowCrown; false where
 * none: a row along each edge (the patch's a axis is (sinH, cosH) in the scene, q (cosH, −sinH)).
 */
function streetCrown(
  a: number,
  q: number,
  L: BlockLot,
  look: BlockLook,
  salt: number,
  sinH: number,
  cosH: number,
): boolean {
  const qa = q - L.avenueQ;
  const side = qa < look.avenueM / 2 ? 0 : 1;
  const across = qa - (side === 0 ? STREET_ROW_M : look.avenueM - STREET_ROW_M);
  const row = Math.floor(L.avenueQ) * 2 + side;
  return rowCrownAt(a, across, row, STREET_SPACING_M, look.streetCrownM, STREET_PLANTED, salt, sinH, cosH, cosH, -sinH);
}

/** Height of a block house's roof at its lot point: flat, or from the eaves up to the ridge (shadeBlock's planes). */
function blockRoofHeight(L: BlockLot, look: BlockLook): number {
  if ((L.hash * 3.31) % 1 < look.flatShare) return L.heightM + blockRoofItem(L, look).heightM;
  const alongU = L.widthM >= L.depthM;
  const span = alongU ? L.depthM : L.widthM;
  const acrossM = ((alongU ? L.fv : L.fu) - 0.5) * span;
  return L.heightM + BLOCK_PITCH * Math.max(0, span / 2 - Math.abs(acrossM));
}

const BLOCK_PITCH = 0.45;

/** What stands on a flat block roof at the lot point (nothing where the look has bare roofs). */
function blockRoofItem(L: BlockLot, look: BlockLook): Readonly<RoofItem> {
  if (look.shedShare < 0) return BARE_ROOF;
  return roofItemAt(L.fu * L.widthM, L.fv * L.depthM, L.widthM, L.depthM, L.hash, look.shedShare);
}

/** The lot under a point of a block patch (reused object: read before the next call). */
interface BlockLot {
  /** 0 = lane, 1 = house, 2 = yard, 3 = tree. */
  kind: number;
  fu: number;
  fv: number;
  hash: number;
  heightM: number;
  widthM: number;
  depthM: number;
  laneOff: number;
  /** In an avenue: the row coordinate (q) where it begins; NaN elsewhere. */
  avenueQ: number;
}
const blot: BlockLot = {
  kind: 0,
  fu: 0,
  fv: 0,
  hash: 0,
  heightM: 0,
  widthM: 1,
  depthM: 1,
  laneOff: 0,
  avenueQ: Number.NaN,
};

function blockLot(sh: Shader, x: number, y: number, a: number, q: number, look: BlockLook, salt: number): BlockLot {
  if (!look.wander) return rowLot(a, q, look, salt);
  // Bare-earth lanes wander (the row boundaries shifted by slow noise), but houses stand on the rows' straight
  // lattice: a wandering row boundary through a house bent its walls and roof edge. Where the straight rows
  // put no house, the wandering ones say lane, yard or tree.
  rowLot(a, q, look, salt);
  if (blot.kind === 1) return blot;
  rowLot(a, q + (sh.tex(x, y, 0.25, 0.3, salt + 5) - 0.5) * look.laneM * 2 * look.wander, look, salt);
  if (blot.kind === 1) {
    blot.kind = 2;
    blot.heightM = 0;
  }
  return blot;
}

/** The lot of the rows at row coordinate qq (across the rows) and a (along them), into `blot`. */
function rowLot(a: number, qq: number, look: BlockLook, salt: number): BlockLot {
  const pitch = look.rowM + look.laneM;
  blot.avenueQ = Number.NaN;
  let jv: number;
  let inRow: number;
  if (look.avenueEvery > 0) {
    // Groups of rows with narrow lanes between them; the lane after a group is an avenue.
    const rowsM = look.avenueEvery * pitch - look.laneM;
    const groupM = rowsM + look.avenueM;
    const g = Math.floor(qq / groupM);
    const r = qq - g * groupM;
    if (r >= rowsM) {
      blot.kind = 0;
      blot.heightM = 0;
      blot.laneOff = (r - rowsM) / look.avenueM;
      blot.avenueQ = qq - r + rowsM;
      return blot;
    }
    const k = Math.floor(r / pitch);
    jv = g * look.avenueEvery + k;
    inRow = r - k * pitch;
  } else {
    jv = Math.floor(qq / pitch);
    inRow = qq - jv * pitch;
  }
  if (inRow > look.rowM) {
    blot.kind = 0;
    blot.heightM = 0;
    blot.laneOff = (inRow - look.rowM) / look.laneM;
    return blot;
  }
  const lotM = look.lotM * (0.85 + 0.3 * hash2(jv, 3, salt));
  const uu = a + hash2(jv, 1, salt) * lotM;
  const iu = Math.floor(uu / lotM);
  const h = hash2(iu, jv, salt + 3);
  blot.hash = h;
  blot.fu = uu / lotM - iu;
  blot.fv = inRow / look.rowM;
  blot.heightM = 0;
  if (h > look.houseShare) {
    blot.kind = h > 1 - look.treeShare ? 3 : 2;
    return blot;
  }
  const [f0, f1] = look.footprint;
  const w = f0 + (f1 - f0) * hash2(iu, jv, salt + 4);
  const d = f0 + (f1 - f0) * hash2(iu, jv, salt + 5);
  const ou = (1 - w) * hash2(iu, jv, salt + 6);
  const ov = (1 - d) * hash2(iu, jv, salt + 7);
  const pu = (blot.fu - ou) / w;
  const pv = (blot.fv - ov) / d;
  if (pu < 0 || pu > 1 || pv < 0 || pv > 1) {
    blot.kind = 2;
    return blot;
  }
  blot.kind = 1;
  blot.fu = pu;
  blot.fv = pv;
  blot.widthM = w * lotM;
  blot.depthM = d * look.rowM;
  const [s0, s1] = look.storeys;
  blot.heightM = 3 * (s0 + Math.floor((s1 - s0 + 1) * hash2(iu, jv, salt + 8))) + 0.5;
  return blot;
}

function shadeBlock(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  a: number,
  q: number,
  gsd: number,
  look: BlockLook,
  salt: number,
  sinH: number,
  cosH: number,
): void {
  // The patch lies over whatever ground class drew first: a forest's crown tilt, heights and shade left on
  // flat roofs, yards and lanes drew crowns in roof and lane colours (as shadeDarkForest once drew them).
  s.level();
  s.ao = 1;
  const L = blockLot(sh, x, y, a, q, look, salt);
  const d = sh.det4(x, y, 0.05, gsd, blockDetail);
  const grain = d[1] as number;
  const blot2 = d[0] as number;
  const earth = look.kind === 'dirt_lanes';
  if (L.kind === 0) {
    // A street tree's crown over the avenue.
    if (L.avenueQ === L.avenueQ && streetCrown(a, q, L, look, salt, sinH, cosH)) {
      const c = rowCrown;
      paintCrown(sh, s, x, y, gsd, crownColour(sh, c.id), c.hgt, c.nx, c.ny, c.id, look.streetTreeM);
      return;
    }
    s.set(look.lane, 0.85 + 0.22 * grain + 0.12 * (blot2 - 0.5));
    if (earth) {
      // Wheel ruts along the lane, darker and damp.
      const rut = Math.abs(L.laneOff - 0.5);
      if (rut > 0.12 && rut < 0.25) s.mul(1 - 0.15 * periodicAmp(look.laneM * 0.25, gsd));
      if (sh.tex(x, y, 0.08, gsd, salt + 9) < 0.25) s.mul(0.8);
    }
    s.ao = earth ? 0.9 : 0.7;
    return;
  }
  if (L.kind === 2) {
    s.set(look.yard, 0.82 + 0.22 * grain + 0.15 * (blot2 - 0.5));
    // Yards of bare earth have patches of grass and weeds.
    if (earth) s.mix([0.32, 0.36, 0.2], smooth(0.6, 0.8, sh.tex(x, y, 0.12, gsd, salt + 11)) * 0.7);
    return;
  }
  if (L.kind === 3) {
    if (!shadeCanopy(sh, s, x, y, gsd, 0.9, 0.6, 8)) s.set(look.yard, 0.75 + 0.2 * grain);
    return;
  }
  // A roof: flat with a parapet, or two planes from a ridge.
  const roof = look.roofs[Math.floor(((L.hash * 7.77) % 1) * look.roofs.length)] as RGB;
  const tone = 0.88 + 0.24 * hash2(Math.floor(L.hash * 1e6), 2, salt);
  s.objH = L.heightM;
  s.grain = 0.3;
  const edge = Math.min(Math.min(L.fu, 1 - L.fu) * L.widthM, Math.min(L.fv, 1 - L.fv) * L.depthM);
  const flat = (L.hash * 3.31) % 1 < look.flatShare;
  if (flat) {
    s.set(roof, tone * (0.9 + 0.15 * blot2 + 0.08 * (grain - 0.5)));
    if (edge < 0.3) s.mul(0.85);
    if (look.shedShare < 0) return;
    const it = blockRoofItem(L, look);
    paintRoofItem(s, it, L.fu * L.widthM, L.fv * L.depthM, L.hash, grain, gsd);
    s.objH = L.heightM + it.heightM;
    return;
  }
  const alongU = L.widthM >= L.depthM;
  const across = alongU ? L.fv : L.fu;
  const span = alongU ? L.depthM : L.widthM;
  const acrossM = (across - 0.5) * span;
  const side = acrossM < 0 ? -1 : 1;
  const pitch = BLOCK_PITCH;
  // Roof planes fall across the ridge: along the patch's q axis (scene (cosH, -sinH)) when the ridge
  // runs along a (scene (sinH, cosH)), and the other way round.
  const ax = alongU ? cosH : sinH;
  const ay = alongU ? -sinH : cosH;
  s.gx = side * pitch * ax;
  s.gy = side * pitch * ay;
  s.set(roof, tone * (0.88 + 0.18 * blot2 + 0.08 * (grain - 0.5)));
  // Corrugations or tile courses across the roof plane.
  const along = alongU ? L.fu * L.widthM : L.fv * L.depthM;
  const amp = periodicAmp(0.2, gsd);
  if (amp > 0) s.mul(1 + 0.1 * amp * Math.sin((Math.PI * 2 * along) / 0.2));
  if (Math.abs(acrossM) < 0.2) s.mul(0.85);
  if (edge < 0.25) s.mul(0.85);
  s.objH = L.heightM + pitch * Math.max(0, span / 2 - Math.abs(acrossM));
}
