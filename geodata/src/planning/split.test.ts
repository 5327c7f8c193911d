import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeOrientation } from './clip.ts';
import { polyArea, ringSignedArea, type Poly, type Pt } from './geom.ts';
import { splitByLine } from './split.ts';

/** Area of poly ∩ one side of the line: each ring clipped on its own (Sutherland–Hodgman). */
function halfPlaneArea(poly: Poly, v: Pt, d: Pt, sign: number): number {
  const side = (q: Pt) => sign * (-d[1] * (q[0] - v[0]) + d[0] * (q[1] - v[1]));
  let area = 0;
  for (const ring of poly) {
    const out: Pt[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      const sa = side(a);
      const sb = side(b);
      if (sa >= 0) out.push(a);
      if (sa >= 0 !== sb >= 0) {
        const f = sa / (sa - sb);
        out.push([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]);
      }
    }
    if (out.length >= 3) area += ringSignedArea(out);
  }
  return area;
}

function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const orient = (p: Pt, q: Pt, r: Pt) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const eps = 1e-9;
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  if (((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps)))
    return true;
  const onSeg = (p: Pt, q: Pt, r: Pt, o: number) =>
    Math.abs(o) <= eps * (1 + Math.hypot(q[0] - p[0], q[1] - p[1])) &&
    Math.min(p[0], q[0]) - eps <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) + eps &&
    Math.min(p[1], q[1]) - eps <= r[1] &&
    r[1] <= Math.max(p[1], q[1]) + eps;
  return onSeg(c, d, a, d1) || onSeg(c, d, b, d2) || onSeg(a, b, c, d3) || onSeg(a, b, d, d4);
}

/** A ring whose non-adjacent edges never meet: pieces touching at a point must be separate. */
function ringIsSimple(r: readonly Pt[]): boolean {
  const n = r.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsTouch(r[i]!, r[(i + 1) % n]!, r[j]!, r[(j + 1) % n]!)) return false;
    }
  }
  return true;
}

/** Two pieces of one side sharing a stretch of boundary should have been one piece. */
function shareAnEdge(p: Poly, q: Poly): boolean {
  for (const r of p) {
    for (let i = 0; i < r.length; i++) {
      const a = r[i]!;
      const b = r[(i + 1) % r.length]!;
      for (const t of q) {
        for (let j = 0; j < t.length; j++) {
          const c = t[j]!;
          const d = t[(j + 1) % t.length]!;
          const l = Math.hypot(b[0] - a[0], b[1] - a[1]);
          const ux = (b[0] - a[0]) / l;
          const uy = (b[1] - a[1]) / l;
          const off = (p: Pt) => Math.abs((p[0] - a[0]) * uy - (p[1] - a[1]) * ux);
          if (off(c) > 1e-7 || off(d) > 1e-7) continue;
          const s0 = (c[0] - a[0]) * ux + (c[1] - a[1]) * uy;
          const s1 = (d[0] - a[0]) * ux + (d[1] - a[1]) * uy;
          if (Math.min(l, Math.max(s0, s1)) - Math.max(0, Math.min(s0, s1)) > 1e-6) return true;
        }
      }
    }
  }
  return false;
}

