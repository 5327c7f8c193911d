import { bboxOf, polyArea, type Poly, type Pt } from './geom.ts';

/** Corners this close (m) count as equal when chaining footprints. */
const CHAIN_TOL_M = 1e-6;

function sameShift(a: readonly Pt[], b: readonly Pt[], tx: number, ty: number): boolean {
  for (let k = 0; k < 4; k++) {
    const p = a[k]!;
    const q = b[k]!;
    if (Math.abs(q[0] - p[0] - tx) > CHAIN_TOL_M || Math.abs(q[1] - p[1] - ty) > CHAIN_TOL_M) return false;
  }
  return true;
}

/**
 * Replaces each run of consecutive footprints that are one parallelogram slid along its own side
 * (the photos of a straight lane: same size and heading, each step no longer than the footprint)
 * by their union, which is exactly the parallelogram from the first one's back to the last one's
 * front. Other footprints (terrain-following, bends) pass through unchanged. The union of all
 * footprints is the same set (corners agree within 1e-6 m), with ~50× fewer quads to scan.
 * Footprints are added one at a time, so a plan need not keep every photo's quad.
 */
export class FootprintChains {
  private readonly out: Pt[][] = [];
  /** First and latest quad of the open chain. */
  private head: Pt[] | null = null;
  private last: Pt[] | null = null;
  private ax = 0;
  private ay = 0;
  private a2 = 0;

  add(q: Pt[]): void {
    const last = this.last;
    if (last && q.length === 4) {
      const tx = q[0]![0] - last[0]![0];
      const ty = q[0]![1] - last[0]![1];
      // A forward step along side c0→c3, no longer than it, so the two overlap or touch.
      const along = tx * this.ax + ty * this.ay;
      const across = tx * this.ay - ty * this.ax;
      const len = Math.sqrt(this.a2);
      if (
        along >= 0 &&
        along <= this.a2 + CHAIN_TOL_M * len &&
        Math.abs(across) <= CHAIN_TOL_M * len &&
        sameShift(last, q, tx, ty)
      ) {
        this.last = q;
        return;
      }
    }
    this.flush();
    if (q.length === 4) {
      const [c0, c1, c2, c3] = q as [Pt, Pt, Pt, Pt];
      // Parallelogram with sides c0→c1 and c0→c3 (= c1→c2): it may start a chain.
      const ax = c3[0] - c0[0];
      const ay = c3[1] - c0[1];
      const a2 = ax * ax + ay * ay;
      if (
        Math.abs(c2[0] - c1[0] - ax) <= CHAIN_TOL_M &&
        Math.abs(c2[1] - c1[1] - ay) <= CHAIN_TOL_M &&
        a2 >= CHAIN_TOL_M
      ) {
        this.head = q;
        this.last = q;
        this.ax = ax;
        this.ay = ay;
        this.a2 = a2;
        return;
      }
    }
    this.out.push(q);
  }

  private flush(): void {
    const head = this.head;
    const last = this.last;
    if (head && last) this.out.push(last === head ? head : [head[0]!, head[1]!, last[2]!, last[3]!]);
    this.head = null;
    this.last = null;
  }

  /** The chained footprints so far. */
  quads(): Pt[][] {
    this.flush();
    return this.out;
  }
}

/** `FootprintChains` over a list. */
export function chainFootprints(footprints: readonly Pt[][]): Pt[][] {
  const c = new FootprintChains();
  for (const q of footprints) c.add(q);
  return c.quads();
}

/**
 * Share of an area inside the union of convex photo footprints, integrated along scan lines:
 * on each line the area's intervals are intersected with the merged footprint intervals.
 * Accurate to the line spacing (≤ 1 m or 1/300 of the extent), fast enough for every plan.
 * Footprints along straight lanes are first chained into their exact union (`chainFootprints`).
 */
