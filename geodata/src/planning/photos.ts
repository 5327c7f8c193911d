import { dist, pointAlong, polylineLength, type Pt } from './geom.ts';

/**
 * Photo positions along a lane flown with distance triggering: one at the start (trigger-once when the
 * trigger is switched on), every `triggerM`, and one at the end (trigger-once when switched off).
 * The same rule holds whichever way the lane is flown, so reversed legs are photographed identically.
 */
export function lanePhotoPositions(pts: readonly Pt[], triggerM: number): Array<{ p: Pt; dir: Pt }> {
  const L = polylineLength(pts);
  const out: Array<{ p: Pt; dir: Pt }> = [];
  const n = Math.floor(L / triggerM + 1e-6);
  for (let k = 0; k <= n; k++) out.push(pointAlong(pts, Math.min(L, k * triggerM)));
  const last = out[out.length - 1];
  if (!last || L - n * triggerM > 0.5) out.push(pointAlong(pts, L));
  else if (last && dist(last.p, pts[pts.length - 1]!) > 1e-6) out[out.length - 1] = pointAlong(pts, L);
  return out;
}

/** Ground footprint (flat ground) of a nadir photo as a quad, counter-clockwise. */
export function flatFootprint(p: Pt, dir: Pt, acrossM: number, alongM: number): Pt[] {
  const ax = dir[0] * (alongM / 2);
  const ay = dir[1] * (alongM / 2);
  // Left normal.
  const cx = -dir[1] * (acrossM / 2);
  const cy = dir[0] * (acrossM / 2);
  return [
    [p[0] - ax + cx, p[1] - ay + cy],
    [p[0] - ax - cx, p[1] - ay - cy],
    [p[0] + ax - cx, p[1] + ay - cy],
    [p[0] + ax + cx, p[1] + ay + cy],
  ];
}
