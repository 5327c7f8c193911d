import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groundFootprint, groundToPixel, intersectGround, localFrame, pixelToGround, toLocal } from './index.ts';
import type { CameraPose, ElevationSource, PinholeCamera } from './index.ts';

const camera: PinholeCamera = {
  widthPx: 4000,
  heightPx: 3000,
  focalLengthMm: 8.8,
  sensorWidthMm: 13.2,
  sensorHeightMm: 9.9,
};
const nadir = (over: Partial<CameraPose> = {}): CameraPose => ({
  lon: 119.14,
  lat: 28.08,
  altAmslM: 300,
  headingDeg: 0,
  pitchDeg: -90,
  rollDeg: 0,
  ...over,
});
const plane = { planeAltAmslM: 200 };

function metresBetween(a: [number, number], b: [number, number]): number {
  const f = localFrame(a[0], a[1]);
  const p = toLocal(f, b[0], b[1]);
  return Math.hypot(p.eastM, p.northM);
}

describe('pinhole camera geometry', () => {
  it('nadir: the image centre sees the ground below the camera, the footprint is altitude × sensor / focal', () => {
    const pose = nadir();
    const c = pixelToGround(camera, pose, 2000, 1500, plane)!;
    expect(metresBetween([c.lon, c.lat], [pose.lon, pose.lat])).toBeLessThan(1e-6);
    expect(c.altAmslM).toBeCloseTo(200, 9);
    const left = pixelToGround(camera, pose, 0, 1500, plane)!;
    const right = pixelToGround(camera, pose, 4000, 1500, plane)!;
    expect(metresBetween([left.lon, left.lat], [right.lon, right.lat])).toBeCloseTo((100 * 13.2) / 8.8, 6);
  });

  it('nadir with heading 90°: the top of the image points east, the right edge south', () => {
    const pose = nadir({ headingDeg: 90 });
    const top = pixelToGround(camera, pose, 2000, 0, plane)!;
    const right = pixelToGround(camera, pose, 4000, 1500, plane)!;
    expect(top.lon).toBeGreaterThan(pose.lon);
    expect(top.lat).toBeCloseTo(pose.lat, 9);
    expect(right.lat).toBeLessThan(pose.lat);
  });

  it('pitch −45° looks ahead along the heading at a horizontal distance equal to the height', () => {
    const pose = nadir({ pitchDeg: -45, headingDeg: 30 });
    const c = pixelToGround(camera, pose, 2000, 1500, plane)!;
    expect(c.horizontalRangeM).toBeCloseTo(100, 6);
    const f = localFrame(pose.lon, pose.lat);
    const p = toLocal(f, c.lon, c.lat);
    expect((Math.atan2(p.eastM, p.northM) * 180) / Math.PI).toBeCloseTo(30, 6);
  });

  it('rays above the horizon miss a plane; the footprint is then cut and flagged', () => {
    const pose = nadir({ pitchDeg: 0 });
    expect(pixelToGround(camera, pose, 2000, 0, plane)).toBeNull();
    const fp = groundFootprint(camera, pose, plane);
    expect(fp.clipped).toBe(true);
    expect(groundFootprint(camera, nadir(), plane).clipped).toBe(false);
  });

  it('property: pixel → ground → pixel is the identity (plane and sloped DEM)', () => {
    const slope: ElevationSource = {
      elevationAt: (lon, lat) => 180 + (lon - 119.14) * 2000 + (lat - 28.08) * 1000,
    };
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 4000, noNaN: true }),
        fc.double({ min: 0, max: 3000, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: -90, max: -30, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 40, max: 400, noNaN: true }),
        fc.boolean(),
        (u, v, headingDeg, pitchDeg, rollDeg, heightM, useDem) => {
          const pose = nadir({ headingDeg, pitchDeg, rollDeg, altAmslM: 200 + heightM });
          const ground = useDem ? { dem: slope, planeAltAmslM: 200 } : plane;
          const hit = pixelToGround(camera, pose, u, v, ground);
          if (!hit) return; // beyond range at low pitch
          const px = groundToPixel(camera, pose, hit.lon, hit.lat, hit.altAmslM)!;
          expect(Math.abs(px.uPx - u)).toBeLessThan(0.05);
          expect(Math.abs(px.vPx - v)).toBeLessThan(0.05);
          if (useDem && hit.surface === 'dem') {
            expect(Math.abs(hit.altAmslM - slope.elevationAt(hit.lon, hit.lat)!)).toBeLessThan(0.01);
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a flat DEM gives the same point as the plane at its height; DEM gaps fall back to the plane', () => {
    const pose = nadir({ pitchDeg: -50, headingDeg: 200 });
    const flat: ElevationSource = { elevationAt: () => 200 };
    const gap: ElevationSource = { elevationAt: () => null };
    const a = pixelToGround(camera, pose, 300, 2500, plane)!;
    const b = pixelToGround(camera, pose, 300, 2500, { dem: flat, planeAltAmslM: 0 })!;
    const c = pixelToGround(camera, pose, 300, 2500, { dem: gap, planeAltAmslM: 200 })!;
    expect(metresBetween([a.lon, a.lat], [b.lon, b.lat])).toBeLessThan(0.01);
    expect(b.surface).toBe('dem');
    expect(c.surface).toBe('plane');
    expect(metresBetween([a.lon, a.lat], [c.lon, c.lat])).toBeLessThan(0.01);
  });

  it('a ray meets a hill in front of the camera before the plane behind it', () => {
    const pose = nadir({ pitchDeg: -10 });
    // a wall 500 m north of the camera rising above the camera's altitude
    const wall: ElevationSource = {
      elevationAt: (lon, lat) => (toLocal(localFrame(pose.lon, pose.lat), lon, lat).northM > 500 ? 400 : 200),
    };
    const hit = intersectGround(
      pose,
      { eastM: 0, northM: 1, upM: Math.tan((-10 * Math.PI) / 180) },
      { dem: wall, planeAltAmslM: 200 },
    )!;
    expect(hit.surface).toBe('dem');
    expect(hit.horizontalRangeM).toBeGreaterThan(499);
    expect(hit.horizontalRangeM).toBeLessThan(501);
  });

  it('footprint ring is closed and counter-clockwise', () => {
    const fp = groundFootprint(camera, nadir({ headingDeg: 33 }), plane);
    const ring = fp.polygon.coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    let a = 0;
    for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
    expect(a).toBeGreaterThan(0);
  });
});
