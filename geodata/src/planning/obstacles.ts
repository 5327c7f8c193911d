import { dist, insideIntervals, pointInPoly, ringSignedArea, type Poly, type Pt } from './geom.ts';
import { PlanInputError } from './errors.ts';

/** A no-fly zone in metres: `forbidden` is the zone grown by the safety margin, `nav` a bit more. */
export interface Obstacle {
  id: string;
  forbidden: Poly;
  nav: Poly;
}

/**
 * No-fly geometry with shortest-path transits: a visibility graph over the convex corners of the
 * (slightly enlarged) zones, searched with Dijkstra. Segments are tested against the margin-grown zones.
 */
export class ObstacleMap {
  readonly obstacles: readonly Obstacle[];
  private readonly forbidden: Poly[];
  private readonly nodes: Pt[];
  private readonly vis = new Map<number, boolean>();

  constructor(obstacles: readonly Obstacle[]) {
    this.obstacles = obstacles;
    this.forbidden = obstacles.map((o) => o.forbidden);
    this.nodes = [];
    for (const o of obstacles) {
      const ring = o.nav[0];
      if (!ring) continue;
      const ccw = ringSignedArea(ring) > 0;
      const n = ring.length;
      for (let i = 0; i < n; i++) {
        const a = ring[(i + n - 1) % n]!;
        const v = ring[i]!;
        const b = ring[(i + 1) % n]!;
        const cross = (v[0] - a[0]) * (b[1] - v[1]) - (v[1] - a[1]) * (b[0] - v[0]);
        if (cross > 0 === ccw && !this.forbidden.some((f) => pointInPoly(v, f))) this.nodes.push(v);
      }
    }
  }

  get isEmpty(): boolean {
    return this.obstacles.length === 0;
  }

  /** The zone containing a point, if any. */
  zoneAt(p: Pt): Obstacle | undefined {
    return this.obstacles.find((o) => pointInPoly(p, o.forbidden));
  }

  /** Parameter intervals of segment a→b inside any zone. */
  insideIntervals(a: Pt, b: Pt): Array<[number, number]> {
    return this.obstacles.length === 0 ? [] : insideIntervals(a, b, this.forbidden);
  }

  /** True when the straight segment stays out of every zone. */
  clear(a: Pt, b: Pt): boolean {
    return this.obstacles.length === 0 || insideIntervals(a, b, this.forbidden).length === 0;
  }

  private nodeVisible(i: number, j: number): boolean {
    const key = i < j ? i * 100_003 + j : j * 100_003 + i;
    let v = this.vis.get(key);
    if (v === undefined) {
      v = this.clear(this.nodes[i]!, this.nodes[j]!);
      this.vis.set(key, v);
    }
    return v;
  }

  /** Shortest polyline a → b that stays out of every zone (a and b must be outside). */
  path(a: Pt, b: Pt): Pt[] {
    if (this.clear(a, b)) return [a, b];
    const nodes = this.nodes;
    const n = nodes.length;
    // Indices: 0..n-1 graph nodes, n = a, n+1 = b.
    const pos = (i: number): Pt => (i === n ? a : i === n + 1 ? b : nodes[i]!);
    const visible = (i: number, j: number): boolean =>
      i < n && j < n ? this.nodeVisible(i, j) : this.clear(pos(i), pos(j));
    const distTo = new Float64Array(n + 2).fill(Infinity);
    const prev = new Int32Array(n + 2).fill(-1);
    const done = new Uint8Array(n + 2);
    distTo[n] = 0;
    for (;;) {
      let u = -1;
      let best = Infinity;
      for (let i = 0; i < n + 2; i++) {
        if (!done[i] && distTo[i]! < best) {
          best = distTo[i]!;
          u = i;
        }
      }
      if (u < 0 || u === n + 1) break;
      done[u] = 1;
      for (let v = 0; v < n + 2; v++) {
        if (done[v] || v === u || v === n) continue;
        const nd = best + dist(pos(u), pos(v));
        if (nd < distTo[v]! && visible(u, v)) {
          distTo[v] = nd;
          prev[v] = u;
        }
      }
    }
    if (!Number.isFinite(distTo[n + 1]!)) {
      throw new PlanInputError(
        '禁飞区阻断了航线，无法绕行 / no-fly zones block the way and cannot be flown around',
        'nofly',
      );
    }
    const out: Pt[] = [];
    for (let i = n + 1; i >= 0; i = prev[i]!) {
      out.push(pos(i));
      if (i === n) break;
    }
    return out.reverse();
  }
}
