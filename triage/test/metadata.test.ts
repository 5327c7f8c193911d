// Real drone files: MikeKovarik/exifr test fixtures (MIT), see shared/samples/SOURCES.md.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { photoCamera } from '../src/metadata/camera-pose.ts';
import { readPhotoMetadata } from '../src/metadata/read-metadata.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import { droneSamples } from './paths.ts';

const sample = (name: string): Promise<Buffer> => readFile(path.join(droneSamples, name));

describe('photo metadata from real drone files', () => {
  it('DJI Zenmuse XT (FLIR): EXIF GPS west/north, DJI XMP nadir gimbal and altitudes', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(await sample('exifr_DJI-XT-FLIR_issue-exifr-3.jpg'));
    expect(m.lat).toBeCloseTo(40.3775014, 6);
    expect(m.lon).toBeCloseTo(-74.4899134, 6);
    expect(m.gimbalPitchDeg).toBeCloseTo(-89.9, 6);
    expect(m.gimbalYawDeg).toBeCloseTo(-78.8, 6);
    expect(m.flightYawDeg).toBe(-78);
    expect(m.altRelM).toBe(62.5);
    expect(m.altAmslM).toBe(-8.56);
    expect(m.focalLengthMm).toBe(13);
    expect(m.takenAt).toBe('2019-04-30T15:56:18.000Z');
    expect(m.attitudeSource).toBe('drone-dji');
    expect(issues).toEqual([]);
  });

  it('DJI XT2 TIFF: position and pose found (XMP altitudes, EXIF-in-TIFF GPS)', async () => {
    const { metadata: m } = await readPhotoMetadata(await sample('exifr_DJI-XT2_002.tiff'));
    expect(m.lat).toBeCloseTo(39.9169997, 6);
    expect(m.lon).toBeCloseTo(-2.8250244, 6);
    expect(m.altAmslM).toBeCloseTo(881.90918, 4);
    expect(m.altRelM).toBeCloseTo(34.7, 4);
    expect(m.gimbalYawDeg).toBeCloseTo(81.3, 4);
    expect(m.model).toBe('XT2');
  });

  it('Mavic 2 Pro: the declared 5472×3648 is not trusted; the real 100×67 is, and the preset sensor is used', async () => {
    const bytes = await sample('exifr_Mavic2Pro_L1D-20c_issue-exifr-13.jpg');
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
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
  });

  it('Parrot Sequoia: Camera: XMP yaw/pitch/roll (pitch 0 = nadir there) and 35 mm focal', async () => {
    const { metadata: m } = await readPhotoMetadata(
      await sample('exifr_Parrot-Sequoia_issue-metadata-extractor-152.jpg'),
    );
    expect(m.attitudeSource).toBe('camera-xmp');
    expect(m.gimbalYawDeg).toBeCloseTo(-167.088455, 5);
    expect(m.gimbalPitchDeg).toBeCloseTo(13.239553 - 90, 5);
    expect(m.gimbalRollDeg).toBeCloseTo(0.388475, 5);
    expect(m.lat).toBeCloseTo(49.1865473, 6);
    expect(m.altRelM).toBeNull();
  });

  it('Parrot without relative altitude: pose from the GNSS altitude with a larger altitude sigma', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(
      await sample('exifr_Parrot-Sequoia_issue-metadata-extractor-152.jpg'),
    );
    const cam = photoCamera(m, { widthPx: 4608, heightPx: 3456 }, issues);
    expect(cam.sensorSource).toBe('preset');
    expect(cam.pose!.altAmslM).toBeCloseTo(162.7, 5);
    expect(cam.sigma.altitudeM).toBeGreaterThan(1);
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
