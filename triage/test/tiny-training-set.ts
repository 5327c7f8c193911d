// Fixtures of the training tests that compose or start heads: tiny flat-colour photos with one centred box,
// and a head over the base feature set (208 features) as a head file holds it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TriageClass } from '../src/model/manifest.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { trainMlp, type Mlp } from '../src/training/mlp.ts';
import { seededRandom } from '../src/training/random.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainDetectorOptions } from '../src/training/train-detector.ts';

/** A writer of 128×96 one-colour photos in a fresh temporary folder. */
export async function tinyPhotos(): Promise<{
  /** A photo of `colour` holding `cls` in its centre half (no class: a negative of the hard kinds given). */
  item(name: string, colour: string, cls?: TriageClass, hardNegatives?: string[]): Promise<DatasetItem>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-tiny-set-'));
  return {
    async item(name, colour, cls, hardNegatives = []) {
      const image = path.join(dir, name);
      await writeFile(image, await syntheticPhoto({ widthPx: 128, heightPx: 96, background: colour }));
      return {
        image,
        classes: new Set(cls ? [cls] : []),
        boxes: cls ? [{ cls, x: 0.25, y: 0.25, width: 0.5, height: 0.5 }] : [],
        hardNegatives,
      };
    },
  };
}

/** Any head over the base set's 208 features, its standardisation folded in (identity), as a head file holds it. */
export function baseSetHead(seed: number, hiddenSize: number): Mlp {
  const r = seededRandom(seed);
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
    { hiddenSize, epochs: 1, learningRate: 0.01, l2: 1e-4, batchSize: 16, seed },
  );
  return { ...head, mean: new Float32Array(208), std: new Float32Array(208).fill(1) };
}

/** Training options sized for the tiny photos: seconds, not minutes. */
export const TINY_TRAIN_OPTIONS: TrainDetectorOptions = {
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
};

/** Training hooks that stay quiet. */
export const QUIET_HOOKS = { log: () => {}, progress: () => {} };
