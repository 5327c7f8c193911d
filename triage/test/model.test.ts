import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/decode.ts';
import { TriageStartupError } from '../src/issues.ts';
import { Detector } from '../src/model/detector.ts';
import { parseManifest } from '../src/model/manifest.ts';
import { mergeTileSeams, nonMaxSuppression } from '../src/model/nms.ts';
import type { TileDetection } from '../src/model/nms.ts';
import {
  colourClassifierOnnx,
  colourDetectorManifest,
  colourDetectorOnnx,
  colourSegmenterOnnx,
} from '../src/testing/colour-models.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';

const opened: Detector[] = [];
afterAll(async () => {
  await Promise.all(opened.map((d) => d.close()));
});
async function open(...args: Parameters<typeof Detector.create>): Promise<Detector> {
  const d = await Detector.create(...args);
  opened.push(d);
  return d;
}
const centre = (b: { x: number; y: number; width: number; height: number }): [number, number] => [
  b.x + b.width / 2,
  b.y + b.height / 2,
];

describe('model runner with generated ONNX models', () => {
  it('yolov8 head, whole photo letterboxed: finds the red and the blue square where they are', async () => {
    const det = await open(
      colourDetectorManifest('x.onnx', {}),
      colourDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 4 }),
    );
    const bytes = await syntheticPhoto({
      widthPx: 800,
      heightPx: 600,
      rects: [
        { x: 200, y: 150, width: 110, height: 110, colour: '#ff0000' },
        { x: 520, y: 380, width: 110, height: 110, colour: '#0000ff' },
      ],
    });
    const dets = await det.detect(bytes, await inspectImage(bytes));
    const burning = dets.filter((d) => d.cls === 'straw_burning');
    const sewage = dets.filter((d) => d.cls === 'sewage_outfall');
    expect(burning).toHaveLength(1);
    expect(sewage).toHaveLength(1);
    const [bx, by] = centre(burning[0]!.box);
    expect(Math.abs(bx - 255)).toBeLessThan(10);
    expect(Math.abs(by - 205)).toBeLessThan(10);
    expect(burning[0]!.box.width).toBeCloseTo(100, 0); // 32 model px / 0.32
    expect(burning[0]!.score).toBeGreaterThan(0.9);
    const [sx, sy] = centre(sewage[0]!.box);
    expect(Math.abs(sx - 575)).toBeLessThan(10);
    expect(Math.abs(sy - 435)).toBeLessThan(10);
  });

  it('unmapped classes and scores under the class threshold are ignored', async () => {
    const det = await open(
      colourDetectorManifest('x.onnx', { classMap: { '0': 'straw_burning' }, thresholds: { straw_burning: 0.8 } }),
      colourDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 4 }),
    );
    const bytes = await syntheticPhoto({
      widthPx: 512,
      heightPx: 512,
      rects: [
        { x: 40, y: 40, width: 80, height: 80, colour: '#0000ff' },
        // dull orange: (0.8−0.5·0.5−0.5·0.3)² = 0.16, under 0.8
        { x: 300, y: 300, width: 80, height: 80, colour: '#cc804d' },
      ],
    });
    expect(await det.detect(bytes, await inspectImage(bytes))).toEqual([]);
  });

  it('tile mode at full resolution: a small fire is found in photo pixels, once, across overlapping tiles', async () => {
    const det = await open(
      colourDetectorManifest(
        'x.onnx',
        { input: { widthPx: 128, heightPx: 128, mode: 'tile', tileOverlapPx: 40 } },
        128,
      ),
      colourDetectorOnnx({ inputPx: 128, windowPx: 16, stridePx: 4 }),
    );
    // 700×500 → tiles at x 0,…; the square sits in the overlap of two tiles
    const bytes = await syntheticPhoto({
      widthPx: 700,
      heightPx: 500,
      rects: [{ x: 100, y: 300, width: 18, height: 18, colour: '#ff0000' }],
    });
    const dets = await det.detect(bytes, await inspectImage(bytes));
    expect(dets).toHaveLength(1);
    const [cx, cy] = centre(dets[0]!.box);
    expect(Math.abs(cx - 109)).toBeLessThan(4);
    expect(Math.abs(cy - 309)).toBeLessThan(4);
  });

  it('classifier per tile: the tiles that are red become detections', async () => {
    const det = await open(
      {
        ...colourDetectorManifest('x.onnx', {}, 64),
        input: { widthPx: 64, heightPx: 64, mode: 'tile', tileOverlapPx: 0 },
        output: { kind: 'classifier' },
      },
      colourClassifierOnnx(64),
    );
    const bytes = await syntheticPhoto({
      widthPx: 256,
      heightPx: 128,
      rects: [{ x: 128, y: 64, width: 64, height: 64, colour: '#ff0000' }],
    });
    const dets = await det.detect(bytes, await inspectImage(bytes));
    expect(dets.map((d) => [d.cls, d.box])).toEqual([['straw_burning', { x: 128, y: 64, width: 64, height: 64 }]]);
  });

  it('segmentation: a red region becomes one box around it', async () => {
    const det = await open(
      {
        ...colourDetectorManifest('x.onnx', {}, 128),
        input: { widthPx: 128, heightPx: 128, fit: 'stretch' },
        output: { kind: 'segmentation' },
      },
      colourSegmenterOnnx(128),
    );
    const bytes = await syntheticPhoto({
      widthPx: 512,
      heightPx: 512,
      rects: [{ x: 256, y: 0, width: 128, height: 128, colour: '#ff0000' }],
    });
    const dets = await det.detect(bytes, await inspectImage(bytes));
    expect(dets).toHaveLength(1);
    expect(dets[0]!.box.x).toBeCloseTo(256, -1);
    expect(dets[0]!.box.width).toBeCloseTo(128, -1);
    expect(dets[0]!.box.height).toBeCloseTo(128, -1);
  });
});

