/** Operating points chosen on validation score maps: threshold and the seed cells a region needs. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/model/manifest.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import {
  chooseThresholds,
  firingRate,
  limitModelNegatives,
  parseSeedFloor,
  seedGridFor,
} from '../src/training/choose-thresholds.ts';

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
/** A three-class segmentation manifest over the 8×4-cell test maps. */
const manifest = (thresholds: Record<string, number>, minSeedCells: Record<string, number> = {}) =>
  parseManifest({
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells: 1, regionGrow: 1, minSeedCells },
    numClasses: 3,
    classMap: { '0': 'straw_burning', '1': 'sewage_outfall', '2': 'exposed_slope' },
    thresholds,
  });
const manifestFor = (cls: TriageClass, t: number, k: number) => manifest({ [cls]: t }, { [cls]: k });
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
  it('with one seed cell no threshold is both quiet and finds a burn: the class stays quiet, not the best F1', () => {
    // Best F1 is 0.5 (precision 0.5, recall 1) but fires on every negative photo: a review queue full of
    // false leads. Within the limit only 0.96 (nothing fires) remains.
    const t = chooseThresholds(val, valNegatives, manifestFor, { ...targets, minSeedGrid: [1] });
    expect(t.straw_burning).toEqual({ threshold: 0.96, minSeedCells: 1, precision: 1, recall: 0, negativeRate: 0 });
  });

  it('without the precision target, the best F1 among the quiet candidates', () => {
    // One burn at 0.92, two weak ones at 0.75; stray cells at 0.85 on both negatives. At 0.5 every burn and
    // every negative fires (F1 0.75, the best overall); at 0.9 only the strong burn (F1 0.5, no negative
    // fires). A precision target above 1 is never reached, so the fallback decides: the quiet 0.9.
    const negatives = [photo([[6, 3, 0.85]]), photo([[5, 0, 0.85]])];
    const weaker = [
      photo(patch(0.92), ['straw_burning']),
      photo(patch(0.75), ['straw_burning']),
      photo(patch(0.75), ['straw_burning']),
      ...negatives,
    ];
    const t = chooseThresholds(weaker, negatives, manifestFor, {
      ...targets,
      minSeedGrid: [1],
      targetPrecision: 1.01,
    });
    expect(t.straw_burning).toMatchObject({ threshold: 0.9, minSeedCells: 1, precision: 1, negativeRate: 0 });
    expect(t.straw_burning!.recall).toBeCloseTo(1 / 3, 3);
  });

  it('when no candidate keeps the negative limit, the quietest is used', () => {
    const noisy = [photo([[6, 3, 0.99]]), photo(patch(0.99))];
    const t = chooseThresholds(val, noisy, manifestFor, { ...targets, minSeedGrid: [1, 4] });
    // every threshold fires on the 4-cell patch; seed count 4 silences the stray cell: rate 1/2
    expect(t.straw_burning!.negativeRate).toBe(0.5);
    expect(t.straw_burning!.minSeedCells).toBe(4);
  });

  it('a seed-count candidate that drops the stray cells wins at the lowest quiet threshold', () => {
    const t = chooseThresholds(val, valNegatives, manifestFor, { ...targets, minSeedGrid: [1, 2, 4] });
    expect(t.straw_burning).toEqual({ threshold: 0.5, minSeedCells: 2, precision: 1, recall: 1, negativeRate: 0 });
  });

  it('a kept point (round 30) is measured where it is, not moved to the point the rule would choose', () => {
    const fixed = { straw_burning: { threshold: 0.7, minSeedCells: 1 } };
    const t = chooseThresholds(val, valNegatives, manifestFor, { ...targets, minSeedGrid: [1, 2, 4], fixed });
    // the rule alone takes 0.5 at 2 seed cells (previous test); kept at 0.7 and 1 cell, both strays fire
    expect(t.straw_burning).toEqual({ threshold: 0.7, minSeedCells: 1, precision: 0.5, recall: 1, negativeRate: 1 });
  });

  it('more negative photos make the choice stricter, never looser', () => {
    const more = [...valNegatives, photo(patch(0.75))];
    const t = chooseThresholds(val, more, manifestFor, { ...targets, minSeedGrid: [1, 2, 4] });
    expect(t.straw_burning!.threshold).toBe(0.8);
    expect(t.straw_burning!.negativeRate).toBe(0);
  });
});