const rect = (x0: number, y0: number, x1: number, y1: number): Pt[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

function expectWellFormed(pieces: Poly[], side: number, v: Pt, d: Pt): void {
  for (const p of pieces) {
    expect(ringSignedArea(p[0]!)).toBeGreaterThan(0);
    for (const h of p.slice(1)) expect(ringSignedArea(h)).toBeLessThan(0);
    for (const r of p) {
      for (const q of r) {
        const s = -d[1] * (q[0] - v[0]) + d[0] * (q[1] - v[1]);
        expect(s * side).toBeGreaterThanOrEqual(-1e-7);
      }
    }
  }
}

// Star-shaped polygons (often concave), rotated so that nothing is axis-aligned, with a hole.
const polygonArb = fc
  .record({
    n: fc.integer({ min: 5, max: 10 }),
    radii: fc.array(fc.double({ min: 120, max: 400, noNaN: true }), { minLength: 10, maxLength: 10 }),
    jitter: fc.array(fc.double({ min: -0.25, max: 0.25, noNaN: true }), { minLength: 10, maxLength: 10 }),
    rot: fc.double({ min: 0.01, max: 1.5, noNaN: true }),
    hole: fc.boolean(),
  })
  .map(({ n, radii, jitter, rot, hole }) => {
    const c = Math.cos(rot);
    const s = Math.sin(rot);
    const turn = (p: Pt): Pt => [p[0] * c - p[1] * s + 1000, p[0] * s + p[1] * c - 500];
    const outer: Pt[] = [];
    for (let i = 0; i < n; i++) {
      const a = ((i + 0.5 + jitter[i]!) / n) * 2 * Math.PI;
      outer.push(turn([Math.cos(a) * radii[i]!, Math.sin(a) * radii[i]!]));
    }
    const rings: Poly = [outer];
    if (hole) rings.push(rect(-40, -30, 40, 30).map(turn));
    return normalizeOrientation(rings);
  });

/** Cut lines as the planner draws them: through a vertex along one of its edges, or any line. */
function cutOf(poly: Poly, pick: number, along: boolean, angle: number): { v: Pt; d: Pt } {
  const all = poly.flatMap((r) => r.map((p, i) => ({ p, next: r[(i + 1) % r.length]! })));
  const { p, next } = all[pick % all.length]!;
  if (!along) return { v: p, d: [Math.cos(angle), Math.sin(angle)] };
  const l = Math.hypot(next[0] - p[0], next[1] - p[1]);
  return { v: p, d: [(next[0] - p[0]) / l, (next[1] - p[1]) / l] };
}

describe('splitByLine', () => {
  it('splits the stress L-shape with two holes at its reflex corner', () => {
    const poly = normalizeOrientation([
      [
        [0, 0],
        [1400, 0],
        [1400, 900],
        [900, 900],
        [900, 400],
        [500, 400],
        [500, 900],
        [0, 900],
      ],
      rect(150, 150, 300, 300),
      [
        [1100, 500],
        [1250, 500],
        [1200, 700],
      ],
    ]);
    const r = splitByLine(poly, [900, 400], [0, -1])!;
    expect(r.left).toEqual([
      [
        [
          [900, 0],
          [1400, 0],
          [1400, 900],
          [900, 900],
        ],
        [
          [1100, 500],
          [1200, 700],
          [1250, 500],
        ],
      ],
    ]);
    expect(r.right).toEqual([
      [
        [
          [0, 0],
          [900, 0],
          [900, 400],
          [500, 400],
          [500, 900],
          [0, 900],
        ],
        [
          [150, 150],
          [150, 300],
          [300, 300],
          [300, 150],
        ],
      ],
    ]);
  });

  it('separates pieces that touch the line at one point (a notch reaching down to the cut)', () => {
    const poly: Poly = [
      [
        [0, 0],
        [100, 0],
        [100, 100],
        [60, 100],
        [50, 50],
        [40, 100],
        [0, 100],
      ],
    ];
    const r = splitByLine(poly, [50, 50], [1, 0])!;
    expect(r.left.map(polyArea)).toEqual([2250, 2250]);
    expect(r.right.map(polyArea)).toEqual([5000]);
    expectWellFormed(r.left, 1, [50, 50], [1, 0]);
  });

  it('keeps a hole that touches the line along an edge as a hole of its side', () => {
    const poly = normalizeOrientation([rect(0, 0, 300, 300), rect(100, 100, 200, 200)]);
    const r = splitByLine(poly, [200, 100], [-1, 0])!;
    // Left of (-1, 0) is below y = 100: the bottom strip; the hole sits on the other side.
    expect(r.left.map((p) => [p.length, polyArea(p)])).toEqual([[1, 30000]]);
    expect(r.right.map((p) => [p.length, polyArea(p)])).toEqual([[2, 50000]]);
  });

  it('splits random concave polygons with holes exactly into simple, maximal pieces', () => {
    fc.assert(
      fc.property(
        polygonArb,
        fc.nat(),
        fc.boolean(),
        fc.double({ min: 0, max: Math.PI, noNaN: true }),
        (poly, pick, along, angle) => {
          const { v, d } = cutOf(poly, pick, along, angle);
          const mine = splitByLine(poly, v, d);
          expect(mine).not.toBeNull();
          for (const [side, sign] of [
            ['left', 1],
            ['right', -1],
          ] as const) {
            // Exact area on each side, every ring simple, and no two pieces that should be one.
            const pieces = mine![side];
            const total = pieces.reduce((acc, q) => acc + polyArea(q), 0);
            const exact = halfPlaneArea(poly, v, d, sign);
            expect(Math.abs(total - exact)).toBeLessThan(1e-6 + 1e-9 * exact);
            for (const q of pieces) for (const r of q) expect(ringIsSimple(r)).toBe(true);
            for (let i = 0; i < pieces.length; i++) {
              for (let j = i + 1; j < pieces.length; j++) expect(shareAnEdge(pieces[i]!, pieces[j]!)).toBe(false);
            }
          }
          expectWellFormed(mine!.left, 1, v, d);
          expectWellFormed(mine!.right, -1, v, d);
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });
});
