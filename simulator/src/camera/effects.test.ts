import { describe, expect, it } from 'vitest';
import { detailStatsOfPixels } from '../dataset/detail-stats.ts';
import {
  drawEffects,
  finishImage,
  METER_TARGET,
  meteredEv,
  softSharpTaps,
  softenSharpenNoise,
  toneTable,
  type CameraEffects,
} from './effects.ts';

const W = 96;
const H = 64;
/** A textured test card: smooth gradient, fine checks, and a black-white edge (clipping). */
function card(): Buffer {
  const b = Buffer.alloc(W * H * 3);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const v = i < 8 ? 0 : i < 16 ? 255 : 60 + i + ((i + j) % 2) * 40;
      b.fill(v, (j * W + i) * 3, (j * W + i) * 3 + 3);
    }
  return b;
}
const plain: CameraEffects = {
  exposureEv: 0,
  contrast: 1,
  saturation: 1,
  wbR: 0,
  wbB: 0,
  vignette: 0,
  noise: 0,
  blur: 0,
  shutterS: 0.001,
};

describe('camera effects', () => {
  it('in-camera sharpening adds fine detail and clamps instead of wrapping at black and white', () => {
    const soft = card();
    finishImage(soft, W, H, plain, [0, 0], 1);
    const sharp = card();
    finishImage(sharp, W, H, { ...plain, sharpen: 0.3 }, [0, 0], 1);
    expect(detailStatsOfPixels(sharp, W, H).laplacianVar).toBeGreaterThan(
      1.5 * detailStatsOfPixels(soft, W, H).laplacianVar,
    );
    // Next to the black-white edge the overshoot must saturate: a wrapped value would flip.
    for (let j = 1; j < H - 1; j++) {
      expect(sharp[(j * W + 7) * 3]).toBe(0);
      expect(sharp[(j * W + 8) * 3]).toBe(255);
    }
  });

  it('lens softness removes fine detail', () => {
    const a = card();
    finishImage(a, W, H, { ...plain, blur: 0.2 }, [0, 0], 1);
    expect(detailStatsOfPixels(a, W, H).laplacianVar).toBeLessThan(detailStatsOfPixels(card(), W, H).laplacianVar);
  });

  it('draws effects deterministically from a seed, with sharpening in a drone camera range', () => {
    expect(drawEffects(9, 640)).toEqual(drawEffects(9, 640));
    for (let s = 0; s < 50; s++) {
      const e = drawEffects(s, s % 2 ? 640 : 4000);
      expect(e.sharpen).toBeGreaterThanOrEqual(0.1);
      expect(e.sharpen).toBeLessThanOrEqual(0.4);
    }
  });

  it('lens softness and sharpening in one pass equal their 5-tap product filtered across, then down (edges repeated, clamped, rounded once)', () => {
    const reference = (src: Uint8Array, w: number, h: number, a: number, s: number): Uint8Array => {
      const [p, q, r] = softSharpTaps(a, s);
      const at = (img: ArrayLike<number>, i: number, j: number, ch: number): number =>
        img[(Math.min(h - 1, Math.max(0, j)) * w + Math.min(w - 1, Math.max(0, i))) * 3 + ch] as number;
      const across = new Float64Array(src.length);
      const out = new Uint8Array(src.length);
      for (let j = 0; j < h; j++)
        for (let i = 0; i < w; i++)
          for (let ch = 0; ch < 3; ch++)
            across[(j * w + i) * 3 + ch] =
              p * (at(src, i - 2, j, ch) + at(src, i + 2, j, ch)) +
              q * (at(src, i - 1, j, ch) + at(src, i + 1, j, ch)) +
              r * at(src, i, j, ch);
      for (let j = 0; j < h; j++)
        for (let i = 0; i < w; i++)
          for (let ch = 0; ch < 3; ch++) {
            const v =
              p * (at(across, i, j - 2, ch) + at(across, i, j + 2, ch)) +
              q * (at(across, i, j - 1, ch) + at(across, i, j + 1, ch)) +
              r * at(across, i, j, ch);
            out[(j * w + i) * 3 + ch] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
          }
      return out;
    };
    // The taps are the two 3-tap filters convolved: they keep flat areas flat.
    const [p, q, r] = softSharpTaps(0.15, 0.25);
    expect(2 * p + 2 * q + r).toBeCloseTo(1, 12);
    expect(p).toBeCloseTo(-0.15 * 0.25, 12);
    let x = 12345;
    for (const [w, h, a, s] of [
      [17, 9, 0.2, 0.3],
      [5, 1, 0, 0.35],
      [1, 6, 0.1, 0],
      [2, 2, 0.12, 0.2],
      [33, 21, 0.18, 0.25],
    ] as const) {
      const img = new Uint8Array(w * h * 3);
      for (let k = 0; k < img.length; k++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        img[k] = (x >>> 16) & 1 ? 255 * ((x >>> 8) & 1) : (x >>> 17) & 255;
      }
      const expected = reference(img, w, h, a, s);
      softenSharpenNoise(img, w, h, a, s, 0, 1);
      expect(Array.from(img)).toEqual(Array.from(expected));
    }
  });

  it('sensor noise has the drawn level at mid grey, is sharpened with the picture, and follows the seed', () => {
    const w = 256;
    const h = 256;
    const sdOf = (s: number, seed: number): { sd: number; img: Uint8Array } => {
      const img = new Uint8Array(w * h * 3).fill(128);
      softenSharpenNoise(img, w, h, 0, s, 2, seed);
      let sum = 0;
      let sum2 = 0;
      for (let k = 1; k < img.length; k += 3) {
        sum += img[k] as number;
        sum2 += (img[k] as number) ** 2;
      }
      const n = img.length / 3;
      return { sd: Math.sqrt(sum2 / n - (sum / n) ** 2), img };
    };
    // At mid grey the scale is the drawn sd (2 levels); green carries the luminance noise alone.
    const plainNoise = sdOf(0, 5);
    expect(plainNoise.sd).toBeGreaterThan(1.8);
    expect(plainNoise.sd).toBeLessThan(2.2);
    // Sharpening [−s, 1 + 2s, −s] across and down raises white noise by its gain (1 + 2s)² + 2s² per axis.
    const s = 0.3;
    const gain = (1 + 2 * s) ** 2 + 2 * s * s;
    const sharpened = sdOf(s, 5);
    expect(sharpened.sd / plainNoise.sd).toBeGreaterThan(0.9 * gain);
    expect(sharpened.sd / plainNoise.sd).toBeLessThan(1.1 * gain);
    // Another sharpening in between (another camera) rebuilds the tile; coming back gives the same bytes.
    expect(sdOf(0.15, 5).sd).toBeLessThan(sharpened.sd);
    expect(Array.from(sdOf(s, 5).img)).toEqual(Array.from(sharpened.img));
    expect(Array.from(sdOf(s, 6).img)).not.toEqual(Array.from(sharpened.img));
  });
});

