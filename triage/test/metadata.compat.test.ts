// Compatibility suite (`npm run test:compat`): real drone files from exifr's test fixtures (MIT), read from the
// shared folder beside the clone, see shared/samples/SOURCES.md. metadata.test.ts covers the same paths with
// drone-style files the project writes itself.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPhotoMetadata } from '../src/metadata/read-metadata.ts';
import {
  expectDjiFlirNadir,
  expectDjiXt2Pose,
  expectMavic2ProCamera,
  expectSequoiaAttitude,
  expectSequoiaGnssPose,
} from './drone-sample-expectations.ts';

const droneSamples = path.join(process.env.XUNCHA_SHARED_DIR ?? '', 'samples/drone-metadata');
const sample = (name: string): Promise<Buffer> => readFile(path.join(droneSamples, name));

describe('photo metadata from real drone files', () => {
  it('DJI Zenmuse XT (FLIR): EXIF GPS west/north, DJI XMP nadir gimbal and altitudes', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(await sample('exifr_DJI-XT-FLIR_issue-exifr-3.jpg'));
    expectDjiFlirNadir(m);
    // 15:56:18.606 (SubSecTimeOriginal) with no offset in the file: read in the configured zone (default
    // Asia/Shanghai, UTC+8).
    expect(m.takenAt).toBe('2019-04-30T07:56:18.606Z');
    expect(
      (await readPhotoMetadata(await sample('exifr_DJI-XT-FLIR_issue-exifr-3.jpg'), { timeZone: 'America/New_York' }))
        .metadata.takenAt,
    ).toBe('2019-04-30T19:56:18.606Z');
    expect(issues).toEqual([]);
  });

  it('DJI XT2 TIFF: position and pose found (XMP altitudes, EXIF-in-TIFF GPS)', async () => {
    const { metadata: m } = await readPhotoMetadata(await sample('exifr_DJI-XT2_002.tiff'));
    expectDjiXt2Pose(m);
    expect(m.model).toBe('XT2');
  });

  it('Mavic 2 Pro: the declared 5472×3648 is not trusted; the real 100×67 is, and the preset sensor is used', async () => {
    const bytes = await sample('exifr_Mavic2Pro_L1D-20c_issue-exifr-13.jpg');
    const { metadata: m, issues } = await readPhotoMetadata(bytes);
    expectMavic2ProCamera(m, issues);
  });

  it('Parrot Sequoia: Camera: XMP yaw/pitch/roll (pitch 0 = nadir there) and 35 mm focal', async () => {
    const { metadata: m } = await readPhotoMetadata(
      await sample('exifr_Parrot-Sequoia_issue-metadata-extractor-152.jpg'),
    );
    expectSequoiaAttitude(m);
  });

  it('Parrot without relative altitude: pose from the GNSS altitude with a larger altitude sigma', async () => {
    const { metadata: m, issues } = await readPhotoMetadata(
      await sample('exifr_Parrot-Sequoia_issue-metadata-extractor-152.jpg'),
    );
    expectSequoiaGnssPose(m, issues);
  });
});
