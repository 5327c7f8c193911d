/**
 * Camera geometry: pose → orthonormal camera axes, pixel → ray, world point → pixel.
 *
 * Conventions (what triage georeferences against):
 * - World: local tangent plane, x east, y north, z up (metres, z AMSL); see `scene/local-frame.ts`.
 * - Yaw ψ: clockwise from north (the camera's absolute yaw = gimbalYawDeg, default the vehicle heading).
 * - Pitch θ: 0 = horizon, −90 = nadir. Roll is always 0 (stabilised gimbal).
 * - Forward F = (sinψ·cosθ, cosψ·cosθ, sinθ); image right R = (cosψ, −sinψ, 0);
 *   image up U = (−sinψ·sinθ, −cosψ·sinθ, cosθ). In a nadir shot the top of the image faces ψ.
 * - Pixels: u to the right, v down, continuous coordinates with (0,0) the top-left corner of the
 *   top-left pixel, so pixel (i, j) has its centre at (i + 0.5, j + 0.5) and the principal point is
 *   (W/2, H/2). fx = f·W/sensorWidth, fy = f·H/sensorHeight.
 * - Ray through (u, v): F + ((u − cx)/fx)·R − ((v − cy)/fy)·U (not normalised).
 */
import { intrinsics, type CameraModel } from './camera-model.ts';

const DEG = Math.PI / 180;

export type Vec3 = [number, number, number];

export interface View {
  widthPx: number;
  heightPx: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** Camera position in the local frame. */
  pos: Vec3;
  F: Vec3;
  R: Vec3;
  U: Vec3;
}

/** Camera view for an image of `widthPx` × `heightPx` (defaults to the camera's full resolution). */
export function makeView(
  cam: CameraModel,
  pos: Vec3,
  yawDeg: number,
  pitchDeg: number,
  widthPx = cam.imageWidthPx,
  heightPx = cam.imageHeightPx,
): View {
  const psi = yawDeg * DEG;
  const th = pitchDeg * DEG;
  const sp = Math.sin(psi);
  const cp = Math.cos(psi);
  const st = Math.sin(th);
  const ct = Math.cos(th);
  return {
    widthPx,
    heightPx,
    ...intrinsics(cam, widthPx, heightPx),
    pos,
    F: [sp * ct, cp * ct, st],
    R: [cp, -sp, 0],
    U: [-sp * st, -cp * st, ct],
  };
}

/** Direction (not normalised) of the ray through pixel coordinates (u, v). */
export function pixelRay(view: View, u: number, v: number): Vec3 {
  const a = (u - view.cx) / view.fx;
  const b = (v - view.cy) / view.fy;
  const { F, R, U } = view;
  return [F[0] + a * R[0] - b * U[0], F[1] + a * R[1] - b * U[1], F[2] + a * R[2] - b * U[2]];
}

/** Camera-space coordinates (right, down, depth along F) of a world point. */
export function toCameraSpace(view: View, p: Vec3): Vec3 {
  const dx = p[0] - view.pos[0];
  const dy = p[1] - view.pos[1];
  const dz = p[2] - view.pos[2];
  const { F, R, U } = view;
  return [dx * R[0] + dy * R[1] + dz * R[2], -(dx * U[0] + dy * U[1] + dz * U[2]), dx * F[0] + dy * F[1] + dz * F[2]];
}

/** Pixel coordinates of a world point, or null when it is behind the camera (depth ≤ 1 mm). */
export function projectPoint(view: View, p: Vec3): { u: number; v: number; depth: number } | null {
  const [xc, yc, zc] = toCameraSpace(view, p);
  if (zc <= 1e-3) return null;
  return { u: view.cx + (view.fx * xc) / zc, v: view.cy + (view.fy * yc) / zc, depth: zc };
}
