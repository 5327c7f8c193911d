import { intersectPolys, normalizeOrientation } from './clip.ts';
import { bboxOf, convexHull, polyArea, type Poly, type Pt } from './geom.ts';
import { layoutStrips, rotatedCells, worldCells, type Cell, type RotatedCell } from './lanes.ts';
import { lanesCost, orderCells } from './order.ts';

/** What the coverage cost needs to know about the flight. */
export interface CoverageCostParams {
  spacingM: number;
  marginM: number;
  speedMps: number;
  turnPenaltyS: number;
  /** Lanes stop this far inside the area's ends (half the along-track footprint). */
  insetM?: number;
}

export interface PieceLayout {
  cells: Cell[];
  angleRad: number;
  costS: number;
}

/** Flight time (s) of cells flown in greedy order: the cost every stage minimises. */
export function cellsCostS(cells: readonly Cell[], p: CoverageCostParams): number {
  if (cells.length === 0) return 0;
  const first = cells[0]!.lanes[0]![0]!;
  const { lengthM, turns } = lanesCost(orderCells(cells, first), p.marginM);
  return lengthM / p.speedMps + turns * p.turnPenaltyS;
}

/** Flight time of rotated-frame cells (distances do not change under rotation). */
function rotatedCostS(cells: readonly RotatedCell[], p: CoverageCostParams): number {
  if (cells.length === 0) return 0;
  if (cells.length > 1) {
    const asCells: Cell[] = cells.map((c) => ({
      areaId: '',
      lanes: c.map(
        ([y, x0, x1]) =>
          [
            [x0, y],
            [x1, y],
          ] as Pt[],
      ),
    }));
    return cellsCostS(asCells, p);
  }
  // Fast path for one cell: lanes alternate direction, turnaround extensions at each end.
  const c = cells[0]!;
  const m = p.marginM;
  let len = 0;
  for (let i = 0; i < c.length; i++) {
    const [y, x0, x1] = c[i]!;
    len += x1 - x0 + 2 * m;
    const nx = c[i + 1];
    if (nx) {
      // Lane i ends at x1 (i even) or x0 (i odd), flying +x or -x.
      const endX = i % 2 === 0 ? x1 + m : x0 - m;
      const startX = i % 2 === 0 ? nx[2] + m : nx[1] - m;
      len += Math.hypot(endX - startX, nx[0] - y);
    }
  }
  return len / p.speedMps + (c.length - 1) * p.turnPenaltyS;
}

interface RotatedLayout {
  angleRad: number;
  costS: number;
  cells: RotatedCell[];
  layout: ReturnType<typeof layoutStrips>;
}

function rotatedAt(poly: Poly, angleRad: number, p: CoverageCostParams): RotatedLayout {
  const layout = layoutStrips(poly, angleRad, p.spacingM, p.insetM ?? 0);
  const cells = rotatedCells(layout);
  return { angleRad, costS: rotatedCostS(cells, p), cells, layout };
}

/** Cost of one polygon at one lane angle. */
export function costAtAngle(poly: Poly, angleRad: number, p: CoverageCostParams, areaId = ''): PieceLayout {
  const r = rotatedAt(poly, angleRad, p);
  return { cells: worldCells(r.cells, r.layout, areaId), angleRad, costS: r.costS };
}

function normAngle(a: number): number {
  const r = a % Math.PI;
  return r < 0 ? r + Math.PI : r;
}

/**
 * Stage 2 (lanes): searches the lane angle — a 2° sweep plus every hull edge direction, then a fine
 * search around the three best — and returns the cheapest layout. `fixedAngleRad` skips the search.
 */
export function bestLayout(
  poly: Poly,
  p: CoverageCostParams,
  areaId: string,
  fixedAngleRad?: number,
  search: { stepDeg?: number; refine?: boolean; extraRad?: number[] } = {},
): PieceLayout {
  if (fixedAngleRad !== undefined) return costAtAngle(poly, normAngle(fixedAngleRad), p, areaId);
  const step = search.stepDeg ?? 4;
  const cands = new Set<number>(search.extraRad?.map(normAngle));
  for (let d = 0; d < 180; d += step) cands.add(normAngle((d * Math.PI) / 180));
  const hull = convexHull(poly[0] ?? []);
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    cands.add(normAngle(Math.atan2(b[1] - a[1], b[0] - a[0])));
  }
  const evals = [...cands].map((a) => rotatedAt(poly, a, p));
  evals.sort((x, y) => x.costS - y.costS);
  let best = evals[0]!;
  if (search.refine !== false) {
    // Golden-free local search: halve the step around the best seeds down to 0.1°.
    for (const seed of evals.slice(0, 2)) {
      let center = seed;
      for (let h = step / 2; h >= 0.1; h /= 2) {
        for (const sgn of [-1, 1]) {
          const e = rotatedAt(poly, normAngle(center.angleRad + (sgn * h * Math.PI) / 180), p);
          if (e.costS < center.costS) center = e;
        }
      }
      if (center.costS < best.costS) best = center;
    }
  }
  return { cells: worldCells(best.cells, best.layout, areaId), angleRad: best.angleRad, costS: best.costS };
}