describe('segmentation on a letterboxed photo', () => {
  it('the grey padding never becomes a detection, even where the model scores it high', async () => {
    // mean R −1 adds 1 to every input red value: grey padding (0.45) scores 1.0, blue photo 0.5, red 2
    const det = await open(
      {
        ...colourDetectorManifest('x.onnx', {}, 128),
        input: { widthPx: 128, heightPx: 128, fit: 'letterbox', scale: 1 / 255, mean: [-1, 0, 0] },
        output: { kind: 'segmentation', minAreaCells: 1, regionGrow: 1 },
        thresholds: { straw_burning: 0.8, sewage_outfall: 0.99 },
      },
      colourSegmenterOnnx(128),
    );
    // 2:1 photo → 128×64 with 32 px of padding above and below
    const bytes = await syntheticPhoto({
      widthPx: 512,
      heightPx: 256,
      background: '#0000ff',
      rects: [{ x: 256, y: 64, width: 128, height: 128, colour: '#ff0000' }],
    });
    const dets = await det.detect(bytes, await inspectImage(bytes));
    expect(dets.map((d) => d.cls)).toEqual(['straw_burning']);
    expect(dets[0]!.box.x).toBeCloseTo(256, -1);
    expect(dets[0]!.box.y).toBeCloseTo(64, -1);
    expect(dets[0]!.box.height).toBeCloseTo(128, -1);
  });
});

