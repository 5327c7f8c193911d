/**
 * Trees, bamboo, tea and scrub. Crowns come from the shared canopy texture (domes with leaf-cluster
 * bumps, per-crown random ids), warped and scaled per place so they never line up; their height
 * feeds the shadow tests and their surface tilt the lighting, which is what makes a canopy read as a
 * canopy from the air. Tea bushes run in rows along the contour lines of the DEM.
 */
import type { RGB } from '../look.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';
import { hash2, valueNoise3 } from '../noise.ts';
import { NO_CROWN_ID, detailBuffer, samplePacked, texelAt } from '../textures.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const leafClumps = detailBuffer();
const scrubDetail = detailBuffer();
const bambooCulms = detailBuffer();
const teaLeaves = detailBuffer();

const FLOOR: RGB = [0.16, 0.17, 0.11];
/** Height (m) of a crown's dome over its rim at crown scale 1: about its radius. */
const CROWN_DOME_M = 3.5;
/**
 * Pixels at least this many canopy texels wide (2 m at crown scale 1) draw a thinned stand as a blend of
 * crowns and ground by its density: the crown id read at one texel would alias there. Crowns are 10–30
 * texels in radius, so below it each crown is still drawn where it stands. At the 6 texels used before,
 * an open stand's crowns gave way to the blend a couple of hundred metres off in oblique photos while
 * their shadows (the sun mask reads crowns one by one) stayed: shadows without trees.
 */
export const BLEND_FOOT_TEXELS = 16;

/**
 * Share of the sun on a crown that reaches any leaf in it through the leaves above (Surface.translucent):
 * leaves pass on about 40 % of green light and the crown scatters it.
 */
export const FOLIAGE_TRANSLUCENT = 0.25;

/**
 * Leaves' gloss (Surface.gloss). In real drone frames the brightest tenth of the vegetation is far paler
 * than its middle fifth (saturation 0.31–0.36 against 0.53–0.57 in the Agung frames, 0.18 against 0.33 at
 * Mitchell): sunlit leaves glint. Ours were nearly as saturated at the top as in the middle (0.46 against
 * 0.55 in a forest around a slope) because crowns are bright from their colour, not from a glint.
 */
export const LEAF_GLOSS = 0.3;

/**
 * Share of a broadleaf tree's height under its crown, for trees standing alone or in groves (field
 * ridges, villages, yards): camphor and the like carry their crowns on trunks from about a third of
 * their height, so their shadows lie off their feet (canopyHeight's baseShare). Forests stay solid.
 */
export const TREE_BASE_SHARE = 0.3;

/**
 * Shade a tree crown at (x, y) if one stands there: `density` 0..1 keeps that share of crowns,
 * `crownScale` shrinks (<1) or grows crowns, `heightM` is the tallest tree. False = ground between.
 */
export function shadeCanopy(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  density: number,
  crownScale: number,
  heightM: number,
  /** The stand noise at (x, y) (`standAt`) when the caller has it already. */
  stand = -1,
  /** The crowns' colour, instead of the season's forest colours by species. */
  colour?: RGB,
): boolean {
  const c = sh.canopy;
  const tm = c.texelM * crownScale;
  // A slowly turning offset breaks the texture's repeat without distorting the crowns.
  const st = stand >= 0 ? stand : standAt(sh, x, y, gsd);
  const wa = st * 3;
  const ox = Math.cos(wa) * 4;
  const oy = Math.sin(wa) * 4;
  const u = (x + ox) / tm + sh.canopyOffU;
  const v = (y + oy) / tm + sh.canopyOffV;
  const foot = gsd / tm;
  const k = ((Math.floor(v) & (c.size - 1)) * c.size + (Math.floor(u) & (c.size - 1))) | 0;
  const texelId = c.crownId[k] as number;
  // The fringe of a crown read from a bare texel takes a crown's colour as it always did (id 0 there).
  const id = texelId < NO_CROWN_ID ? texelId : 0;
  let present = 1;
  if (density < 1) {
    if (foot < BLEND_FOOT_TEXELS) {
      if (texelId >= density) {
        sh.canopyGap = true;
        return false;
      }
    } else present = density; // coarse pixels: a blend of crowns and ground
  }
  samplePacked(c.hn, u, v, foot, sh.hn);
  const hgt = sh.hn[0] as number;
  if (hgt < 0.03) {
    sh.canopyGap = true;
    return false;
  }
  sh.crownX = x + (c.centreDu[k] as number) * tm;
  sh.crownY = y + (c.centreDv[k] as number) * tm;
  // Species and health vary by crown and by stand.
  const pick = (id * 7.31 + st * 2.3) % 1;
  const col: RGB = colour ?? crownColour(sh, pick);
  const idv = foot < BLEND_FOOT_TEXELS ? id : 0.5;
  if (present < 1) {
    s.mix(col, present);
    s.mul(1 - 0.25 * present);
    s.objH = heightM * (0.55 + 0.45 * hgt) * present;
    return true;
  }
  paintCrown(sh, s, x, y, gsd, col, hgt, sh.hn[1] as number, sh.hn[2] as number, idv, heightM);
  return true;
}