function reflexVertices(poly: Poly): Array<{ v: Pt; dirs: Pt[] }> {
  const out: Array<{ v: Pt; dirs: Pt[] }> = [];
  for (const ring of poly) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const a = ring[(i + n - 1) % n]!;
      const v = ring[i]!;
      const b = ring[(i + 1) % n]!;
      const cross = (v[0] - a[0]) * (b[1] - v[1]) - (v[1] - a[1]) * (b[0] - v[0]);
      const l1 = Math.hypot(v[0] - a[0], v[1] - a[1]);
      const l2 = Math.hypot(b[0] - v[0], b[1] - v[1]);
      // Reflex for the region (outer CCW, holes CW) by more than 20°: rounded corners (buffered
      // no-fly zones) are not worth a cut.
      if (cross < -0.34 * l1 * l2) {
        out.push({
          v,
          dirs: [
            [(v[0] - a[0]) / l1, (v[1] - a[1]) / l1],
            [(b[0] - v[0]) / l2, (b[1] - v[1]) / l2],
          ],
        });
      }
    }
  }
  return out;
}

function cutPolygon(poly: Poly, v: Pt, d: Pt): Poly[] {
  const [x0, y0, x1, y1] = bboxOf(poly[0]!);
  const R = 4 * (Math.hypot(x1 - x0, y1 - y0) + 1);
  const nx = -d[1];
  const ny = d[0];
  const half = (sign: number): Poly[] => [
    [
      [
        [v[0] - d[0] * R, v[1] - d[1] * R],
        [v[0] + d[0] * R, v[1] + d[1] * R],
        [v[0] + d[0] * R + sign * nx * R, v[1] + d[1] * R + sign * ny * R],
        [v[0] - d[0] * R + sign * nx * R, v[1] - d[1] * R + sign * ny * R],
      ],
    ],
  ];
  return [...intersectPolys([poly], half(1)), ...intersectPolys([poly], half(-1))];
}

export interface DecomposeOptions {
  /** Maximum recursion depth of cuts (0 = no cuts, just boustrophedon cells). */
  maxDepth?: number;
  /** A cut must save at least this fraction of flight time to be kept. */
  minGain?: number;
  fixedAngleRad?: number;
}

/**
 * Stage 1 (decompose) + 2 (lanes): boustrophedon cells at the best angle, and — for concave
 * polygons — cuts through reflex vertices along their edges when flying the pieces, each at its own
 * angle, is cheaper (an L-shape becomes two rectangles instead of one lawnmower across its corner).
 */
export function decomposeAndLayout(
  poly: Poly,
  p: CoverageCostParams,
  areaId: string,
  opts: DecomposeOptions = {},
): Cell[] {
  const maxDepth = opts.maxDepth ?? 2;
  const minGain = opts.minGain ?? 0.02;
  const whole = bestLayout(poly, p, areaId, opts.fixedAngleRad);
  if (maxDepth <= 0 || opts.fixedAngleRad !== undefined) return whole.cells;
  const reflex = reflexVertices(poly).slice(0, 8);
  if (reflex.length === 0) return whole.cells;
  const area = polyArea(poly);
  let bestCells: Cell[] = whole.cells;
  let bestCost = whole.costS * (1 - minGain);
  let bestPieces: Poly[] | null = null;
  for (const r of reflex) {
    for (const d of r.dirs) {
      let pieces: Poly[];
      try {
        pieces = cutPolygon(poly, r.v, d).map(normalizeOrientation);
      } catch {
        continue; // a cut the clipper cannot compute is simply not considered
      }
      if (pieces.length < 2) continue;
      // Skip cuts that shave off slivers: they cannot pay for the extra transit.
      if (pieces.some((q) => polyArea(q) < area * 0.03)) continue;
      // Quick estimate: each piece at its hull edge directions and along / across the cut.
      const along = Math.atan2(d[1], d[0]);
      const cells = pieces.flatMap(
        (q) =>
          bestLayout(q, p, areaId, undefined, { stepDeg: 180, refine: false, extraRad: [along, along + Math.PI / 2] })
            .cells,
      );
      const cost = cellsCostS(cells, p);
      if (cost < bestCost) {
        bestCost = cost;
        bestCells = cells;
        bestPieces = pieces;
      }
    }
  }
  if (!bestPieces) return bestCells;
  // Refine each piece further (it may still be concave).
  const refined = bestPieces.flatMap((q) =>
    reflexVertices(q).length > 0
      ? decomposeAndLayout(q, p, areaId, { ...opts, maxDepth: maxDepth - 1 })
      : bestLayout(q, p, areaId).cells,
  );
  return cellsCostS(refined, p) <= cellsCostS(bestCells, p) ? refined : bestCells;
}
