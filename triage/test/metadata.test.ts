// Drone-style files written by the project's own metadata writer (@xuncha/triage/testing); the same readers
// against real drone files are in metadata.compat.test.ts (`npm run test:compat`).
import { describe, expect, it } from 'vitest';
import { photoCamera } from '../src/metadata/camera-pose.ts';
import { photoTakenAt } from '../src/metadata/photo-time.ts';
import { readPhotoMetadata } from '../src/metadata/read-metadata.ts';
import type { PhotoIssue } from '../src/issues.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import {
  expectDjiFlirNadir,
  expectDjiXt2Pose,
  expectMavic2ProCamera,
  expectSequoiaAttitude,
  expectSequoiaGnssPose,
} from './drone-sample-expectations.ts';

describe('photo metadata from drone-style files', () => {
  it('DJI JPEG: EXIF GPS west/north and altitude below sea level, DJI XMP nadir gimbal and altitudes', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 64,
      heightPx: 48,
      make: 'DJI',
      model: 'FLIR',
      focalLengthMm: 13,
      gps: { lat: 40.3775014, lon: -74.4899134, altAmslM: -8.56 },
      pose: { altAmslM: -8.56, altRelM: 62.5, gimbalPitchDeg: -89.9, gimbalYawDeg: -78.8, flightYawDeg: -78 },
      dateTimeOriginal: '2019:04:30 15:56:18',
      offsetTimeOriginal: '-04:00',
    });
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
    expectDjiFlirNadir(m);
    expect(m.takenAt).toBe('2019-04-30T19:56:18.000Z');
    expect(issues).toEqual([]);
  });

  it('DJI TIFF: position from the drone-dji XMP when the file has no EXIF GPS', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 64,
      heightPx: 48,
      format: 'tiff',
      pose: { lat: 39.9169997, lon: -2.8250244, altAmslM: 881.90918, altRelM: 34.7, gimbalYawDeg: 81.3 },
    });
    const { metadata: m } = await readPhotoMetadata(bytes);
    expectDjiXt2Pose(m);
  });

  it('Mavic 2 Pro-style: the declared 5472×3648 is not trusted; the real 100×67 is, and the preset sensor is used', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 100,
      heightPx: 67,
      make: 'Hasselblad',
      model: 'L1D-20c',
      focalLengthMm: 10.26,
      focalLength35mmMm: 28,
      declaredSizePx: { width: 5472, height: 3648 },
      gps: { lat: 47.3541841, lon: 8.4374939, altAmslM: 1252.12 },
      pose: { altAmslM: 1252.12, altRelM: 125.3, gimbalPitchDeg: 1, gimbalYawDeg: -127.1, flightYawDeg: -127.1 },
    });
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
    expectMavic2ProCamera(m, issues);
  });

  const sequoia = () =>
    syntheticPhoto({
      widthPx: 96,
      heightPx: 72,
      make: 'Parrot',
      model: 'Sequoia',
      focalLengthMm: 4.88,
      gps: { lat: 49.1865473, lon: 2.2234, altAmslM: 162.7 },
      parrot: { yawDeg: -167.088455, pitchDeg: 13.239553, rollDeg: 0.388475 },
    });

  it('Parrot Sequoia-style: Camera: XMP yaw/pitch/roll (pitch 0 = nadir there)', async () => {
    const { metadata: m } = await readPhotoMetadata(await sequoia());
    expectSequoiaAttitude(m);
  });

  it('Parrot without relative altitude: pose from the GNSS altitude with a larger altitude sigma', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(await sequoia());
    expectSequoiaGnssPose(m, issues);
  });
});