export function coveredFraction(
  area: readonly Poly[],
  footprintsIn: readonly Pt[][],
): { fraction: number; areaM2: number } {
  const areaM2 = area.reduce((s, p) => s + polyArea(p), 0);
  const footprints = chainFootprints(footprintsIn);
  if (areaM2 <= 0) return { fraction: 1, areaM2: 0 };
  const [bx0, by0, bx1, by1] = bboxOf(area.flatMap((p) => p[0] ?? []));
  if (bx1 - bx0 > by1 - by0) {
    // Scan across the long side so each line meets only the photos near it (long rivers).
    const sw = (q: Pt): Pt => [q[1], q[0]];
    return {
      fraction: scan(
        area.map((p) => p.map((r) => r.map(sw))),
        footprints.map((q) => q.map(sw)),
      ),
      areaM2,
    };
  }
  return { fraction: scan(area, footprints), areaM2 };
}

function scan(area: readonly Poly[], footprints: readonly Pt[][]): number {
  const [, y0, , y1] = bboxOf(area.flatMap((p) => p[0] ?? []));
  const h = y1 - y0;
  const rows = Math.min(300, Math.max(50, Math.ceil(h)));
  const dy = h / rows;
  const edges: Array<[number, number, number, number]> = [];
  for (const p of area)
    for (const r of p)
      for (let i = 0; i < r.length; i++) {
        const a = r[i]!;
        const b = r[(i + 1) % r.length]!;
        edges.push([a[0], a[1], b[0], b[1]]);
      }
  edges.sort((e, f) => Math.min(e[1], e[3]) - Math.min(f[1], f[3]));
  const fps = footprints
    .map((q) => {
      let ymin = Infinity;
      let ymax = -Infinity;
      for (const p of q) {
        if (p[1] < ymin) ymin = p[1];
        if (p[1] > ymax) ymax = p[1];
      }
      return { q, ymin, ymax };
    })
    .sort((a, b) => a.ymin - b.ymin);
  let fi = 0;
  let ei = 0;
  const active: typeof fps = [];
  const activeEdges: typeof edges = [];
  let total = 0;
  let covered = 0;
  for (let r = 0; r < rows; r++) {
    const y = y0 + (r + 0.5) * dy;
    while (ei < edges.length && Math.min(edges[ei]![1], edges[ei]![3]) <= y) activeEdges.push(edges[ei++]!);
    let w = 0;
    for (const e of activeEdges) if (e[1] >= y || e[3] >= y) activeEdges[w++] = e;
    activeEdges.length = w;
    const xs: number[] = [];
    for (const e of activeEdges) {
      if (e[1] <= y !== e[3] <= y) xs.push(e[0] + ((y - e[1]) * (e[2] - e[0])) / (e[3] - e[1]));
    }
    xs.sort((a, b) => a - b);
    const ai: Array<[number, number]> = [];
    for (let i = 0; i + 1 < xs.length; i += 2) ai.push([xs[i]!, xs[i + 1]!]);
    if (ai.length === 0) continue;
    while (fi < fps.length && fps[fi]!.ymin <= y) active.push(fps[fi++]!);
    let k = 0;
    for (const f of active) if (f.ymax >= y) active[k++] = f;
    active.length = k;
    const fiv: Array<[number, number]> = [];
    for (const f of active) {
      let lo = Infinity;
      let hi = -Infinity;
      const q = f.q;
      for (let i = 0; i < q.length; i++) {
        const a = q[i]!;
        const b = q[(i + 1) % q.length]!;
        if (a[1] <= y !== b[1] <= y) {
          const x = a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
      }
      if (hi > lo) fiv.push([lo, hi]);
    }
    fiv.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const iv of fiv) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([iv[0], iv[1]]);
    }
    for (const [a0, a1] of ai) {
      total += a1 - a0;
      for (const [m0, m1] of merged) {
        const lo = Math.max(a0, m0);
        const hi = Math.min(a1, m1);
        if (hi > lo) covered += hi - lo;
      }
    }
  }
  return total > 0 ? Math.min(1, covered / total) : 1;
}
