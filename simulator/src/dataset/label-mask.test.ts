import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetManifestSchema } from './dataset-format.ts';
import { LabelMaskSchema, maskPathFor } from './label-mask.ts';
import { renderDataset } from './render-dataset.ts';

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('render:dataset plume masks', () => {
  it('writes beside each label the cells each object covers: non-empty, inside its box, in label order', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-mask-'));
    const width = 256;
    const height = 192;
    await renderDataset({ count: 3, seed: 3, width, out: dir, workers: 1, aim: 'sewage_outfall' });
    const manifest = DatasetManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
    let outfalls = 0;
    for (const p of manifest.photos) {
      expect(p.mask).toBe(maskPathFor(p.label));
      const mask = LabelMaskSchema.parse(JSON.parse(await readFile(path.join(dir, p.mask!), 'utf8')));
      expect([mask.cols, mask.rows]).toEqual([64, 48]);
      expect(mask.objects.map((o) => [o.id, o.class])).toEqual(p.objects.map((o) => [o.id, o.class]));
      mask.objects.forEach((o, i) => {
        const [x0, y0, x1, y1] = p.objects[i]!.bboxPx;
        expect(o.cells.length).toBeGreaterThan(0);
        // Every covered cell overlaps the box of the visible pixels (both come from the same samples).
        for (const [k] of o.cells) {
          const c = k % mask.cols;
          const r = Math.floor(k / mask.cols);
          const cx0 = (c * width) / mask.cols;
          const cy0 = (r * height) / mask.rows;
          expect(cx0 < x1 && cx0 + width / mask.cols > x0, `cell ${c},${r} in x of ${p.objects[i]!.bboxPx}`).toBe(true);
          expect(cy0 < y1 && cy0 + height / mask.rows > y0, `cell ${c},${r} in y of ${p.objects[i]!.bboxPx}`).toBe(
            true,
          );
        }
        // The covered pixels add up to about the object's share of its box: a plume fills less than its box.
        const coveredPx = o.cells.reduce((n, [, s]) => n + (s / 255) * (width / mask.cols) * (height / mask.rows), 0);
        expect(coveredPx).toBeLessThanOrEqual((x1 - x0) * (y1 - y0) + 1e-6);
        if (o.class === 'sewage_outfall') outfalls++;
      });
    }
    expect(outfalls).toBeGreaterThan(0);
    // Label version 2: every outfall in frame says how visible it is, labelled (inside the box of all it
    // paints) or not.
    expect(manifest.labelVersion).toBe(2);
    for (const p of manifest.photos) {
      for (const o of p.objects.filter((x) => x.class === 'sewage_outfall')) {
        const v = o.visibility!;
        expect(v.seenShare).toBeGreaterThan(0);
        expect(o.bboxPx[0]).toBeGreaterThanOrEqual(v.paintedBboxPx[0]);
        expect(o.bboxPx[1]).toBeGreaterThanOrEqual(v.paintedBboxPx[1]);
        expect(o.bboxPx[2]).toBeLessThanOrEqual(v.paintedBboxPx[2]);
        expect(o.bboxPx[3]).toBeLessThanOrEqual(v.paintedBboxPx[3]);
      }
      for (const u of p.unlabelled ?? []) expect(u.visibility).toBeDefined();
    }
  }, 60_000);
});
