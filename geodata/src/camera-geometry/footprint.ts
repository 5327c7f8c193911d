/**
 * Ground footprint of a photo: the image border cast onto the ground.
 */
import { fromLocal, localFrame } from './local-frame.ts';
import { cameraAxes, pixelRay } from './pinhole.ts';
import type { CameraPose, PinholeCamera } from './pinhole.ts';
import { intersectGround } from './ray-ground.ts';
import type { GroundModel } from './ray-ground.ts';

/** Options of {@link groundFootprint}. */
export interface FootprintOptions {
  /** Points sampled along each image edge (≥ 1; corners included). Default 4. */
  pointsPerEdge?: number;
  /** Border rays beyond this horizontal distance (or above the horizon) are cut at it, metres. Default 2 km. */
  maxRangeM?: number;
}

/** A footprint polygon and whether part of the view reached the horizon and was cut. */
export interface Footprint {
  /** GeoJSON polygon, [lon, lat], closed ring, counter-clockwise on the ground. */
  polygon: { type: 'Polygon'; coordinates: [number, number][][] };
  clipped: boolean;
}

/** Casts the image border onto the ground (DEM or plane) and returns it as a polygon. */
export function groundFootprint(
  camera: PinholeCamera,
  pose: CameraPose,
  ground: GroundModel,
  options: FootprintOptions = {},
): Footprint {
  const n = Math.max(1, Math.floor(options.pointsPerEdge ?? 4));
  const maxRangeM = options.maxRangeM ?? 2000;
  const axes = cameraAxes(pose);
  const frame = localFrame(pose.lon, pose.lat);
  const W = camera.widthPx;
  const H = camera.heightPx;
  // Image border clockwise in image space from top-left: top, right, bottom, left edges.
  const border: [number, number][] = [];
  for (let i = 0; i < n; i++) border.push([(W * i) / n, 0]);
  for (let i = 0; i < n; i++) border.push([W, (H * i) / n]);
  for (let i = 0; i < n; i++) border.push([W - (W * i) / n, H]);
  for (let i = 0; i < n; i++) border.push([0, H - (H * i) / n]);
  let clipped = false;
  const ring: [number, number][] = border.map(([u, v]) => {
    const dir = pixelRay(camera, axes, u, v);
    const hit = intersectGround(pose, dir, ground, { maxRangeM: maxRangeM * 4 });
    if (hit && hit.horizontalRangeM <= maxRangeM) return [hit.lon, hit.lat];
    clipped = true;
    const hLen = Math.hypot(dir.eastM, dir.northM) || 1;
    return fromLocal(frame, (dir.eastM / hLen) * maxRangeM, (dir.northM / hLen) * maxRangeM);
  });
  // Image-clockwise seen from above (camera looking down) is ground-counter-clockwise? Ensure CCW.
  if (signedArea(ring) < 0) ring.reverse();
  ring.push([ring[0]![0], ring[0]![1]]);
  return { polygon: { type: 'Polygon', coordinates: [ring] }, clipped };
}

function signedArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % ring.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}
