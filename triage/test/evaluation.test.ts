/**
 * `eval:model`'s parts: labels in both forms with their errors, and the scoring of a model with known
 * answers (the fixed-weight colour detector) on synthetic photos, including an unreadable one.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { averagePrecision, evaluateModel, formatReport } from '../src/evaluation/evaluate.ts';
import { LabelsError, readLabels } from '../src/evaluation/labels.ts';
import { Detector } from '../src/model/detector.ts';
import { colourDetectorManifest, colourDetectorOnnx } from '../src/testing/colour-models.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';

let dir: string;
let detector: Detector;
const red = (x: number, y: number) => ({ x, y, width: 120, height: 120, colour: '#ff1100' });
const blue = (x: number, y: number) => ({ x, y, width: 120, height: 120, colour: '#0011ff' });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-eval-'));
  await mkdir(path.join(dir, 'images'));
  const photo = (rects: Parameters<typeof syntheticPhoto>[0]['rects']) =>
    syntheticPhoto({ widthPx: 640, heightPx: 480, background: '#557744', rects });
  await writeFile(path.join(dir, 'images/fire.jpg'), await photo([red(100, 100)]));
  await writeFile(path.join(dir, 'images/outfall.jpg'), await photo([blue(400, 300)]));
  await writeFile(path.join(dir, 'images/both.jpg'), await photo([red(50, 300), blue(450, 60)]));
  await writeFile(path.join(dir, 'images/field.jpg'), await photo([]));
  // a red patch labelled as nothing: the model's false positive
  await writeFile(path.join(dir, 'images/roof.jpg'), await photo([red(260, 180)]));
  await writeFile(path.join(dir, 'images/broken.jpg'), Buffer.from('not a jpeg at all'));
  detector = await Detector.create(
    colourDetectorManifest('x.onnx', {}, 256),
    colourDetectorOnnx({ inputPx: 256, windowPx: 48, stridePx: 8 }),
  );
});
afterAll(() => detector.close());

describe('labels', () => {
  it('CSV: several rows per image, none for negatives', async () => {
    const csv = path.join(dir, 'ok.csv');
    await writeFile(
      csv,
      'image,class,notes\nimages/both.jpg,straw_burning,x\nimages/both.jpg,sewage_outfall,"a, b"\nimages/field.jpg,none,\n',
    );
    const labels = await readLabels(csv, dir);
    expect(labels).toHaveLength(2);
    expect([...labels[0]!.classes].sort()).toEqual(['sewage_outfall', 'straw_burning']);
    expect(labels[0]!.boxes).toBeNull();
    expect(labels[1]!.classes.size).toBe(0);
  });

  it('CSV with unknown classes and missing images: one error listing all of them', async () => {
    const csv = path.join(dir, 'bad.csv');
    await writeFile(csv, 'image,class\nimages/fire.jpg,smoke\nimages/field.jpg,landslide\n');
    await expect(readLabels(csv, dir)).rejects.toThrow(/unknown classes.*line 2: "smoke".*line 3: "landslide"/);
    await writeFile(
      csv,
      'image,class\nimages/nope.jpg,none\nimages/gone.jpg,straw_burning\nimages/fire.jpg,straw_burning\n',
    );
    const err = await readLabels(csv, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabelsError);
    expect((err as Error).message).toMatch(/missing.*images\/nope\.jpg, images\/gone\.jpg/);
  });

  it('YOLO: boxes per image, images without a file are negatives; bad ids and orphan labels are errors', async () => {
    const labelsDir = path.join(dir, 'yolo');
    await mkdir(labelsDir, { recursive: true });
    await writeFile(path.join(labelsDir, 'fire.txt'), '0 0.25 0.333 0.1875 0.25\n');
    const labels = await readLabels(labelsDir, path.join(dir, 'images'));
    expect(labels.map((l) => path.basename(l.image))).toEqual([
      'both.jpg',
      'broken.jpg',
      'field.jpg',
      'fire.jpg',
      'outfall.jpg',
      'roof.jpg',
    ]);
    const fire = labels.find((l) => l.image.endsWith('fire.jpg'))!;
    expect(fire.boxes![0]).toMatchObject({ cls: 'straw_burning' });
    expect(fire.boxes![0]!.x).toBeCloseTo(0.15625, 5);
    await writeFile(path.join(labelsDir, 'outfall.txt'), '7 0.5 0.5 0.1 0.1\n');
    await writeFile(path.join(labelsDir, 'ghost.txt'), '0 0.5 0.5 0.1 0.1\n');
    await expect(readLabels(labelsDir, path.join(dir, 'images'))).rejects.toThrow(/outfall\.txt:1: class id 7/);
    await writeFile(path.join(labelsDir, 'outfall.txt'), '1 0.5 0.5 0.1 0.1\n');
    await expect(readLabels(labelsDir, path.join(dir, 'images'))).rejects.toThrow(/labels without an image.*ghost/);
  });
});

describe('scoring', () => {
  it('image-level precision/recall, AP@0.5 with boxes, confusion, worst false positives, unreadable reported', async () => {
    const labelsDir = path.join(dir, 'yolo-eval');
    await mkdir(labelsDir, { recursive: true });
    const yolo = (c: number, x: number, y: number) =>
      `${c} ${(x + 60) / 640} ${(y + 60) / 480} ${120 / 640} ${120 / 480}\n`;
    await writeFile(path.join(labelsDir, 'fire.txt'), yolo(0, 100, 100));
    await writeFile(path.join(labelsDir, 'outfall.txt'), yolo(1, 400, 300));
    await writeFile(path.join(labelsDir, 'both.txt'), yolo(0, 50, 300) + yolo(1, 450, 60));
    const labels = await readLabels(labelsDir, path.join(dir, 'images'));
    const r = await evaluateModel({ detector, labels, root: path.join(dir, 'images') });
    expect(r.images).toBe(6);
    expect(r.scored).toBe(5);
    expect(r.unreadable).toEqual([{ image: 'broken.jpg', reason: expect.stringMatching(/unsupported image format/) }]);
    // straw_burning: fire + both found, roof is a false positive
    expect(r.perClass.straw_burning).toMatchObject({
      positives: 2,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 0,
      recall: 1,
    });
    expect(r.perClass.straw_burning.precision).toBeCloseTo(2 / 3, 3);
    expect(r.perClass.sewage_outfall).toMatchObject({
      positives: 2,
      truePositives: 2,
      falsePositives: 0,
      precision: 1,
      recall: 1,
    });
    expect(r.perClass.exposed_slope).toMatchObject({ positives: 0, precision: null, recall: null });
    // the colour detector's boxes are its 48-px windows (120 photo px), as large as the squares
    expect(r.perClass.sewage_outfall.ap50).toBe(1);
    expect(r.perClass.sewage_outfall.boxes).toMatchObject({ labelled: 2, matched: 2 });
    expect(r.confusion['none']).toMatchObject({ none: 1, straw_burning: 1 });
    expect(r.confusion['straw_burning']).toMatchObject({ straw_burning: 2, sewage_outfall: 1 });
    expect(r.negativeFalsePositiveRate).toBe(0.5);
    expect(r.negativeImages).toBe(2);
    expect(r.worstFalsePositives[0]).toMatchObject({ image: 'roof.jpg', cls: 'straw_burning' });
    const table = formatReport(r);
    expect(table).toMatch(/straw_burning\s+2\s+2\s+1\s+0\s+0\.667\s+1\.000/);
    expect(table).toMatch(/broken\.jpg/);
  });

  it('average precision: perfect ranking 1, a false positive ranked first lowers it, nothing labelled null', () => {
    expect(
      averagePrecision(
        [
          { score: 0.9, matched: true },
          { score: 0.5, matched: true },
        ],
        2,
      ),
    ).toBe(1);
    expect(
      averagePrecision(
        [
          { score: 0.9, matched: false },
          { score: 0.5, matched: true },
        ],
        1,
      ),
    ).toBe(0.5);
    expect(averagePrecision([{ score: 0.9, matched: true }], 2)).toBe(0.5);
    expect(averagePrecision([], 0)).toBeNull();
  });
});
