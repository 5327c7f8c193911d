import { intersectPolys, normalizeOrientation } from './clip.ts';
import { bboxOf, convexHull, hypot2, polyArea, type Poly, type Pt } from './geom.ts';
import { splitByLine } from './split.ts';
import { worldCells, type Cell } from './lanes.ts';
import { preparePoly, sweepCells, sweepCostS, sweepLayout, type PreparedPoly } from './sweep.ts';
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
  if (cells.every((c) => c.lanes.every((l) => l.length === 2))) return straightCellsCostS(cells, first, p);
  const { lengthM, turns } = lanesCost(orderCells(cells, first), p.marginM);
  return lengthM / p.speedMps + turns * p.turnPenaltyS;
}

/**
 * `orderCells` + `lanesCost` for cells of straight (two-point) lanes, without building the flown
 * lanes: the same greedy choice (nearest entry corner, ties to the first), lane extensions and
 * connections, with the same arithmetic in the same order, so the figure is identical.
 */
function straightCellsCostS(cells: readonly Cell[], start: Pt, p: CoverageCostParams): number {
  const m = p.marginM;
  const rest = cells.filter((c) => c.lanes.length > 0);
  const used = new Uint8Array(rest.length);
  let px = start[0];
  let py = start[1];
  let lengthM = 0;
  let lanes = 0;
  // Extended end of the previous lane.
  let ax = 0;
  let ay = 0;
  for (let k = 0; k < rest.length; k++) {
    let best = -1;
    let bestEntry = 0;
    let bestD = Infinity;
    for (let i = 0; i < rest.length; i++) {
      if (used[i]) continue;
      const ls = rest[i]!.lanes;
      for (let e = 0; e < 4; e++) {
        const lane = e >= 2 ? ls[ls.length - 1]! : ls[0]!;
        const q = e % 2 === 1 ? lane[1]! : lane[0]!;
        const dx = q[0] - px;
        const dy = q[1] - py;
        // Not nearer than the best so far (within an ulp): cannot pass the test below.
        if (dx * dx + dy * dy >= bestD * bestD) continue;
        const d = hypot2(dx, dy);
        if (d < bestD - 1e-9) {
          bestD = d;
          best = i;
          bestEntry = e;
        }
      }
    }
    used[best] = 1;
    const ls = rest[best]!.lanes;
    const n = ls.length;
    for (let j = 0; j < n; j++) {
      const lane = ls[bestEntry >= 2 ? n - 1 - j : j]!;
      const rev = (j % 2 === 1) !== (bestEntry % 2 === 1);
      const s = rev ? lane[1]! : lane[0]!;
      const e = rev ? lane[0]! : lane[1]!;
      const l = hypot2(e[0] - s[0], e[1] - s[1]);
      // Unit direction as endDirections computes it (a zero-length lane has none).
      const ux = (e[0] - s[0]) / (l || 1);
      const uy = (e[1] - s[1]) / (l || 1);
      if (lanes > 0) lengthM += hypot2(s[0] - ux * m - ax, s[1] - uy * m - ay);
      lengthM += l + 2 * m;
      ax = e[0] + ux * m;
      ay = e[1] + uy * m;
      px = e[0];
      py = e[1];
      lanes++;
    }
  }
  return lengthM / p.speedMps + Math.max(0, lanes - 1) * p.turnPenaltyS;
}

/** Lays out a prepared polygon at one angle and returns the flight-time estimate (no allocation). */
function sweptCostS(prep: PreparedPoly, angleRad: number, p: CoverageCostParams): number {
  sweepLayout(prep, angleRad, p.spacingM, p.insetM ?? 0);
  return sweepCostS(p);
}

/** Cost of one polygon at one lane angle. */
export function costAtAngle(poly: Poly, angleRad: number, p: CoverageCostParams, areaId = ''): PieceLayout {
  const costS = sweptCostS(preparePoly(poly), angleRad, p);
  const layout = { cos: Math.cos(angleRad), sin: Math.sin(angleRad) };
  return { cells: worldCells(sweepCells(), layout, areaId), angleRad, costS };
}

function normAngle(a: number): number {
  const r = a % Math.PI;
  return r < 0 ? r + Math.PI : r;
}

/**
 * Stage 2 (lanes): searches the lane angle — a 2° sweep plus every hull edge direction, then a fine
 * search around the three best — and returns the cheapest layout. `fixedAngleRad` skips the search.
 */
function bestLayout(
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
  // Candidates are scored on the flat sweep; only the winner's cells are built.
  const prep = preparePoly(poly);
  const evals = [...cands].map((a) => ({ angleRad: a, costS: sweptCostS(prep, a, p) }));
  evals.sort((x, y) => x.costS - y.costS);
  let best = evals[0]!;
  if (search.refine !== false) {
    // Golden-free local search: halve the step around the best seeds down to 0.1°.
    for (const seed of evals.slice(0, 2)) {
      let center = seed;
      for (let h = step / 2; h >= 0.1; h /= 2) {
        for (const sgn of [-1, 1]) {
          const a = normAngle(center.angleRad + (sgn * h * Math.PI) / 180);
          const e = { angleRad: a, costS: sweptCostS(prep, a, p) };
          if (e.costS < center.costS) center = e;
        }
      }
      if (center.costS < best.costS) best = center;
    }
  }
  sweepLayout(prep, best.angleRad, p.spacingM, p.insetM ?? 0);
  const layout = { cos: Math.cos(best.angleRad), sin: Math.sin(best.angleRad) };
  return { cells: worldCells(sweepCells(), layout, areaId), angleRad: best.angleRad, costS: best.costS };
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
  // Exact floating-point line split (O(edges)); the general clipper only for inputs it refuses.
  const split = splitByLine(poly, v, d);
  if (split) return [...split.left, ...split.right];
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
