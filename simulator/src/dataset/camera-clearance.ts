/**
 * A drone photo is taken from above the treetops and roofs round the drone, never from among them. A spec
 * aims its camera from the ground's height alone (30–150 m over the target, at least 20 m over the ground
 * under the camera), so on a hillside under 19 m forest a camera could hang a few metres over the crowns,
 * or inside a hill that rises beside it: photos of crowns seen from arm's length, streaked into facets.
 * Real patrol flights hold a safe height over what stands below; here the camera climbs straight up until
 * it is CLEARANCE_M above every crown, roof and the ground within AROUND_M of it, and an oblique camera
 * tilts down to look at the same ground point. (Backing away along the line of sight instead ran low-pitch
 * cameras hundreds of metres up the hill behind them.)
 */
import { Shader } from '../scene/shade.ts';
import type { Scene } from '../scene/scene.ts';
import type { PhotoSpec } from './photo-spec.ts';

/** Least height (m) of the camera over the crowns, roofs and ground round it. */
export const CLEARANCE_M = 15;
/** Radius (m) round the camera whose crowns, roofs and ground it must clear. */
export const AROUND_M = 30;
/** Spacing (m) of the points the highest top round the camera is read at. */
const PROBE_M = 1;
const DEG = Math.PI / 180;

/** The highest point (m, the scene's heights) of the ground and what stands on it within AROUND_M of (cx, cy). */
function highestTopAround(sh: Shader, groundAt: (x: number, y: number) => number, cx: number, cy: number): number {
  let top = -Infinity;
  const r2 = AROUND_M * AROUND_M;
  for (let dy = -AROUND_M; dy <= AROUND_M; dy += PROBE_M)
    for (let dx = -AROUND_M; dx <= AROUND_M; dx += PROBE_M) {
      if (dx * dx + dy * dy > r2) continue;
      const x = cx + dx;
      const y = cy + dy;
      const h = groundAt(x, y) + Math.max(sh.treeHeight(x, y), sh.builtHeight(x, y));
      if (h > top) top = h;
    }
  return top;
}

/**
 * Where the camera's centre ray (from x, y, z at `pitch`, `yaw` in radians) meets the ground: its horizontal
 * distance (m) and the ground's height there, or null when it meets none within MAX_AIM_M.
 */
function aimPoint(
  groundAt: (x: number, y: number) => number,
  x: number,
  y: number,
  z: number,
  pitch: number,
  yaw: number,
): { dist: number; z: number } | null {
  const drop = Math.tan(-pitch);
  const sx = Math.sin(yaw);
  const sy = Math.cos(yaw);
  let prev = 0;
  for (let d = AIM_STEP_M; d <= MAX_AIM_M; d += AIM_STEP_M) {
    if (z - d * drop > groundAt(x + d * sx, y + d * sy)) {
      prev = d;
      continue;
    }
    // Bisect the last step for the crossing.
    let lo = prev;
    let hi = d;
    for (let k = 0; k < 12; k++) {
      const m = (lo + hi) / 2;
      if (z - m * drop > groundAt(x + m * sx, y + m * sy)) lo = m;
      else hi = m;
    }
    return { dist: hi, z: z - hi * drop };
  }
  return null;
}

/** Steps (m) and reach (m) of the search along the centre ray for the ground it looks at. */
const AIM_STEP_M = 2;
const MAX_AIM_M = 3000;
/** Pitches steeper than this (°) are nadir photos: lifted, they keep their pitch. */
const NADIR_DEG = -85;

/**
 * `spec` with its camera at least CLEARANCE_M over everything within AROUND_M of it in `scene` (the scene
 * built from the spec): the same spec where it already is, else one whose camera climbs straight up, as a
 * pilot would, and tilts its gimbal down to look at the same ground point (oblique photos), with its
 * altitudes, pitch and `altAglM` updated.
 */
export function clearOfCover(spec: PhotoSpec, scene: Scene): PhotoSpec {
  const req = spec.request;
  const [x, y] = scene.frame.toLocal(req.lon, req.lat);
  // A flat place's ground is the takeoff plane under the camera.
  const flatZ = req.altAmslM - req.altRelM;
  const groundAt = (px: number, py: number): number => (scene.dem ? scene.dem.heightAt(px, py) : flatZ);
  const sh = new Shader(scene, [], () => 0);
  const lift = highestTopAround(sh, groundAt, x, y) + CLEARANCE_M - req.altAmslM;
  if (lift <= 0) return spec;
  const z = Math.ceil((req.altAmslM + lift) * 100) / 100;
  let pitchDeg = req.gimbalPitchDeg;
  if (pitchDeg > NADIR_DEG) {
    const aim = aimPoint(groundAt, x, y, req.altAmslM, pitchDeg * DEG, req.headingDeg * DEG);
    if (aim) pitchDeg = Math.round((-Math.atan2(z - aim.z, aim.dist) / DEG) * 100) / 100;
  }
  const rel = z - groundAt(x, y);
  return {
    ...spec,
    request: { ...req, altAmslM: z, altRelM: Math.round(rel * 100) / 100, gimbalPitchDeg: pitchDeg },
    altAglM: Math.round(rel * 10) / 10,
  };
}
