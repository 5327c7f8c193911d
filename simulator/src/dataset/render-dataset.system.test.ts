import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_CLASSES, DatasetManifestSchema } from './dataset-format.ts';
import { parseArgs, renderDataset } from './render-dataset.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'xuncha-ds-'));
  dirs.push(d);
  return d;
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const sub of ['images/train', 'images/val', 'labels/train', 'labels/val'])
    for (const f of await readdir(path.join(dir, sub)).catch(() => [] as string[]))
      out.set(`${sub}/${f}`, await readFile(path.join(dir, sub, f)));
  return out;
}

describe('render:dataset', () => {
  const opts = { count: 6, valCount: 3, seed: 5, width: 128, photosPerPlace: 3 };

  it('writes photos, YOLO labels, a manifest and data.yaml; held-out photos come from other places and seeds', async () => {
    const dir = await tmp();
    const report = await renderDataset({ ...opts, out: dir, workers: 1 });
    expect(report.photos).toBe(9);
    const manifest = DatasetManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
    expect(manifest.classes).toEqual(['straw_burning', 'sewage_outfall', 'exposed_slope']);
    expect(manifest.photos).toHaveLength(9);
    expect(manifest.splits.train?.count).toBe(6);
    expect(manifest.splits.val?.count).toBe(3);

    const train = manifest.photos.filter((p) => p.split === 'train');
    const val = manifest.photos.filter((p) => p.split === 'val');
    const trainPlaces = new Set(train.map((p) => p.placeSeed));
    for (const p of val) expect(trainPlaces.has(p.placeSeed)).toBe(false);
    const trainSeeds = new Set(train.map((p) => p.seed));
    for (const p of val) expect(trainSeeds.has(p.seed)).toBe(false);
    expect(new Set(train.map((p) => p.place)).size).toBe(2);

    for (const p of manifest.photos) {
      const jpeg = await readFile(path.join(dir, p.image));
      const meta = await sharp(jpeg).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 96]);
      const exif = await exifr.parse(jpeg, { xmp: true, gps: true });
      expect(exif.GimbalPitchDegree).toBeCloseTo(p.pitchDeg, 1);
      // Labels: one line per manifest object, normalised boxes that match the pixel boxes.
      const lines = (await readFile(path.join(dir, p.label), 'utf8')).split('\n').filter(Boolean);
      expect(lines).toHaveLength(p.objects.length);
      lines.forEach((line, i) => {
        const [c, cx, cy, w, h] = line.split(' ').map(Number) as [number, number, number, number, number];
        const o = p.objects[i]!;
        expect(c).toBe(DATASET_CLASSES.indexOf(o.class));
        for (const v of [cx, cy, w, h]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(cx * 128).toBeCloseTo((o.bboxPx[0] + o.bboxPx[2]) / 2, 2);
        expect(h * 96).toBeCloseTo(o.bboxPx[3] - o.bboxPx[1], 2);
        expect(o.bboxPx[2] - o.bboxPx[0]).toBeGreaterThanOrEqual(4);
      });
    }
    expect(manifest.photos.some((p) => p.objects.length > 0)).toBe(true);
    const yaml = await readFile(path.join(dir, 'data.yaml'), 'utf8');
    expect(yaml).toContain('train: images/train');
    expect(yaml).toContain('val: images/val');
    expect(yaml).toContain('2: exposed_slope');

    // Two workers write the same bytes.
    const dir2 = await tmp();
    await renderDataset({ ...opts, out: dir2, workers: 2 });
    const a = await filesOf(dir);
    const b = await filesOf(dir2);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(b.get(k)?.equals(v), k).toBe(true);
    const m2 = DatasetManifestSchema.parse(JSON.parse(await readFile(path.join(dir2, 'manifest.json'), 'utf8')));
    expect(m2.photos).toEqual(manifest.photos);
  });

  it('refuses bad options with a message naming them', async () => {
    expect(() => parseArgs(['--count', '3', '--bogus', '1'])).toThrow(/--bogus/);
    expect(() => parseArgs(['--count'])).toThrow(/missing value/);
    await expect(renderDataset({ count: -1, out: await tmp() })).rejects.toThrow(/--count/);
    await expect(renderDataset({ count: 1, out: await tmp(), split: 'dev' as never })).rejects.toThrow(/--split/);
    await expect(renderDataset({ count: 1, out: await tmp(), split: 'val', valCount: 2 })).rejects.toThrow(
      /--val-count/,
    );
    expect(parseArgs(['--count=4', '--out', 'x', '--val-count', '2'])).toEqual({ count: '4', out: 'x', valCount: '2' });
  });
});
