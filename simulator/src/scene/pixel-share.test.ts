/**
 * Thin lines as their share of a pixel (issue 15). Furrows between raised vegetable beds (a fifth of their 1.3 m
 * pitch), slab joints in roads, banks and yards were sampled at a point: pixels coarser than them drew them
 * as rows of dark dashes (on white mulch film most of all). Now a pixel takes their share of its footprint, and
 * a joint marks the samples near it (thinLineShare) so the adaptive shading does not interpolate across it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineShare, stripeShare, Surface, thinLineMark, thinLineShare } from './surface.ts';

describe('a thin line’s share of a pixel', () => {
  it('of furrows between raised beds: between 0 and 1, a point where the pixel is, their width over a period', () => {
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

  it('of furrows changes smoothly from pixel to pixel where the pixels are coarser than a furrow', () => {
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

  it('of a single joint: between 0 and 1, the line where the pixel is a point, its width over all pixels', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.double({ min: 0.005, max: 2, noNaN: true }),
        (d, width, gsd) => {
          const c = lineShare(d, width, gsd);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1);
          expect(lineShare(d, width, 0)).toBe(Math.abs(d) < width / 2 ? 1 : 0);
          // Box-filtered, the line keeps its width: summed over pixel centres 1 mm apart, its share is its width.
          let sum = 0;
          for (let x = -3; x < 3; x += 0.001) sum += lineShare(x, width, gsd) * 0.001;
          expect(sum).toBeCloseTo(width, 2);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('of a joint marks the samples near it so adaptive shading shades round it, and never lowers a mark', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.02, max: 0.3, noNaN: true }),
        fc.double({ min: 0.005, max: 1, noNaN: true }),
        fc.constantFrom(0, 1, 2),
        (d, width, gsd, before) => {
          const s = new Surface();
          s.nearThin = before;
          // The share is lineShare's; the mark thinLineMark's for the line in samples, kept if higher.
          expect(thinLineShare(s, d, width, gsd)).toBe(lineShare(d, width, gsd));
          const mark = thinLineMark(width / gsd + 0.7, Math.abs(d) / gsd);
          expect(s.nearThin).toBe(Math.max(before, mark));
          // A line narrower than a sample, less than a sample away, is always marked for the finest lattice.
          if (width < gsd && Math.abs(d) < gsd) expect(s.nearThin).toBe(2);
          // Far off (over 4 samples past its edge) nothing is marked.
          if (Math.abs(d) - width / 2 > 4 * gsd) expect(s.nearThin).toBe(before);
        },
      ),
    );
  });
});
