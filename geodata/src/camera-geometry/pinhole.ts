/**
 * Pinhole camera geometry shared by the simulator (rendering) and triage (georeferencing), so that a
 * photo rendered from a pose is georeferenced back to exactly the ground it shows.
 *
 * Conventions:
 * - pose: `lon`, `lat` (WGS84 degrees), `altAmslM`; `headingDeg` is the camera's yaw, clockwise from
 *   true north (DJI GimbalYawDegree); `pitchDeg` is the gimbal pitch, 0 = horizon, −90 = nadir;
 *   `rollDeg` positive turns the image clockwise as seen by the camera (right side down), usually 0.
 * - image: pixel (0,0) is the top-left corner of the top-left pixel, `u` to the right, `v` down;
 *   the principal point is the image centre `(widthPx/2, heightPx/2)`; no lens distortion.
 * - at nadir the top of the image points along `headingDeg`.
 */
import type { EnuM } from './local-frame.ts';

/** Intrinsics of an ideal pinhole camera. */
export interface PinholeCamera {
  widthPx: number;
  heightPx: number;
  focalLengthMm: number;
  sensorWidthMm: number;
  sensorHeightMm: number;
}

/** Where the camera is and where it looks. */
export interface CameraPose {
  lon: number;
  lat: number;
  altAmslM: number;
  headingDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** Camera axes in the local ENU frame: right, down (image v direction) and forward (optical axis). */
export interface CameraAxes {
  right: EnuM;
  down: EnuM;
  forward: EnuM;
}

const DEG = Math.PI / 180;

function vec(eastM: number, northM: number, upM: number): EnuM {
  return { eastM, northM, upM };
}

/** Focal lengths in pixels (x and y; equal for square pixels). */
export function focalLengthsPx(camera: PinholeCamera): { fxPx: number; fyPx: number } {
  return {
    fxPx: (camera.focalLengthMm / camera.sensorWidthMm) * camera.widthPx,
    fyPx: (camera.focalLengthMm / camera.sensorHeightMm) * camera.heightPx,
  };
}

/** Camera axes for a heading/pitch/roll (see module conventions). */
export function cameraAxes(pose: Pick<CameraPose, 'headingDeg' | 'pitchDeg' | 'rollDeg'>): CameraAxes {
  const h = pose.headingDeg * DEG;
  const p = pose.pitchDeg * DEG;
  const r = pose.rollDeg * DEG;
  const forward = vec(Math.sin(h) * Math.cos(p), Math.cos(h) * Math.cos(p), Math.sin(p));
  const right0 = vec(Math.cos(h), -Math.sin(h), 0);
  // up = right × forward (image up before roll)
  const up0 = vec(
    right0.northM * forward.upM - right0.upM * forward.northM,
    right0.upM * forward.eastM - right0.eastM * forward.upM,
    right0.eastM * forward.northM - right0.northM * forward.eastM,
  );
  const c = Math.cos(r);
  const s = Math.sin(r);
  const right = vec(c * right0.eastM - s * up0.eastM, c * right0.northM - s * up0.northM, c * right0.upM - s * up0.upM);
  const up = vec(c * up0.eastM + s * right0.eastM, c * up0.northM + s * right0.northM, c * up0.upM + s * right0.upM);
  return { right, down: vec(-up.eastM, -up.northM, -up.upM), forward };
}

/** Unit-less ray direction (not normalised: forward component 1) through pixel `(uPx, vPx)`, in ENU. */
export function pixelRay(camera: PinholeCamera, axes: CameraAxes, uPx: number, vPx: number): EnuM {
  const { fxPx, fyPx } = focalLengthsPx(camera);
  const x = (uPx - camera.widthPx / 2) / fxPx;
  const y = (vPx - camera.heightPx / 2) / fyPx;
  return vec(
    axes.forward.eastM + x * axes.right.eastM + y * axes.down.eastM,
    axes.forward.northM + x * axes.right.northM + y * axes.down.northM,
    axes.forward.upM + x * axes.right.upM + y * axes.down.upM,
  );
}

/**
 * Pixel of a point given in the camera-centred ENU frame, or null when it lies behind the camera.
 * Inverse of {@link pixelRay}.
 */
export function projectLocal(camera: PinholeCamera, axes: CameraAxes, p: EnuM): { uPx: number; vPx: number } | null {
  const dot = (a: EnuM): number => a.eastM * p.eastM + a.northM * p.northM + a.upM * p.upM;
  const z = dot(axes.forward);
  if (z <= 1e-9) return null;
  const { fxPx, fyPx } = focalLengthsPx(camera);
  return {
    uPx: camera.widthPx / 2 + (fxPx * dot(axes.right)) / z,
    vPx: camera.heightPx / 2 + (fyPx * dot(axes.down)) / z,
  };
}
