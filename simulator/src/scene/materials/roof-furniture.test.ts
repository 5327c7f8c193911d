import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOF_BARE, ROOF_SHED, ROOF_SOLAR, ROOF_STAIR, ROOF_TANK, roofItemAt } from './roof-furniture.ts';

describe('roofItemAt', () => {
  it('keeps everything inside the parapet and below a storey', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 20, noNaN: true }),
        fc.double({ min: 3, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (w, d, fu, fv, hash) => {
          const it = roofItemAt(fu * w, fv * d, w, d, hash, 0.2);
          const edge = Math.min(fu * w, (1 - fu) * w, fv * d, (1 - fv) * d);
          if (edge < 0.5) expect(it.kind).toBe(ROOF_BARE);
          expect(it.heightM).toBeGreaterThanOrEqual(0);
          expect(it.heightM).toBeLessThan(3);
          expect(it.heightM === 0).toBe(it.kind === ROOF_BARE);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('furnishes most roomy roofs with a stairwell, heaters or a tank, and a shed on about the share asked', () => {
    const kinds = new Map<number, number>();
    const roofs = 400;
    for (let k = 0; k < roofs; k++) {
      const hash = (k + 0.5) / roofs;
      const seen = new Set<number>();
      for (let u = 0.25; u < 12; u += 0.25)
        for (let v = 0.25; v < 9; v += 0.25) seen.add(roofItemAt(u, v, 12, 9, hash, 0.2).kind);
      for (const kind of seen) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const share = (kind: number): number => (kinds.get(kind) ?? 0) / roofs;
    expect(share(ROOF_STAIR)).toBeGreaterThan(0.4);
    expect(share(ROOF_SOLAR)).toBeGreaterThan(0.3);
    expect(share(ROOF_TANK)).toBeGreaterThan(0.2);
    expect(share(ROOF_SHED)).toBeGreaterThan(0.12);
    expect(share(ROOF_SHED)).toBeLessThan(0.28);
    // A small roof (a kitchen, a shed) holds at most a tank.
    for (let k = 0; k < roofs; k++)
      for (let u = 0.25; u < 5; u += 0.25)
        for (let v = 0.25; v < 4; v += 0.25)
          expect([ROOF_BARE, ROOF_TANK]).toContain(roofItemAt(u, v, 5, 4, (k + 0.5) / roofs, 0.2).kind);
  });
});