describe('firingRate (the whole model, every class at its point)', () => {
  it('the per-class limit adds up over classes (and heads): each class fires on its own negative photo', () => {
    // Three negative photos, each with a 4-cell patch of one class only: per class 1 of 3 fire, the model on 3 of 3.
    const one = (c: number) => {
      const p = photo([]);
      for (const [x, y] of patch(0.9)) p.scores[c * plane + y * w + x] = 0.9;
      return p;
    };
    const negatives = [one(0), one(1), one(2)];
    const all = manifest({ straw_burning: 0.8, sewage_outfall: 0.8, exposed_slope: 0.8 });
    const classes = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
    const t = chooseThresholds([...negatives, photo(patch(0.9), ['straw_burning'])], negatives, manifestFor, {
      ...targets,
      grid: [0.8],
      maxNegativeRate: 0.34,
      minSeedGrid: [1],
    });
    for (const c of classes) expect(t[c]!.negativeRate).toBeCloseTo(1 / 3, 3);
    expect(firingRate(all, negatives)).toBe(1);
    // one class silenced: two of three
    expect(firingRate({ ...all, thresholds: { ...all.thresholds, sewage_outfall: 0.95 } }, negatives)).toBeCloseTo(
      2 / 3,
      6,
    );
    expect(firingRate(all, [])).toBe(0);
  });
});

