/** Metric geometry on plain arrays: the planner's internal currency (metres, local UTM frame). */

export type Pt = [number, number];
/** An open ring (first point not repeated). */
export type Ring = Pt[];
/** Outer ring followed by holes. */
export type Poly = Ring[];

const EPS = 1e-9;

/** Signed area of an open ring (positive = counter-clockwise). */
export function ringSignedArea(r: readonly Pt[]): number {
  let s = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const a = r[i]!;
    const b = r[(i + 1) % n]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Area of a polygon with holes (m²). */
export function polyArea(p: Poly): number {
  let a = 0;
  p.forEach((r, i) => {
    a += i === 0 ? Math.abs(ringSignedArea(r)) : -Math.abs(ringSignedArea(r));
  });
  return Math.max(0, a);
}

/**
 * Math.hypot of two numbers, the same algorithm as V8's builtin (normalise by the larger, Kahan
 * sum of squares, square root) and so the same result, without the builtin's variadic-call cost:
 * the angle search's cost estimate calls it millions of times per county.
 */
export function hypot2(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  if (x !== x || y !== y) return NaN;
  const max = x > y ? x : y;
  if (max === 0) return 0;
  const n1 = x / max;
  const n2 = y / max;
  // The builtin's Kahan compensation is exactly 0 after the first term, so for two terms this is
  // its sum bit for bit.
  return Math.sqrt(n1 * n1 + n2 * n2) * max;
}

export function dist(a: Pt, b: Pt): number {
  return hypot2(b[0] - a[0], b[1] - a[1]);
}

export function polylineLength(pts: readonly Pt[]): number {
  let l = 0;
  for (let i = 1; i < pts.length; i++) l += dist(pts[i - 1]!, pts[i]!);
  return l;
}

/** Even-odd point-in-polygon over all rings (holes excluded). */
export function pointInPoly(p: Pt, poly: Poly): boolean {
  let inside = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]!;
      const b = ring[j]!;
      if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) {
        inside = !inside;
      }
    }
  }
  return inside;
}

/** Closes an open ring for GeoJSON output. */
export function closeRing(r: readonly Pt[]): Pt[] {
  const first = r[0];
  return first ? [...r, [first[0], first[1]]] : [];
}

/** Drops the closing duplicate and consecutive duplicates of a GeoJSON ring. */
export function openRing(r: readonly (readonly number[])[]): Pt[] {
  const out: Pt[] = [];
  for (const c of r) {
    const p: Pt = [c[0]!, c[1]!];
    const last = out[out.length - 1];
    if (!last || Math.abs(last[0] - p[0]) > 1e-9 || Math.abs(last[1] - p[1]) > 1e-9) out.push(p);
  }
  const f = out[0];
  const l = out[out.length - 1];
  if (out.length > 1 && f && l && Math.abs(f[0] - l[0]) < 1e-9 && Math.abs(f[1] - l[1]) < 1e-9) out.pop();
  return out;
}

/**
 * Parameters t in (0,1) where segment a→b crosses the boundary of the polygons, plus the
 * sub-intervals of [0,1] that lie inside any polygon. Touching is not entering.
 */
