/**
 * The score maps the region verifier is fitted on: the shipped model's output over labelled photos, fed
 * as the triage runner feeds it, with the boxes in model-input pixels.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { loadManifest } from '../src/model/manifest.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { scoreMaps } from '../src/training/score-maps.ts';

describe('scoreMaps', () => {
  it('gives each photo its class score maps and its boxes in input pixels, in photo order', async () => {
    const { manifest, modelPath } = await loadManifest(DEFAULT_MODEL_MANIFEST);
    const onnx = await readFile(modelPath);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-scoremaps-'));
    const items: DatasetItem[] = [];
    for (const [i, colour] of ['#303030', '#3a6b35', '#b0b0b0'].entries()) {
      const file = path.join(dir, `p${i}.jpg`);
      await writeFile(file, await syntheticPhoto({ widthPx: 256, heightPx: 192, background: colour }));
      items.push({
        image: file,
        classes: new Set(i === 0 ? ['straw_burning'] : []),
        boxes: i === 0 ? [{ cls: 'straw_burning', x: 0.25, y: 0.5, width: 0.5, height: 0.25 }] : [],
        hardNegatives: [],
      });
    }
    const one = await scoreMaps(onnx, manifest, items, 1);
    const two = await scoreMaps(onnx, manifest, items, 2);
    expect(one.map((p) => [p.h, p.w])).toEqual([
      [24, 32],
      [24, 32],
      [24, 32],
    ]);
    // a 4:3 photo fills the 512×384 input: the box scales with it
    expect(one[0]!.boxes).toEqual([{ cls: 'straw_burning', x0: 128, y0: 192, x1: 384, y1: 288 }]);
    expect(one[0]!.classes.has('straw_burning')).toBe(true);
    for (const [i, p] of one.entries()) {
      expect(p.scores.length).toBe(3 * 24 * 32);
      expect(p.scores.every((v) => v >= 0 && v <= 1)).toBe(true);
      // the same photo gets the same map whichever worker ran it
      expect(Array.from(two[i]!.scores)).toEqual(Array.from(p.scores));
    }
    // different photos, different maps (the order is the photos')
    expect(Array.from(one[1]!.scores)).not.toEqual(Array.from(one[2]!.scores));
  });
});