/** A broadleaf crown's colour by its species pick (0..1): mostly the forest's greens, a few turning. */
export function crownColour(sh: Shader, pick: number): RGB {
  const look = sh.look;
  return pick < 0.55 ? look.forest : pick < 0.88 ? look.forestAlt : look.forestAutumn;
}

/**
 * Paint a crown's leaves at (x, y): `col` its colour, `hgt` 0..1 up its dome, (nx, ny) the dome's outward
 * normal there (scene frame), `idv` 0..1 the crown's own tone, `heightM` the tree's height.
 */
export function paintCrown(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  col: RGB,
  hgt: number,
  nx: number,
  ny: number,
  idv: number,
  heightM: number,
): void {
  const nz = Math.sqrt(Math.max(0.05, 1 - nx * nx - ny * ny));
  // Leaf clumps (~40 and 80 cm) with dark pockets between them, tilted every which way: a crown seen
  // from above is a heap of sprays, not a smooth dome, and the pockets stay dark in shade too. The
  // lookup is footprint-filtered, so far crowns fade to their mean colour instead of shimmering.
  const leaf = sh.det4(x + sh.leafDx, y + sh.leafDy, 0.05, gsd, leafClumps);
  const clump = (leaf[1] as number) * 0.6 + (leaf[3] as number) * 0.4;
  s.set(col, (0.62 + 0.55 * hgt + 0.18 * (idv - 0.5)) * (0.55 + 0.9 * clump));
  s.gx = -nx / nz + ((leaf[3] as number) - 0.5) * 1.6;
  s.gy = -ny / nz + ((leaf[1] as number) - 0.5) * 1.6;
  s.objH = heightM * (0.55 + 0.45 * hgt);
  s.ao = 0.75 + 0.25 * hgt;
  s.grain = 0.85;
  s.translucent = FOLIAGE_TRANSLUCENT;
  s.gloss = LEAF_GLOSS;
}

/**
 * Which crown of the canopy texture (at `crownScale`) stands at (x, y) for stand noise `st`, read as
 * shadeCanopy and canopyHeight read it: a hash of the crown's own centre in the texture, or -1 on a crown's
 * frayed rim, where the texel holds none. Not the centre in scene metres (Shader.crownX, crownY): that is
 * kept per texel and wobbles by a texel across the crown (and moves with the footprint the stand noise is read
 * at, for pixels over 2.4 m), so a choice hashed from it striped a crown with two crowns' colours and let the
 * painter and the shadow heights pick differently.
 */
export function crownKey(sh: Shader, x: number, y: number, st: number, crownScale: number, salt: number): number {
  const c = sh.canopy;
  const tm = c.texelM * crownScale;
  const wa = st * 3;
  const u = Math.floor((x + Math.cos(wa) * 4) / tm + sh.canopyOffU);
  const v = Math.floor((y + Math.sin(wa) * 4) / tm + sh.canopyOffV);
  const k = ((v & (c.size - 1)) * c.size + (u & (c.size - 1))) | 0;
  // The centre, unwrapped (one key per copy of the texture), is the same from every texel of the crown.
  return (c.crownId[k] as number) < NO_CROWN_ID
    ? hash2(Math.floor(u + 0.5 + (c.centreDu[k] as number)), Math.floor(v + 0.5 + (c.centreDv[k] as number)), salt + 79)
    : -1;
}