describe('limitModelNegatives (the negative limit for the whole model)', () => {
  const all3 = (cls: TriageClass, t: number, k: number) => manifestFor(cls, t, k);
  /** A photo with a 4-cell patch of class `c` at `v`, labelled `classes`. */
  const withPatch = (c: number, v: number, classes: string[] = []) => {
    const p = photo([], classes);
    for (const [x, y] of patch(v)) p.scores[c * plane + y * w + x] = v;
    return p;
  };
  const point = (threshold: number) => ({ threshold, minSeedCells: 1, precision: 1, recall: 1, negativeRate: 0 });
  const grid = [0.5, 0.7, 0.8, 0.9, 0.96];
  /**
   * Six negatives: straw fires on two (0.75), slopes on two (0.6 and 0.85); each class within a 2-of-6
   * limit, the model on 4. Val: a burn at 0.95 and a slope at 0.65: raising slopes past 0.6 would lose it.
   */
  const twoEach = () => ({
    negatives: [withPatch(0, 0.75), withPatch(0, 0.75), withPatch(2, 0.6), withPatch(2, 0.85), photo([]), photo([])],
    val: [withPatch(0, 0.95, ['straw_burning']), withPatch(2, 0.65, ['exposed_slope'])],
  });

  it('raises the classes whose steps cost the least recall until the union of firing photos keeps the limit', () => {
    const { negatives, val } = twoEach();
    const points = { straw_burning: point(0.5), sewage_outfall: point(0.5), exposed_slope: point(0.5) };
    const lines: string[] = [];
    const out = limitModelNegatives(points, val, negatives, all3, grid, 2 / 6, (l) => lines.push(l));
    // straw 0.5 → 0.8 removes both its photos at no recall cost; slopes stay (raising them loses the slope)
    expect(out['straw_burning']!.threshold).toBe(0.8);
    expect(out['exposed_slope']!.threshold).toBe(0.5);
    expect(out['straw_burning']!.recall).toBe(1);
    expect(out['straw_burning']!.negativeRate).toBe(0);
    expect(lines.join('\n')).toMatch(/straw_burning threshold 0.5 → 0.8 \(validation recall 1.000 → 1.000\)/);
    expect(lines.at(-1)).toMatch(/fires on 2 of 6 negative photos \(4 at the per-class points; at most 2 allowed\)/);
    expect(points.straw_burning.threshold).toBe(0.5); // the given points are not changed
    const m = manifest(Object.fromEntries(Object.entries(out).map(([c, p]) => [c, p.threshold])));
    expect(firingRate(m, negatives)).toBeCloseTo(2 / 6, 6);
    // the same points with the per-class limit only: the model fires on 4 of 6
    expect(
      firingRate({ ...m, thresholds: { straw_burning: 0.5, sewage_outfall: 0.5, exposed_slope: 0.5 } }, negatives),
    ).toBeCloseTo(4 / 6, 6);
  });

  it('a kept class neither moves nor counts: the classes chosen here keep the limit among themselves', () => {
    // The first case with straw kept at 0.5 (round 30, --keep-points): its two photos stay and are not
    // counted, so the slopes keep their point (with straw counted, they would rise past 0.85 and lose the
    // slope to a budget straw alone has spent).
    const { negatives, val } = twoEach();
    const points = { straw_burning: point(0.5), exposed_slope: point(0.5) };
    const lines: string[] = [];
    const kept = new Set(['straw_burning']);
    const out = limitModelNegatives(points, val, negatives, all3, grid, 2 / 6, (l) => lines.push(l), undefined, kept);
    expect(out).toEqual(points);
    expect(lines.at(-1)).toMatch(/fires on 2 of 6 negative photos .*kept points of straw_burning left out/);
    // with a tighter limit the slopes still give way, to their own photos only
    const tight = limitModelNegatives(points, val, negatives, all3, grid, 0, () => {}, undefined, kept);
    expect(tight['straw_burning']).toEqual(points.straw_burning);
    expect(tight['exposed_slope']!.threshold).toBe(0.9);
    const all: string[] = [];
    const still = limitModelNegatives(
      points,
      val,
      negatives,
      all3,
      grid,
      0,
      (l) => all.push(l),
      undefined,
      new Set(['straw_burning', 'exposed_slope']),
    );
    expect(still).toEqual(points);
    expect(all).toEqual(['whole-model negative limit: every point is kept, none moves']);
  });

  it('with a tighter limit it raises the costly class too, and says when the grid cannot keep it', () => {
    const negatives = [withPatch(0, 0.75), withPatch(2, 0.6), withPatch(2, 0.99)];
    const val = [withPatch(2, 0.65, ['exposed_slope'])];
    const points = { straw_burning: point(0.5), exposed_slope: point(0.5) };
    const lines: string[] = [];
    const out = limitModelNegatives(points, val, negatives, all3, grid, 0, (l) => lines.push(l));
    expect(out['straw_burning']!.threshold).toBe(0.8);
    expect(out['exposed_slope']!.threshold).toBe(0.7); // loses the slope: recall 0
    expect(out['exposed_slope']!.recall).toBe(0);
    expect(lines.at(-1)).toMatch(/1 of 3 negative photos still fire and no threshold of the grid removes them/);
  });

  it('a rare class counts as much as a common one: the class losing the smaller share of its recall gives way', () => {
    // One negative photo each for straw (0.75) and outfalls (0.6), one allowed. Raising straw loses 3 of
    // its 10 burns (recall −0.3), raising outfalls both of its 2 (−1): fewer true positives, but all of them.
    const negatives = [withPatch(0, 0.75), withPatch(1, 0.6)];
    const val = [
      ...Array.from({ length: 7 }, () => withPatch(0, 0.95, ['straw_burning'])),
      ...Array.from({ length: 3 }, () => withPatch(0, 0.78, ['straw_burning'])),
      withPatch(1, 0.65, ['sewage_outfall']),
      withPatch(1, 0.65, ['sewage_outfall']),
    ];
    const points = { straw_burning: point(0.5), sewage_outfall: point(0.5) };
    const out = limitModelNegatives(points, val, negatives, all3, grid, 1 / 2);
    expect(out['straw_burning']!.threshold).toBe(0.8);
    expect(out['straw_burning']!.recall).toBe(0.7);
    expect(out['sewage_outfall']!.threshold).toBe(0.5);
    expect(out['sewage_outfall']!.recall).toBe(1);
  });

  it('with otherSeeds a class may take a larger region instead of a higher threshold', () => {
    // Straw's point (0.5, 1 seed cell) fires on a negative with a single stray cell at 0.95; raising the
    // threshold past it loses both burns (0.9), but asking for 4 seed cells drops the stray cell at 0.5.
    const stray = photo([[5, 2, 0.95]]);
    const negatives = [stray, photo([])];
    const val = [withPatch(0, 0.9, ['straw_burning']), withPatch(0, 0.9, ['straw_burning'])];
    const points = { straw_burning: point(0.5) };
    const seedGrid = { grid: [1, 4], targetPrecision: 0.9 };
    const lines: string[] = [];
    const raised = limitModelNegatives(points, val, negatives, all3, grid, 0);
    expect(raised['straw_burning']!.threshold).toBe(0.96);
    expect(raised['straw_burning']!.recall).toBe(0);
    const out = limitModelNegatives(points, val, negatives, all3, grid, 0, (l) => lines.push(l), seedGrid);
    expect(out['straw_burning']!.threshold).toBe(0.5);
    expect(out['straw_burning']!.minSeedCells).toBe(4);
    expect(out['straw_burning']!.recall).toBe(1);
    expect(out['straw_burning']!.negativeRate).toBe(0);
    expect(lines.join('\n')).toMatch(
      /straw_burning threshold 0.5 → 0.5, seed cells 1 → 4 \(validation recall 1.000 → 1.000\)/,
    );
    expect(lines.at(-1)).toMatch(/fires on 0 of 2 negative photos/);
    // a seed count whose point would not reach the precision is not a candidate
    const noisy = [...val, withPatch(0, 0.9), withPatch(0, 0.9)]; // two unlabelled patches: precision 0.5
    const strict = limitModelNegatives(points, noisy, negatives, all3, grid, 0, () => {}, seedGrid);
    expect(strict['straw_burning']!.minSeedCells).toBe(1);
  });

  it('with a seed floor a class never moves to a smaller region than its floor', () => {
    // Burns: a 4-cell patch at 0.9 with one cell at 0.99; a negative: a 4-cell patch at 0.92. Straw's point
    // (0.5 at 4 cells) fires on it; at 4 cells any threshold above 0.92 loses both burns, but one seed cell
    // at 0.96 finds both and not the negative. A floor of 4 rules that smaller region out.
    const burn = () => {
      const p = withPatch(0, 0.9, ['straw_burning']);
      p.scores[1 * w + 1] = 0.99;
      return p;
    };
    const val = [burn(), burn()];
    const negatives = [withPatch(0, 0.92), photo([])];
    const points = { straw_burning: { ...point(0.5), minSeedCells: 4 } };
    const seedGrid = { grid: [1, 2, 4], targetPrecision: 0.9 };
    const free = limitModelNegatives(points, val, negatives, all3, grid, 0, () => {}, seedGrid);
    expect(free['straw_burning']).toMatchObject({ threshold: 0.96, minSeedCells: 1, recall: 1, negativeRate: 0 });
    const floored = limitModelNegatives(points, val, negatives, all3, grid, 0, () => {}, {
      ...seedGrid,
      floor: { straw_burning: 4 },
    });
    expect(floored['straw_burning']!.minSeedCells).toBe(4);
    expect(floored['straw_burning']!.recall).toBe(0);
  });
});

