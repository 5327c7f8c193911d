/** The segmentation decoder's region growing: seeds at the threshold, grown down to threshold × regionGrow. */
import { describe, expect, it } from 'vitest';
import { decodeSegmentation } from '../src/model/decode-output.ts';
import { parseManifest } from '../src/model/manifest.ts';

function manifest(regionGrow: number, minAreaCells = 1) {
  return parseManifest({
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells, regionGrow },
    numClasses: 1,
    classMap: { '0': 'straw_burning' },
    thresholds: { straw_burning: 0.8 },
  });
}

// 8×4 cells of 10 px: one seed (0.9) at (2,1), a halo of 0.5 to its right, an isolated 0.6 far away
const w = 8;
const h = 4;
const map = new Float32Array(w * h);
map[1 * w + 2] = 0.9;
map[1 * w + 3] = 0.5;
map[1 * w + 4] = 0.45;
map[2 * w + 3] = 0.42;
map[3 * w + 7] = 0.6;

describe('segmentation region growing', () => {
  it('without growth the box is the seed cell only', () => {
    const d = decodeSegmentation(manifest(1), map, [1, 1, h, w]);
    expect(d).toHaveLength(1);
    expect(d[0]!.box).toEqual({ x: 20, y: 10, width: 10, height: 10 });
    expect(d[0]!.score).toBeCloseTo(0.9, 6);
  });

  it('with regionGrow 0.5 the box takes in the connected halo ≥ 0.4, the score stays the seeds’ mean', () => {
    const d = decodeSegmentation(manifest(0.5), map, [1, 1, h, w]);
    expect(d).toHaveLength(1);
    expect(d[0]!.box).toEqual({ x: 20, y: 10, width: 30, height: 20 });
    expect(d[0]!.score).toBeCloseTo(0.9, 6);
  });

  it('cells above the growth level but not connected to a seed start no region', () => {
    const d = decodeSegmentation(manifest(0.5), map, [1, 1, h, w]);
    expect(d.some((x) => x.box.x === 70)).toBe(false);
  });

  it('minAreaCells counts the grown region', () => {
    expect(decodeSegmentation(manifest(1, 2), map, [1, 1, h, w])).toHaveLength(0);
    expect(decodeSegmentation(manifest(0.5, 2), map, [1, 1, h, w])).toHaveLength(1);
  });
});
