/**
 * Round 10: a head fitted from another head's weights (a warm start) on the training photos plus extra
 * negative photos. The same options, head and photos give the same ONNX bytes; at a vanishing learning
 * rate the fitted head is the head it started from; extra negatives are fitted on but never counted among
 * the negative photos the operating points are checked on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../src/training/dataset.ts';
import { mlpForward } from '../src/training/mlp.ts';
import type { Mlp } from '../src/training/mlp.ts';
import { seededRandom } from '../src/training/random.ts';
import { readOnnx } from '../src/onnx/onnx-reader.ts';
import { trainDetector } from '../src/training/train-detector.ts';
import type { TrainDetectorOptions } from '../src/training/train-detector.ts';
import { baseSetHead, QUIET_HOOKS, TINY_TRAIN_OPTIONS, tinyPhotos } from './tiny-training-set.ts';

let photos: DatasetItem[];
let extra: DatasetItem[];
let start: Mlp;
beforeAll(async () => {
  const set = await tinyPhotos();
  photos = [
    await set.item('burn.jpg', '#303030', 'straw_burning'),
    await set.item('slope.jpg', '#a0603a', 'exposed_slope'),
    await set.item('field.jpg', '#3a6b35'),
  ];
  extra = [
    await set.item('roofs.jpg', '#5a5a5e', undefined, ['town_roofs']),
    await set.item('lane.jpg', '#9a5a34', undefined, ['dirt_lanes']),
  ];
  start = baseSetHead(6, 5);
});

describe('a warm-started head with extra negative photos', () => {
  const options: TrainDetectorOptions = {
    ...TINY_TRAIN_OPTIONS,
    epochs: 2,
    learningRate: 2e-4,
    initHead: { file: 'heads/test.json', sha256: 'start' },
    extraNegatives: { dataset: 'data/extra', photos: 2 },
  };
  const hooks = QUIET_HOOKS;
  const init = () => ({ head: start, set: 'base' as const });

  it('same options, head and photos → the same ONNX bytes; it takes the head it starts from as its shape', async () => {
    const a = await trainDetector(photos, photos, options, hooks, undefined, { init: init(), extraNegatives: extra });
    const b = await trainDetector(photos, photos, options, hooks, undefined, { init: init(), extraNegatives: extra });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(a.head.hiddenSize).toBe(5); // the start's, not options.hiddenSize
    expect(readOnnx(a.onnx).metadata['xuncha.init_head_sha256']).toBe('start');
    // the extra photos were fitted on (other samples, another head) …
    const without = await trainDetector(photos, photos, options, hooks, undefined, { init: init() });
    expect(a.counts.samples).toBeGreaterThan(without.counts.samples);
    expect(Buffer.from(a.onnx).equals(Buffer.from(without.onnx))).toBe(false);
    // … but the negative photos the points are checked on are val's one and train's one, with or without them
    expect(a.negativeRate.photos).toBe(2);
    expect(without.negativeRate.photos).toBe(2);
  }, 120_000);

  it('at a vanishing learning rate the fitted head scores as the head it started from', async () => {
    const still = { ...options, learningRate: 1e-12 };
    const t = await trainDetector(photos, photos, still, hooks, undefined, { init: init(), extraNegatives: extra });
    const r = seededRandom(9);
    for (let n = 0; n < 20; n++) {
      const x = Float32Array.from({ length: 208 }, () => r() * 2);
      const [p, q] = [mlpForward(t.head, x), mlpForward(start, x)];
      for (let c = 0; c < 3; c++) expect(Math.abs(p[c]! - q[c]!)).toBeLessThan(1e-4);
    }
    // and a fresh fit with the same options is another head (the start is what made them equal)
    const { initHead: _i, ...fresh } = still;
    const f = await trainDetector(photos, photos, fresh, hooks);
    const x = Float32Array.from({ length: 208 }, () => 0.5);
    expect(Math.abs(mlpForward(f.head, x)[0]! - mlpForward(start, x)[0]!)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('refuses a start that reads other features, a start promised but not given, and labelled extra photos', async () => {
    const wide = { ...options, spec: { ...options.spec, contextMaxCells: 9 } };
    await expect(trainDetector(photos, photos, wide, hooks, undefined, { init: init() })).rejects.toThrow(
      /起始头读特征集 base 的 208 个特征.*the head to start from reads 208 features of set base, this head reads 312/,
    );
    await expect(trainDetector(photos, photos, options, hooks)).rejects.toThrow(
      /initHead given without the head to start from/,
    );
    await expect(
      trainDetector(photos, photos, options, hooks, undefined, { init: init(), extraNegatives: photos }),
    ).rejects.toThrow(/额外负样本中有带标注的照片 .*must hold no labelled object/);
  }, 60_000);
});
