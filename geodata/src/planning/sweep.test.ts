import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeOrientation } from './clip.ts';
import { cellsCostS, costAtAngle, type CoverageCostParams } from './decompose.ts';
import type { Poly, Pt } from './geom.ts';
import { rotatedCells, stripComponents, worldCells, type Cell, type LaneLayout } from './lanes.ts';
import { lanesCost, orderCells } from './order.ts';
import { preparePoly, sweepCells, sweepCostS, sweepLayout, sweepStrips } from './sweep.ts';

/**
 * The strips as the planner first computed them: every strip scans every edge with the original
 * `stripComponents` (kept in lanes.ts as the reference), insets applied afterwards.
 */
function referenceStrips(poly: Poly, angleRad: number, spacingM: number, insetM: number): LaneLayout['strips'] {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const edges: Array<{ x1: number; y1: number; x2: number; y2: number }> = [];
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const ring of poly) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      const ay = -a[0] * s + a[1] * c;
      edges.push({ x1: a[0] * c + a[1] * s, y1: ay, x2: b[0] * c + b[1] * s, y2: -b[0] * s + b[1] * c });
      ymin = Math.min(ymin, ay);
      ymax = Math.max(ymax, ay);
    }
  }
  const n = Math.max(1, Math.ceil((ymax - ymin) / spacingM - 1e-9));
  const mid = (ymin + ymax) / 2;
  const strips: LaneLayout['strips'] = [];
  for (let i = 0; i < n; i++) {
    const y = mid + (i - (n - 1) / 2) * spacingM;
    const ya = Math.max(ymin, y - spacingM / 2);
    const yb = Math.min(ymax, y + spacingM / 2);
    const comps = stripComponents(edges, ya, yb).map(([x0, x1]): [number, number] => {
      if (x1 - x0 - 2 * insetM >= 1) return [x0 + insetM, x1 - insetM];
      const m = (x0 + x1) / 2;
      return [m - 0.5, m + 0.5];
    });
    strips.push({ y, comps });
  }
  return strips;
}

// Concave star-shaped fields, sometimes with a hole, and the planner's cost parameters.
const caseArb = fc.record({
  n: fc.integer({ min: 3, max: 12 }),
  radii: fc.array(fc.double({ min: 40, max: 400, noNaN: true }), { minLength: 12, maxLength: 12 }),
  jitter: fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 12, maxLength: 12 }),
  hole: fc.boolean(),
  angle: fc.double({ min: 0, max: Math.PI, noNaN: true }),
  spacingM: fc.double({ min: 5, max: 60, noNaN: true }),
  insetM: fc.double({ min: 0, max: 40, noNaN: true }),
});

function polyOf(c: { n: number; radii: number[]; jitter: number[]; hole: boolean }): Poly {
  const outer: Pt[] = [];
  for (let i = 0; i < c.n; i++) {
    const a = ((i + 0.5 + c.jitter[i]!) / c.n) * 2 * Math.PI;
    outer.push([Math.cos(a) * c.radii[i]! + 300, Math.sin(a) * c.radii[i]! - 200]);
  }
  const rings: Poly = [outer];
  if (c.hole) {
    rings.push([
      [285, -210],
      [315, -210],
      [315, -190],
      [285, -190],
    ]);
  }
  return normalizeOrientation(rings);
}

const cost: CoverageCostParams = { spacingM: 20, marginM: 10, speedMps: 12, turnPenaltyS: 4 };

describe('sweep engine', () => {
  it('finds exactly the strip parts of the original per-strip scan, and the same cells', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const poly = polyOf(c);
        sweepLayout(preparePoly(poly), c.angle, c.spacingM, c.insetM);
        const strips = sweepStrips();
        expect(strips).toEqual(referenceStrips(poly, c.angle, c.spacingM, c.insetM));
        const layout: LaneLayout = { angleRad: c.angle, strips, cos: Math.cos(c.angle), sin: Math.sin(c.angle) };
        expect(sweepCells()).toEqual(rotatedCells(layout));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('estimates the flight time the greedy cell order gives in the world frame', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const poly = polyOf(c);
        const p = { ...cost, spacingM: c.spacingM, insetM: c.insetM };
        sweepLayout(preparePoly(poly), c.angle, p.spacingM, c.insetM);
        const est = sweepCostS(p);
        const cells = worldCells(sweepCells(), { cos: Math.cos(c.angle), sin: Math.sin(c.angle) }, '');
        // Same lanes rotated back: equal up to the rounding of the rotation.
        expect(Math.abs(est - cellsCostS(cells, p))).toBeLessThan(1e-6 * (1 + est));
        expect(costAtAngle(poly, c.angle, p).costS).toBe(est);
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  it('prices straight-lane cells exactly as ordering and flying the lanes does', () => {
    fc.assert(
      fc.property(caseArb, caseArb, (c1, c2) => {
        const p = { ...cost, spacingM: c1.spacingM, insetM: c1.insetM };
        // Cells of two pieces at two angles, as the cut search prices them together.
        const cells: Cell[] = [c1, c2].flatMap((c) => costAtAngle(polyOf(c), c.angle, p).cells);
        const { lengthM, turns } = lanesCost(orderCells(cells, cells[0]!.lanes[0]![0]!), p.marginM);
        expect(cellsCostS(cells, p)).toBe(lengthM / p.speedMps + turns * p.turnPenaltyS);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