describe('auto exposure (metering)', () => {
  it('brings the metered mean to the target within the camera’s range, and never from a black frame to NaN', () => {
    expect(meteredEv(METER_TARGET)).toBeCloseTo(0, 12);
    expect(meteredEv(METER_TARGET / 2)).toBeCloseTo(1, 12);
    expect(meteredEv(METER_TARGET * 1.5)).toBeCloseTo(-Math.log2(1.5), 12);
    // Night-dark or blinding scenes: the camera runs out of range.
    expect(meteredEv(0.01)).toBe(1.5);
    expect(meteredEv(0)).toBe(1.5);
    expect(meteredEv(5)).toBe(-1);
  });
});

describe('tone curve', () => {
  const level = (lut: Float32Array, v: number): number => lut[Math.floor(v * 2048)] as number;

  it('rolls the shadows off toward black at the strongest contrast instead of clipping them', () => {
    // Clipped, contrast 1.2 turned every level under 0.077 black: deep shade was one flat black.
    const { lut } = toneTable({ ...plain, contrast: 1.2 });
    const shades = [0.01, 0.03, 0.05, 0.07, 0.09].map((v) => level(lut, v));
    for (let k = 1; k < shades.length; k++) expect(shades[k]).toBeGreaterThan((shades[k - 1] as number) + 0.5);
    expect(level(lut, 0)).toBeLessThan(6);
  });

  it('leaves the mid tones and highlights as they were', () => {
    for (const contrast of [0.92, 1, 1.2]) {
      const { lut } = toneTable({ ...plain, contrast });
      expect(level(lut, 0.46)).toBeCloseTo(0.46 * 255, 0);
      expect(level(lut, 0.3)).toBeCloseTo((0.46 + (0.3 - 0.46) * contrast) * 255, 0);
    }
  });
});
