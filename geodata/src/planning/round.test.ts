import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTo } from './round.ts';

describe('roundTo', () => {
  it('equals Number(x.toFixed(d)) for coordinates, altitudes and headings', () => {
    fc.assert(
      fc.property(fc.double({ min: -360, max: 360, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, d) => {
        expect(Object.is(roundTo(x, d), Number(x.toFixed(d)))).toBe(true);
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('equals toFixed on exact and near halves, negatives and zero', () => {
    const xs = [0, -0, 0.5, -0.5, 1.005, 2.675, -2.675, 119.123456785, 28.000000005, -1e-9, 1e-9, 1234.5, 0.125, 1e15];
    for (const x of xs) {
      for (const d of [0, 1, 2, 5, 8]) expect(Object.is(roundTo(x, d), Number(x.toFixed(d)))).toBe(true);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: -18_000_000_000, max: 18_000_000_000 }),
        fc.integer({ min: -3, max: 3 }),
        (n, u) => {
          // A decimal half at the 9th place, nudged by a few ulps either way.
          const x = (n + 0.5) / 1e8 + u * 2 ** -46;
          expect(Object.is(roundTo(x, 8), Number(x.toFixed(8)))).toBe(true);
        },
      ),
      { numRuns: 20_000, seed: 11 },
    );
    for (let k = 0; k < 2000; k++) {
      // Decimal halves at the 9th place: the cases where scaling could pick the other integer.
      const x = 119 + (k * 2 + 1) / 2e8 + k * 1e-6;
      expect(Object.is(roundTo(x, 8), Number(x.toFixed(8)))).toBe(true);
    }
  });
});
