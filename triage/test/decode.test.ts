import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeRgb, inspectImage } from '../src/image/decode.ts';
import { sniffFormat } from '../src/image/sniff-format.ts';
import { planTiles } from '../src/image/tiles.ts';
import { PhotoError } from '../src/issues.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(PhotoError);
    return (e as PhotoError).issue.code;
  }
}

/** A JPEG whose SOF header claims `w`×`h` (the scan data stays tiny). */
async function jpegClaiming(w: number, h: number): Promise<Uint8Array> {
  const b = new Uint8Array(await syntheticPhoto({ widthPx: 16, heightPx: 16 }));
  for (let i = 2; i + 9 < b.length; i++) {
    if (b[i] === 0xff && (b[i + 1] === 0xc0 || b[i + 1] === 0xc2)) {
      b[i + 5] = h >> 8;
      b[i + 6] = h & 0xff;
      b[i + 7] = w >> 8;
      b[i + 8] = w & 0xff;
      return b;
    }
  }
  throw new Error('no SOF');
}

describe('decode with limits', () => {
  it('decides the format from bytes, not names', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .webp()
      .toBuffer();
    expect(sniffFormat(png)).toBe('png');
    expect(sniffFormat(webp)).toBe('webp');
    expect(sniffFormat(await syntheticPhoto({ widthPx: 8, heightPx: 8 }))).toBe('jpeg');
    const heic = new Uint8Array(32);
    heic.set(new TextEncoder().encode('ftypheic'), 4);
    expect(sniffFormat(heic)).toBe('heif');
    expect(await codeOf(inspectImage(png))).toBe('unsupported_format');
    expect(await codeOf(inspectImage(heic))).toBe('unsupported_format');
    expect(await codeOf(inspectImage(new TextEncoder().encode('not an image at all')))).toBe('unsupported_format');
  });

  it('refuses truncated JPEGs at inspection and at decode', async () => {
    const full = await syntheticPhoto({
      widthPx: 300,
      heightPx: 200,
      rects: [{ x: 5, y: 5, width: 100, height: 100, colour: '#f80' }],
    });
    const cut = full.subarray(0, Math.floor(full.length * 0.6));
    expect(await codeOf(inspectImage(cut))).toBe('truncated');
    expect(await codeOf(decodeRgb(cut, { widthPx: 300, heightPx: 200 }))).toBe('truncated');
  });

  it('refuses a 30,000×30,000 image before decoding it', async () => {
    const huge = await jpegClaiming(30_000, 30_000);
    const err = await inspectImage(huge).catch((e: PhotoError) => e);
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).issue.code).toBe('too_large');
    expect((err as PhotoError).message).toMatch(/30000×30000/);
  });

  it('letterboxes to the model input and records the mapping back to photo pixels', async () => {
    const bytes = await syntheticPhoto({ widthPx: 400, heightPx: 200, background: '#ffffff' });
    const info = await inspectImage(bytes);
    expect(info).toEqual({ format: 'jpeg', widthPx: 400, heightPx: 200 });
    const img = await decodeRgb(bytes, info, { widthPx: 100, heightPx: 100, fit: 'letterbox' });
    expect([img.widthPx, img.heightPx, img.scaleX, img.padY]).toEqual([100, 100, 0.25, 25]);
    expect(img.data[0]).toBe(114); // padding grey at the top-left
    expect(img.data[(50 * 100 + 50) * 3]).toBeGreaterThan(240); // white photo in the middle
  });

  it('mirror padding fills the letterbox bands with the photo mirrored at its edge, not grey', async () => {
    // top half red, bottom half blue: the band above mirrors the red rows, the band below the blue ones
    const bytes = await syntheticPhoto({
      widthPx: 400,
      heightPx: 200,
      background: '#0000ff',
      rects: [{ x: 0, y: 0, width: 400, height: 100, colour: '#ff0000' }],
    });
    const info = await inspectImage(bytes);
    const img = await decodeRgb(bytes, info, { widthPx: 100, heightPx: 100, fit: 'letterbox', padding: 'mirror' });
    expect([img.scaleX, img.padY]).toEqual([0.25, 25]);
    const px = (x: number, y: number): number[] =>
      Array.from(img.data.subarray((y * 100 + x) * 3, (y * 100 + x) * 3 + 3));
    const [r0, , b0] = px(50, 2);
    expect(r0).toBeGreaterThan(200);
    expect(b0).toBeLessThan(60);
    const [r1, , b1] = px(50, 97);
    expect(b1).toBeGreaterThan(200);
    expect(r1).toBeLessThan(60);
  });

  it('tiles cover the image with the requested overlap', () => {
    const tiles = planTiles(1000, 600, 256, 32);
    const xs = [...new Set(tiles.map((t) => t.x))];
    const ys = [...new Set(tiles.map((t) => t.y))];
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)! + 256).toBe(1000);
    expect(ys.at(-1)! + 256).toBe(600);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + 256 - xs[i]!).toBeGreaterThanOrEqual(32);
    expect(planTiles(100, 100, 256, 32)).toEqual([{ x: 0, y: 0, size: 256 }]);
  });
});
