/** Operating points chosen on validation score maps: threshold and the seed cells a region needs. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/model/manifest.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import { chooseThresholds } from '../src/training/choose-thresholds.ts';

const w = 8;
const h = 4;
const plane = w * h;
/** A 3-class score map with straw_burning cells set. */
function photo(cells: [number, number, number][], classes: string[] = []) {
  const scores = new Float32Array(3 * plane);
  for (const [x, y, v] of cells) scores[y * w + x] = v;
  return { scores, h, w, classes: new Set(classes) };
}
const patch = (v: number): [number, number, number][] => [
  [1, 1, v],
  [2, 1, v],
  [1, 2, v],
  [2, 2, v],
];
const manifestFor = (cls: TriageClass, t: number, k: number) =>
  parseManifest({
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells: 1, regionGrow: 1, minSeedCells: { [cls]: k } },
    numClasses: 3,
    classMap: { '0': 'straw_burning', '1': 'sewage_outfall', '2': 'exposed_slope' },
    thresholds: { [cls]: t },
  });
// two burns (4-cell patches at 0.9), two negatives with one stray cell at 0.95
const val = [
  photo(patch(0.9), ['straw_burning']),
  photo(patch(0.9), ['straw_burning']),
  photo([[6, 3, 0.95]]),
  photo([[5, 0, 0.95]]),
];
const valNegatives = val.slice(2);
const targets = { grid: [0.5, 0.7, 0.8, 0.9, 0.96], targetPrecision: 0.9, maxNegativeRate: 0 };

describe('chooseThresholds', () => {
  it('with one seed cell no threshold is both quiet and finds a burn: the best F1 is used', () => {
    const t = chooseThresholds(val, valNegatives, manifestFor, { ...targets, minSeedGrid: [1] });
    expect(t.straw_burning).toEqual({ threshold: 0.5, minSeedCells: 1, precision: 0.5, recall: 1, negativeRate: 1 });
  });

  it('a seed-count candidate that drops the stray cells wins at the lowest quiet threshold', () => {
    const t = chooseThresholds(val, valNegatives, manifestFor, { ...targets, minSeedGrid: [1, 2, 4] });
    expect(t.straw_burning).toEqual({ threshold: 0.5, minSeedCells: 2, precision: 1, recall: 1, negativeRate: 0 });
  });

  it('more negative photos make the choice stricter, never looser', () => {
    const more = [...valNegatives, photo(patch(0.75))];
    const t = chooseThresholds(val, more, manifestFor, { ...targets, minSeedGrid: [1, 2, 4] });
    expect(t.straw_burning!.threshold).toBe(0.8);
    expect(t.straw_burning!.negativeRate).toBe(0);
  });
});
