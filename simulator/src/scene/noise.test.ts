import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueNoise3 } from './noise.ts';

describe('valueNoise3', () => {
  it('stays in [0, 1], is continuous, and varies along every direction (no streaks in smoke)', () => {
    const coord = fc.double({ min: -500, max: 500, noNaN: true });
    const dir = fc.double({ min: -1, max: 1, noNaN: true });
    fc.assert(
      fc.property(coord, coord, coord, dir, dir, dir, fc.integer(), (x, y, z, a, b, c, seed) => {
        const n = Math.hypot(a, b, c);
        fc.pre(n > 0.1);
        const [ux, uy, uz] = [a / n, b / n, c / n];
        const v = valueNoise3(x, y, z, seed);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        // A millimetre-scale step barely changes it.
        expect(Math.abs(valueNoise3(x + 1e-4, y, z + 1e-4, seed) - v)).toBeLessThan(1e-2);
        // Along the line, over 16 lattice cells, it does change.
        let lo = 1;
        let hi = 0;
        for (let t = 0; t <= 16; t += 0.5) {
          const w = valueNoise3(x + ux * t, y + uy * t, z + uz * t, seed);
          lo = Math.min(lo, w);
          hi = Math.max(hi, w);
        }
        expect(hi - lo).toBeGreaterThan(0.05);
      }),
    );
  });

  it('is deterministic and depends on the seed', () => {
    expect(valueNoise3(1.3, 2.7, 3.1, 5)).toBe(valueNoise3(1.3, 2.7, 3.1, 5));
    expect(valueNoise3(1.3, 2.7, 3.1, 5)).not.toBe(valueNoise3(1.3, 2.7, 3.1, 6));
  });
});
