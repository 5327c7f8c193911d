// Compatibility suite (`npm run test:compat`): the simulator's DJI metadata against a real DJI file (exifr's
// test fixture, MIT), read from the shared folder beside the clone, see shared/samples/SOURCES.md.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseCaptureRequest } from './capture-request.ts';
import { withDroneMetadata } from './metadata.ts';

describe('EXIF and DJI XMP', () => {
  it('uses the same XMP keys exifr returns for a real DJI file', async () => {
    const real = await readFile(
      path.join(
        process.env.XUNCHA_SHARED_DIR ?? '',
        'samples/drone-metadata/exifr_Mavic2Pro_L1D-20c_issue-exifr-13.jpg',
      ),
    );
    const req = parseCaptureRequest({
      sysId: 2,
      index: 7,
      time: new Date('2025-10-20T02:03:04.250Z'),
      lon: 119.1412345678,
      lat: 28.0712345678,
      altAmslM: 312.345,
      altRelM: 120.5,
      headingDeg: 263.4,
      gimbalPitchDeg: -90,
    });
    const cam = {
      name: 'test',
      sensorWidthMm: 17.3,
      sensorHeightMm: 13,
      focalLengthMm: 12.29,
      imageWidthPx: 64,
      imageHeightPx: 48,
    };
    const img = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 60 } } });
    const ours = await withDroneMetadata(img, req, cam, 'DJI', 'M3E').jpeg({ quality: 80 }).toBuffer();
    const a = await exifr.parse(real, { xmp: true, gps: true });
    const b = await exifr.parse(ours, { xmp: true, gps: true });
    const dji = Object.keys(a).filter((k) => /Altitude|Degree|^Gps/.test(k));
    expect(dji.length).toBeGreaterThanOrEqual(10);
    for (const k of dji) expect(b, k).toHaveProperty(k);
  });
});
