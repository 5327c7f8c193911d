// Compatibility suite (`npm run test:compat`): the real-photo sanity set in the shared folder beside the clone
// (shared/real-photos: SOURCES.md names each photo's origin and licence, labels.csv its class). Every photo is
// read by triage without error: its bytes are the ones SOURCES.md lists, its metadata is readable, and it decodes
// at the model's input size. JPEG/TIFF photos also run through triagePhoto (no model: metadata and ground).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeRgb } from '../src/image/decode.ts';
import { sniffFormat } from '../src/image/sniff-format.ts';
import { readPhotoMetadata } from '../src/metadata/read-metadata.ts';
import { triagePhoto } from '../src/pipeline/triage-photo.ts';

const dir = path.join(process.env.XUNCHA_SHARED_DIR ?? '', 'real-photos');
const text = (name: string) => readFileSync(path.join(dir, name), 'utf8');

/** `images/<class>/<file>` → class, from labels.csv (the first column never holds a comma or a quote). */
const labels = text('labels.csv')
  .split(/\r?\n/)
  .slice(1)
  .filter(Boolean)
  .map((line) => line.split(',', 2) as [string, string]);
/** `images/…` → sha256, from SHA256SUMS. */
const sums = new Map(
  text('SHA256SUMS')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => {
      const [sum, file] = l.split(/\s+\*?/);
      return [path.normalize(file!), sum!];
    }),
);
/** `images/…` → [width, height], from the "size / px" column of SOURCES.md ("… B, 2500x1875"). */
const sizes = new Map<string, [number, number]>(
  [...text('SOURCES.md').matchAll(/^\| `(images\/[^`]+)` \|.*?\| \d+ B, (\d+)x(\d+) \|/gm)].map((m) => [
    m[1]!,
    [Number(m[2]), Number(m[3])] as [number, number],
  ]),
);

describe('real-photo sanity set', () => {
  it('lists every photo once, with a class, a checksum and a size', () => {
    expect(labels.length).toBeGreaterThanOrEqual(20);
    expect(new Set(labels.map(([f]) => f)).size).toBe(labels.length);
    for (const [file, cls] of labels) {
      expect(['straw_burning', 'sewage_outfall', 'exposed_slope', 'none'], file).toContain(cls);
      expect(sums.has(file), file).toBe(true);
      expect(sizes.has(file), file).toBe(true);
    }
  });

  for (const [file, cls] of labels) {
    it(`${cls}: ${path.basename(file)}`, async () => {
      const bytes = readFileSync(path.join(dir, file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sums.get(file));
      const [widthPx, heightPx] = sizes.get(file)!;

      const { issues } = await readPhotoMetadata(bytes);
      expect(issues.filter((i) => i.code === 'metadata_unreadable')).toEqual([]);

      const decoded = await decodeRgb(bytes, { widthPx, heightPx }, { widthPx: 640, heightPx: 640, fit: 'letterbox' });
      expect([decoded.widthPx, decoded.heightPx]).toEqual([640, 640]);
      expect(decoded.data.length).toBe(640 * 640 * 3);
      const px = (x: number, y: number) => Array.from(decoded.data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
      expect(px(320, 320)).not.toEqual([114, 114, 114]); // the photo, not the letterbox padding

      const format = sniffFormat(bytes);
      if (format === 'jpeg' || format === 'tiff') {
        const t = await triagePhoto(file, bytes);
        expect(t.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(t.status).not.toBe('error');
        expect([t.image!.widthPx, t.image!.heightPx]).toEqual([widthPx, heightPx]);
      } else {
        // Triage takes JPEG and TIFF only (what drones write); other formats are still decodable for the model.
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height]).toEqual([widthPx, heightPx]);
      }
    });
  }
});
