/**
 * Pixel ↔ ground for a posed pinhole camera.
 */
import { localFrame, toLocal } from './local-frame.ts';
import { cameraAxes, pixelRay, projectLocal } from './pinhole.ts';
import type { CameraPose, PinholeCamera } from './pinhole.ts';
import { intersectGround } from './ray-ground.ts';
import type { GroundHit, GroundModel, IntersectOptions } from './ray-ground.ts';

/** Ground point seen at pixel `(uPx, vPx)` (pixel-edge coordinates, so the centre of pixel 0 is 0.5), or null. */
export function pixelToGround(
  camera: PinholeCamera,
  pose: CameraPose,
  uPx: number,
  vPx: number,
  ground: GroundModel,
  options?: IntersectOptions,
): GroundHit | null {
  return intersectGround(pose, pixelRay(camera, cameraAxes(pose), uPx, vPx), ground, options);
}

/** Pixel where the point `[lon, lat]` at `altAmslM` appears, or null when it is behind the camera. */
export function groundToPixel(
  camera: PinholeCamera,
  pose: CameraPose,
  lon: number,
  lat: number,
  altAmslM: number,
): { uPx: number; vPx: number } | null {
  const frame = localFrame(pose.lon, pose.lat);
  const { eastM, northM } = toLocal(frame, lon, lat);
  return projectLocal(camera, cameraAxes(pose), { eastM, northM, upM: altAmslM - pose.altAmslM });
}
