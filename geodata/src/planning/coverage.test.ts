import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainFootprints, coveredFraction } from './coverage.ts';
import type { Pt } from './geom.ts';
import { flatFootprint, lanePhotoPositions } from './photos.ts';

function inConvexQuad(p: Pt, q: readonly Pt[]): boolean {
  let pos = false;
  let neg = false;
  for (let i = 0; i < q.length; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % q.length]!;
    const c = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    if (c > 0) pos = true;
    if (c < 0) neg = true;
  }
  return !(pos && neg);
}

/** Distance from p to the nearest edge of any quad (to skip probes on a boundary). */
function edgeDistance(p: Pt, quads: readonly Pt[][]): number {
  let best = Infinity;
  for (const q of quads) {
    for (let i = 0; i < q.length; i++) {
      const a = q[i]!;
      const b = q[(i + 1) % q.length]!;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]));
    }
  }
  return best;
}

/** Photos of a few lanes flown back and forth (as the planner lays them), footprints in order. */
function laneFootprints(lanes: Array<[Pt, Pt]>, triggerM: number, acrossM: number, alongM: number): Pt[][] {
  return lanes.flatMap((pts) =>
    lanePhotoPositions(pts, triggerM).map((ph) => flatFootprint(ph.p, ph.dir, acrossM, alongM)),
  );
}

describe('footprint chains', () => {
  it('cover exactly the union of the photos along straight lanes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: Math.PI, noNaN: true }),
        fc.double({ min: 5, max: 40, noNaN: true }),
        fc.double({ min: 20, max: 90, noNaN: true }),
        fc.double({ min: 0.2, max: 1.4, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 40,
          maxLength: 40,
        }),
        (heading, triggerM, alongM, gapRatio, probes) => {
          // Trigger distance above the footprint length (gapRatio > 1) leaves gaps: no chaining there.
          const trigger = Math.min(triggerM, alongM * gapRatio);
          const u: Pt = [Math.cos(heading), Math.sin(heading)];
          const v: Pt = [-u[1], u[0]];
          const lanes: Array<[Pt, Pt]> = [0, 1, 2].map((k) => {
            const a: Pt = [100 + v[0] * 30 * k, 50 + v[1] * 30 * k];
            const b: Pt = [a[0] + u[0] * 400, a[1] + u[1] * 400];
            return k % 2 === 0 ? [a, b] : [b, a];
          });
          const raw = laneFootprints(lanes, trigger, 45, alongM);
          const chained = chainFootprints(raw);
          if (gapRatio <= 1) expect(chained.length).toBe(3);
          for (const [sx, sy] of probes) {
            // Probes over the lanes' bounding box, away from every quad edge by more than the tolerance.
            const p: Pt = [
              100 + u[0] * (sx * 500 - 50) + v[0] * (sy * 110 - 25),
              50 + u[1] * (sx * 500 - 50) + v[1] * (sy * 110 - 25),
            ];
            if (edgeDistance(p, raw) < 1e-4 || edgeDistance(p, chained) < 1e-4) continue;
            expect(chained.some((q) => inConvexQuad(p, q))).toBe(raw.some((q) => inConvexQuad(p, q)));
          }
        },
      ),
      { numRuns: 150, seed: 9 },
    );
  });

  it('leaves turns, gaps and other shapes alone', () => {
    const a = flatFootprint([0, 0], [1, 0], 40, 30);
    const gap = flatFootprint([31, 0], [1, 0], 40, 30);
    const turned = flatFootprint([50, 0], [0, 1], 40, 30);
    const sideways = flatFootprint([55, 0], [0, 1], 40, 30);
    const tri: Pt[] = [
      [0, 0],
      [10, 0],
      [0, 10],
    ];
    expect(chainFootprints([a, gap])).toHaveLength(2);
    expect(chainFootprints([a, turned])).toHaveLength(2);
    expect(chainFootprints([turned, sideways])).toHaveLength(2);
    expect(chainFootprints([tri, a, tri])).toEqual([tri, a, tri]);
    const touching = flatFootprint([30, 0], [1, 0], 40, 30);
    expect(chainFootprints([a, touching])).toEqual([[a[0], a[1], touching[2], touching[3]]]);
  });

  it('measure a field covered by its lanes as fully covered, and a missed lane as a gap', () => {
    const field: Pt[] = [
      [0, 0],
      [300, 0],
      [300, 90],
      [0, 90],
    ];
    const lanes: Array<[Pt, Pt]> = [
      [
        [-10, 15],
        [310, 15],
      ],
      [
        [310, 45],
        [-10, 45],
      ],
      [
        [-10, 75],
        [310, 75],
      ],
    ];
    const all = laneFootprints(lanes, 10, 32, 40);
    expect(coveredFraction([[field]], all).fraction).toBe(1);
    const missing = laneFootprints([lanes[0]!, lanes[2]!], 10, 32, 40);
    // The outer lanes' footprints (±16 m) reach y ≤ 31 and y ≥ 59: 28 m of 90 stay uncovered.
    expect(coveredFraction([[field]], missing).fraction).toBeCloseTo(62 / 90, 2);
  });
});