export function insideIntervals(a: Pt, b: Pt, polys: readonly Poly[]): Array<[number, number]> {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len < EPS) return polys.some((p) => pointInPoly(a, p)) ? [[0, 1]] : [];
  const out: Array<[number, number]> = [];
  for (const poly of polys) {
    const ts: number[] = [0, 1];
    for (const ring of poly) {
      for (let i = 0, n = ring.length; i < n; i++) {
        const p = ring[i]!;
        const q = ring[(i + 1) % n]!;
        const ex = q[0] - p[0];
        const ey = q[1] - p[1];
        const den = dx * ey - dy * ex;
        if (Math.abs(den) < 1e-12) continue;
        const t = ((p[0] - a[0]) * ey - (p[1] - a[1]) * ex) / den;
        const u = ((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / den;
        if (t > 0 && t < 1 && u >= -1e-12 && u <= 1 + 1e-12) ts.push(t);
      }
    }
    ts.sort((x, y) => x - y);
    for (let i = 1; i < ts.length; i++) {
      const t0 = ts[i - 1]!;
      const t1 = ts[i]!;
      if ((t1 - t0) * len < 1e-6) continue;
      const tm = (t0 + t1) / 2;
      if (pointInPoly([a[0] + dx * tm, a[1] + dy * tm], poly)) out.push([t0, t1]);
    }
  }
  return mergeIntervals(out);
}

/** Sorts and merges overlapping intervals. */
function mergeIntervals(iv: Array<[number, number]>): Array<[number, number]> {
  if (iv.length < 2) return iv;
  const s = [...iv].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [[s[0]![0], s[0]![1]]];
  for (let i = 1; i < s.length; i++) {
    const cur = s[i]!;
    const last = out[out.length - 1]!;
    if (cur[0] <= last[1]) last[1] = Math.max(last[1], cur[1]);
    else out.push([cur[0], cur[1]]);
  }
  return out;
}

/** Shortest distance from point p to segment a→b. */
function pointSegDist(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 < EPS ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}

/** Distance between two segments (0 when they cross). */
export function segSegDist(a: Pt, b: Pt, c: Pt, d: Pt): number {
  const d1x = b[0] - a[0];
  const d1y = b[1] - a[1];
  const d2x = d[0] - c[0];
  const d2y = d[1] - c[1];
  const den = d1x * d2y - d1y * d2x;
  if (Math.abs(den) > 1e-12) {
    const t = ((c[0] - a[0]) * d2y - (c[1] - a[1]) * d2x) / den;
    const u = ((c[0] - a[0]) * d1y - (c[1] - a[1]) * d1x) / den;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) return 0;
  }
  return Math.min(pointSegDist(a, c, d), pointSegDist(b, c, d), pointSegDist(c, a, b), pointSegDist(d, a, b));
}

/** Point at arc length s along a polyline (clamped), with the direction of its segment. */
export function pointAlong(pts: readonly Pt[], s: number): { p: Pt; dir: Pt } {
  let acc = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const l = dist(a, b);
    if (l < EPS) continue;
    if (acc + l >= s || i === pts.length - 1) {
      const t = Math.max(0, Math.min(1, (s - acc) / l));
      return { p: [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], dir: [(b[0] - a[0]) / l, (b[1] - a[1]) / l] };
    }
    acc += l;
  }
  const p = pts[0]!;
  return { p: [p[0], p[1]], dir: [1, 0] };
}

/** The part of a polyline between arc lengths s0 < s1. */
export function subPolyline(pts: readonly Pt[], s0: number, s1: number): Pt[] {
  const out: Pt[] = [pointAlong(pts, s0).p];
  let acc = 0;
  for (let i = 1; i < pts.length; i++) {
    acc += dist(pts[i - 1]!, pts[i]!);
    if (acc > s0 + 1e-9 && acc < s1 - 1e-9) out.push([pts[i]![0], pts[i]![1]]);
  }
  out.push(pointAlong(pts, s1).p);
  return out;
}

/** Unit direction of the first / last segment of a polyline. */
export function endDirections(pts: readonly Pt[]): { start: Pt; end: Pt } {
  const a = pts[0]!;
  const b = pts[1] ?? a;
  const y = pts[pts.length - 2] ?? a;
  const z = pts[pts.length - 1]!;
  const l1 = dist(a, b) || 1;
  const l2 = dist(y, z) || 1;
  return { start: [(b[0] - a[0]) / l1, (b[1] - a[1]) / l1], end: [(z[0] - y[0]) / l2, (z[1] - y[1]) / l2] };
}

/** Convex hull (monotone chain), counter-clockwise. */
export function convexHull(points: readonly Pt[]): Pt[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  upper.pop();
  lower.pop();
  return lower.concat(upper);
}

/** Bounding box [minX, minY, maxX, maxY] of points. */
export function bboxOf(points: Iterable<Pt>): [number, number, number, number] {
  let a = Infinity;
  let b = Infinity;
  let c = -Infinity;
  let d = -Infinity;
  for (const p of points) {
    if (p[0] < a) a = p[0];
    if (p[1] < b) b = p[1];
    if (p[0] > c) c = p[0];
    if (p[1] > d) d = p[1];
  }
  return [a, b, c, d];
}
