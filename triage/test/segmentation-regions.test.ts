/**
 * The segmentation decoder's region rules: a class's `minSeedCells` (coherent patches only) and letterbox
 * padding (cells off the photo are never part of a region).
 */
import { describe, expect, it } from 'vitest';
import { contentCells, decodeSegmentation } from '../src/model/decode-output.ts';
import { parseManifest } from '../src/model/manifest.ts';

function manifest(minSeedCells: Record<string, number> = {}) {
  return parseManifest({
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells: 1, regionGrow: 0.5, minSeedCells },
    numClasses: 2,
    classMap: { '0': 'straw_burning', '1': 'exposed_slope' },
    thresholds: { straw_burning: 0.8, exposed_slope: 0.8 },
  });
}

// 8×4 cells of 10 px. Class 0: a patch of three seeds at (1..3, 1) and one lone seed at (6, 3).
// Class 1: a seed in the last column (which a letterbox would pad) and its neighbour at 0.5.
const w = 8;
const h = 4;
const plane = w * h;
const map = new Float32Array(2 * plane);
for (const x of [1, 2, 3]) map[1 * w + x] = 0.9;
map[3 * w + 6] = 0.95;
map[plane + 2 * w + 7] = 0.99;
map[plane + 2 * w + 6] = 0.5;
const dims = [1, 2, h, w];

describe('segmentation region rules', () => {
  it('without minSeedCells every seeded region counts', () => {
    const d = decodeSegmentation(manifest(), map, dims).filter((x) => x.cls === 'straw_burning');
    expect(d).toHaveLength(2);
  });

  it('minSeedCells drops regions with fewer seed cells, per class', () => {
    const d = decodeSegmentation(manifest({ straw_burning: 3 }), map, dims);
    const straw = d.filter((x) => x.cls === 'straw_burning');
    expect(straw).toHaveLength(1);
    expect(straw[0]!.box).toEqual({ x: 10, y: 10, width: 30, height: 10 });
    // the other class keeps its one-seed region
    expect(d.some((x) => x.cls === 'exposed_slope')).toBe(true);
    expect(decodeSegmentation(manifest({ straw_burning: 4 }), map, dims).some((x) => x.cls === 'straw_burning')).toBe(
      false,
    );
  });

  it('cells whose centre lies in the padding never seed or grow a region', () => {
    // the photo covers x 0–70 of the 80-px input: the last column is padding
    const content = { x: 0, y: 0, width: 70, height: 40 };
    const d = decodeSegmentation(manifest(), map, dims, content);
    expect(d.some((x) => x.cls === 'exposed_slope')).toBe(false);
    expect(d.filter((x) => x.cls === 'straw_burning')).toHaveLength(2);
    // without the content rectangle the padded seed fires
    expect(decodeSegmentation(manifest(), map, dims).some((x) => x.cls === 'exposed_slope')).toBe(true);
  });

  it('contentCells marks the cells whose centre is on the photo', () => {
    const on = contentCells(manifest(), h, w, { x: 10, y: 5, width: 60, height: 30 });
    const rows = Array.from({ length: h }, (_, y) => Array.from(on.subarray(y * w, (y + 1) * w)).join(''));
    expect(rows).toEqual(['01111110', '01111110', '01111110', '01111110']);
    expect(contentCells(manifest(), h, w).every((v) => v === 1)).toBe(true);
  });

  it('rejects a minSeedCells below 1 with a clear error', () => {
    expect(() => manifest({ straw_burning: 0 })).toThrow(/minSeedCells/);
  });
});
