/**
 * The optical model of a drone camera: a pinhole with square-ish pixels and the principal point in
 * the image centre. Structurally the same as geodata's camera presets (`@xuncha/geodata` camera
 * models), so either can be passed.
 */
import { z } from 'zod';

export const CameraModelSchema = z.object({
  name: z.string().min(1),
  sensorWidthMm: z.number().positive().max(100),
  sensorHeightMm: z.number().positive().max(100),
  focalLengthMm: z.number().positive().max(1000),
  imageWidthPx: z.number().int().min(16).max(20000),
  imageHeightPx: z.number().int().min(16).max(20000),
});
export type CameraModel = z.infer<typeof CameraModelSchema>;

/** DJI Mavic 3 Enterprise wide camera (4/3" CMOS, 24 mm equivalent, 20 MP). */
export const M3E_WIDE: CameraModel = {
  name: 'm3e-wide',
  sensorWidthMm: 17.3,
  sensorHeightMm: 13.0,
  focalLengthMm: 12.29,
  imageWidthPx: 5280,
  imageHeightPx: 3956,
};

/** Pinhole intrinsics in pixels for an image of `widthPx` × `heightPx` rendered with `cam`'s optics. */
export function intrinsics(
  cam: CameraModel,
  widthPx = cam.imageWidthPx,
  heightPx = cam.imageHeightPx,
): { fx: number; fy: number; cx: number; cy: number } {
  return {
    fx: (cam.focalLengthMm * widthPx) / cam.sensorWidthMm,
    fy: (cam.focalLengthMm * heightPx) / cam.sensorHeightMm,
    cx: widthPx / 2,
    cy: heightPx / 2,
  };
}

/** 35 mm-equivalent focal length (diagonal crop factor), as EXIF FocalLengthIn35mmFilm. */
export function focalLength35mm(cam: CameraModel): number {
  const diag = Math.hypot(cam.sensorWidthMm, cam.sensorHeightMm);
  return Math.round((cam.focalLengthMm * Math.hypot(36, 24)) / diag);
}

/** Ground sampling distance in cm/px at `distanceM` from the camera along the optical axis. */
export function gsdCm(cam: CameraModel, distanceM: number): number {
  return ((distanceM * cam.sensorWidthMm) / (cam.focalLengthMm * cam.imageWidthPx)) * 100;
}
