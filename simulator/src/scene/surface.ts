/**
 * What the ground shader knows about the surface under one pixel before lighting: albedo, a small
 * tilt of the surface (furrows, roof planes, crown domes), the height of anything standing there
 * (trees, houses: for shadows), how mirror-like it is (water), whether it glows (flames), and which
 * incident or hard negative the pixel shows (for labels). One instance is reused for every pixel.
 */
import type { RGB } from './look.ts';

/** The shading lattices' spacings in samples (camera/adaptive-shading.ts): every fourth, then every other. */
const COARSE_SPACING = 4;
const FINE_SPACING = 2;

/**
 * `Surface.nearThin` for a sample `dist` samples from the middle of a line `width` samples wide: a line
 * narrower than a lattice's spacing can pass between its samples, so every cell of that lattice it
 * crosses needs a marked corner. A cell's nearest corner is at most half its diagonal (0.71 of its side)
 * from any point in it: 2 (`THIN`: shade the every-other lattice's cells sample by sample) within 0.75 of its
 * spacing of a line narrower than it; 1 (refine the coarse cells) within 0.75 of the coarse spacing of a
 * line narrower than that; else 0.
 */
export function thinLineMark(width: number, dist: number): number {
  const edge = dist - width / 2;
  if (width < FINE_SPACING && edge < 0.75 * FINE_SPACING) return 2;
  if (width < COARSE_SPACING && edge < 0.75 * COARSE_SPACING) return 1;
  return 0;
}

export class Surface {
  r = 0;
  g = 0;
  b = 0;
  /** Surface slope added to the terrain's: ∂z/∂x, ∂z/∂y (scene frame). */
  gx = 0;
  gy = 0;
  /** Height above the ground of what stands here (tree crown, roof), metres. */
  objH = 0;
  /** Mirror share 0..1 (open water, wet mud, plastic film). */
  spec = 0;
  /** Self-lit share 0..1 (flames). */
  emit = 0;
  /** Ambient occlusion 0..1 (gaps between crowns, narrow lanes). */
  ao = 1;
  /** Share 0..1 of the sunlit ground's bounced light this surface gets (walls: Shader.bounceCol). */
  bounce = 0;
  /**
   * Share of the sun's light on the crown that reaches this surface through leaves whatever way it faces
   * and whatever shades it (foliage: light passes through leaves and scatters inside the crown), 0..1.
   */
  translucent = 0;
  /**
   * Share of the direct sun a glossy surface sends back unfiltered where it faces halfway between the sun
   * and the eye (a leaf's waxy cuticle): sunlit crowns glint pale, in the sun's colour, not the leaf's.
   */
  gloss = 0;
  /**
   * Where the surface really is, from the ground point shaded (m, scene frame): a person standing up in an
   * oblique view is met above and before the ground point the ray would have reached; sunlight is read there.
   */
  sunAtDx = 0;
  sunAtDy = 0;
  /** Hard-negative kind index + 1 seen here, 0 = none. */
  tag = 0;
  /** Incident index + 1 seen here, 0 = none. */
  incident = 0;
  /**
   * A line thinner than the shading lattices (a field ridge) passes close by (`thinLineMark`: 2, 1, else 0):
   * the renderer shades around it rather than interpolating across it (camera/adaptive-shading.ts).
   */
  nearThin = 0;
  /** How much fine grain the surface has below the shading resolution, 0..1 (water ~0). */
  grain = 0.5;
  /**
   * 1 when an outfall painted over the surface below (headwall, trickle, jet, plume): the renderer then
   * lights underR/G/B and underSpec, the surface as it was, to label the outfall only where it shows.
   */
  under = 0;
  underR = 0;
  underG = 0;
  underB = 0;
  underSpec = 0;

  reset(): void {
    this.grain = 0.5;
    this.level();
    this.ao = 1;
    this.bounce = 0;
    this.tag = 0;
    this.incident = 0;
    this.nearThin = 0;
    this.under = 0;
    this.sunAtDx = this.sunAtDy = 0;
  }

