import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { CameraModel } from './camera-model.ts';
import { parseCaptureRequest } from './capture-request.ts';
import { drawEffects, exposureOf } from './effects.ts';
import { withDroneMetadata, type Exposure } from './metadata.ts';

const cam: CameraModel = {
  name: 'test',
  sensorWidthMm: 17.3,
  sensorHeightMm: 13,
  focalLengthMm: 12.29,
  imageWidthPx: 64,
  imageHeightPx: 48,
};

async function jpegWith(over: Record<string, unknown>, exposure?: Exposure): Promise<Buffer> {
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
    speedMps: 8,
    ...over,
  });
  const img = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 60 } } });
  return withDroneMetadata(img, req, cam, 'DJI', 'M3E', exposure).jpeg({ quality: 80 }).toBuffer();
}

/** Metres between two lon/lat points (equirectangular, fine at these distances). */
function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const k = Math.PI / 180;
  return Math.hypot((lon2 - lon1) * k * 6378137 * Math.cos(lat1 * k), (lat2 - lat1) * k * 6378137);
}

describe('EXIF and DJI XMP', () => {
  it('round-trips position, altitudes, angles and optics through exifr', async () => {
    const m = await exifr.parse(await jpegWith({}), { xmp: true, gps: true });
    expect(metres(m.longitude, m.latitude, 119.1412345678, 28.0712345678)).toBeLessThan(0.05);
    expect(metres(m.GpsLongitude, m.GpsLatitude, 119.1412345678, 28.0712345678)).toBeLessThan(0.05);
    expect(m.GPSAltitude).toBeCloseTo(312.345, 2);
    expect(m.AbsoluteAltitude).toBeCloseTo(312.345, 2);
    expect(m.RelativeAltitude).toBeCloseTo(120.5, 2);
    expect(m.GimbalPitchDegree).toBe(-90);
    expect(m.GimbalRollDegree).toBe(0);
    // 263.4° folds to −96.6° as DJI writes yaw; gimbal yaw defaults to the heading.
    expect(m.FlightYawDegree).toBeCloseTo(-96.6, 2);
    expect(m.GimbalYawDegree).toBeCloseTo(-96.6, 2);
    expect(m.FlightPitchDegree).toBe(0);
    expect(m.FlightRollDegree).toBe(0);
    expect(m.Make).toBe('DJI');
    expect(m.Model).toBe('M3E');
    expect(m.FocalLength).toBeCloseTo(12.29, 2);
    expect(m.FocalLengthIn35mmFormat).toBe(25);
    expect(m.ImageWidth).toBe(64);
    expect(m.ImageHeight).toBe(48);
    expect(m.GPSDateStamp).toBe('2025:10:20');
    expect(m.GPSImgDirection).toBeCloseTo(263.4, 2);
    // DateTimeOriginal is local Beijing time, as DJI cameras write it.
    expect(m.OffsetTimeOriginal).toBe('+08:00');
    const raw = await exifr.parse(await jpegWith({}), { reviveValues: false, pick: ['DateTimeOriginal'] });
    expect(raw.DateTimeOriginal).toBe('2025:10:20 10:03:04');
  });

  it('writes southern/western positions, negative altitudes and gimbal yaw', async () => {
    const m = await exifr.parse(
      await jpegWith({
        lon: -70.5,
        lat: -33.25,
        altAmslM: -12.5,
        altRelM: 30,
        gimbalYawDeg: 45,
        gimbalPitchDeg: -30.5,
      }),
      { xmp: true, gps: true },
    );
    expect(metres(m.longitude, m.latitude, -70.5, -33.25)).toBeLessThan(0.05);
    expect(m.GPSLatitudeRef).toBe('S');
    expect(m.GPSLongitudeRef).toBe('W');
    expect(m.AbsoluteAltitude).toBeCloseTo(-12.5, 3);
    expect(m.GimbalYawDegree).toBe(45);
    expect(m.GimbalPitchDegree).toBe(-30.5);
  });

  it('records the exposure and, as DJI does, flight speed and calibrated optics', async () => {
    const m = await exifr.parse(await jpegWith({}, { exposureTimeS: 1 / 640, fNumber: 5.6, iso: 100 }), {
      xmp: true,
      gps: true,
    });
    expect(m.ExposureTime).toBeCloseTo(1 / 640, 6);
    expect(m.FNumber).toBeCloseTo(5.6, 2);
    expect(m.ISO).toBe(100);
    expect(m.ExposureProgram).toBe('Normal program');
    expect(m.WhiteBalance).toBe('Auto');
    // 8 m/s on heading 263.4°: mostly west, a little south (north-east-down frame).
    expect(m.FlightXSpeed).toBeCloseTo(8 * Math.cos((263.4 * Math.PI) / 180), 2);
    expect(m.FlightYSpeed).toBeCloseTo(8 * Math.sin((263.4 * Math.PI) / 180), 2);
    expect(m.FlightZSpeed).toBe(0);
    expect(m.CalibratedFocalLength).toBeCloseTo((12.29 * 64) / 17.3, 3);
    expect(m.CalibratedOpticalCenterX).toBe(32);
    expect(m.CalibratedOpticalCenterY).toBe(24);
  });

  it('derives a plausible auto exposure: dim light opens the aperture, then raises ISO', () => {
    const e = { ...drawEffects(4, 640), exposureEv: 0, shutterS: 1 / 500 };
    const sunny = exposureOf(e, { sunElevationDeg: 60, overcast: 0, haze: 0.1 });
    const dull = exposureOf(e, { sunElevationDeg: 8, overcast: 1, haze: 0.8 });
    expect(sunny.iso).toBe(100);
    expect(sunny.fNumber).toBeGreaterThan(4);
    expect(dull.fNumber).toBeLessThan(sunny.fNumber);
    expect(dull.iso).toBeGreaterThan(100);
    expect(dull.exposureTimeS).toBe(1 / 500);
  });
});
