/**
 * Round 9: a composed model whose straw and slope classes come from a kept head and whose outfall class
 * from a head of its own. The same options and kept head give the same model, byte for byte, and the kept
 * head's weights sit in it unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../src/training/dataset.ts';
import type { Mlp } from '../src/training/mlp.ts';
import { readOnnx } from '../src/onnx/onnx-reader.ts';
import { trainDetector } from '../src/training/train-detector.ts';
import type { TrainDetectorOptions } from '../src/training/train-detector.ts';
import { baseSetHead, QUIET_HOOKS, TINY_TRAIN_OPTIONS, tinyPhotos } from './tiny-training-set.ts';

let photos: DatasetItem[];
let kept: Mlp;
beforeAll(async () => {
  const set = await tinyPhotos();
  photos = [
    await set.item('burn.jpg', '#303030', 'straw_burning'),
    await set.item('outfall.jpg', '#405a70', 'sewage_outfall'),
    await set.item('field.jpg', '#3a6b35'),
  ];
  kept = baseSetHead(4, 4);
});

describe('a kept head beside a class head of its own', () => {
  const options: TrainDetectorOptions = {
    ...TINY_TRAIN_OPTIONS,
    classFeatures: { sewage_outfall: 'context-max-9' },
    classOptions: { sewage_outfall: { weight: 2, hidden: 3 } },
    keepHead: { file: 'heads/test.json', sha256: 'test' },
  };
  const hooks = QUIET_HOOKS;

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

  it('refuses mask targets for a class none of whose boxes has a mask (a set rendered before masks)', async () => {
    const masked = { ...options, classOptions: { sewage_outfall: { weight: 2, hidden: 3, mask: 0.3 } } };
    await expect(trainDetector(photos, photos, masked, hooks, { head: kept, set: 'base' })).rejects.toThrow(
      /no box of sewage_outfall in the training set has a mask/,
    );
  });
});
