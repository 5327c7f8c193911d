/**
 * Hard negatives the real-photo check showed (issue 15): the detector fired on a dense stand of dark
 * conifer/shrub crowns in shade (straw-burning head), on a block of grey town roofs (straw-burning
 * head) and on red bare-earth lanes and yards between village houses (exposed-slope head).
 *
 * - dark_forest: small, tightly packed crowns of a dark conifer/shrub green, a near-black floor
 *   between them; the crowns stand 8–18 m tall, so the shadow tests cut deep shade into the gaps.
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
import { LOG_RADIUS_M, logAt, SNAG_CORE_DOME, SNAG_MEAN_COVER, snagCover, type LogField } from './dead-wood.ts';
import { rowCrown, rowCrownAt } from './tree-rows.ts';
import {
  BLEND_FOOT_TEXELS,
  canopyHeight,
  crownHeight,
  paintCrown,
  rowCrownColour,
  shadeCanopy,
  standAt,
  TREE_BASE_SHARE,
} from './vegetation.ts';

import { detailBuffer, NO_CROWN_ID } from '../textures.ts';

/** Share of the leaves' gloss (LEAF_GLOSS) a dark conifer stand keeps. */
const CONIFER_GLOSS_SHARE = 0.3;

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const blockDetail = detailBuffer();
const floorDetail = detailBuffer();

/**
 * Share of the sky the floor between dense conifer crowns sees: shut in, but lit enough to show its
 * litter and grass (at 0.35 the gaps drew near-black holes; real gaps are dark, rarely black).
 */
const FLOOR_AO = 0.75;
/** Share of the sunlit ground's bounced light the floor gets: the sun the crowns around it scatter down. */
const FLOOR_BOUNCE = 0.6;

export interface ForestLook {
  kind: 'dark_forest';
  crown: RGB;
  crownAlt: RGB;
  /** Dark humus and moss of the floor, in blotches of `litter` (brown needles or grass). */
  floor: RGB;
  /** Crown size relative to the canopy texture (conifers: small). */
  crownScale: number;
  heightM: number;
  /** Share of crown cells that hold a tree (gaps show the dark floor). */
  density: number;
  /** Overall dimming: a hillside in shade, a dark species. */
  dim: number;
  /** Blue-grey green of spruce and fir, and the share of crowns of it. */
  crownBlue: RGB;
  blueShare: number;
  /** One tone per crown: lighter by up to this share, or darker by up to 0.6 of it. */
  toneSpread: number;
  litter: RGB;
  /** Share of crowns that are dead grey snags, and their wood's colour (also the fallen logs'). */
  snagShare: number;
  deadWood: RGB;
  /** Fallen logs on the floor. */
  logs: LogField;
}

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

/** Spruce and fir: a greyer, bluer green than pines (SOAP, YELL). */
const CONIFER_BLUE: RGB = [0.19, 0.235, 0.2];
/** The floor between conifer crowns: brown needle litter, or grass and moss where light gets in. */
const NEEDLE_LITTER: RGB = [0.27, 0.22, 0.15];
const FLOOR_GRASS: RGB = [0.2, 0.25, 0.13];
/** Weathered dead wood: pale grey, a little warm, never tinted (snags and logs in SOAP_061). */
function greyWood(r: Rng): RGB {
  const f = r.range(0.88, 1.08);
  return [0.38 * f, 0.375 * f, 0.36 * f];
}

