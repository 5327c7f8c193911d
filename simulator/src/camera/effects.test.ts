import { describe, expect, it } from 'vitest';
import { detailStatsOfPixels } from '../dataset/detail-stats.ts';
import { blur3, drawEffects, finishImage, type CameraEffects } from './effects.ts';

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

  it('the fast separable 3-tap filter equals its plain definition (edges repeated, clamped, rounded)', () => {
    // Reference: horizontal then vertical pass over the whole image, each reading unfiltered values.
    const reference = (src: Uint8Array, w: number, h: number, a: number): Uint8Array => {
      const c = 1 - 2 * a;
      const at = (img: Uint8Array, i: number, j: number, ch: number): number =>
        img[(Math.min(h - 1, Math.max(0, j)) * w + Math.min(w - 1, Math.max(0, i))) * 3 + ch] as number;
      const pass = (img: Uint8Array, di: number, dj: number): Uint8Array => {
        const out = new Uint8Array(img.length);
        for (let j = 0; j < h; j++)
          for (let i = 0; i < w; i++)
            for (let ch = 0; ch < 3; ch++) {
              const v = at(img, i - di, j - dj, ch) * a + at(img, i, j, ch) * c + at(img, i + di, j + dj, ch) * a + 0.5;
              out[(j * w + i) * 3 + ch] = v < 0 ? 0 : v > 255 ? 255 : v;
            }
        return out;
      };
      return pass(pass(src, 1, 0), 0, 1);
    };
    let x = 12345;
    for (const [w, h, a] of [
      [17, 9, 0.2],
      [5, 1, -0.35],
      [1, 6, 0.1],
      [33, 21, -0.25],
    ] as const) {
      const img = new Uint8Array(w * h * 3);
      for (let k = 0; k < img.length; k++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        img[k] = (x >>> 16) & 1 ? 255 * ((x >>> 8) & 1) : (x >>> 17) & 255;
      }
      const expected = reference(img, w, h, a);
      blur3(img, w, h, a);
      expect(Array.from(img)).toEqual(Array.from(expected));
    }
  });
});
