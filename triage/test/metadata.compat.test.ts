// Compatibility suite (`npm run test:compat`): real drone files from exifr's test fixtures (MIT), read from the
// shared folder beside the clone, see shared/samples/SOURCES.md. metadata.test.ts covers the same paths with
// drone-style files the project writes itself.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { photoCamera } from '../src/metadata/camera-pose.ts';
import { readPhotoMetadata } from '../src/metadata/read-metadata.ts';

const droneSamples = path.join(process.env.XUNCHA_SHARED_DIR ?? '', 'samples/drone-metadata');
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
    // 15:56:18.606 (SubSecTimeOriginal) with no offset in the file: read in the configured zone (default
    // Asia/Shanghai, UTC+8).
    expect(m.takenAt).toBe('2019-04-30T07:56:18.606Z');
    expect(
      (await readPhotoMetadata(await sample('exifr_DJI-XT-FLIR_issue-exifr-3.jpg'), { timeZone: 'America/New_York' }))
        .metadata.takenAt,
    ).toBe('2019-04-30T19:56:18.606Z');
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
