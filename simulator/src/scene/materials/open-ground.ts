/**
 * Hard negatives the round-16 real-photo check showed (issue 15): the slope head refitted on the
 * long pale slides fired on pale bare ground that is not a slide.
 *
 * - sparse_canopy: open pine woodland — crowns scattered over pale sandy soil and dry litter, each a
 *   star of needle tufts at fine pixels, some grey dead snags among them and grey fallen logs on the
 *   ground (DeepForest OSBS, SOAP).
 * - dry_scrub: dry grass with dark round shrubs, bare pale patches and a few granite boulders
 *   (DeepForest SJER, dry Bali hillsides).
 *
 * Both are patches like dark_forest (a ragged rectangle, look drawn once from the patch seed). What
 * keeps them from reading as a slide: round crowns, shrubs and boulders with their own shadows, bare
 * ground in blotches with no fall-line shape.
 */
import { jitterChannels, lerp, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import { Rng } from '../random.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';
import { type Detail4, detailBuffer } from '../textures.ts';
import { LOG_RADIUS_M, logAt, logRise, type LogField } from './dead-wood.ts';
import { BLEND_FOOT_TEXELS, canopyHeight, crownKey, isSnag, keyHash, shadeCanopy, standAt } from './vegetation.ts';

// det4 results, one buffer per read (see Shader.det4).
const groundDetail = detailBuffer();
/** The ground detail read by the shadow heights (their own buffer: the sun mask fills while shading). */
const shadowDetail = detailBuffer();

export interface OpenLook {
  kind: 'sparse_canopy' | 'dry_scrub';
  /** Bare soil (sand, dry earth) and the cover over the rest (litter, dry grass). */
  soil: RGB;
  cover: RGB;
  /** Share of the ground that is bare soil, and the texel of the noise that blots it (m; blots ~64×). */
  bareShare: number;
  bareTexelM: number;
  crown: RGB;
  /** Share of crown cells holding a tree or shrub. */
  density: number;
  crownScale: number;
  heightM: number;
  /** Share of crowns that are dead grey snags (sparse_canopy). */
  snagShare: number;
  /** Fallen logs (sparse_canopy) or boulders (dry_scrub): cell size and share of cells with one. */
  itemCellM: number;
  itemShare: number;
  /** Log length or boulder radius range (m). */
  itemSize: [number, number];
  itemColour: RGB;
  /** Where the fallen logs lie (sparse_canopy; none in dry_scrub), from the item fields above. */
  logs: LogField;
}

/** Whether a patch look is one of these (the other patch looks have other fields). */
export function isOpenLook(look: { kind: string }): look is OpenLook {
  return look.kind === 'sparse_canopy' || look.kind === 'dry_scrub';
}

/** `c` brighter or darker by up to ±`k`, hue kept (a channel-wise jitter can turn a dull green grey). */
const tone = (r: Rng, c: RGB, k: number): RGB => {
  const f = r.range(1 - k, 1 + k);
  return [c[0] * f, c[1] * f, c[2] * f];
};

/**
 * A pale grey's colour from `c` (bare soil, weathered wood, granite): brighter or darker by up to ±`k` and up
 * to a little warmer, never tinted. The channel-wise jitter it replaces gave pale sand G well below R or B
 * above G in a quarter of patches, which the camera's saturation turned pink or lilac (real sand, snags and
 * boulders are pale grey, slightly warm: OSBS, SJER). Three draws, as that jitter took, so the draws after it
 * keep their values.
 */
const greyTone = (r: Rng, c: RGB, k: number): RGB => {
  const f = r.range(1 - k, 1 + k);
  const warm = r.next();
  r.next();
  return [c[0] * f, c[1] * f * (1 - 0.015 * warm), c[2] * f * (1 - 0.05 * warm)];
};

const SAND: RGB = [0.68, 0.68, 0.66];
const DRY_EARTH: RGB = [0.64, 0.62, 0.56];
const LITTER: RGB = [0.5, 0.46, 0.38];
const DRY_GRASS: RGB = [0.54, 0.52, 0.4];
const GREY_WOOD: RGB = [0.7, 0.69, 0.66];
const GRANITE: RGB = [0.7, 0.68, 0.64];

/** The look of one sparse-canopy or dry-scrub patch, from its seed. */
export function drawOpenLook(kind: OpenLook['kind'], seed: number): OpenLook {
  const look = drawItems(kind, seed);
  // Logs lie every which way in open woodland (no windthrow), one in a share of the item cells.
  const logs: LogField = {
    cellM: look.itemCellM,
    share: kind === 'sparse_canopy' ? look.itemShare : 0,
    lengthM: look.itemSize,
    headingRad: 0,
    alignedShare: 0,
  };
  return { ...look, logs };
}

function drawItems(kind: OpenLook['kind'], seed: number): Omit<OpenLook, 'logs'> {
  const r = new Rng(seed);
  const soil = greyTone(r, lerp(SAND, DRY_EARTH, r.next()), 0.06);
  if (kind === 'sparse_canopy') {
    return {
      kind,
      soil,
      cover: jitterChannels(r, lerp(LITTER, DRY_GRASS, r.next()), 0.08),
      bareShare: r.range(0.3, 0.7),
      bareTexelM: 0.25,
      // Pine needles in sun are a muted olive to yellow-green, lighter than broadleaf forest (OSBS_029
      // sunlit crowns G/R 1.08, B/R 0.77, saturation 0.28; the lime before rendered 1.21, 0.56, 0.53).
      crown: tone(r, lerp([0.42, 0.48, 0.355], [0.49, 0.55, 0.4], r.next()), 0.1),
      density: r.range(0.3, 0.6),
      crownScale: r.range(0.7, 1.1),
      // Short trees: the long shadows of tall ones at low sun streak the sand like tracks.
      heightM: r.range(6, 13),
      snagShare: r.range(0.04, 0.15),
      itemCellM: r.range(12, 20),
      itemShare: r.range(0.15, 0.4),
      itemSize: [6, r.range(10, 18)],
      itemColour: greyTone(r, GREY_WOOD, 0.06),
    };
  }
  return {
    kind,
    soil,
    cover: jitterChannels(r, DRY_GRASS, 0.08),
    // A little less bare than before (SJER is mostly grass); the pale blots stay, they are why this
    // negative exists.
    bareShare: r.range(0.36, 0.46),
    bareTexelM: 0.18,
    // Oaks and shrubs of dry hills are a dark grey olive (SJER, the dry Agung slope), duller than a wet
    // forest. Not darker: lit from above they read as near-black blots (grey level of the darkest 15 %
    // of a nadir frame 0.23 of its median; Agung's drone frame 0.29, SJER 0.59), which is a burn scar's look.
    crown: tone(r, lerp([0.24, 0.28, 0.2], [0.32, 0.36, 0.25], r.next()), 0.1),
    density: r.range(0.12, 0.28),
    crownScale: r.range(0.45, 0.7),
    heightM: r.range(1.2, 2.5),
    snagShare: 0,
    itemCellM: r.range(6, 12),
    itemShare: r.range(0.2, 0.45),
    itemSize: [0.8, r.range(1.8, 3)],
    itemColour: greyTone(r, GRANITE, 0.05),
  };
}

/** The boulder near (x, y) (reused object: read before the next call). */
const item = { d: 0, cx: 0, cy: 0, size: 0, hash: 0 };

/**
 * The boulder of the cell under (x, y), if any (dry_scrub): `d` is the distance from its centre in metres,
 * stretched where its lumpy rim is pulled in; Infinity where the cell has none. Logs are dead-wood.ts's.
 */
function boulderAt(x: number, y: number, look: OpenLook, salt: number): typeof item {
  const c = look.itemCellM;
  const i = Math.floor(x / c);
  const j = Math.floor(y / c);
  item.d = Infinity;
  const h = hash2(i, j, salt + 21);
  if (h >= look.itemShare) return item;
  const [s0, s1] = look.itemSize;
  const size = s0 + (s1 - s0) * hash2(i, j, salt + 22);
  // Centre kept away from the cell edge so a boulder never spills into the next cell.
  const m = Math.min(0.45, size / c + 0.05);
  const cx = (i + m + (1 - 2 * m) * hash2(i, j, salt + 23)) * c;
  const cy = (j + m + (1 - 2 * m) * hash2(i, j, salt + 24)) * c;
  const ex = x - cx;
  const ey = y - cy;
  item.size = size;
  item.cx = cx;
  item.cy = cy;
  item.hash = h / look.itemShare;
  // A lumpy outline, not a disc: the distance is stretched where the rim is pulled in.
  const th = Math.atan2(ey, ex);
  const p = 6.283 * hash2(i, j, salt + 26);
  item.d = Math.hypot(ex, ey) / (0.8 + 0.15 * Math.sin(2 * th + p) + 0.08 * Math.sin(5 * th + 2 * p));
  return item;
}

/** Boulder height over its radius: granite boulders are rounded but lie low. */
const BOULDER_RISE = 0.3;
/**
 * Share of the sky the ground seen through a pine's gaps sees: a pine's crown is open, so that ground is
 * about as bright as the crown's cast shadow beside it (OSBS), not a black hole in the crown.
 */
const PINE_GAP_SKY = 0.85;
/**
 * Share of a pine's height under its crown: open-grown pines (OSBS longleaf) carry their crowns on bare
 * trunks from about half their height.
 */
const PINE_BASE_SHARE = 0.45;
/**
 * How much wider a pine's tufts are for the sun than from straight above: a slanting ray crosses the
 * crown's depth, and tufts above and below one another close a gap that shows from above.
 */
const SHADOW_TUFT_WIDEN = 1.6;
/** Footprint (m) the shadow heights draw a pine's gaps at: fine enough for every gap to be open. */
const SHADOW_DETAIL_M = 0.1;

export function shadeOpenGround(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  look: OpenLook,
  salt: number,
): void {
  // The patch lies over whatever the ground class drew first (forest, fields): its crown tilts and
  // furrows shaded the grass and sand in soft light and dark blots metres across (the camouflage
  // look), and a forest's height kept the ground out of most shadows.
  s.level();
  // Ground first: bare soil in blotches (no direction to them), litter or dry grass elsewhere.
  const d = sh.det4(x, y, 0.06, gsd, groundDetail);
  const grain = d[1] as number;
  // Two scales summed: one alone draws long bands (like a track) or even stripes.
  const blots = 0.6 * sh.tex(x, y, look.bareTexelM, gsd, salt + 31) + 0.4 * sh.tex(x, y, 0.07, gsd, salt + 33);
  const bare = smooth(look.bareShare + 0.06, look.bareShare - 0.06, blots);
  if (look.kind === 'dry_scrub')
    // Dry grass is a fine even speckle (SJER), without the half-metre blobs of litter.
    s.set(look.cover, 0.88 + 0.15 * grain + 0.4 * ((d[2] as number) - 0.5));
  else s.set(look.cover, 0.8 + 0.35 * grain + 0.2 * ((d[2] as number) - 0.5));
  s.mix(look.soil, bare * (0.85 + 0.15 * (d[0] as number)));
  s.ao = 0.9;
  s.grain = 0.7;
  const lg = logAt(x, y, look.logs, salt);
  const it = look.kind === 'dry_scrub' ? boulderAt(x, y, look, salt) : null;
  if (lg.d < LOG_RADIUS_M) {
    // A fallen log: grey weathered wood, round across.
    s.set(look.itemColour, 0.95 + 0.1 * grain);
    s.objH = logRise(lg.d);
  } else if (it && it.d < it.size) {
    // A granite boulder: a dome, so the sun lights one side and it casts its own shadow.
    const t = it.d / it.size;
    const h = it.size * BOULDER_RISE * Math.sqrt(1 - t * t);
    s.set(look.itemColour, 0.9 + 0.15 * grain + 0.1 * (it.hash - 0.5));
    s.objH = h;
    // Dome slope -rise·(x - cx)/sqrt(R² - r²), capped so the rim does not turn edge-on.
    const k =
      (-BOULDER_RISE * it.size) / Math.max(0.3 * it.size, Math.sqrt(Math.max(0, it.size * it.size - it.d * it.d)));
    s.gx = (k * (x - it.cx)) / it.size;
    s.gy = (k * (y - it.cy)) / it.size;
    s.ao = 0.8 + 0.2 * (1 - t);
    return;
  }
  const gr = s.r;
  const gg = s.g;
  const gb = s.b;
  const st = standAt(sh, x, y, gsd);
  if (shadeCanopy(sh, s, x, y, gsd, look.density, look.crownScale, look.heightM, st, look.crown)) {
    if (gsd / (sh.canopy.texelM * look.crownScale) >= BLEND_FOOT_TEXELS) {
      // Pixels wider than a crown: the ground blended with this patch's crowns and their shade.
      s.r = gr;
      s.g = gg;
      s.b = gb;
      s.mix(look.crown, look.density);
      s.mul(1 - 0.25 * look.density);
      return;
    }
    // The crown keeps the leaf clumps shadeCanopy drew, in this patch's colour.
    const key = crownKey(sh, x, y, st, look.crownScale, salt);
    if (isSnag(key, look.snagShare)) {
      // A dead snag: bare grey branches over the ground, mostly ground showing through.
      const twig = (d[3] as number) > 0.55 ? 1 : 0;
      s.r = gr;
      s.g = gg;
      s.b = gb;
      s.mix(look.itemColour, 0.35 + 0.5 * twig);
      s.dropLeaves();
    } else if (look.kind === 'sparse_canopy') {
      // A pine from above is a star of needle tufts on branches from the top, with gaps towards the
      // rim (OSBS): where the star leaves a gap, the ground under the crown shows, in its shade.
      const gap = pineGap(sh, x, y, gsd, d, key);
      // Needles in sun: a tuft is lighter than the clump shading alone makes it.
      s.mul(1 + 0.2 * (1 - gap));
      if (gap > 0) {
        s.r += (gr - s.r) * gap;
        s.g += (gg - s.g) * gap;
        s.b += (gb - s.b) * gap;
        if (gap > 0.5) {
          s.gx = 0;
          s.gy = 0;
          s.objH = 0;
          s.ao = PINE_GAP_SKY;
          s.grain = 0.7;
          s.dropLeaves();
        }
      }
    }
  }
}

/**
 * How much of the pixel at (x, y) is a gap between a pine's needle tufts (0 = tuft), for the crown
 * `shadeCanopy` just drew (its centre in `sh.crownX/Y`, its dome height in `sh.hn[0]`). Fades out where
 * pixels grow wider than a tuft, so far crowns keep their mean colour instead of shimmering.
 */
function pineGap(sh: Shader, x: number, y: number, gsd: number, d: Detail4, key: number, widen = 1): number {
  const fade = smooth(0.45, 0.15, gsd);
  if (fade <= 0) return 0;
  const ex = x - sh.crownX;
  const ey = y - sh.crownY;
  const rM = Math.hypot(ex, ey);
  const hc = keyHash(key, 7);
  const n = 6 + Math.floor(5 * hc);
  // Branches bend a little along their length, so the star is not a pinwheel of straight spokes.
  const turn = (Math.atan2(ey, ex) / (2 * Math.PI)) * n + 7 * hc + 0.2 * Math.sin(1.7 * rM + 9 * hc);
  const across = Math.abs(turn - Math.round(turn)) * ((2 * Math.PI) / n) * rM;
  // Tufts are widest near the top and come in clumps along a branch, about every 0.7 m.
  const along = 0.5 + 0.5 * Math.cos(2 * Math.PI * (rM / 0.7 + 5 * hc));
  const width = (0.06 + 0.4 * (sh.hn[0] as number)) * (0.3 + 1.2 * (d[1] as number)) * (0.5 + 0.7 * along) * widen;
  return fade * smooth(width - 0.07, width + 0.07, across);
}

/** Height of what stands in the patch at (x, y), for shadows. */
export function openGroundHeight(sh: Shader, x: number, y: number, look: OpenLook, salt: number): number {
  if (look.kind === 'dry_scrub') {
    const it = boulderAt(x, y, look, salt);
    if (it.d < it.size) return it.size * BOULDER_RISE * Math.sqrt(1 - (it.d / it.size) ** 2);
    return canopyHeight(sh, x, y, look.density, look.crownScale, look.heightM);
  }
  const tree = canopyHeight(sh, x, y, look.density, look.crownScale, look.heightM, PINE_BASE_SHARE);
  const lg = logAt(x, y, look.logs, salt);
  if (lg.d < LOG_RADIUS_M) {
    sh.objectBaseM = 0; // the log lies on the ground
    return Math.max(tree, logRise(lg.d));
  }
  if (tree <= 0 || sh.treesOnly) return tree;
  // The sun passes where the eye does: through a pine's gaps and a snag's bare branches (as shadeOpenGround
  // draws them, at the finest footprint), so their shadows are dappled, not solid blots.
  const d = sh.det4(x, y, 0.06, SHADOW_DETAIL_M, shadowDetail);
  const key = crownKey(sh, x, y, standAt(sh, x, y, 0.3), look.crownScale, salt);
  if (isSnag(key, look.snagShare)) return (d[3] as number) > 0.55 ? tree : 0;
  return pineGap(sh, x, y, SHADOW_DETAIL_M, d, key, SHADOW_TUFT_WIDEN) > 0.5 ? 0 : tree;
}
