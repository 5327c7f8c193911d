import { dist, endDirections, polylineLength, subPolyline, type Pt } from './geom.ts';
import type { ObstacleMap } from './obstacles.ts';
import type { FlownLane } from './order.ts';

/** One piece of the flight: a photo lane, a turn between lanes, or a transit to/from launch. */
export interface RouteLeg {
  kind: 'lane' | 'turn' | 'transit';
  pts: Pt[];
  areaId?: string;
}

/** Stretches a lane symmetrically so its length is a whole number of trigger distances (photo at each end). */
export function roundLaneToTrigger(pts: readonly Pt[], triggerM: number): Pt[] {
  const L = polylineLength(pts);
  const n = Math.max(1, Math.ceil(L / triggerM - 1e-6));
  const e = (n * triggerM - L) / 2;
  if (e < 1e-6) return pts.map((p) => [p[0], p[1]] as Pt);
  const { start, end } = endDirections(pts);
  const out = pts.map((p) => [p[0], p[1]] as Pt);
  out[0] = [pts[0]![0] - start[0] * e, pts[0]![1] - start[1] * e];
  const last = pts[pts.length - 1]!;
  out[out.length - 1] = [last[0] + end[0] * e, last[1] + end[1] * e];
  return out;
}

interface LanePiece {
  pre: Pt[];
  photo: Pt[];
  post: Pt[];
}

/** Splits a lane (with turnaround margins) where it would enter a no-fly zone. */
function splitLane(pts: readonly Pt[], marginM: number, obstacles: ObstacleMap): LanePiece[] {
  const { start, end } = endDirections(pts);
  const a = pts[0]!;
  const z = pts[pts.length - 1]!;
  const full: Pt[] = [
    [a[0] - start[0] * marginM, a[1] - start[1] * marginM],
    ...pts,
    [z[0] + end[0] * marginM, z[1] + end[1] * marginM],
  ];
  const total = polylineLength(full);
  const p0 = marginM;
  const p1 = total - marginM;
  // Blocked arc-length intervals.
  const blocked: Array<[number, number]> = [];
  let acc = 0;
  for (let i = 1; i < full.length; i++) {
    const s = full[i - 1]!;
    const e = full[i]!;
    const l = dist(s, e);
    for (const [t0, t1] of obstacles.insideIntervals(s, e)) blocked.push([acc + t0 * l, acc + t1 * l]);
    acc += l;
  }
  if (blocked.length === 0) {
    return [{ pre: [full[0]!, a], photo: pts.map((p) => [p[0], p[1]] as Pt), post: [z, full[full.length - 1]!] }];
  }
  blocked.sort((x, y) => x[0] - y[0]);
  const free: Array<[number, number]> = [];
  let cur = 0;
  for (const [b0, b1] of blocked) {
    if (b0 > cur) free.push([cur, b0]);
    cur = Math.max(cur, b1);
  }
  if (cur < total) free.push([cur, total]);
  const gap = 0.5; // keep clear of the zone boundary so transits can leave from here
  const out: LanePiece[] = [];
  for (const [u0, u1] of free) {
    const f0 = u0 === 0 ? 0 : u0 + gap;
    const f1 = u1 === total ? total : u1 - gap;
    const q0 = Math.max(f0, p0);
    const q1 = Math.min(f1, p1);
    if (q1 - q0 < 1) continue;
    const e0 = Math.max(f0, q0 - marginM);
    const e1 = Math.min(f1, q1 + marginM);
    out.push({
      pre: subPolyline(full, e0, q0),
      photo: subPolyline(full, q0, q1),
      post: subPolyline(full, q1, e1),
    });
  }
  return out;
}

function joinPolylines(parts: Pt[][]): Pt[] {
  const out: Pt[] = [];
  for (const part of parts) {
    for (const p of part) {
      const last = out[out.length - 1];
      if (!last || dist(last, p) > 1e-6) out.push(p);
    }
  }
  return out;
}

/**
 * Stage 4 (turns): joins ordered lanes into legs: each lane extended by the turnaround margin, lanes
 * cut where they would enter a no-fly zone, and every connection routed around the zones.
 */
export function assembleLegs(lanes: readonly FlownLane[], marginM: number, obstacles: ObstacleMap): RouteLeg[] {
  const legs: RouteLeg[] = [];
  let pendingPost: Pt[] | null = null;
  for (const lane of lanes) {
    for (const piece of splitLane(lane.pts, marginM, obstacles)) {
      if (pendingPost) {
        const from = pendingPost[pendingPost.length - 1]!;
        const to = piece.pre[0]!;
        legs.push({ kind: 'turn', pts: joinPolylines([pendingPost, obstacles.path(from, to), piece.pre]) });
      }
      legs.push({ kind: 'lane', pts: piece.photo, areaId: lane.areaId });
      pendingPost = piece.post;
    }
  }
  return legs;
}
