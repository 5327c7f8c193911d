/**
 * train:model on a rendered set without a `test` split (the held-out split rendered to a folder of its own,
 * as the training rounds do): the model, its report and its card are written and the log says how to
 * score a held-out split. It used to throw after minutes of training, and the training report was lost.
 * An earlier run's held-out scores in the folder are removed, not read into the new model's card.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLASSES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
const COLOURS = ['#2b2b2b', '#8a8f99', '#b5653a'];

/** A set of flat photos, one centred patch of its class's colour each (or none), train and val only. */
async function setWithoutTest(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-no-test-'));
  await mkdir(path.join(dir, 'images'));
  await mkdir(path.join(dir, 'labels'));
  const photos: { split: string; image: string; label: string; hardNegatives: string[] }[] = [];
  let n = 0;
  for (const split of ['train', 'train', 'val'])
    for (let c = -1; c < CLASSES.length; c++) {
      const name = `p${n++}`;
      const rects = c < 0 ? [] : [{ x: 64, y: 48, width: 128, height: 96, colour: COLOURS[c] as string }];
      await writeFile(
        path.join(dir, 'images', `${name}.jpg`),
        await syntheticPhoto({ widthPx: 256, heightPx: 192, background: '#3a6b35', rects }),
      );
      await writeFile(path.join(dir, 'labels', `${name}.txt`), c < 0 ? '' : `${c} 0.5 0.5 0.5 0.5\n`);
      photos.push({ split, image: `images/${name}.jpg`, label: `labels/${name}.txt`, hardNegatives: [] });
    }
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ format: 'xuncha-sim-dataset', version: 1, classes: CLASSES, photos }),
  );
  return dir;
}

describe('train:model without a held-out split in its data', () => {
  it('writes the model, its report and card, and says how to score a held-out split', async () => {
    const data = await setWithoutTest();
    const out = path.join(data, 'run');
    // An earlier model's held-out scores in the folder: not this model's, so not left for its card.
    await mkdir(out);
    await writeFile(path.join(out, 'eval-heldout.json'), '{"model":"an earlier one"}\n');
    const r = spawnSync(
      path.join(repo, 'node_modules/.bin/tsx'),
      [
        'triage/scripts/train-model.ts',
        '--data',
        data,
        '--out',
        out,
        '--workers',
        '1',
        '--epochs',
        '1',
        '--hard-negative-epochs',
        '1',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/held-out split not scored: .*has no photos in split test/);
    expect(r.stdout + r.stderr).toMatch(/npm run eval:model -- --dataset DIR --split test --model/);
    const files = await readdir(out);
    expect(files).toEqual(
      expect.arrayContaining(['xuncha-default.onnx', 'xuncha-default.json', 'training-report.json', 'MODEL_CARD.md']),
    );
    expect(files).not.toContain('eval-heldout.json');
    const report = JSON.parse(await readFile(path.join(out, 'training-report.json'), 'utf8'));
    expect(report.splits).toEqual({ train: 8, val: 4, test: 0 });
  }, 120_000);
});
