import { polyArea, ringSignedArea, type Poly, type Pt, type Ring } from './geom.ts';

/**
 * Exact split of a polygon with holes by a straight line, in plain floating point (metres): the
 * planner's cut search calls this hundreds of times per block, where a general clipper with
 * arbitrary-precision arithmetic (polyclip-ts) costs milliseconds per call.
 *
 * Method: every ring is walked once (O(edges)); the runs of vertices on one side become chains
 * from an entry crossing to an exit crossing; crossings sorted along the line pair up into cut
 * segments (exit → next entry), which link the chains into the pieces' rings. Vertices on the line
 * belong to the left side (but a hole touching the line from the right stays a hole of the right),
 * which is the same as shifting the line by an infinitesimal amount: ties between crossings at one
 * point are ordered by that shift, so collinear edges and vertices on the line are handled
 * consistently; pieces that touch only at a point of the line come out separate. Output follows
 * polyclip-ts' conventions (outer ring CCW, holes CW, each ring starting at its lowest-leftmost
 * vertex, collinear vertices removed, pieces ordered by that vertex), so it stands in for turf's
 * intersect in the cut search. Checked against exact half-plane areas (split.test.ts); where the
 * two differ, polyclip-ts had snapped to a millimetre grid after failing or merged pieces that
 * touch at a point.
 */

/** Vertices this close to the line (m) count as on it. */
const ON_LINE_M = 1e-9;

interface Crossing {
  /** Position along the line: d · (X − origin). */
  t: number;
  /** Tie key for crossings at one point: d · edge / Δs (see `byLine`). */
  k: number;
  x: Pt;
  /** True when the edge goes from the left side (s ≥ 0) to the right (s < 0). */
  leavesLeft: boolean;
  /** Chain that starts here, on the side the edge enters. */
  starts: Chain | null;
}

interface Chain {
  /** Entry crossing point, the ring's vertices on one side, exit crossing point. */
  pts: Pt[];
  end: Crossing | null;
  left: boolean;
  used: boolean;
}

function byLine(a: Crossing, b: Crossing): number {
  // Shifting the line by −ε (into the right side) moves a crossing to t − ε·k: larger k first.
  return a.t - b.t || b.k - a.k;
}

function crossingPoint(p: Pt, q: Pt, sp: number, sq: number, origin: Pt, d: Pt): Pt {
  if (sp === 0) return [p[0], p[1]];
  if (sq === 0) return [q[0], q[1]];
  const f = sp / (sp - sq);
  // On an axis-parallel line one coordinate is known exactly: keep it so (no 900.0000000000001).
  return [
    d[1] === 0 || d[0] !== 0 ? p[0] + (q[0] - p[0]) * f : origin[0],
    d[0] === 0 || d[1] !== 0 ? p[1] + (q[1] - p[1]) * f : origin[1],
  ];
}

/** Removes consecutive duplicates, cyclically. */
function dedupe(r: Pt[]): Pt[] {
  const out: Pt[] = [];
  for (const p of r) {
    const l = out[out.length - 1];
    if (!l || l[0] !== p[0] || l[1] !== p[1]) out.push(p);
  }
  while (out.length > 1) {
    const f = out[0]!;
    const l = out[out.length - 1]!;
    if (f[0] === l[0] && f[1] === l[1]) out.pop();
    else break;
  }
  return out;
}

/** Splits a ring at points it visits twice (pieces touching at a point on the cut line). */
function splitAtRepeats(r: Pt[], onLine: Set<Pt>, out: Pt[][]): void {
  const seen = new Map<string, number>();
  for (let j = 0; j < r.length; j++) {
    const p = r[j]!;
    if (!onLine.has(p)) continue;
    const key = `${p[0]},${p[1]}`;
    const i = seen.get(key);
    if (i === undefined) {
      seen.set(key, j);
      continue;
    }
    splitAtRepeats(r.slice(i, j), onLine, out);
    splitAtRepeats([...r.slice(j), ...r.slice(0, i)], onLine, out);
    return;
  }
  out.push(r);
}

/** Drops vertices on the straight line through their neighbours (as polyclip-ts does). */
function dropCollinear(r: Pt[]): Pt[] {
  let cur = r;
  for (let pass = 0; pass < 4 && cur.length >= 3; pass++) {
    const out: Pt[] = [];
    const n = cur.length;
    for (let i = 0; i < n; i++) {
      const a = out.length > 0 ? out[out.length - 1]! : cur[(i + n - 1) % n]!;
      const b = cur[i]!;
      const c = cur[(i + 1) % n]!;
      const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
      const len = Math.hypot(c[0] - a[0], c[1] - a[1]);
      if (Math.abs(cross) <= ON_LINE_M * len) continue;
      out.push(b);
    }
    if (out.length === n) return out;
    cur = out;
  }
  return cur;
}

