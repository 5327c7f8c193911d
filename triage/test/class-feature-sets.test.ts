/** A feature set per class (round 8): the command line's names, and where each set's channels sit in the union. */
import { describe, expect, it } from 'vitest';
import {
  featureChannelNames,
  featureIndices,
  parseClassFeatures,
  setsByClass,
  specFor,
  unionSpec,
} from '../src/training/class-feature-sets.ts';
import type { FeatureGraphSpec } from '../src/training/detector-graph.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../src/training/train-detector.ts';

const base: FeatureGraphSpec = DEFAULT_TRAIN_OPTIONS.spec;

describe('--class-features', () => {
  it('reads class=set pairs; a class left out reads the base set', () => {
    const sets = parseClassFeatures(' exposed_slope=context-max-9, sewage_outfall=fine ');
    expect(sets).toEqual({ exposed_slope: 'context-max-9', sewage_outfall: 'fine' });
    expect(setsByClass(sets)).toEqual(['base', 'fine', 'context-max-9']);
  });

  it.each([
    ['exposed_slopes=fine', /未知类别 "exposed_slopes".*unknown class "exposed_slopes", expected one of straw_burning/],
    [
      'exposed_slope=context-max-7',
      /未知特征集 "context-max-7".*unknown feature set "context-max-7", expected one of base/,
    ],
    ['exposed_slope', /应为 类别=特征集 .*must be class=set/],
    ['exposed_slope=fine=base', /must be class=set/],
    ['exposed_slope=fine,exposed_slope=base', /出现了两次 .*given twice/],
    [' , ', /为空 .*is empty/],
  ])('refuses %j with a bilingual message', (text, message) => {
    expect(() => parseClassFeatures(text)).toThrow(message);
  });
});

describe('feature sets and their union', () => {
  it('the union holds every set; feature counts are those of rounds 6–7', () => {
    const union = unionSpec(base, ['base', 'fine', 'context-max-9']);
    expect(union).toEqual({ ...base, fineLayer: 'block_5_add', contextMaxCells: 9 });
    const count = (s: FeatureGraphSpec) => featureChannelNames(s, 96, 32).length;
    expect(count(specFor(base, 'base'))).toBe(208);
    expect(count(specFor(base, 'context-max-9'))).toBe(312);
    expect(count(specFor(base, 'fine'))).toBe(336);
    expect(count(union)).toBe(504);
    expect(unionSpec(base, ['base'])).toEqual(base);
  });

  it('maps each set channel to the same channel of the union', () => {
    const union = unionSpec(base, ['fine', 'context-max-9']);
    const names = featureChannelNames(union, 96, 32);
    for (const set of ['base', 'fine', 'context-max-9'] as const) {
      const spec = specFor(base, set);
      const idx = featureIndices(union, spec, 96, 32);
      expect(idx.map((i) => names[i])).toEqual(featureChannelNames(spec, 96, 32));
    }
    // base: backbone 0–95 and the cues (after the 64 stride-8 channels), then their 5×5 mean
    const b = featureIndices(union, specFor(base, 'base'), 96, 32);
    expect(b.slice(94, 106)).toEqual([94, 95, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169]);
    expect(b[207]).toBe(335);
    // a set the union does not hold is refused
    expect(() => featureIndices(specFor(base, 'base'), specFor(base, 'fine'), 96, 32)).toThrow(/not in the union/);
  });
});