  /** Remember (r, g, b, spec) as the surface under what is painted over it (see `under`). */
  keepUnder(r: number, g: number, b: number, spec: number): void {
    this.under = 1;
    this.underR = r;
    this.underG = g;
    this.underB = b;
    this.underSpec = spec;
  }

  /**
   * Level and empty: no tilt, nothing standing, no mirror, no glow, no leaves. For a patch drawn over a ground class
   * whose crown domes, furrows and heights would otherwise light and shadow it.
   */
  level(): void {
    this.dropLeaves();
    this.gx = 0;
    this.gy = 0;
    this.objH = 0;
    this.spec = 0;
    this.emit = 0;
  }

  /** No leaves here: soil, water or a roof painted over crowns takes neither their light nor their glint. */
  dropLeaves(): void {
    this.translucent = 0;
    this.gloss = 0;
  }

  set(c: RGB, k = 1): void {
    this.r = c[0] * k;
    this.g = c[1] * k;
    this.b = c[2] * k;
  }

  mix(c: RGB, t: number): void {
    if (t <= 0) return;
    if (t > 1) t = 1;
    this.r += (c[0] - this.r) * t;
    this.g += (c[1] - this.g) * t;
    this.b += (c[2] - this.b) * t;
  }

  mul(k: number): void {
    this.r *= k;
    this.g *= k;
    this.b *= k;
  }
}

/** 0..1 smooth step of x from edge a (0) to edge b (1); a > b gives a falling step. */
export function smooth(a: number, b: number, x: number): number {
  let t = (x - a) / (b - a);
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return t * t * (3 - 2 * t);
}

/**
 * Share of a pixel `gsd` m across, its centre `d` m (across the line) from the middle of a line `widthM`
 * wide, that the line covers: a joint or marking thinner than a pixel is its share of the pixel, not a
 * point sample that draws it as dashes.
 */
export function lineShare(d: number, widthM: number, gsd: number): number {
  const half = widthM / 2;
  if (!(gsd > 1e-6)) return Math.abs(d) < half ? 1 : 0;
  const lo = Math.max(d - gsd / 2, -half);
  const hi = Math.min(d + gsd / 2, half);
  return hi > lo ? Math.min(1, (hi - lo) / gsd) : 0;
}

/**
 * lineShare of a joint or marking, with `s` marked near it (`Surface.nearThin`, thinLineMark) so that the
 * renderer shades round the line rather than interpolating across it: a line narrower than the shading
 * lattices was otherwise left only where a lattice sample fell on it, in dashes and crosses.
 */
export function thinLineShare(s: Surface, d: number, widthM: number, gsd: number): number {
  const mark = thinLineMark(widthM / gsd + 0.7, Math.abs(d) / gsd);
  if (mark > s.nearThin) s.nearThin = mark;
  return lineShare(d, widthM, gsd);
}

/**
 * Share of a footprint `width` wide centred at `u` (both in periods of a stripe pattern) covered by the
 * stripes [k, k + share): the pattern box-filtered over the pixel.
 */
export function stripeShare(u: number, width: number, share: number): number {
  // Footprints far under a millimetre are points (their difference of lengths would be rounding error).
  if (!(width > 1e-6)) return u - Math.floor(u) < share ? 1 : 0;
  return (stripesUpTo(u + width / 2, share) - stripesUpTo(u - width / 2, share)) / width;
}

/** Length of the stripes [k, k + share) from 0 up to x (periods). */
function stripesUpTo(x: number, share: number): number {
  const k = Math.floor(x);
  return k * share + Math.min(x - k, share);
}

/** Contrast of a periodic pattern of `periodM` seen with `gsdM` pixels: fades out before it aliases. */
export function periodicAmp(periodM: number, gsdM: number): number {
  const k = (periodM / gsdM - 2) / 3;
  return k <= 0 ? 0 : k >= 1 ? 1 : k;
}
