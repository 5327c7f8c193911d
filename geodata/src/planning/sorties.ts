import { dist, polylineLength, subPolyline, type Pt } from './geom.ts';
import type { ObstacleMap } from './obstacles.ts';
import type { RouteLeg } from './route.ts';
import { PlanInputError } from './errors.ts';

/** Timing model of the flight used to split into sorties. */
export interface TimingModel {
  /** Usable seconds per battery (flight time minus reserve). */
  budgetS: number;
  /** Fixed seconds per sortie: climb after takeoff and descent at the end. */
  climbDescentS: number;
  turnPenaltyS: number;
  /** Flight time of a polyline at cruise (may include climb-rate limits). */
  legTimeS(pts: readonly Pt[]): number;
}

export interface SortieLegs {
  /** Where this sortie takes off and lands. */
  launch: Pt;
  legs: RouteLeg[];
  durationS: number;
  lengthM: number;
}

/** Time of one leg including its turn penalty. */
function legDurationS(leg: RouteLeg, t: TimingModel): number {
  return t.legTimeS(leg.pts) + (leg.kind === 'turn' ? t.turnPenaltyS : 0);
}

/**
 * Stage 5 (endurance): cuts the leg sequence into sorties that each start and end at the launch point
 * and fit one battery: greedy, splitting a lane part-way when the battery runs out in the middle of it.
 */
export function splitSorties(
  legs: readonly RouteLeg[],
  launchSites: Pt | readonly Pt[],
  obstacles: ObstacleMap,
  timing: TimingModel,
): SortieLegs[] {
  const sites: Pt[] = typeof launchSites[0] === 'number' ? [launchSites as Pt] : [...(launchSites as Pt[])];
  let launch: Pt = sites[0]!;
  const out: SortieLegs[] = [];
  const transitCache = new Map<string, { pts: Pt[]; s: number }>();
  const transit = (a: Pt, b: Pt) => {
    const key = `${a[0].toFixed(3)},${a[1].toFixed(3)}>${b[0].toFixed(3)},${b[1].toFixed(3)}`;
    let v = transitCache.get(key);
    if (!v) {
      const pts = obstacles.path(a, b);
      v = { pts, s: timing.legTimeS(pts) };
      transitCache.set(key, v);
    }
    return v;
  };
  let cur: { legs: RouteLeg[]; t: number } | null = null;
  const close = () => {
    while (cur && cur.legs.length > 0 && cur.legs[cur.legs.length - 1]!.kind === 'turn') cur.legs.pop();
    if (!cur || cur.legs.length === 0) {
      cur = null;
      return;
    }
    const first = cur.legs[0]!.pts[0]!;
    const lastLeg = cur.legs[cur.legs.length - 1]!;
    const last = lastLeg.pts[lastLeg.pts.length - 1]!;
    const tin = transit(launch, first);
    const tout = transit(last, launch);
    const all: RouteLeg[] = [{ kind: 'transit', pts: tin.pts }, ...cur.legs, { kind: 'transit', pts: tout.pts }];
    const durationS = timing.climbDescentS + all.reduce((s, l) => s + legDurationS(l, timing), 0);
    out.push({ launch, legs: all, durationS, lengthM: all.reduce((s, l) => s + polylineLength(l.pts), 0) });
    cur = null;
  };
  const queue: RouteLeg[] = [...legs];
  while (queue.length > 0) {
    const leg = queue.shift()!;
    if (!cur) {
      if (leg.kind === 'turn') continue; // a new sortie flies straight to the next lane
      // Each sortie takes off from the launch site nearest to where its work starts.
      const s0 = leg.pts[0]!;
      launch = sites.reduce((b, q) => (dist(q, s0) < dist(b, s0) ? q : b), sites[0]!);
      cur = { legs: [], t: timing.climbDescentS };
    }
    const start = leg.pts[0]!;
    const end = leg.pts[leg.pts.length - 1]!;
    const tIn = cur.legs.length === 0 ? transit(launch, start).s : 0;
    const tLeg = legDurationS(leg, timing);
    if (cur.t + tIn + tLeg + transit(end, launch).s <= timing.budgetS) {
      cur.legs.push(leg);
      cur.t += tIn + tLeg;
      continue;
    }
    if (leg.kind === 'lane') {
      const L = polylineLength(leg.pts);
      const fits = (s: number) => {
        const part = subPolyline(leg.pts, 0, s);
        return cur!.t + tIn + timing.legTimeS(part) + transit(part[part.length - 1]!, launch).s <= timing.budgetS;
      };
      let lo = 0;
      let hi = L;
      for (let i = 0; i < 30 && hi - lo > 0.5; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
      if (lo >= 5) {
        const part = subPolyline(leg.pts, 0, lo);
        cur.legs.push({ ...leg, pts: part });
        queue.unshift({ ...leg, pts: subPolyline(leg.pts, lo, L) });
        close();
        continue;
      }
      if (cur.legs.length === 0) {
        const d = Math.round(dist(launch, start));
        throw new PlanInputError(
          `超出续航：起飞点到航线 ${d} m，单块电池无法往返 / out of range: ${d} m from launch, one battery cannot reach it and return`,
          'launch',
          leg.areaId,
        );
      }
      close();
      queue.unshift(leg);
      continue;
    }
    // A turn or transit that does not fit ends the sortie; the next one starts at the next lane.
    close();
  }
  close();
  return out;
}
