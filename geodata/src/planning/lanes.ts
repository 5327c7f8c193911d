import type { Poly, Pt } from './geom.ts';

/** A boustrophedon cell: consecutive parallel lanes flown back and forth. Lanes are polylines in metres. */
export interface Cell {
  areaId: string;
  lanes: Pt[][];
}

interface Edge {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function rotatedEdges(poly: Poly, c: number, s: number): { edges: Edge[]; ymin: number; ymax: number } {
  const edges: Edge[] = [];
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const ring of poly) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % n]!;
      // Rotate by -theta so that lanes run along +x.
      const ax = a[0] * c + a[1] * s;
      const ay = -a[0] * s + a[1] * c;
      const bx = b[0] * c + b[1] * s;
      const by = -b[0] * s + b[1] * c;
      edges.push({ x1: ax, y1: ay, x2: bx, y2: by });
      if (ay < ymin) ymin = ay;
      if (ay > ymax) ymax = ay;
    }
  }
  return { edges, ymin, ymax };
}

function xAt(e: Edge, y: number): number {
  const dy = e.y2 - e.y1;
  if (Math.abs(dy) < 1e-12) return Math.min(e.x1, e.x2);
  const t = Math.max(0, Math.min(1, (y - e.y1) / dy));
  return e.x1 + (e.x2 - e.x1) * t;
}

/**
 * x-extents of the connected parts of (polygon ∩ horizontal strip [ya, yb]) in the rotated frame.
 * Exact: the strip is cut into slabs at vertex heights, each slab holds trapezoids, and trapezoids
 * touching across a slab boundary are joined. The reference for the sweep engine (`sweep.ts`),
 * which computes the same parts for all strips at once.
 */
export function stripComponents(edges: readonly Edge[], ya: number, yb: number): Array<[number, number]> {
  const inStrip: Edge[] = [];
  for (const e of edges) if ((e.y1 > ya || e.y2 > ya) && (e.y1 < yb || e.y2 < yb)) inStrip.push(e);
  if (inStrip.length === 0) return [];
  const ysSet: number[] = [ya, yb];
  for (const e of inStrip) {
    if (e.y1 > ya && e.y1 < yb) ysSet.push(e.y1);
  }
  ysSet.sort((a, b) => a - b);
  const ys: number[] = [];
  for (const y of ysSet) if (ys.length === 0 || y - ys[ys.length - 1]! > 1e-9) ys.push(y);

  type Trap = { lo: number; hi: number; botL: number; botR: number; topL: number; topR: number; id: number };
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const traps: Trap[] = [];
  let prev: Trap[] = [];
  for (let k = 0; k + 1 < ys.length; k++) {
    const y0 = ys[k]!;
    const y1 = ys[k + 1]!;
    const ym = (y0 + y1) / 2;
    const cross: Array<{ xm: number; xb: number; xt: number }> = [];
    for (const e of inStrip) {
      if (e.y1 <= ym !== e.y2 <= ym) cross.push({ xm: xAt(e, ym), xb: xAt(e, y0), xt: xAt(e, y1) });
    }
    cross.sort((a, b) => a.xm - b.xm);
    const cur: Trap[] = [];
    for (let i = 0; i + 1 < cross.length; i += 2) {
      const L = cross[i]!;
      const R = cross[i + 1]!;
      const t: Trap = {
        lo: Math.min(L.xb, L.xt),
        hi: Math.max(R.xb, R.xt),
        botL: L.xb,
        botR: R.xb,
        topL: L.xt,
        topR: R.xt,
        id: traps.length,
      };
      parent.push(t.id);
      traps.push(t);
      cur.push(t);
      for (const p of prev) {
        if (p.topL <= t.botR + 1e-6 && t.botL <= p.topR + 1e-6) {
          const ra = find(p.id);
          const rb = find(t.id);
          if (ra !== rb) parent[ra] = rb;
        }
      }
    }
    prev = cur;
  }
  const comps = new Map<number, [number, number]>();
  for (const t of traps) {
    const r = find(t.id);
    const c = comps.get(r);
    if (c) {
      c[0] = Math.min(c[0], t.lo);
      c[1] = Math.max(c[1], t.hi);
    } else comps.set(r, [t.lo, t.hi]);
  }
  return [...comps.values()].filter((c) => c[1] - c[0] > 1e-6).sort((a, b) => a[0] - b[0]);
}

