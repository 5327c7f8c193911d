import type { Camera } from './camera.ts';

/** Which sensor side lies across the flight direction. Landscape puts the long side across track. */
export type ImageOrientation = 'landscape' | 'portrait';

/** Pixel pitch (mm): the larger of the two pitches governs (square pixels in practice). */
function pixelPitchMm(camera: Camera): number {
  return Math.max(camera.sensorWidthMm / camera.imageWidthPx, camera.sensorHeightMm / camera.imageHeightPx);
}

/** Ground sample distance in cm/px at a height above ground (nadir camera, flat ground). */
export function gsdCmAtAltitude(camera: Camera, altAglM: number): number {
  // Pixel pitch (mm) × height / focal.
  return ((pixelPitchMm(camera) * altAglM) / camera.focalLengthMm) * 100;
}

/** Height above ground (m) that gives a ground sample distance (cm/px). */
export function altitudeForGsd(camera: Camera, gsdCm: number): number {
  return ((gsdCm / 100) * camera.focalLengthMm) / pixelPitchMm(camera);
}

export interface FootprintSize {
  /** Ground extent across the flight direction (m). */
  acrossM: number;
  /** Ground extent along the flight direction (m). */
  alongM: number;
}

/** Ground footprint of one nadir image at a height above flat ground. */
export function footprintAt(
  camera: Camera,
  altAglM: number,
  orientation: ImageOrientation = 'landscape',
): FootprintSize {
  const w = (camera.sensorWidthMm * altAglM) / camera.focalLengthMm;
  const h = (camera.sensorHeightMm * altAglM) / camera.focalLengthMm;
  return orientation === 'landscape' ? { acrossM: w, alongM: h } : { acrossM: h, alongM: w };
}

/** Distance between neighbouring lanes for a side overlap fraction in [0, 1). */
export function laneSpacingM(footprint: FootprintSize, sideOverlap: number): number {
  return footprint.acrossM * (1 - sideOverlap);
}

/** Distance between photos along a lane for a front overlap fraction in [0, 1). */
export function triggerDistanceM(footprint: FootprintSize, frontOverlap: number): number {
  return footprint.alongM * (1 - frontOverlap);
}

/** Half field-of-view tangents (across, along) for ray casting onto sloped ground. */
export function halfFovTangents(
  camera: Camera,
  orientation: ImageOrientation = 'landscape',
): { across: number; along: number } {
  const tw = camera.sensorWidthMm / 2 / camera.focalLengthMm;
  const th = camera.sensorHeightMm / 2 / camera.focalLengthMm;
  return orientation === 'landscape' ? { across: tw, along: th } : { across: th, along: tw };
}
