/**
 * Round 9: a composed model whose straw and slope classes come from a kept head and whose outfall class
 * from a head of its own. The same options and kept head give the same model, byte for byte, and the kept
 * head's weights sit in it unchanged.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { trainMlp } from '../src/training/mlp.ts';
import type { Mlp } from '../src/training/mlp.ts';
import { seededRandom } from '../src/training/random.ts';
import { readOnnx } from '../src/onnx/onnx-reader.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import { DEFAULT_TRAIN_OPTIONS, trainDetector } from '../src/training/train-detector.ts';
import type { TrainDetectorOptions } from '../src/training/train-detector.ts';

let photos: DatasetItem[];
let kept: Mlp;
beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-kept-'));
  const photo = async (name: string, colour: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, await syntheticPhoto({ widthPx: 128, heightPx: 96, background: colour }));
    return file;
  };
  const box = (cls: TriageClass) => ({ cls, x: 0.25, y: 0.25, width: 0.5, height: 0.5 });
  photos = [
    {
      image: await photo('burn.jpg', '#303030'),
      classes: new Set(['straw_burning']),
      boxes: [box('straw_burning')],
      hardNegatives: [],
    },
    {
      image: await photo('outfall.jpg', '#405a70'),
      classes: new Set(['sewage_outfall']),
      boxes: [box('sewage_outfall')],
      hardNegatives: [],
    },
    { image: await photo('field.jpg', '#3a6b35'), classes: new Set(), boxes: [], hardNegatives: [] },
  ];
  // Any head over the base set's 208 features (standardisation folded in, as a head file holds it).
  const r = seededRandom(4);
  const n = 64;
  const head = trainMlp(
    {
      n,
      d: 208,
      k: 3,
      x: Float32Array.from({ length: n * 208 }, () => r()),
      y: Uint8Array.from({ length: n * 3 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      w: new Float32Array(n * 3).fill(1),
    },
    { hiddenSize: 4, epochs: 1, learningRate: 0.01, l2: 1e-4, batchSize: 16, seed: 1 },
  );
  kept = { ...head, mean: new Float32Array(208), std: new Float32Array(208).fill(1) };
});

describe('a kept head beside a class head of its own', () => {
  const options: TrainDetectorOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    spec: { ...DEFAULT_TRAIN_OPTIONS.spec, inputWidthPx: 128, inputHeightPx: 96 },
    augmentCopies: 0,
    negativesPerPhoto: 8,
    negativePool: 8,
    hardNegativesPerPhoto: 4,
    hardNegativeEpochs: 1,
    hiddenSize: 4,
    epochs: 1,
    workers: 1,
    classFeatures: { sewage_outfall: 'context-max-9' },
    classOptions: { sewage_outfall: { weight: 2, hidden: 3 } },
    keepHead: { file: 'heads/test.json', sha256: 'test' },
  };
  const hooks = { log: () => {}, progress: () => {} };

  it('same options, same kept head → the same ONNX bytes; the kept weights sit in it unchanged', async () => {
    const a = await trainDetector(photos, photos, options, hooks, { head: kept, set: 'base' });
    const b = await trainDetector(photos, photos, options, hooks, { head: kept, set: 'base' });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(a.heads!.map((h) => [h.kind, h.set, h.classes])).toEqual([
      ['kept', 'base', ['straw_burning', 'exposed_slope']],
      ['own', 'context-max-9', ['sewage_outfall']],
    ]);
    // 4 kept hidden units, then the outfall head's 3; straw and slopes wired to the kept ones only
    expect(a.head.hiddenSize).toBe(7);
    const { initializers, metadata } = readOnnx(a.onnx);
    expect(metadata['xuncha.kept_head_sha256']).toBe('test');
    expect(JSON.parse(metadata['xuncha.class_options']!)).toEqual({ sewage_outfall: { weight: 2, hidden: 3 } });
    const w2 = initializers.get('head.w2')!; // [3 classes, 7 hidden]
    for (let j = 0; j < 7; j++) {
      expect(w2.data[0 * 7 + j] !== 0).toBe(j < 4 && kept.w2[j * 3 + 0] !== 0);
      expect(w2.data[1 * 7 + j] !== 0).toBe(j >= 4);
    }
    for (let j = 0; j < 4; j++) expect(w2.data[2 * 7 + j]).toBe(kept.w2[j * 3 + 2]);
    expect(initializers.get('head.b2')!.data[0]).toBe(kept.b2[0]);
  }, 120_000);

  it('refuses a kept head promised in the options but not given', async () => {
    await expect(trainDetector(photos, photos, options, hooks)).rejects.toThrow(/keepHead given without the kept head/);
  });
});