/** Lane x-intervals clipped to the polygon at the centre line y (the "lanes clipped to the block" reference). */
function centerlineIntervals(edges: readonly Edge[], y: number): Array<[number, number]> {
  const xs: number[] = [];
  for (const e of edges) if (e.y1 <= y !== e.y2 <= y) xs.push(xAt(e, y));
  xs.sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < xs.length; i += 2) out.push([xs[i]!, xs[i + 1]!]);
  return out;
}

export interface LaneLayout {
  /** Lane direction, radians counter-clockwise from east. */
  angleRad: number;
  /** Per strip: centre y and the component x-extents, rotated frame. */
  strips: Array<{ y: number; comps: Array<[number, number]> }>;
  cos: number;
  sin: number;
}

/** Reference layout: centre-line intervals only (what a plain clipped lawnmower flies). */
export function layoutCenterlines(poly: Poly, angleRad: number, spacingM: number): LaneLayout {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const { edges, ymin, ymax } = rotatedEdges(poly, c, s);
  const n = Math.max(1, Math.ceil((ymax - ymin) / spacingM - 1e-9));
  const mid = (ymin + ymax) / 2;
  const strips: LaneLayout['strips'] = [];
  for (let i = 0; i < n; i++) {
    const y = mid + (i - (n - 1) / 2) * spacingM;
    strips.push({ y, comps: centerlineIntervals(edges, y) });
  }
  return { angleRad, strips, cos: c, sin: s };
}

function toWorld(x: number, y: number, c: number, s: number): Pt {
  return [x * c - y * s, x * s + y * c];
}

/** A cell in the rotated frame: lanes as [y, x0, x1]. */
export type RotatedCell = Array<[number, number, number]>;

/**
 * Boustrophedon decomposition on the strips: a part continues the cell above it when it overlaps
 * exactly one part there and that part overlaps only it; otherwise a new cell starts.
 */
export function rotatedCells(layout: LaneLayout): RotatedCell[] {
  const cells: RotatedCell[] = [];
  let prev: Array<{ comp: [number, number]; cell: number }> = [];
  for (const strip of layout.strips) {
    const cur: Array<{ comp: [number, number]; cell: number }> = [];
    for (const comp of strip.comps) {
      let cellIdx = -1;
      let over: { comp: [number, number]; cell: number } | undefined;
      let overCount = 0;
      for (const p of prev) {
        if (p.comp[0] <= comp[1] && comp[0] <= p.comp[1]) {
          over = p;
          overCount++;
        }
      }
      if (overCount === 1 && over) {
        let back = 0;
        for (const q of strip.comps) if (over.comp[0] <= q[1] && q[0] <= over.comp[1]) back++;
        if (back === 1) cellIdx = over.cell;
      }
      if (cellIdx < 0) {
        cellIdx = cells.length;
        cells.push([]);
      }
      cells[cellIdx]!.push([strip.y, comp[0], comp[1]]);
      cur.push({ comp, cell: cellIdx });
    }
    prev = cur;
  }
  return cells;
}

/** Rotated cells back to world cells. */
export function worldCells(
  cells: readonly RotatedCell[],
  layout: Pick<LaneLayout, 'cos' | 'sin'>,
  areaId: string,
): Cell[] {
  return cells.map((cell) => ({
    areaId,
    lanes: cell.map(([y, x0, x1]) => [toWorld(x0, y, layout.cos, layout.sin), toWorld(x1, y, layout.cos, layout.sin)]),
  }));
}
