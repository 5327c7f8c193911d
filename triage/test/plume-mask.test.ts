/** Plume masks of a rendered set (round 12): read beside the labels, mapped to input pixels as boxes are. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDatasetSplit } from '../src/training/dataset.ts';
import { maskToInput } from '../src/training/plume-mask.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tinySet(mask: object | string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-plume-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'labels/train'), { recursive: true });
  await writeFile(path.join(dir, 'labels/train/a.txt'), '1 0.5 0.5 0.5 0.5\n0 0.2 0.2 0.1 0.1\n');
  await writeFile(path.join(dir, 'labels/train/a.mask.json'), typeof mask === 'string' ? mask : JSON.stringify(mask));
  const photo = { split: 'train', image: 'images/train/a.jpg', label: 'labels/train/a.txt' };
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'xuncha-sim-dataset',
      version: 1,
      classes: ['straw_burning', 'sewage_outfall', 'exposed_slope'],
      photos: [{ ...photo, mask: 'labels/train/a.mask.json', hardNegatives: [] }],
    }),
  );
  return dir;
}

describe('plume masks', () => {
  it('are attached to the label boxes in order, shares scaled to 0–1', async () => {
    const dir = await tinySet({
      cols: 4,
      rows: 3,
      objects: [
        { id: 'o', class: 'sewage_outfall', cells: [[5, 255]] },
        { id: 's', class: 'straw_burning', cells: [[0, 51]] },
      ],
    });
    const [item] = await readDatasetSplit(dir, 'train');
    expect(item!.boxes!.map((b) => [b.cls, b.mask])).toEqual([
      ['sewage_outfall', { cols: 4, rows: 3, cells: [[5, 1]] }],
      ['straw_burning', { cols: 4, rows: 3, cells: [[0, 0.2]] }],
    ]);
  });

  it('that do not match the label are refused with the file named', async () => {
    const dir = await tinySet({ cols: 4, rows: 3, objects: [{ id: 'o', class: 'sewage_outfall', cells: [[5, 255]] }] });
    await expect(readDatasetSplit(dir, 'train')).rejects.toThrow(/a\.mask\.json.*do not match/);
    const outside = await tinySet({
      cols: 4,
      rows: 3,
      objects: [
        { id: 'o', class: 'sewage_outfall', cells: [[12, 255]] },
        { id: 's', class: 'straw_burning', cells: [] },
      ],
    });
    await expect(readDatasetSplit(outside, 'train')).rejects.toThrow(/outside the grid/);
    const cut = await tinySet('{"cols": 4, "rows": 3, "obj');
    await expect(readDatasetSplit(cut, 'train')).rejects.toThrow(/a\.mask\.json: .*cannot read the mask file/);
  });

  it('map to input pixels as the boxes do, mirrored with a flipped photo', () => {
    // A 400×300 photo letterboxed into 512×384: scale 1.28, no padding.
    const toInput = (x: number, y: number): [number, number] => [x * 512, y * 384];
    const mask = { cols: 4, rows: 3, cells: [[5, 0.5]] as [number, number][] };
    expect(maskToInput(mask, toInput, false)).toEqual([{ x0: 128, y0: 128, x1: 256, y1: 256, share: 0.5 }]);
    expect(maskToInput(mask, toInput, true)).toEqual([{ x0: 256, y0: 128, x1: 384, y1: 256, share: 0.5 }]);
  });
});
