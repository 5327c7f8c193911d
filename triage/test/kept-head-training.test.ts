/**
 * Round 9: a composed model whose straw and slope classes come from a kept head and whose outfall class
 * from a head of its own. The same options and kept head give the same model, byte for byte, and the kept
 * head's weights sit in it unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../src/training/dataset.ts';
import type { Mlp } from '../src/training/mlp.ts';
import { readOnnx } from '../src/onnx/onnx-reader.ts';
import { keptHeadOfClass, trainDetector } from '../src/training/train-detector.ts';
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
    keepHeads: [{ file: 'heads/test.json', sha256: 'test' }],
  };
  const hooks = QUIET_HOOKS;

  it('same options, same kept head → the same ONNX bytes; the kept weights sit in it unchanged', async () => {
    const a = await trainDetector(photos, photos, options, hooks, [{ head: kept, set: 'base' }]);
    const b = await trainDetector(photos, photos, options, hooks, [{ head: kept, set: 'base' }]);
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
    await expect(trainDetector(photos, photos, options, hooks)).rejects.toThrow(
      /keepHeads given without the kept heads/,
    );
  });

  it('refuses mask targets for a class none of whose boxes has a mask (a set rendered before masks)', async () => {
    const masked = { ...options, classOptions: { sewage_outfall: { weight: 2, hidden: 3, mask: 0.3 } } };
    await expect(trainDetector(photos, photos, masked, hooks, [{ head: kept, set: 'base' }])).rejects.toThrow(
      /no box of sewage_outfall in the training set has a mask/,
    );
  });
});

describe('heads from different rounds side by side (round 30)', () => {
  const straw = { threshold: 0.7, minSeedCells: 2 };
  const outfall = { threshold: 0.6, minSeedCells: 1 };

  it('two head files, nothing fitted: each answers for its classes, --keep-points keeps their points', async () => {
    const other = baseSetHead(5, 3);
    const heads = [
      {
        head: kept,
        set: 'base' as const,
        answers: ['straw_burning' as const, 'exposed_slope' as const],
        points: { straw_burning: straw },
      },
      { head: other, set: 'base' as const, answers: ['sewage_outfall' as const], points: { sewage_outfall: outfall } },
    ];
    const options: TrainDetectorOptions = {
      ...TINY_TRAIN_OPTIONS,
      keepHeads: [
        { file: 'a.json', sha256: 'a' },
        { file: 'b.json', sha256: 'b' },
      ],
      keepPoints: true,
    };
    const a = await trainDetector(photos, photos, options, QUIET_HOOKS, heads);
    expect(a.heads!.map((h) => [h.kind, h.classes])).toEqual([
      ['kept', ['straw_burning', 'exposed_slope']],
      ['kept', ['sewage_outfall']],
    ]);
    expect(a.manifest.thresholds).toMatchObject({ straw_burning: 0.7, sewage_outfall: 0.6 });
    expect(a.manifest.output).toMatchObject({ minSeedCells: { straw_burning: 2, sewage_outfall: 1 } });
    const { initializers, metadata } = readOnnx(a.onnx);
    expect(metadata['xuncha.kept_head_sha256']).toBe('a,b');
    const w2 = initializers.get('head.w2')!; // [3 classes, 4 + 3 hidden]
    for (let j = 0; j < 7; j++) expect(w2.data[1 * 7 + j]).toBe(j < 4 ? 0 : other.w2[(j - 4) * 3 + 1]);
    // without --keep-points the rule chooses straw's point afresh
    const b = await trainDetector(photos, photos, { ...options, keepPoints: false }, QUIET_HOOKS, heads);
    expect([b.thresholds.straw_burning!.threshold, b.thresholds.straw_burning!.minSeedCells]).not.toEqual([0.7, 2]);
    // --keep-points sewage_outfall: the outfall point stays, straw's is chosen as without the flag
    const c = await trainDetector(photos, photos, { ...options, keepPoints: ['sewage_outfall'] }, QUIET_HOOKS, heads);
    expect([b.thresholds.sewage_outfall!.threshold, b.thresholds.sewage_outfall!.minSeedCells]).not.toEqual([0.6, 1]);
    expect(c.manifest.thresholds).toMatchObject({ sewage_outfall: 0.6 });
    expect(c.manifest.output).toMatchObject({ minSeedCells: { sewage_outfall: 1 } });
    expect(c.thresholds.straw_burning).toEqual(b.thresholds.straw_burning);
  }, 120_000);

  it('refuses heads that cannot be meant together', () => {
    const h = (answers?: ('straw_burning' | 'sewage_outfall' | 'exposed_slope')[]) => ({
      head: kept,
      set: 'base' as const,
      ...(answers ? { answers } : {}),
    });
    expect(keptHeadOfClass([h(['straw_burning']), h()], {}, {})).toEqual([0, 1, 1]);
    expect(keptHeadOfClass([h(['sewage_outfall'])], { exposed_slope: 'fine' }, {})).toEqual([-1, 0, -1]);
    expect(() => keptHeadOfClass([h(), h()], {}, {})).toThrow(/at most one kept head may leave its classes unnamed/);
    expect(() => keptHeadOfClass([h(['straw_burning']), h(['straw_burning'])], {}, {})).toThrow(
      /straw_burning is answered by two kept heads \(1 and 2\)/,
    );
    expect(() => keptHeadOfClass([h(['exposed_slope'])], { exposed_slope: 'fine' }, {})).toThrow(
      /exposed_slope is answered by a kept head and also named in --class-features or --class-options/,
    );
    expect(() =>
      keptHeadOfClass([h(['straw_burning']), h()], { sewage_outfall: 'fine', exposed_slope: 'fine' }, {}),
    ).toThrow(/kept head 2 answers for no class/);
  });
});
