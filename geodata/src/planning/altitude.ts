import type { Pt } from './geom.ts';
import { dist, polylineLength } from './geom.ts';
import { flatFootprint } from './photos.ts';
import { MAV_FRAME } from './mavlink.ts';

/** How altitudes are given to the vehicle and how the ground below looks. */
export interface AltitudeModel {
  mode: 'relative' | 'amsl' | 'terrain';
  /** MAV_FRAME of nav items. */
  frame: number;
  /** z of the takeoff item, in `frame`. */
  takeoffZ: number;
  /** Launch elevation AMSL when known. */
  launchAmslM?: number;
  /** Densifies a polyline where the ground changes; z in `frame` and height above takeoff per point. */
  profile(pts: readonly Pt[]): { pts: Pt[]; z: number[]; altRel: number[] };
  /** z in `frame` at a point. */
  zAt(p: Pt): number;
  altRelAt(p: Pt): number;
  /** Flight time of a polyline at cruise, including climb-rate limits. */
  legTimeS(pts: readonly Pt[]): number;
  /** Ground footprint quad of a nadir photo taken at p flying along dir. */
  footprint(p: Pt, dir: Pt): Pt[];
  /** Climb after takeoff plus descent at the end of a sortie. */
  climbDescentS: number;
}

/** Constant height above a flat takeoff plane, relative-altitude frame. */
export function flatAltitudeModel(o: {
  altAglM: number;
  speedMps: number;
  ascentMps: number;
  descentMps: number;
  acrossM: number;
  alongM: number;
}): AltitudeModel {
  return {
    mode: 'relative',
    frame: MAV_FRAME.GLOBAL_RELATIVE_ALT_INT,
    takeoffZ: o.altAglM,
    profile: (pts) => ({
      pts: pts.map((p) => [p[0], p[1]] as Pt),
      z: pts.map(() => o.altAglM),
      altRel: pts.map(() => o.altAglM),
    }),
    zAt: () => o.altAglM,
    altRelAt: () => o.altAglM,
    legTimeS: (pts) => polylineLength(pts) / o.speedMps,
    footprint: (p, dir) => flatFootprint(p, dir, o.acrossM, o.alongM),
    climbDescentS: o.altAglM / o.ascentMps + o.altAglM / o.descentMps,
  };
}

/**
 * Keeps the samples needed so that straight 3D lines between kept points stay within `tolM` of the
 * target altitude at every sample (Douglas–Peucker on vertical error).
 */
export function simplifyProfile(s: readonly number[], z: readonly number[], tolM: number): number[] {
  const keep = new Uint8Array(s.length);
  keep[0] = 1;
  keep[s.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, s.length - 1]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    let worst = -1;
    let worstErr = tolM;
    for (let k = i + 1; k < j; k++) {
      const t = (s[k]! - s[i]!) / (s[j]! - s[i]! || 1);
      const err = Math.abs(z[i]! + t * (z[j]! - z[i]!) - z[k]!);
      if (err > worstErr) {
        worstErr = err;
        worst = k;
      }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([i, worst], [worst, j]);
    }
  }
  const out: number[] = [];
  keep.forEach((v, i) => v && out.push(i));
  return out;
}

/** Samples a polyline every `stepM` (always including its vertices); returns points and arc lengths. */
export function samplePolyline(pts: readonly Pt[], stepM: number): { pts: Pt[]; s: number[]; vertex: boolean[] } {
  const out: Pt[] = [];
  const s: number[] = [];
  const vertex: boolean[] = [];
  let acc = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (i > 0) {
      const a = pts[i - 1]!;
      const l = dist(a, p);
      const n = Math.floor(l / stepM);
      for (let k = 1; k <= n; k++) {
        const t = (k * stepM) / l;
        if (l - k * stepM < stepM * 0.2) break;
        out.push([a[0] + (p[0] - a[0]) * t, a[1] + (p[1] - a[1]) * t]);
        s.push(acc + k * stepM);
        vertex.push(false);
      }
      acc += l;
    }
    out.push([p[0], p[1]]);
    s.push(acc);
    vertex.push(true);
  }
  return { pts: out, s, vertex };
}