describe('seed-cell floors (round 22)', () => {
  // A large burn (4 cells), a small one (2 cells), a negative with one stray cell.
  const small: [number, number, number][] = [
    [5, 1, 0.9],
    [6, 1, 0.9],
  ];
  const val = [photo(patch(0.9), ['straw_burning']), photo(small, ['straw_burning']), photo([[3, 3, 0.95]])];
  const negatives = val.slice(2);

  it('the per-class rule only looks at seed counts at or above the floor', () => {
    const free = chooseThresholds(val, negatives, manifestFor, { ...targets, minSeedGrid: [1, 2, 4] });
    expect(free.straw_burning).toMatchObject({ threshold: 0.5, minSeedCells: 2, recall: 1, negativeRate: 0 });
    const floored = chooseThresholds(val, negatives, manifestFor, {
      ...targets,
      minSeedGrid: [1, 2, 4],
      minSeedFloor: { straw_burning: 4 },
    });
    // the small burn is given up: a region must now cover 4 cells at the threshold
    expect(floored.straw_burning).toMatchObject({ threshold: 0.5, minSeedCells: 4, recall: 0.5 });
    // other classes keep the whole grid
    expect(floored.exposed_slope!.minSeedCells).toBe(free.exposed_slope!.minSeedCells);
  });

  it('seedGridFor keeps the counts at or above the floor, or the floor alone', () => {
    expect(seedGridFor([1, 2, 3, 4, 6, 8], 4)).toEqual([4, 6, 8]);
    expect(seedGridFor([1, 2], 8)).toEqual([8]);
    expect(seedGridFor([1, 2, 3], undefined)).toEqual([1, 2, 3]);
  });

  it('parseSeedFloor reads class=cells and refuses unknown classes and bad counts', () => {
    expect(parseSeedFloor('straw_burning=8, exposed_slope=4')).toEqual({ straw_burning: 8, exposed_slope: 4 });
    expect(() => parseSeedFloor('smoke=8')).toThrow(/unknown class smoke/);
    expect(() => parseSeedFloor('exposed_slope=0')).toThrow(/integer 1–64, got 0/);
    expect(() => parseSeedFloor('exposed_slope=2.5')).toThrow(/integer 1–64/);
    expect(() => parseSeedFloor('')).toThrow(/needs class=cells/);
  });

  it("pick 'f1': one more photo found at a lower precision no longer beats a clean point", () => {
    // Twelve burns at 0.9, one at 0.62, one unlabelled look-alike patch at 0.6. At 0.6 every burn is found
    // and the look-alike fires (precision 13/14 = 0.93, F1 0.963); at 0.61 every burn, nothing else (F1 1).
    const few = [
      ...Array.from({ length: 12 }, () => photo(patch(0.9), ['straw_burning'])),
      photo(patch(0.62), ['straw_burning']),
      photo(patch(0.6)),
    ];
    const negs = [photo([]), photo([])];
    const fine = { ...targets, grid: [0.6, 0.61, 0.7], minSeedGrid: [4] };
    const byRecall = chooseThresholds(few, negs, manifestFor, fine);
    expect(byRecall.straw_burning).toMatchObject({ threshold: 0.6, recall: 1 });
    expect(byRecall.straw_burning!.precision).toBeCloseTo(13 / 14, 3);
    const byF1 = chooseThresholds(few, negs, manifestFor, { ...fine, pick: 'f1' });
    expect(byF1.straw_burning).toMatchObject({ threshold: 0.61, recall: 1, precision: 1 });
    // where the clean point costs recall F1 weighs it: without 0.61 on the grid, 0.7 loses the 0.62 burn
    // (F1 0.96) and 0.6 (F1 0.963) stays
    const coarse = chooseThresholds(few, negs, manifestFor, { ...fine, grid: [0.6, 0.7], pick: 'f1' });
    expect(coarse.straw_burning!.threshold).toBe(0.6);
  });
});
