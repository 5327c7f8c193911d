import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hypot2 } from './geom.ts';

describe('hypot2', () => {
  it('is Math.hypot bit for bit', () => {
    const scaled = fc
      .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: -6, max: 8 }))
      .map(([m, e]) => m * 10 ** e);
    fc.assert(
      fc.property(fc.oneof(scaled, fc.double()), fc.oneof(scaled, fc.double(), fc.constant(0)), (a, b) => {
        expect(Object.is(hypot2(a, b), Math.hypot(a, b))).toBe(true);
      }),
      { numRuns: 50_000, seed: 5 },
    );
    for (const [a, b] of [
      [0, 0],
      [-0, 0],
      [3, 4],
      [Infinity, NaN],
      [NaN, 1],
      [-Infinity, 2],
      [1e308, 1e308],
      [5e-324, 0],
    ] as Array<[number, number]>) {
      expect(Object.is(hypot2(a, b), Math.hypot(a, b))).toBe(true);
    }
  });
});
