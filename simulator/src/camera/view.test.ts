import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { M3E_WIDE, focalLength35mm, intrinsics } from './camera-model.ts';
import { parseCaptureRequest } from './capture-request.ts';
import { pixelToGround, poseGeometry } from './pose-geometry.ts';
import { makeView, pixelRay, projectPoint } from './view.ts';

const req = (over: Record<string, unknown> = {}) =>
  parseCaptureRequest({
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: 119.14,
    lat: 28.07,
    altAmslM: 300,
    altRelM: 100,
    headingDeg: 0,
    gimbalPitchDeg: -90,
    ...over,
  });

describe('camera view geometry', () => {
  it('has orthonormal, right-handed axes for any yaw and pitch', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -360, max: 360, noNaN: true }),
        fc.double({ min: -90, max: 30, noNaN: true }),
        (yaw, pitch) => {
          const v = makeView(M3E_WIDE, [0, 0, 100], yaw, pitch);
          const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
          expect(dot(v.F, v.F)).toBeCloseTo(1, 9);
          expect(dot(v.R, v.R)).toBeCloseTo(1, 9);
          expect(dot(v.U, v.U)).toBeCloseTo(1, 9);
          expect(dot(v.F, v.R)).toBeCloseTo(0, 9);
          expect(dot(v.F, v.U)).toBeCloseTo(0, 9);
          expect(dot(v.R, v.U)).toBeCloseTo(0, 9);
          // R × (−U) = F: x right, y down, z forward is right-handed.
          const D = [-v.U[0], -v.U[1], -v.U[2]];
          const cross = [
            v.R[1] * D[2]! - v.R[2] * D[1]!,
            v.R[2] * D[0]! - v.R[0] * D[2]!,
            v.R[0] * D[1]! - v.R[1] * D[0]!,
          ];
          expect(cross[0]).toBeCloseTo(v.F[0], 9);
          expect(cross[1]).toBeCloseTo(v.F[1], 9);
          expect(cross[2]).toBeCloseTo(v.F[2], 9);
        },
      ),
    );
  });

  it('projects the ground point of any pixel back onto that pixel', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5280, noNaN: true }),
        fc.double({ min: 0, max: 3956, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: -40, noNaN: true }),
        fc.double({ min: 10, max: 500, noNaN: true }),
        (u, v, yaw, pitch, h) => {
          const g = poseGeometry(
            null,
            M3E_WIDE,
            req({ headingDeg: yaw, gimbalPitchDeg: pitch, altRelM: h, altAmslM: 200 + h }),
          );
          const p = pixelToGround(g, u, v);
          expect(p).not.toBeNull();
          expect(p![2]).toBeCloseTo(200, 6);
          const back = projectPoint(g.view, p!)!;
          expect(back.u).toBeCloseTo(u, 5);
          expect(back.v).toBeCloseTo(v, 5);
        },
      ),
    );
  });

  it('looks straight down at nadir with the image top facing the heading', () => {
    const g = poseGeometry(null, M3E_WIDE, req({ headingDeg: 90 }));
    const c = pixelToGround(g, M3E_WIDE.imageWidthPx / 2, M3E_WIDE.imageHeightPx / 2)!;
    expect(Math.abs(c[0])).toBeLessThan(1e-9);
    expect(Math.abs(c[1])).toBeLessThan(1e-9);
    // Top-centre pixel lands east of the drone when it heads east.
    const top = pixelToGround(g, M3E_WIDE.imageWidthPx / 2, 0)!;
    expect(top[0]).toBeGreaterThan(10);
    expect(Math.abs(top[1])).toBeLessThan(1e-6);
    // Right-centre pixel lands south.
    const right = pixelToGround(g, M3E_WIDE.imageWidthPx, M3E_WIDE.imageHeightPx / 2)!;
    expect(right[1]).toBeLessThan(-10);
  });

  it('puts the centre of a 45° oblique shot at a ground distance equal to the height', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 359, noNaN: true }),
        fc.double({ min: 20, max: 400, noNaN: true }),
        (yaw, h) => {
          const g = poseGeometry(
            null,
            M3E_WIDE,
            req({ headingDeg: yaw, gimbalPitchDeg: -45, altRelM: h, altAmslM: 100 + h }),
          );
          const c = pixelToGround(g, M3E_WIDE.imageWidthPx / 2, M3E_WIDE.imageHeightPx / 2)!;
          expect(Math.hypot(c[0], c[1])).toBeCloseTo(h, 6);
          expect(c[0]).toBeCloseTo(h * Math.sin((yaw * Math.PI) / 180), 6);
          expect(c[1]).toBeCloseTo(h * Math.cos((yaw * Math.PI) / 180), 6);
        },
      ),
    );
  });

  it('sees sky above the horizon and uses gimbal yaw over heading', () => {
    const g = poseGeometry(null, M3E_WIDE, req({ gimbalPitchDeg: 0 }));
    expect(pixelToGround(g, 100, 10)).toBeNull();
    const ray = pixelRay(makeView(M3E_WIDE, [0, 0, 0], 0, 0), M3E_WIDE.imageWidthPx / 2, M3E_WIDE.imageHeightPx / 2);
    expect(ray).toEqual([0, 1, 0]);
    const yawed = poseGeometry(null, M3E_WIDE, req({ headingDeg: 0, gimbalYawDeg: 180, gimbalPitchDeg: -45 }));
    const c = pixelToGround(yawed, M3E_WIDE.imageWidthPx / 2, M3E_WIDE.imageHeightPx / 2)!;
    expect(c[1]).toBeCloseTo(-100, 6);
  });

  it('derives intrinsics and the 35 mm focal length of the M3E', () => {
    const k = intrinsics(M3E_WIDE);
    expect(k.cx).toBe(2640);
    expect(k.fx).toBeCloseTo((12.29 * 5280) / 17.3, 9);
    // Diagonal crop factor 43.27 / 21.64 mm: 12.29 mm → 24.6 → 25 (DJI markets it as 24 mm).
    expect(focalLength35mm(M3E_WIDE)).toBe(25);
  });
});
