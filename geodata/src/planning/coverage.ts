import { bboxOf, polyArea, type Poly, type Pt } from './geom.ts';

/**
 * Share of an area inside the union of convex photo footprints, integrated along scan lines:
 * on each line the area's intervals are intersected with the merged footprint intervals.
 * Accurate to the line spacing (≤ 1 m or 1/300 of the extent), fast enough for every plan.
 */
export function coveredFraction(
  area: readonly Poly[],
  footprints: readonly Pt[][],
): { fraction: number; areaM2: number } {
  const areaM2 = area.reduce((s, p) => s + polyArea(p), 0);
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