/** The look of one planted patch, from its seed. */
export function drawPatchLook(kind: PatchKind, seed: number): PatchLook {
  if (kind === 'sparse_canopy' || kind === 'dry_scrub') return drawOpenLook(kind, seed);
  const r = new Rng(seed);
  if (kind === 'dark_forest') {
    // Darker and bluer than the broadleaf forest of the scene look ([0.18, 0.3, 0.13]), but lighter than it
    // was: beside real conifer stands (SOAP, YELL) it read as one dark olive.
    const crown = jitterChannels(r, lerp([0.15, 0.245, 0.13], [0.16, 0.235, 0.16], r.next()), 0.15);
    return {
      kind,
      crown,
      crownAlt: jitterChannels(r, lerp(crown, [0.22, 0.28, 0.15], r.range(0.3, 1)), 0.12),
      floor: jitterChannels(r, [0.11, 0.11, 0.075], 0.25),
      crownScale: r.range(0.5, 0.85),
      heightM: r.range(8, 18),
      density: r.range(0.82, 1),
      dim: r.range(0.82, 1),
      // Drawn after the others, so the draws above keep their values.
      crownBlue: jitterChannels(r, CONIFER_BLUE, 0.08),
      blueShare: r.range(0.2, 0.5),
      toneSpread: r.range(0.2, 0.35),
      litter: jitterChannels(r, lerp(NEEDLE_LITTER, FLOOR_GRASS, r.next()), 0.1),
      snagShare: r.range(0.03, 0.1),
      deadWood: greyWood(r),
      logs: {
        cellM: r.range(8, 14),
        share: r.range(0.25, 0.6),
        lengthM: [3, r.range(7, 12)],
        headingRad: r.range(0, Math.PI),
      },
    };
  }
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

/**
 * Which crown of the canopy texture stands at (x, y) for stand noise `st`, read as shadeCanopy and
 * canopyHeight read it: `key` a hash of the crown's own centre (not the centre in scene metres, which
 * moves with the footprint the stand noise is read at: hashed, it striped the side of a crown with two
 * crowns' colours), -1 on a crown's frayed rim, where the texel holds none. Reused object.
 */
const crownOf = { key: -1 };
function crownAt(sh: Shader, x: number, y: number, st: number, look: ForestLook, salt: number): typeof crownOf {
  const c = sh.canopy;
  const tm = c.texelM * look.crownScale;
  const wa = st * 3;
  const u = Math.floor((x + Math.cos(wa) * 4) / tm + sh.canopyOffU);
  const v = Math.floor((y + Math.sin(wa) * 4) / tm + sh.canopyOffV);
  const k = ((v & (c.size - 1)) * c.size + (u & (c.size - 1))) | 0;
  // The centre, unwrapped (one key per copy of the texture), is the same from every texel of the crown.
  crownOf.key =
    (c.crownId[k] as number) < NO_CROWN_ID
      ? hash2(
          Math.floor(u + 0.5 + (c.centreDu[k] as number)),
          Math.floor(v + 0.5 + (c.centreDv[k] as number)),
          salt + 79,
        )
      : -1;
  return crownOf;
}

/** Per-crown hashes from a crown's key, one per use. */
const keyHash = (key: number, i: number): number => hash2(Math.floor(key * 4294967296) | 0, i, 0x7f4);

/** Whether the crown of `key` is a dead snag (shading and heights ask alike). */
const isSnag = (key: number, look: ForestLook): boolean => key >= 0 && keyHash(key, 1) < look.snagShare;

function shadeDarkForest(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  look: ForestLook,
  salt: number,
): void {
  // The patch lies over whatever ground class drew first: its tilt, heights and mirror must not light or
  // shadow the forest floor (the same fault drew camouflage blots in the open-ground patches).
  s.level();
  // The floor's mean, for pixels wider than a crown (shadeCanopy blends the crowns into it).
  const f = look.floor;
  const l = look.litter;
  s.r = (f[0] + l[0]) * 0.5 * look.dim;
  s.g = (f[1] + l[1]) * 0.5 * look.dim;
  s.b = (f[2] + l[2]) * 0.5 * look.dim;
  const st = standAt(sh, x, y, gsd);
  if (shadeCanopy(sh, s, x, y, gsd, look.density, look.crownScale, look.heightM, st, look.crown)) {
    // Needles in tight, rough crowns: small glints, most of them shaded by the needles around them
    // (at the leaves' gloss the dark crowns read as wet foil).
    s.gloss *= CONIFER_GLOSS_SHARE;
    const hg = sh.hn[0] as number;
    // Sky light reaches well into a crown's rim (at 0.55 its shaded side read near-black).
    s.ao = 0.65 + 0.3 * hg;
    if (gsd / (sh.canopy.texelM * look.crownScale) >= BLEND_FOOT_TEXELS) {
      // Pixels wider than a crown: the crowns' mean tint, and the snags' grey in their share.
      tintCrown(s, look, 0.5, look.blueShare * 0.7, 1);
      s.mix(look.deadWood, look.snagShare * SNAG_MEAN_COVER * 0.8);
      return;
    }
    const key = crownAt(sh, x, y, st, look, salt).key;
    if (isSnag(key, look)) {
      shadeSnag(sh, s, x, y, gsd, look, salt, key);
      return;
    }
    if (key < 0) {
      // A frayed rim with no crown of its own: the stand's mean.
      tintCrown(s, look, 0.5, 0, 1);
      return;
    }
    // Crowns differ in shade of green (some the blue-grey of spruce) and in tone, lighter and darker ones
    // side by side; the leaf clumps shadeCanopy drew are kept (painting the crown over with one colour by
    // height made flat blotches).
    const blue = keyHash(key, 2) < look.blueShare ? 0.35 + 0.5 * keyHash(key, 3) : 0;
    // More of the spread lighter than darker: the darkest crowns went black in their own shade.
    const tone = 1 + look.toneSpread * (1.6 * keyHash(key, 4) - 0.6);
    tintCrown(s, look, keyHash(key, 5), blue, tone);
    return;
  }
  forestFloor(sh, s, x, y, gsd, look, salt);
}

/**
 * Turn the crown shadeCanopy drew in `look.crown` into the crown colour a share `pick` of the way to
 * crownAlt, then `blue` of the way to crownBlue, times `tone` and the stand's dimming (no allocation: the
 * shader runs for every pixel).
 */
function tintCrown(s: Surface, look: ForestLook, pick: number, blue: number, tone: number): void {
  const a = look.crown;
  const b = look.crownAlt;
  const c = look.crownBlue;
  const k = tone * look.dim;
  const r = a[0] + (b[0] - a[0]) * pick;
  const g = a[1] + (b[1] - a[1]) * pick;
  const bl = a[2] + (b[2] - a[2]) * pick;
  s.r *= ((r + (c[0] - r) * blue) / a[0]) * k;
  s.g *= ((g + (c[1] - g) * blue) / a[1]) * k;
  s.b *= ((bl + (c[2] - bl) * blue) / a[2]) * k;
}

/**
 * The floor between crowns: dark humus in blotches of litter or grass, shut in by the crowns but not black
 * (real gaps show their floor in shade), and the grey fallen logs lying on it.
 */
function forestFloor(sh: Shader, s: Surface, x: number, y: number, gsd: number, look: ForestLook, salt: number): void {
  const d = sh.det4(x, y, 0.05, gsd, floorDetail);
  const t = smooth(0.35, 0.65, sh.tex(x, y, 0.08, gsd, salt + 51)) * (0.5 + 0.5 * (d[0] as number));
  const k = (0.75 + 0.35 * (d[1] as number)) * look.dim;
  const f = look.floor;
  const l = look.litter;
  s.r = (f[0] + (l[0] - f[0]) * t) * k;
  s.g = (f[1] + (l[1] - f[1]) * t) * k;
  s.b = (f[2] + (l[2] - f[2]) * t) * k;
  s.ao = FLOOR_AO;
  s.bounce = FLOOR_BOUNCE;
  s.grain = 0.7;
  const lg = logAt(x, y, look.logs, salt);
  const cover = smooth(LOG_RADIUS_M + gsd * 0.5, LOG_RADIUS_M - gsd * 0.5, lg.d);
  if (cover <= 0) return;
  s.mix(look.deadWood, cover * (0.85 + 0.15 * (d[1] as number)));
  if (lg.d >= LOG_RADIUS_M) return;
  // Round across: the sun lights one flank (slope capped so the rim does not turn edge-on).
  const u = lg.across / LOG_RADIUS_M;
  const slope = -u / Math.max(0.4, Math.sqrt(1 - u * u));
  s.gx = -slope * lg.sin;
  s.gy = slope * lg.cos;
  s.objH = LOG_RADIUS_M * Math.sqrt(1 - u * u);
  s.ao = 0.8;
}

/**
 * A dead snag: a dense core of grey twigs round the stem standing as the crown does, bare branches out to
 * the rim with the stand's floor showing between them. Only the core stands (darkForestHeight): the thin
 * branches are lit as at the crown's height but neither cast a shadow nor stop a camera ray.
 */
function shadeSnag(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  look: ForestLook,
  salt: number,
  key: number,
): void {
  const dome = sh.hn[0] as number;
  // The light and dark of the crown's leaf clumps, read where the camera ray meets the crown (Shader.leafDx):
  // twigs keep them, and a snag's side is not streaked with its top's pattern.
  const clumps = Math.min(1.5, s.g / look.crown[1]);
  const k = 0.55 + 0.45 * clumps;
  const w = look.deadWood;
  if (dome >= SNAG_CORE_DOME) {
    // Twigs with dark pockets between them: without, the core read as a grey stone.
    const twig = sh.det4(x + sh.leafDx, y + sh.leafDy, 0.05, gsd, floorDetail)[2] as number;
    s.set(w, k * (0.55 + 0.8 * twig));
    s.dropLeaves();
    s.ao = 0.85;
    return;
  }
  const gx = s.gx;
  const gy = s.gy;
  const h = s.objH;
  const twig = sh.det4(x, y, 0.05, gsd, floorDetail)[2] as number;
  const cover = snagCover(x, y, sh.crownX, sh.crownY, dome, gsd, twig, keyHash(key, 6));
  forestFloor(sh, s, x, y, gsd, look, salt);
  s.r += (w[0] * k - s.r) * cover;
  s.g += (w[1] * k - s.g) * cover;
  s.b += (w[2] * k - s.b) * cover;
  if (cover > 0.5) {
    // A branch: at the crown's height, with its dome's tilt (one side lit).
    s.bounce = 0;
    s.gx = gx;
    s.gy = gy;
    s.objH = h;
    s.ao = 0.85;
  }
}

/**
 * Height of what stands in a dark forest at (x, y), for shadows and camera rays: the crowns, a snag's wood
 * core only (sun and eye pass between the bare branches of its rim), a log lying on the floor.
 */
function darkForestHeight(sh: Shader, x: number, y: number, look: ForestLook, salt: number): number {
  const tree = canopyHeight(sh, x, y, look.density, look.crownScale, look.heightM);
  if (tree > 0) {
    if ((sh.hn[0] as number) >= SNAG_CORE_DOME) return tree;
    // canopyHeight reads the stand noise at 0.3 m.
    return isSnag(crownAt(sh, x, y, standAt(sh, x, y, 0.3), look, salt).key, look) ? 0 : tree;
  }
  if (sh.treesOnly) return 0;
  const lg = logAt(x, y, look.logs, salt);
  return lg.d < LOG_RADIUS_M ? LOG_RADIUS_M * Math.sqrt(1 - (lg.d / LOG_RADIUS_M) ** 2) : 0;
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
      paintCrown(sh, s, x, y, gsd, rowCrownColour(sh, c.id), c.hgt, c.nx, c.ny, c.id, look.streetTreeM);
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
