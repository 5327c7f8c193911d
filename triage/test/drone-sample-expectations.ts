// What the metadata readers must find in each real drone sample (metadata.compat.test.ts, read from the shared
// folder) and in the drone-style file the project writes in its place (metadata.test.ts, in `npm test`): one
// statement of it, so the stand-in cannot drift from the real file.
import { expect } from 'vitest';
import { photoCamera } from '../src/metadata/camera-pose.ts';
import type { PhotoMetadata } from '../src/metadata/read-metadata.ts';
import type { PhotoIssue } from '../src/issues.ts';

/** DJI Zenmuse XT (FLIR): EXIF GPS west/north, altitude below sea level, DJI XMP nadir gimbal and altitudes. */
export function expectDjiFlirNadir(m: PhotoMetadata): void {
  expect(m.lat).toBeCloseTo(40.3775014, 6);
  expect(m.lon).toBeCloseTo(-74.4899134, 6);
  expect(m.gimbalPitchDeg).toBeCloseTo(-89.9, 6);
  expect(m.gimbalYawDeg).toBeCloseTo(-78.8, 6);
  expect(m.flightYawDeg).toBe(-78);
  expect(m.altRelM).toBe(62.5);
  expect(m.altAmslM).toBe(-8.56);
  expect(m.focalLengthMm).toBe(13);
  expect(m.attitudeSource).toBe('drone-dji');
}

/** DJI XT2 TIFF: position and pose found (XMP altitudes). */
export function expectDjiXt2Pose(m: PhotoMetadata): void {
  expect(m.lat).toBeCloseTo(39.9169997, 6);
  expect(m.lon).toBeCloseTo(-2.8250244, 6);
  expect(m.altAmslM).toBeCloseTo(881.90918, 4);
  expect(m.altRelM).toBeCloseTo(34.7, 4);
  expect(m.gimbalYawDeg).toBeCloseTo(81.3, 4);
}

/** Mavic 2 Pro: the declared 5472×3648 is not trusted, the real 100×67 is, and the preset sensor is used. */
export function expectMavic2ProCamera(m: PhotoMetadata, issues: PhotoIssue[]): void {
  expect(m.declaredWidthPx).toBe(5472);
  expect(m.focalLength35mmMm).toBe(28);
  expect(m.gimbalPitchDeg).toBe(1);
  const cam = photoCamera(m, { widthPx: 100, heightPx: 67 }, issues);
  expect(cam.camera.widthPx).toBe(100);
  expect(cam.sensorSource).toBe('preset');
  expect(cam.camera.sensorWidthMm).toBe(13.2);
  expect(cam.pose).toMatchObject({ lat: expect.closeTo(47.3541841, 6), altAmslM: 1252.12, pitchDeg: 1 });
  expect(cam.pose!.headingDeg).toBeCloseTo(360 - 127.1, 6);
  expect(cam.takeoffAltAmslM).toBeCloseTo(1252.12 - 125.3, 6);
  expect(issues.some((i) => i.field === 'imageSize' && i.severity === 'warning')).toBe(true);
}

/** Parrot Sequoia: Camera: XMP yaw/pitch/roll (pitch 0 = nadir there), no relative altitude. */
export function expectSequoiaAttitude(m: PhotoMetadata): void {
  expect(m.attitudeSource).toBe('camera-xmp');
  expect(m.gimbalYawDeg).toBeCloseTo(-167.088455, 5);
  expect(m.gimbalPitchDeg).toBeCloseTo(13.239553 - 90, 5);
  expect(m.gimbalRollDeg).toBeCloseTo(0.388475, 5);
  expect(m.lat).toBeCloseTo(49.1865473, 6);
  expect(m.altRelM).toBeNull();
}

/** Parrot without relative altitude: the pose from the GNSS altitude, with a larger altitude sigma. */
export function expectSequoiaGnssPose(m: PhotoMetadata, issues: PhotoIssue[]): void {
  const cam = photoCamera(m, { widthPx: 4608, heightPx: 3456 }, issues);
  expect(cam.sensorSource).toBe('preset');
  expect(cam.pose!.altAmslM).toBeCloseTo(162.7, 5);
  expect(cam.sigma.altitudeM).toBeGreaterThan(1);
}
