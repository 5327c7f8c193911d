// Triage georeferences with @xuncha/geodata's camera geometry: the simulator's ground truth must
// agree with it to a fraction of a pixel, for any pose.
import fc from 'fast-check';
import { groundToPixel, pixelToGround as geoPixelToGround } from '@xuncha/geodata';
import { describe, expect, it } from 'vitest';
import { M3E_WIDE } from './camera-model.ts';
import { parseCaptureRequest } from './capture-request.ts';
import { pixelToGround, poseGeometry } from './pose-geometry.ts';

const pinhole = {
  widthPx: M3E_WIDE.imageWidthPx,
  heightPx: M3E_WIDE.imageHeightPx,
  focalLengthMm: M3E_WIDE.focalLengthMm,
  sensorWidthMm: M3E_WIDE.sensorWidthMm,
  sensorHeightMm: M3E_WIDE.sensorHeightMm,
};

describe('agreement with @xuncha/geodata camera geometry', () => {
  it('lands every pixel on the same ground point and back on the same pixel', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5280, noNaN: true }),
        fc.double({ min: 1500, max: 3956, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: -30, noNaN: true }),
        fc.double({ min: 20, max: 300, noNaN: true }),
        (u, v, yaw, pitch, h) => {
          const req = parseCaptureRequest({
            sysId: 1,
            index: 0,
            time: new Date(0),
            lon: 119.14,
            lat: 28.07,
            altAmslM: 200 + h,
            altRelM: h,
            headingDeg: yaw,
            gimbalPitchDeg: pitch,
          });
          const g = poseGeometry(null, M3E_WIDE, req);
          const mine = pixelToGround(g, u, v)!;
          const [lon, lat] = g.frame.toLonLat(mine[0], mine[1]);
          const pose = { lon: 119.14, lat: 28.07, altAmslM: 200 + h, headingDeg: yaw, pitchDeg: pitch, rollDeg: 0 };
          const theirs = geoPixelToGround(pinhole, pose, u, v, { planeAltAmslM: 200 });
          expect(theirs).not.toBeNull();
          expect(Math.abs(theirs!.lon - lon) * 98_000).toBeLessThan(0.01);
          expect(Math.abs(theirs!.lat - lat) * 111_000).toBeLessThan(0.01);
          const px = groundToPixel(pinhole, pose, lon, lat, 200)!;
          expect(Math.abs(px.uPx - u)).toBeLessThan(0.01);
          expect(Math.abs(px.vPx - v)).toBeLessThan(0.01);
        },
      ),
    );
  });
});
