/**
 * The dark_forest hard negative (built-and-dark.ts plants it): small, tightly packed crowns of a dark
 * conifer/shrub green, some of them dead grey snags, over a dark floor of humus, litter and grass with
 * fallen grey logs; the crowns stand 8–18 m tall, so the shadow tests cut deep shade into the gaps.
 */
import { jitterChannels, lerp, type RGB } from '../look.ts';
import type { Rng } from '../random.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';
import {
  LOG_RADIUS_M,
  logAt,
  logRise,
  SNAG_CORE_DOME,
  SNAG_MEAN_COVER,
  snagCover,
  type LogField,
} from './dead-wood.ts';
import { BLEND_FOOT_TEXELS, canopyHeight, crownKey, isSnag, keyHash, shadeCanopy, standAt } from './vegetation.ts';

import { detailBuffer } from '../textures.ts';

/** Share of the leaves' gloss (LEAF_GLOSS) a dark conifer stand keeps. */
const CONIFER_GLOSS_SHARE = 0.3;

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
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

/** A dark forest patch's look, drawn from its patch's `r` (drawPatchLook). */
export function drawForestLook(r: Rng): ForestLook {
  // Darker and bluer than the broadleaf forest of the scene look ([0.18, 0.3, 0.13]), but lighter than it
  // was: beside real conifer stands (SOAP, YELL) it read as one dark olive.
  const crown = jitterChannels(r, lerp([0.15, 0.245, 0.13], [0.16, 0.235, 0.16], r.next()), 0.15);
  return {
    kind: 'dark_forest',
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
      // Most fell with the wind, some across it.
      alignedShare: 0.7,
    },
  };
}

export function shadeDarkForest(
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
    const key = crownKey(sh, x, y, st, look.crownScale, salt);
    if (isSnag(key, look.snagShare)) {
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
  s.objH = logRise(lg.d);
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
export function darkForestHeight(sh: Shader, x: number, y: number, look: ForestLook, salt: number): number {
  const tree = canopyHeight(sh, x, y, look.density, look.crownScale, look.heightM);
  if (tree > 0) {
    if ((sh.hn[0] as number) >= SNAG_CORE_DOME) return tree;
    // canopyHeight reads the stand noise at 0.3 m.
    return isSnag(crownKey(sh, x, y, standAt(sh, x, y, 0.3), look.crownScale, salt), look.snagShare) ? 0 : tree;
  }
  if (sh.treesOnly) return 0;
  const lg = logAt(x, y, look.logs, salt);
  return lg.d < LOG_RADIUS_M ? logRise(lg.d) : 0;
}
