/**
 * The camera shift (`--shifted-negatives`): a copy of a photo as another camera would take it keeps the
 * photo's size and scene but resolves less detail, and every draw stays inside the ranges it documents.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { augmentPhoto, drawCameraShift } from '../src/training/augment.ts';
import { seededRandom } from '../src/training/random.ts';

/** A 2-px checkerboard of mid greys on a brown field: detail a renderer draws and a soft camera loses. */
async function checkerboard(width: number, height: number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const on = (Math.floor(x / 2) + Math.floor(y / 2)) % 2 === 0;
      px.set(on ? [170, 140, 100] : [90, 70, 50], (y * width + x) * 3);
    }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** Mean absolute difference of horizontally neighbouring grey levels: fine detail. */
async function detail(bytes: Buffer): Promise<{ width: number; height: number; detail: number; mean: number }> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  let d = 0;
  let sum = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const v = data[y * info.width + x]!;
      sum += v;
      if (x) d += Math.abs(v - data[y * info.width + x - 1]!);
    }
  return {
    width: info.width,
    height: info.height,
    detail: d / (info.height * (info.width - 1)),
    mean: sum / (info.width * info.height),
  };
}

describe('drawCameraShift', () => {
  it('draws within its ranges, never flips, and is the same for the same seed', () => {
    const a = seededRandom(11);
    const b = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const s = drawCameraShift(a);
      expect(drawCameraShift(b)).toEqual(s);
      expect(s.flip).toBe(false);
      expect(s.resample).toBeGreaterThanOrEqual(0.45);
      expect(s.resample).toBeLessThanOrEqual(0.8);
      expect(s.saturation).toBeLessThanOrEqual(1);
      expect(s.blurSigma).toBeGreaterThanOrEqual(0.3);
      expect(s.jpegQuality).toBeGreaterThanOrEqual(45);
      expect(s.jpegQuality).toBeLessThanOrEqual(75);
    }
  });

  it('a shifted copy keeps the size and brightness of the photo and loses fine detail', async () => {
    const photo = await checkerboard(160, 120);
    const before = await detail(photo);
    const shift = drawCameraShift(seededRandom(3));
    const after = await detail(await augmentPhoto(photo, shift, 7));
    expect([after.width, after.height]).toEqual([160, 120]);
    expect(Math.abs(after.mean - before.mean)).toBeLessThan(0.2 * before.mean);
    expect(after.detail).toBeLessThan(0.6 * before.detail);
  });

  it('resampling alone softens: the same draw without it keeps more detail', async () => {
    const photo = await checkerboard(160, 120);
    const shift = { ...drawCameraShift(seededRandom(5)), blurSigma: 0, noiseSigma: 0, jpegQuality: 95 };
    const resampled = await detail(await augmentPhoto(photo, { ...shift, resample: 0.5 }, 1));
    const { resample: _, ...sharpCopy } = shift;
    const kept = await detail(await augmentPhoto(photo, sharpCopy, 1));
    expect(resampled.detail).toBeLessThan(0.75 * kept.detail);
  });
});