function lowestLeftIndex(r: readonly Pt[]): number {
  let best = 0;
  for (let i = 1; i < r.length; i++) {
    const p = r[i]!;
    const b = r[best]!;
    if (p[0] < b[0] || (p[0] === b[0] && p[1] < b[1])) best = i;
  }
  return best;
}

function startAtLowestLeft(r: Pt[]): Pt[] {
  const i = lowestLeftIndex(r);
  return i === 0 ? r : [...r.slice(i), ...r.slice(0, i)];
}

function comparePts(a: Pt, b: Pt): number {
  return a[0] - b[0] || a[1] - b[1];
}

function pointInRing(p: Pt, ring: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

export interface LineSplit {
  /** Pieces left of the line (the side of the normal (−d.y, d.x)), vertices on the line included. */
  left: Poly[];
  /** Pieces right of the line. */
  right: Poly[];
}

/**
 * Splits a polygon (outer ring CCW, holes CW, open rings) by the infinite line through `origin`
 * along the unit vector `d`. Returns null when the input is too degenerate for a consistent answer
 * (self-touching rings): the caller then uses the general clipper.
 */
export function splitByLine(poly: Poly, origin: Pt, d: Pt): LineSplit | null {
  const nx = -d[1];
  const ny = d[0];
  const crossings: Crossing[] = [];
  const chains: Chain[] = [];
  const whole: { left: Ring[]; right: Ring[] } = { left: [], right: [] };
  const onLinePts: Array<{ p: Pt; t: number }> = [];
  const onLine = new Set<Pt>();
  const crossingOf = (p: Pt, q: Pt, sp: number, sq: number, leavesLeft: boolean, shift: number): Crossing => {
    const x = crossingPoint(p, q, sp, sq, origin, d);
    onLine.add(x);
    const c: Crossing = {
      t: d[0] * (x[0] - origin[0]) + d[1] * (x[1] - origin[1]),
      // Points on the line sit left of a line shifted by −ε (shift 1) or right of one shifted by +ε.
      k: (shift * (d[0] * (q[0] - p[0]) + d[1] * (q[1] - p[1]))) / (sq - sp),
      x,
      leavesLeft,
      starts: null,
    };
    crossings.push(c);
    return c;
  };
  poly.forEach((ring, ringIndex) => {
    const n = ring.length;
    if (n < 3) return;
    const s = new Float64Array(n);
    let anyLeft = false;
    let anyRight = false;
    let anyOn = false;
    for (let i = 0; i < n; i++) {
      const p = ring[i]!;
      let v = nx * (p[0] - origin[0]) + ny * (p[1] - origin[1]);
      if (Math.abs(v) < ON_LINE_M) {
        v = 0;
        anyOn = true;
        onLinePts.push({ p, t: d[0] * (p[0] - origin[0]) + d[1] * (p[1] - origin[1]) });
        onLine.add(p);
      } else if (v > 0) anyLeft = true;
      else anyRight = true;
      s[i] = v;
    }
    // A hole touching the line from one side stays a hole of that side (what turf gives on real,
    // not axis-aligned, input): its points on the line count as that side's.
    const onIsRight = ringIndex > 0 && anyOn && anyRight && !anyLeft;
    const shift = onIsRight ? -1 : 1;
    if (anyOn) {
      if (onIsRight) anyRight = true;
      else anyLeft = true;
    }
    if (!anyRight || !anyLeft) {
      (anyLeft ? whole.left : whole.right).push(ring.map((p) => [p[0], p[1]] as Pt));
      return;
    }
    const side = new Uint8Array(n);
    for (let i = 0; i < n; i++) side[i] = s[i]! > 0 || (s[i] === 0 && !onIsRight) ? 1 : 0;
    // Walk from just after a side change, so every chain runs from one crossing to the next.
    let start = 0;
    while (side[start] === side[(start + n - 1) % n]) start++;
    const before = (start + n - 1) % n;
    const first = crossingOf(ring[before]!, ring[start]!, s[before]!, s[start]!, side[before] === 1, shift);
    let chain: Chain = { pts: [first.x], end: null, left: side[start] === 1, used: false };
    first.starts = chain;
    for (let m = 0; m < n; m++) {
      const i = (start + m) % n;
      const j = (i + 1) % n;
      chain.pts.push(ring[i]!);
      if (side[i] === side[j]) continue;
      const c = j === start ? first : crossingOf(ring[i]!, ring[j]!, s[i]!, s[j]!, side[i] === 1, shift);
      chain.pts.push(c.x);
      chain.end = c;
      chains.push(chain);
      if (j === start) break;
      chain = { pts: [c.x], end: null, left: side[j] === 1, used: false };
      c.starts = chain;
    }
  });
  crossings.sort(byLine);

  if (crossings.length % 2 !== 0) return null;
  for (let i = 0; i < crossings.length; i += 2) {
    // Sorted along the line, crossings alternate: leaving the left side, then entering it again.
    if (!crossings[i]!.leavesLeft || crossings[i + 1]!.leavesLeft) return null;
  }
  onLinePts.sort((a, b) => a.t - b.t);
  const rank = new Map<Crossing, number>();
  crossings.forEach((c, i) => rank.set(c, i));
  const left = trace(chains, crossings, rank, true, onLinePts);
  const right = trace(chains, crossings, rank, false, onLinePts);
  if (!left || !right) return null;
  const leftPolys = assemble([...left, ...whole.left], onLine);
  const rightPolys = assemble([...right, ...whole.right], onLine);
  if (!leftPolys || !rightPolys) return null;
  // Area is conserved unless the linking went wrong somewhere.
  const total = polyArea(poly);
  const sum = [...leftPolys, ...rightPolys].reduce((acc, p) => acc + polyArea(p), 0);
  if (Math.abs(sum - total) > 1e-7 * Math.max(1, total)) return null;
  return { left: leftPolys, right: rightPolys };
}

/** Links the chains of one side into rings through the cut segments along the line. */
function trace(
  chains: readonly Chain[],
  sorted: readonly Crossing[],
  rank: ReadonlyMap<Crossing, number>,
  left: boolean,
  onLinePts: ReadonlyArray<{ p: Pt; t: number }>,
): Pt[][] | null {
  const rings: Pt[][] = [];
  for (const first of chains) {
    if (first.left !== left || first.used) continue;
    const ring: Pt[] = [];
    let chain = first;
    for (let guard = 0; ; guard++) {
      if (chain.used || guard > chains.length || !chain.end) return null;
      chain.used = true;
      ring.push(...chain.pts);
      const r = rank.get(chain.end)!;
      // Left pieces leave at an even rank and follow +d to the next crossing; right ones go back.
      const entry = sorted[left ? r + 1 : r - 1];
      if (!entry || entry.leavesLeft === left) return null;
      if (left) {
        // Polygon vertices touching the cut from the left side: the ring is split there later.
        const t0 = chain.end.t;
        for (const o of onLinePts) if (o.t > t0 && o.t < entry.t) ring.push(o.p);
      }
      const next = entry.starts;
      if (!next || next.left !== left) return null;
      if (next === first) break;
      chain = next;
    }
    rings.push(ring);
  }
  return rings;
}

/** Cleans rings, splits touching ones, assigns holes to outers and orders like polyclip-ts. */
function assemble(rings: readonly Pt[][], onLine: Set<Pt>): Poly[] | null {
  const split: Pt[][] = [];
  for (const r of rings) splitAtRepeats(dedupe(r), onLine, split);
  const outers: Ring[] = [];
  const holes: Ring[] = [];
  for (const r0 of split) {
    const r = dropCollinear(dedupe(r0));
    if (r.length < 3) continue;
    const a = ringSignedArea(r);
    if (Math.abs(a) <= 1e-9) continue;
    (a > 0 ? outers : holes).push(startAtLowestLeft(r));
  }
  outers.sort((a, b) => comparePts(a[0]!, b[0]!));
  holes.sort((a, b) => comparePts(a[0]!, b[0]!));
  const polys: Poly[] = outers.map((o) => [o]);
  for (const h of holes) {
    let target = polys.length === 1 ? polys[0] : undefined;
    if (!target) {
      // A hole vertex off the cut line lies strictly inside its outer ring.
      const probe = h.find((q) => !onLine.has(q));
      if (!probe) return null;
      let bestArea = Infinity;
      for (const p of polys) {
        const o = p[0]!;
        if (pointInRing(probe, o)) {
          const area = ringSignedArea(o);
          if (area < bestArea) {
            bestArea = area;
            target = p;
          }
        }
      }
    }
    if (!target) return null;
    target.push(h);
  }
  return polys.filter((p) => polyArea(p) > 1e-6).map((p) => p.map((r) => r.map((q) => [q[0], q[1]] as Pt)));
}
