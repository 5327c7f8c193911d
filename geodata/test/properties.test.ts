import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSurvey } from '../src/planning/survey.ts';
import { costAtAngle, decomposeAndLayout, type CoverageCostParams } from '../src/planning/decompose.ts';
import { makeProjection } from '../src/planning/projection.ts';
import { segSegDist, type Poly, type Pt } from '../src/planning/geom.ts';
import { cellsCostS } from '../src/planning/decompose.ts';
import { dronePresets } from '../src/camera/presets.ts';
import { lonLat, polygonM } from './helpers.ts';

// Seeded random star-shaped polygons (often concave) with an optional rectangular hole.
const polygonArb = fc
  .record({
    n: fc.integer({ min: 5, max: 9 }),
    radii: fc.array(fc.double({ min: 120, max: 400, noNaN: true }), { minLength: 9, maxLength: 9 }),
    jitter: fc.array(fc.double({ min: -0.25, max: 0.25, noNaN: true }), { minLength: 9, maxLength: 9 }),
    hole: fc.boolean(),
  })
  .map(({ n, radii, jitter, hole }) => {
    const outer: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const a = ((i + 0.5 + jitter[i]!) / n) * 2 * Math.PI;
      outer.push([Math.cos(a) * radii[i]!, Math.sin(a) * radii[i]!]);
    }
    const rings: Array<Array<[number, number]>> = [outer];
    if (hole) {
      rings.push([
        [-40, -30],
        [-40, 30],
        [40, 30],
        [40, -30],
      ]);
    }
    return rings;
  });

const proj = makeProjection(119.13, 28.06);
const toM = (c: number[]): Pt => proj.forward(c);

describe('planner invariants on random polygons', () => {
  it('covers ≥ 99.5% of random concave polygons with holes', () => {
    fc.assert(
      fc.property(polygonArb, (rings) => {
        const plan = planSurvey(polygonM(rings, { id: 'rand' }), { launch: lonLat(-500, -500), altAglM: 60 });
        expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
      }),
      { numRuns: 12, seed: 42 },
    );
  });

  it('never enters a no-fly zone or its margin, and reports what it cannot cover', () => {
    const nofly = fc.record({
      x: fc.double({ min: -200, max: 200, noNaN: true }),
      y: fc.double({ min: -200, max: 200, noNaN: true }),
      r: fc.double({ min: 30, max: 90, noNaN: true }),
    });
    fc.assert(
      fc.property(polygonArb, nofly, (rings, z) => {
        const marginM = 20;
        const zone: Array<[number, number]> = [
          [z.x - z.r, z.y - z.r],
          [z.x + z.r, z.y - z.r],
          [z.x + z.r, z.y + z.r],
          [z.x - z.r, z.y + z.r],
        ];
        const nf = polygonM([zone], { id: 'nf' });
        const plan = planSurvey(polygonM(rings, { id: 'rand' }), {
          launch: lonLat(-600, -600),
          altAglM: 60,
          nofly: nf,
          noflyMarginM: marginM,
        });
        const zoneM = (nf.geometry as { coordinates: number[][][] }).coordinates[0]!.map(toM);
        for (const s of plan.sorties) {
          const c = s.route.coordinates.map(toM);
          for (let i = 1; i < c.length; i++) {
            for (let k = 1; k < zoneM.length; k++) {
              // 0.9 × margin: the buffer is a polygon approximation of the rounded margin.
              expect(segSegDist(c[i - 1]!, c[i]!, zoneM[k - 1]!, zoneM[k]!)).toBeGreaterThan(marginM * 0.9);
            }
          }
        }
        if (plan.warnings.some((w) => w.code === 'nofly-uncovered')) {
          expect(plan.warnings.find((w) => w.code === 'nofly-uncovered')!.message).toContain('nf');
        }
        expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.97);
      }),
      { numRuns: 10, seed: 7 },
    );
  });

  it('splits into sorties that each fit one battery and start/end at launch', () => {
    const drone = { ...dronePresets.m3e!, flightTimeS: 420 };
    fc.assert(
      fc.property(polygonArb, (rings) => {
        const launch = lonLat(-300, -300);
        const plan = planSurvey(polygonM(rings), { launch, altAglM: 60, drone });
        const budget = drone.flightTimeS * (1 - drone.reserveFraction);
        expect(plan.stats.sortieCount).toBeGreaterThan(1);
        for (const s of plan.sorties) {
          expect(s.durationS).toBeLessThanOrEqual(budget + 1e-6);
          const c = s.route.coordinates;
          expect(c[0]!.slice(0, 2)).toEqual([Number(launch[0].toFixed(8)), Number(launch[1].toFixed(8))]);
          expect(c.at(-1)!.slice(0, 2)).toEqual(c[0]!.slice(0, 2));
        }
        expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
      }),
      { numRuns: 6, seed: 3 },
    );
  });

  it('chooses a lane angle no worse than 100 random angles (same cost model, 1% tolerance)', () => {
    const p: CoverageCostParams = { spacingM: 30, marginM: 10, speedMps: 10, turnPenaltyS: 4 };
    fc.assert(
      fc.property(
        polygonArb,
        fc.array(fc.double({ min: 0, max: Math.PI, noNaN: true }), { minLength: 100, maxLength: 100 }),
        (rings, angles) => {
          const poly: Poly = rings.map((r) => r.map((q) => [q[0], q[1]] as Pt));
          const chosen = cellsCostS(decomposeAndLayout(poly, p, 'a', { maxDepth: 0 }), p);
          for (const a of angles) expect(chosen).toBeLessThanOrEqual(costAtAngle(poly, a, p).costS * 1.01);
        },
      ),
      { numRuns: 10, seed: 11 },
    );
  });
});
