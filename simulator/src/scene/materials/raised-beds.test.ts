/**
 * Furrows between raised vegetable beds (issue 15). A furrow is a fifth of the beds' 1.3 m pitch; pixels
 * coarser than it sampled it at a point, so on white mulch film the furrows came out as rows of dark dashes.
 * Now a pixel takes the furrows' share of its footprint.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripeShare } from './fields.ts';

describe('raised-bed furrows', () => {
  it('are their share of a pixel: between 0 and 1, a point where the pixel is, their width over a period', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (u, width, share) => {
          const c = stripeShare(u, width, share);
          expect(c).toBeGreaterThanOrEqual(-1e-9);
          expect(c).toBeLessThanOrEqual(1 + 1e-9);
          // A footprint of whole periods covers exactly the stripes' share of it.
          expect(stripeShare(u, Math.max(1, Math.round(width)), share)).toBeCloseTo(share, 9);
          // A vanishing footprint is the point sample.
          expect(stripeShare(u, 0, share)).toBe(u - Math.floor(u) < share ? 1 : 0);
        },
      ),
    );
  });

  it('change smoothly from pixel to pixel where the pixels are coarser than a furrow', () => {
    // A 0.45 m pixel over 1.3 m beds with 0.29 m furrows, stepped 5 cm at a time across them: a point sample
    // jumps between bed and furrow (0 and 1), the footprint's share moves by at most 0.05 / 0.45 of a pixel.
    let jump = 0;
    let point = 0;
    for (let x = 0; x < 13; x += 0.05) {
      const a = stripeShare(x / 1.3, 0.45 / 1.3, 0.22);
      const b = stripeShare((x + 0.05) / 1.3, 0.45 / 1.3, 0.22);
      jump = Math.max(jump, Math.abs(a - b));
      point = Math.max(point, Math.abs(stripeShare(x / 1.3, 0, 0.22) - stripeShare((x + 0.05) / 1.3, 0, 0.22)));
    }
    expect(point).toBe(1);
    expect(jump).toBeLessThanOrEqual(0.05 / 0.45 + 1e-9);
  });
});