/** Per-crown random numbers from a crown's key (crownKey), one per use `i`. */
export const keyHash = (key: number, i: number): number => hash2(Math.floor(key * 4294967296) | 0, i, 0x7f4);

/** Whether the crown of `key` (crownKey) is a dead snag, `snagShare` of them: painters and heights ask alike. */
export const isSnag = (key: number, snagShare: number): boolean => key >= 0 && keyHash(key, 1) < snagShare;

/**
 * Height (m) of the crown `shadeCanopy` would draw at (x, y), 0 where there is none (for shadows); sets
 * the crown's centre (Shader.crownX, crownY) as shadeCanopy does.
 */
export function canopyHeight(
  sh: Shader,
  x: number,
  y: number,
  density: number,
  crownScale: number,
  heightM: number,
  /** Share of the height under the crown's base (bare trunks below), for shadows on the ground. */
  baseShare = 0,
): number {
  const c = sh.canopy;
  const tm = c.texelM * crownScale;
  const wa = standAt(sh, x, y, 0.3) * 3;
  const u = (x + Math.cos(wa) * 4) / tm + sh.canopyOffU;
  const v = (y + Math.sin(wa) * 4) / tm + sh.canopyOffV;
  if (density < 1 && texelAt(c.crownId, c.size, u, v) >= density) return 0;
  samplePacked(c.hn, u, v, 0.2 / tm, sh.hn);
  const h = sh.hn[0] as number;
  if (h < 0.03) return 0;
  const k = ((Math.floor(v) & (c.size - 1)) * c.size + (Math.floor(u) & (c.size - 1))) | 0;
  sh.crownX = x + (c.centreDu[k] as number) * tm;
  sh.crownY = y + (c.centreDv[k] as number) * tm;
  return crownHeight(sh, h, heightM, crownScale, baseShare);
}

/**
 * Height (m) of a crown `hgt` (0..1) up its dome, of a tree `heightM` tall, its crown `crownScale` of the
 * canopy texture's size and `baseShare` of its height bare trunk (Shader.objectBaseM).
 */
export function crownHeight(sh: Shader, hgt: number, heightM: number, crownScale: number, baseShare: number): number {
  // Camera rays (Shader.treeHeight) meet crowns as round domes CROWN_DOME_M high over walls of leaves,
  // so crowns read round at oblique views and the gaps between them are deep; shadows keep their outline.
  if (sh.treesOnly) return heightM - CROWN_DOME_M * crownScale * (1 - hgt);
  sh.objectBaseM = baseShare * heightM;
  return heightM * (0.55 + 0.45 * hgt);
}

/** Closed forest: crowns everywhere, dark floor in the gaps. */
export function shadeForest(sh: Shader, s: Surface, x: number, y: number, gsd: number): void {
  // Crown size is one per scene: scaling texture coordinates by a varying factor would smear them.
  const stand = standAt(sh, x, y, gsd);
  if (shadeCanopy(sh, s, x, y, gsd, 1, sh.look.crownScale, 9 + 10 * stand, stand)) return;
  s.set(FLOOR, 0.8 + 0.5 * (sh.hn[0] as number));
  s.ao = 0.55;
}

/** Slow noise describing the stand of trees (crown size, height, species mix; 80–300 m patches). */
export function standAt(sh: Shader, x: number, y: number, gsd: number): number {
  return sh.tex(x, y, 1.2, gsd, 31);
}

/** Height of the forest canopy at (x, y) (for shadows). */
export function forestHeight(sh: Shader, x: number, y: number): number {
  const stand = standAt(sh, x, y, 0.3);
  return canopyHeight(sh, x, y, 1, sh.look.crownScale, 9 + 10 * stand);
}

/** Grass, weeds and low bushes on uncultivated ground. */
export function shadeScrub(sh: Shader, s: Surface, x: number, y: number, gsd: number): void {
  const look = sh.look;
  const d = sh.det4(x, y, 0.06, gsd, scrubDetail);
  s.set(look.grass, 0.75 + 0.45 * (d[1] as number) + 0.25 * ((d[2] as number) - 0.5));
  s.mix(look.grassDry, smooth(0.5, 0.7, sh.tex(x, y, 0.3, gsd, 38)) * 0.6);
  const bush = d[0] as number;
  if (bush > 0.66) {
    const k = smooth(0.66, 0.76, bush);
    s.mix(look.forestAlt, k * (0.6 + 0.4 * (d[3] as number)));
    s.objH = 1.5 * k;
    s.gx = ((d[3] as number) - 0.5) * 2;
    s.gy = ((d[1] as number) - 0.5) * 2;
  }
}