describe('photo time: the offset the camera wrote, else the configured local zone', () => {
  it('a DJI photo taken at 10:31 in Longquan without an offset is 02:31 UTC, whatever the server zone', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 32,
      heightPx: 32,
      pose: { lat: 28.0607, lon: 119.1114 },
      dateTimeOriginal: '2026:05:06 10:31:00',
    });
    expect((await readPhotoMetadata(bytes)).metadata.takenAt).toBe('2026-05-06T02:31:00.000Z');
    // Another configured zone: the same wall clock in Berlin (summer time, UTC+2).
    expect((await readPhotoMetadata(bytes, { timeZone: 'Europe/Berlin' })).metadata.takenAt).toBe(
      '2026-05-06T08:31:00.000Z',
    );
  });

  it('OffsetTimeOriginal wins over the configured zone', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 32,
      heightPx: 32,
      dateTimeOriginal: '2026:05:06 10:31:00',
      offsetTimeOriginal: '+08:00',
    });
    const { metadata: m } = await readPhotoMetadata(bytes, { timeZone: 'America/New_York' });
    expect(m.takenAt).toBe('2026-05-06T02:31:00.000Z');
  });

  it('sub-seconds, older tags, zones with daylight saving and bad values', () => {
    const issues: PhotoIssue[] = [];
    expect(photoTakenAt({ DateTimeOriginal: '2026:05:06 10:31:00', SubSecTimeOriginal: '25' })).toBe(
      '2026-05-06T02:31:00.250Z',
    );
    expect(photoTakenAt({ CreateDate: '2026:01:02 00:10:00', OffsetTimeDigitized: '+00:00' })).toBe(
      '2026-01-02T00:10:00.000Z',
    );
    expect(photoTakenAt({ DateTimeOriginal: '2026:01:15 12:00:00' }, 'America/New_York')).toBe(
      '2026-01-15T17:00:00.000Z',
    );
    expect(photoTakenAt({ DateTimeOriginal: '2026:07:15 12:00:00' }, 'America/New_York')).toBe(
      '2026-07-15T16:00:00.000Z',
    );
    expect(photoTakenAt({ DateTimeOriginal: '0000:00:00 00:00:00' }, 'Asia/Shanghai', issues)).toBeNull();
    expect(photoTakenAt({ DateTimeOriginal: '2026:02:30 10:00:00' }, 'Asia/Shanghai', issues)).toBeNull();
    expect(
      photoTakenAt({ DateTimeOriginal: '2026:05:06 10:31:00', OffsetTimeOriginal: '+25:00' }, 'Asia/Shanghai', issues),
    ).toBe('2026-05-06T02:31:00.000Z');
    expect(issues.map((i) => [i.field, i.message.split(' / ')[1]])).toEqual([
      ['takenAt', 'DateTimeOriginal "0000:00:00 00:00:00" is not a date, ignored'],
      ['takenAt', 'DateTimeOriginal "2026:02:30 10:00:00" is not a date, ignored'],
      ['takenAt', 'OffsetTimeOriginal "+25:00" ignored, read in Asia/Shanghai'],
    ]);
    expect(photoTakenAt({})).toBeNull();
  });
});

describe('photo metadata: bad and partial values', () => {
  it('latitude 200 and altitude −5000 are rejected with per-field reasons; the photo is kept, unlocated', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 64,
      heightPx: 48,
      focalLengthMm: 8.8,
      pose: { lat: 200, lon: 119.1, altAmslM: -5000, altRelM: 100, gimbalPitchDeg: -90, gimbalYawDeg: 0 },
    });
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
    expect(m.lat).toBeNull();
    expect(m.lon).toBeNull();
    expect(m.altAmslM).toBeNull();
    expect(issues.map((i) => i.field)).toEqual(expect.arrayContaining(['latitude', 'altAmslM']));
    expect(issues.find((i) => i.field === 'latitude')!.message).toMatch(/200/);
    const cam = photoCamera(m, { widthPx: 64, heightPx: 48 }, issues);
    expect(cam.pose).toBeNull();
    expect(issues.some((i) => i.code === 'unlocated')).toBe(true);
  });

  it('reads the DJI GpsLongtitude misspelling', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 32,
      heightPx: 32,
      pose: { lat: 28.1, lon: 119.2, misspellLongitude: true },
    });
    const { metadata: m } = await readPhotoMetadata(bytes);
    expect(m.lon).toBe(119.2);
  });

  it('missing optics and attitude: sensor from 35 mm equivalent, nadir/north assumed with warnings and wide sigmas', async () => {
    const bytes = await syntheticPhoto({
      widthPx: 400,
      heightPx: 300,
      model: 'UNKNOWN-CAM',
      focalLengthMm: 4.5,
      focalLength35mmMm: 24,
      pose: { lat: 28.1, lon: 119.2, altRelM: 80 },
    });
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
    const cam = photoCamera(m, { widthPx: 400, heightPx: 300 }, issues);
    expect(cam.sensorSource).toBe('focal-35mm');
    // 24 mm equivalent: diagonal field of view 2·atan(43.27/48) ≈ 84°
    const diagFovDeg =
      (2 *
        Math.atan(Math.hypot(cam.camera.sensorWidthMm, cam.camera.sensorHeightMm) / 2 / cam.camera.focalLengthMm) *
        180) /
      Math.PI;
    expect(diagFovDeg).toBeCloseTo(84.1, 0);
    expect(cam.pose).toMatchObject({ pitchDeg: -90, headingDeg: 0, altAmslM: 80 });
    expect(cam.takeoffAltAmslM).toBe(0);
    expect(cam.sigma.headingDeg).toBe(180);
    expect(issues.filter((i) => i.code === 'field_assumed').map((i) => i.field)).toEqual(
      expect.arrayContaining(['headingDeg', 'gimbalPitchDeg', 'altAmslM']),
    );
  });

  it('garbage bytes give empty metadata with a warning, never a throw', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(new Uint8Array([1, 2, 3, 4, 5]));
    expect(m.lat).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(['metadata_unreadable']);
  });
});
