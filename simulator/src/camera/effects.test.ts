import { describe, expect, it } from 'vitest';
import { detailStatsOfPixels } from '../dataset/detail-stats.ts';
import { drawEffects, finishImage, type CameraEffects } from './effects.ts';

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
});
