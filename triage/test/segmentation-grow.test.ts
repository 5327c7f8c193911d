/** The segmentation decoder's region growing: seeds at the threshold, grown down to threshold × regionGrow. */
import { describe, expect, it } from 'vitest';
import { decodeSegmentation } from '../src/model/decode-output.ts';
import { parseManifest } from '../src/model/manifest.ts';

function manifest(regionGrow: number, minAreaCells = 1, boxGrow: Record<string, number> = {}, classes = 1) {
  return parseManifest({
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells, regionGrow, boxGrow },
    numClasses: classes,
    classMap: classes === 1 ? { '0': 'straw_burning' } : { '0': 'straw_burning', '1': 'exposed_slope' },
    thresholds: { straw_burning: 0.8, exposed_slope: 0.8 },
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

  it("extends a kept region's box down to threshold × boxGrow; what is kept and its score do not change", () => {
    // boxGrow 0.5 on no region growth: the box takes in the halo ≥ 0.4 connected to the seed, not the far 0.6.
    const d = decodeSegmentation(manifest(1, 1, { straw_burning: 0.5 }), map, [1, 1, h, w]);
    expect(d).toHaveLength(1);
    expect(d[0]!.box).toEqual({ x: 20, y: 10, width: 30, height: 20 });
    expect(d[0]!.score).toBeCloseTo(0.9, 6);
    // minAreaCells counts the region, not the extended box: a lone seed cell stays under 2 cells.
    expect(decodeSegmentation(manifest(1, 2, { straw_burning: 0.5 }), map, [1, 1, h, w])).toHaveLength(0);
  });

  it("gives each class its own box growth; a class left out keeps its region's box", () => {
    const two = new Float32Array(2 * w * h);
    two.set(map, 0);
    two.set(map, w * h);
    const d = decodeSegmentation(manifest(1, 1, { exposed_slope: 0.5 }, 2), two, [1, 2, h, w]);
    expect(d.find((x) => x.cls === 'straw_burning')!.box).toEqual({ x: 20, y: 10, width: 10, height: 10 });
    expect(d.find((x) => x.cls === 'exposed_slope')!.box).toEqual({ x: 20, y: 10, width: 30, height: 20 });
  });

  it('a box grows no tighter than its region: boxGrow above regionGrow changes nothing', () => {
    const d = decodeSegmentation(manifest(0.5, 1, { straw_burning: 0.9 }), map, [1, 1, h, w]);
    expect(d[0]!.box).toEqual({ x: 20, y: 10, width: 30, height: 20 });
  });

  it('refuses a box growth factor outside (0, 1] or for an unknown class, naming the field', () => {
    for (const bad of [{ straw_burning: 0 }, { straw_burning: 2 }, { smoke: 0.5 }])
      expect(() => manifest(1, 1, bad as never), JSON.stringify(bad)).toThrow(/boxGrow/);
  });
});
