/**
 * How much something painted over the ground changes the photo's colour there (issue 16, round 20):
 * an outfall's plume is labelled only where it is visible, not wherever its concentration is non-zero.
 * The renderer lights each outfall sample twice, as drawn and with the ground as it was under it, takes
 * both through the camera's colour pipeline (white balance, exposure, saturation, tone curve: what
 * `develop` does before upsampling) and compares them in CIELAB.
 */
import { toneTable, type CameraEffects } from './effects.ts';

/**
 * Just-noticeable difference, CIE76 ΔE*ab: 2.3 (Mahy, Van Eycken & Oosterlinck 1994; Sharma, Digital
 * Color Imaging Handbook, 2003). Below it a person comparing the two colours side by side cannot tell
 * them apart, so a pixel the plume changes by less does not show the plume.
 */
export const JND_DELTA_E = 2.3;

/** sRGB 8-bit value → linear, as a table. */
const SRGB_TO_LINEAR = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  const c = v / 255;
  SRGB_TO_LINEAR[v] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

/** Linear value of an sRGB 0–255 value (fractions interpolated in the table). */
function lin(v: number): number {
  const i = v < 0 ? 0 : v > 255 ? 255 : v;
  const lo = i | 0;
  const hi = lo < 255 ? lo + 1 : 255;
  const a = SRGB_TO_LINEAR[lo] as number;
  return a + ((SRGB_TO_LINEAR[hi] as number) - a) * (i - lo);
}

/** CIELAB (D65) of an sRGB colour given as 0–255 values (fractions allowed), into `out`. */
export function srgbToLab(r: number, g: number, b: number, out: Float64Array): void {
  const R = lin(r);
  const G = lin(g);
  const B = lin(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
}

/** The camera's colour pipeline for shading samples, and ΔE between two of them. */
export class PhotoColour {
  private readonly wbR: number;
  private readonly wbG: number;
  private readonly wbB: number;
  private readonly sat: number;
  private readonly lut: Float32Array;
  private readonly a = new Float64Array(3);
  private readonly b = new Float64Array(3);
  private readonly labA = new Float64Array(3);
  private readonly labB = new Float64Array(3);

  constructor(effects: CameraEffects) {
    const { scale: exposure, lut } = toneTable(effects);
    this.wbR = (1 + effects.wbR) * exposure;
    this.wbG = exposure;
    this.wbB = (1 + effects.wbB) * exposure;
    this.sat = effects.saturation;
    this.lut = lut;
  }

  /**
   * White balance with exposure, then saturation, of the linear colour at `c[k..k+2]`, in place: the
   * photo's colour before vignetting and the tone curve (render.ts `develop` runs it on every sample).
   */
  balance(c: Float32Array | Float64Array, k: number): void {
    const r = (c[k] as number) * this.wbR;
    const g = (c[k + 1] as number) * this.wbG;
    const b = (c[k + 2] as number) * this.wbB;
    const lum = 0.3 * r + 0.59 * g + 0.11 * b;
    c[k] = lum + (r - lum) * this.sat;
    c[k + 1] = lum + (g - lum) * this.sat;
    c[k + 2] = lum + (b - lum) * this.sat;
  }

  /** The photo's 0–255 colour of a linear shading sample (as develop makes it, before vignetting). */
  toPhoto(r: number, g: number, b: number, out: Float64Array): void {
    out[0] = r;
    out[1] = g;
    out[2] = b;
    this.balance(out, 0);
    out[0] = this.tone(out[0] as number);
    out[1] = this.tone(out[1] as number);
    out[2] = this.tone(out[2] as number);
  }

  private tone(v: number): number {
    return this.lut[v <= 0 ? 0 : v >= 1.9995 ? 4095 : (v * 2048) | 0] as number;
  }

  /** CIE76 ΔE*ab between linear shading samples `p` and `q` as the photo shows them. */
  deltaE(p: ArrayLike<number>, q: ArrayLike<number>): number {
    this.toPhoto(p[0] as number, p[1] as number, p[2] as number, this.a);
    this.toPhoto(q[0] as number, q[1] as number, q[2] as number, this.b);
    srgbToLab(this.a[0] as number, this.a[1] as number, this.a[2] as number, this.labA);
    srgbToLab(this.b[0] as number, this.b[1] as number, this.b[2] as number, this.labB);
    return Math.hypot(
      (this.labA[0] as number) - (this.labB[0] as number),
      (this.labA[1] as number) - (this.labB[1] as number),
      (this.labA[2] as number) - (this.labB[2] as number),
    );
  }
}