describe('model startup errors', () => {
  it('a file that is not ONNX', async () => {
    const err = await Detector.create(
      colourDetectorManifest('x.onnx'),
      new TextEncoder().encode('PK\u0003\u0004 a zip, not a model'),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TriageStartupError);
    expect(err.message).toMatch(/not a loadable ONNX/);
  });

  it('an output that does not match the manifest (3 classes declared, 2 produced)', async () => {
    const err = await Detector.create(colourDetectorManifest('x.onnx', { numClasses: 3 }), colourDetectorOnnx()).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(TriageStartupError);
    expect(err.message).toMatch(/\[1, 7, N\].*got \[1, 6, 3721\]/);
  });

  it('a classifier manifest on a detection head, and a wrong input size', async () => {
    const a = await Detector.create(
      colourDetectorManifest('x.onnx', { output: { kind: 'classifier' } }),
      colourDetectorOnnx(),
    ).catch((e) => e);
    expect(a.message).toMatch(/classifier output must be \[1, 2\]/);
    const b = await Detector.create(colourDetectorManifest('x.onnx', {}, 320), colourDetectorOnnx()).catch((e) => e);
    expect(b).toBeInstanceOf(TriageStartupError);
    expect(b.message).toMatch(/1×3×320×320/);
  });

  it('manifest files: invalid fields are named; the model path is relative to the manifest', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-manifest-'));
    await writeFile(
      path.join(dir, 'bad.json'),
      JSON.stringify({ ...colourDetectorManifest('m.onnx'), classMap: { '0': 'rubbish' } }),
    );
    await expect(Detector.fromManifestFile(path.join(dir, 'bad.json'))).rejects.toThrow(/classMap\.0/);
    await writeFile(path.join(dir, 'nojson.json'), '{');
    await expect(Detector.fromManifestFile(path.join(dir, 'nojson.json'))).rejects.toThrow(/not JSON/);
    await writeFile(path.join(dir, 'm.onnx'), colourDetectorOnnx());
    await writeFile(path.join(dir, 'ok.json'), JSON.stringify(colourDetectorManifest('m.onnx')));
    const det = await Detector.fromManifestFile(path.join(dir, 'ok.json'), { size: 1 });
    opened.push(det);
    expect(det.manifest.numClasses).toBe(2);
  });
});

describe('manifest values that would hang or poison inference', () => {
  it('a tile overlap as large as the tile (a tile per pixel) and a zero std are named', () => {
    const base = colourDetectorManifest('x.onnx', {}, 128);
    expect(() =>
      parseManifest({ ...base, input: { widthPx: 128, heightPx: 128, mode: 'tile', tileOverlapPx: 128 } }),
    ).toThrow(/input\.tileOverlapPx: tileOverlapPx 128 must be at most half the tile size \(128 px\)/);
    expect(() => parseManifest({ ...base, input: { widthPx: 128, heightPx: 128, std: [0.2, 0, 0.2] } })).toThrow(
      /input\.std\.1/,
    );
    // The same overlap is fine when the photo is resized, not tiled.
    expect(parseManifest({ ...base, input: { widthPx: 128, heightPx: 128, tileOverlapPx: 128 } }).input.mode).toBe(
      'resize',
    );
  });
});

describe('NMS and tile seams', () => {
  const d = (x: number, w: number, tileX: number, score = 0.9): TileDetection => ({
    cls: 'straw_burning',
    modelClass: 0,
    score,
    box: { x, y: 10, width: w, height: 20 },
    tile: { x: tileX, y: 0, width: 100, height: 100 },
  });

  it('joins an object cut by a seam into one box', () => {
    // tiles [0,100) and [80,180); the object spans 60..140
    const merged = mergeTileSeams([d(60, 40, 0), d(80, 60, 80, 0.7)], 180, 100);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.box).toEqual({ x: 60, y: 10, width: 80, height: 20 });
    expect(merged[0]!.score).toBe(0.9);
  });

  it('keeps apart boxes that do not touch a seam or are of different classes', () => {
    const far = mergeTileSeams([d(10, 20, 0), d(120, 20, 80)], 180, 100);
    expect(far).toHaveLength(2);
    const other = { ...d(80, 60, 80), cls: 'exposed_slope' as const };
    expect(mergeTileSeams([d(60, 40, 0), other], 180, 100)).toHaveLength(2);
  });

  it('NMS keeps the best of overlapping same-class boxes only', () => {
    const a = d(0, 50, 0, 0.9);
    const b = d(5, 50, 0, 0.8);
    const c = { ...d(5, 50, 0, 0.7), cls: 'exposed_slope' as const };
    expect(nonMaxSuppression([b, a, c], 0.45).map((x) => x.score)).toEqual([0.9, 0.7]);
  });
});
