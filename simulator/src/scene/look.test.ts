import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CROP, drawLook, type RGB } from './look.ts';

describe('drawLook', () => {
  it('draws milk vetch as a green winter cover, pink-purple only in spring when it flowers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const [r, g, b] = drawLook(seed, 'winter').crops[CROP.milk_vetch] as RGB;
        expect(g).toBeGreaterThan(r);
        expect(g).toBeGreaterThan(b);
        const [rs, gs, bs] = drawLook(seed, 'spring').crops[CROP.milk_vetch] as RGB;
        // In flower: no channel far above the others, green not the strongest by much (mauve-grey).
        expect(Math.max(rs, bs)).toBeGreaterThan(gs * 0.9);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every other crop colour when the season changes milk vetch (same draws)', () => {
    for (const seed of [1, 2, 3, 99]) {
      const w = drawLook(seed, 'winter').crops;
      const again = drawLook(seed, 'winter').crops;
      expect(w).toEqual(again);
      // The vetch's colour is one draw in both seasons: the crops drawn after it are the seed's either way.
      expect(drawLook(seed, 'spring').crops[CROP.vegetables]).toEqual(w[CROP.vegetables]);
    }
  });
});
