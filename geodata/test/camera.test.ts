import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  altitudeForGsd,
  cameraPresets,
  dronePresets,
  footprintAt,
  getCamera,
  gsdCmAtAltitude,
  laneSpacingM,
  loadPresets,
  triggerDistanceM,
} from '../src/camera/index.ts';

describe('camera presets and GSD maths', () => {
  it('has the required presets with published figures', () => {
    for (const n of ['m3e-wide', 'm30-wide', 'p1-35mm', 'generic-1in-20mp']) expect(cameraPresets[n]).toBeDefined();
    for (const n of ['m3e', 'm30', 'm350']) expect(dronePresets[n]).toBeDefined();
    expect(dronePresets.m3e!.flightTimeS).toBe(45 * 60);
    expect(dronePresets.m30!.flightTimeS).toBe(41 * 60);
    expect(dronePresets.m350!.flightTimeS).toBe(55 * 60);
  });

  it('M3E wide gives about 2.7 cm/px at 100 m (DJI quotes H/36.5 ≈ 2.74 cm)', () => {
    const gsd = gsdCmAtAltitude(getCamera('m3e-wide'), 100);
    expect(gsd).toBeGreaterThan(2.6);
    expect(gsd).toBeLessThan(2.8);
  });

  it('P1 35 mm gives about 1.25 cm/px at 100 m', () => {
    expect(gsdCmAtAltitude(getCamera('p1-35mm'), 100)).toBeCloseTo(1.25, 1);
  });

  it('footprint, spacing and trigger distance follow the overlaps', () => {
    const fp = footprintAt(getCamera('m3e-wide'), 100);
    expect(fp.acrossM).toBeCloseTo((17.3 * 100) / 12.29, 6);
    expect(fp.alongM).toBeCloseTo((13.0 * 100) / 12.29, 6);
    expect(laneSpacingM(fp, 0.7)).toBeCloseTo(fp.acrossM * 0.3, 9);
    expect(triggerDistanceM(fp, 0.8)).toBeCloseTo(fp.alongM * 0.2, 9);
    const portrait = footprintAt(getCamera('m3e-wide'), 100, 'portrait');
    expect(portrait.acrossM).toBeCloseTo(fp.alongM, 9);
  });

  it('GSD ⇄ altitude round-trips for every preset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(cameraPresets)),
        fc.double({ min: 5, max: 500, noNaN: true }),
        (cam, alt) => {
          expect(altitudeForGsd(cam, gsdCmAtAltitude(cam, alt))).toBeCloseTo(alt, 6);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('loads custom presets from JSON and names the bad field', () => {
    const reg = loadPresets({
      cameras: [
        {
          name: 'my-cam',
          sensorWidthMm: 10,
          sensorHeightMm: 7.5,
          focalLengthMm: 8,
          imageWidthPx: 4000,
          imageHeightPx: 3000,
        },
      ],
    });
    expect(reg.cameras['my-cam']!.minTriggerIntervalS).toBe(1);
    expect(reg.cameras['m3e-wide']).toBeDefined();
    expect(() => loadPresets({ cameras: [{ name: 'x', sensorWidthMm: -1 }] })).toThrow(/cameras\.0\.sensorWidthMm/);
    expect(() => getCamera('nope')).toThrow(/unknown camera "nope"/);
  });
});