/** Bamboo grove: small, bright, feathery crowns packed tight. */
export function shadeBamboo(sh: Shader, s: Surface, x: number, y: number, gsd: number): void {
  if (shadeCanopy(sh, s, x, y, gsd, 1, 0.5, 11)) {
    const f = sh.det4(x + sh.leafDx, y + sh.leafDy, 0.02, gsd, bambooCulms)[1] as number;
    const h = s.objH;
    s.set(sh.look.bamboo, 0.7 + 0.5 * f + 0.2 * (h / 11));
    return;
  }
  s.set(FLOOR, 0.9);
  s.ao = 0.6;
}

/**
 * Tea garden: rounded bushes in rows along the contour (rows follow the elevation `z` where the
 * ground is steep enough, the feature's axis elsewhere), bare paths between.
 */
export function shadeTea(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  z: number,
  hx: number,
  hy: number,
  gsd: number,
  axis: number,
): void {
  const slope = Math.sqrt(hx * hx + hy * hy);
  let r: number;
  let spacing: number;
  let dirx: number;
  let diry: number;
  if (slope > 0.12) {
    // One row every 0.5 m of height: closer rows on steeper ground, as terraces are.
    r = z / 0.5;
    spacing = 0.5 / slope;
    dirx = hx / slope;
    diry = hy / slope;
  } else {
    spacing = 1.5;
    dirx = -Math.sin(axis);
    diry = Math.cos(axis);
    r = (x * dirx + y * diry) / spacing;
  }
  const look = sh.look;
  const f = r - Math.floor(r);
  const prof = Math.sin(Math.PI * Math.min(1, f / 0.75));
  const amp = Math.min(1, Math.max(0, (spacing / gsd - 2) / 3));
  const leaf = sh.det4(x, y, 0.02, gsd, teaLeaves)[3] as number;
  if (f < 0.75 || amp === 0) {
    s.set(look.tea, (0.7 + 0.45 * prof * amp + 0.25 * (leaf - 0.5)) * (amp > 0 ? 1 : 0.92));
    s.objH = 1.1 * prof * amp;
    const d = Math.cos(Math.PI * Math.min(1, f / 0.75)) * 1.2 * amp;
    s.gx = -dirx * d;
    s.gy = -diry * d;
  } else {
    s.set(look.dirt, 0.8 + 0.2 * leaf);
    s.ao = 0.7;
  }
}

/** Crown sides: their slope (outward), and how they darken with depth below the crown's top (per m, floor). */
const CROWN_SIDE_SLOPE = 1.2;
const CROWN_DARK_PER_M = 0.06;
const CROWN_DEEP_DARK = 0.4;

/**
 * The side of a crown where a camera ray met it `aboveM` over the ground, below the crowns' top there
 * (`topM`), facing out along (nx, ny): turned out and darker the deeper below the top (less light gets
 * in), with leaf clumps in three dimensions (the crown's top texture, read here, would streak down it).
 */
export function shadeCrownSide(
  s: Surface,
  x: number,
  y: number,
  aboveM: number,
  topM: number,
  nx: number,
  ny: number,
  gsd: number,
): void {
  const wc = Math.min(1, Math.max(0, (1.2 - gsd) / 0.8));
  const wf = Math.min(1, Math.max(0, (0.5 - gsd) / 0.4));
  const nc = valueNoise3(x * 2.5, y * 2.5, aboveM * 2.5, 0x51de) - 0.5;
  const nf = wf > 0 ? valueNoise3(x * 7, y * 7, aboveM * 7, 0x51df) - 0.5 : 0;
  s.gx = -nx * CROWN_SIDE_SLOPE + nf * 2 * wf;
  s.gy = -ny * CROWN_SIDE_SLOPE + nc * 2 * wc;
  s.mul(Math.max(CROWN_DEEP_DARK, 1 - CROWN_DARK_PER_M * (topM - aboveM)) * (1 + 1.1 * nc * wc + 0.6 * nf * wf));
}
