/**
 * Feature extraction for training keeps whole feature maps of the training photos without incidents
 * (unaugmented copies only): the negative pool the operating points are checked on besides `val`.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import { CUE_NAMES } from '../src/training/detector-graph.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { loadPretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import type { PretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import { DEFAULT_TRAIN_OPTIONS, extractFeatures, thresholdNegatives } from '../src/training/train-detector.ts';

let net: PretrainedBackbone;
let train: DatasetItem[];
beforeAll(async () => {
  net = await loadPretrainedBackbone();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-extract-'));
  const photo = async (name: string, colour: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, await syntheticPhoto({ widthPx: 128, heightPx: 96, background: colour }));
    return file;
  };
  train = [
    {
      image: await photo('burn.jpg', '#303030'),
      classes: new Set(['straw_burning']),
      boxes: [{ cls: 'straw_burning', x: 0.25, y: 0.25, width: 0.5, height: 0.5 }],
      hardNegatives: [],
    },
    { image: await photo('field-a.jpg', '#3a6b35'), classes: new Set(), boxes: [], hardNegatives: [] },
    { image: await photo('field-b.jpg', '#6b5a35'), classes: new Set(), boxes: [], hardNegatives: [] },
  ];
});

describe('extractFeatures', () => {
  const spec = { ...DEFAULT_TRAIN_OPTIONS.spec, inputWidthPx: 128, inputHeightPx: 96 };
  const hooks = { log: () => {}, progress: () => {} };

  it('keeps the unaugmented incident-free training photos whole, in photo order', async () => {
    const o = { ...DEFAULT_TRAIN_OPTIONS, spec, augmentCopies: 1, workers: 1, negativesPerPhoto: 4, negativePool: 4 };
    const ex = await extractFeatures(net, train, train.slice(0, 1), o, hooks);
    expect(ex.trainNegatives).toHaveLength(2);
    for (const f of ex.trainNegatives) {
      expect([f.h, f.w]).toEqual([6, 8]);
      expect(f.values.length).toBe(f.d * f.h * f.w);
      expect(f.boxes).toEqual([]);
    }
    // in photo order: the green field (mean G above mean R) first, the brown one second
    const cue = (i: number, name: (typeof CUE_NAMES)[number]): number => {
      const f = ex.trainNegatives[i]!;
      const plane = f.h * f.w;
      return f.values[(96 + CUE_NAMES.indexOf(name)) * plane + plane / 2]!;
    };
    expect(cue(0, 'meanG')).toBeGreaterThan(cue(0, 'meanR'));
    expect(cue(1, 'meanR')).toBeGreaterThan(cue(1, 'meanG'));
    expect(ex.valFeatures).toHaveLength(1);
  });

  it('keeps none when the option is off', async () => {
    const o = {
      ...DEFAULT_TRAIN_OPTIONS,
      spec,
      augmentCopies: 0,
      workers: 1,
      negativesPerPhoto: 4,
      negativePool: 4,
      trainNegativesForThresholds: false,
    };
    const ex = await extractFeatures(net, train, train.slice(0, 1), o, hooks);
    expect(ex.trainNegatives).toHaveLength(0);
    expect(ex.shiftedNegatives).toBeUndefined();
  });

  it('adds camera-shifted copies of every negative photo to those the operating points are checked on', async () => {
    const o = { ...DEFAULT_TRAIN_OPTIONS, spec, augmentCopies: 0, workers: 1, negativesPerPhoto: 4, negativePool: 4 };
    // val: the burn and the green field; negatives: val's field, then train's two fields
    const val = train.slice(0, 2);
    const plain = await extractFeatures(net, train, val, o, hooks);
    const ex = await extractFeatures(net, train, val, { ...o, shiftedNegatives: 2 }, hooks);
    expect(ex.shiftedNegatives).toHaveLength(3 * 2);
    expect(thresholdNegatives(plain, val)).toHaveLength(3);
    expect(thresholdNegatives(ex, val)).toHaveLength(3 + 6);
    // the training cells and the unshifted maps are those of a run without copies
    expect(ex.samples.x).toEqual(plain.samples.x);
    expect(ex.trainNegatives.map((f) => f.values)).toEqual(plain.trainNegatives.map((f) => f.values));
    // each copy is its photo, changed: the two copies of val's green field still read green, and differ
    const cue = (f: { values: Float32Array; h: number; w: number }, name: (typeof CUE_NAMES)[number]): number =>
      f.values[(96 + CUE_NAMES.indexOf(name)) * f.h * f.w + (f.h * f.w) / 2]!;
    const [a, b] = ex.shiftedNegatives!;
    for (const f of [a!, b!]) expect(cue(f, 'meanG')).toBeGreaterThan(cue(f, 'meanR'));
    expect(a!.values).not.toEqual(b!.values);
    expect(a!.values).not.toEqual(plain.valFeatures[1]!.values);
  });
});
