/**
 * Triage's georeferencing against the simulator's camera: render photos with the simulator, run
 * triage's metadata + georeferencing on the JPEG bytes alone, compare with the sidecar ground truth.
 * Both sides use the same convention (geodata camera-geometry ↔ simulator camera/view.ts).
 */
import { describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import { groundModelFor, groundPointAt, triagePhoto } from '@xuncha/triage';
// The simulator has no public index yet: import its camera directly (tests/ may import everything).
import { createCamera } from '../simulator/src/camera/camera.ts';
import { DEMO_ORIGIN, demoDem, demoLayers } from '../simulator/src/scene/demo-world.ts';

const [LON0, LAT0] = DEMO_ORIGIN;
const camera = {
  name: 'm3e-small',
  sensorWidthMm: 17.3,
  sensorHeightMm: 13.0,
  focalLengthMm: 12.29,
  imageWidthPx: 400,
  imageHeightPx: 300,
};
const incidents = [
  { id: 'f1', class: 'straw_burning' as const, lon: LON0 + 0.0003, lat: LAT0 + 0.0002 },
  { id: 'e1', class: 'exposed_slope' as const, lon: LON0 + 0.0002, lat: LAT0 + 0.0058 },
];
const demFn = demoDem() as (lon: number, lat: number) => number;
const dem = { elevationAt: (lon: number, lat: number) => demFn(lon, lat) };

function metres(a: [number, number], b: [number, number]): number {
  const p = toLocal(localFrame(a[0], a[1]), b[0], b[1]);
  return Math.hypot(p.eastM, p.northM);
}

describe('triage georeferencing matches the simulator camera', () => {
  const cases = [
    { name: 'nadir, takeoff plane', withDem: false, pitch: -90, dLat: 0, heading: 10 },
    { name: '45°, takeoff plane', withDem: false, pitch: -45, dLat: -0.0009, heading: 10 },
    { name: 'nadir over hills (DEM)', withDem: true, pitch: -90, dLat: 0.0058, heading: 200 },
    { name: '45° over hills (DEM)', withDem: true, pitch: -45, dLat: 0.005, heading: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const sim = createCamera({ layers: demoLayers() as never, incidents, camera, ...(c.withDem ? { dem } : {}) });
      const photo = await sim.capture({
        sysId: 1,
        index: 0,
        time: new Date('2026-10-20T03:00:00Z'),
        lon: LON0,
        lat: LAT0 + c.dLat,
        altAmslM: 400,
        altRelM: 100,
        headingDeg: c.heading,
        gimbalPitchDeg: c.pitch,
      });
      const gt = photo.groundTruth;
      expect(gt.terrain).toBe(c.withDem ? 'dem' : 'takeoff-plane');
      const r = await triagePhoto('sim.jpg', photo.jpeg, { dem: c.withDem ? dem : null });
      expect(r.status).toBe('ok');
      expect(r.camera!.pose).toMatchObject({ pitchDeg: c.pitch, altAmslM: 400 });
      // the image centre on the ground
      const cg = r.ground.centerGround!;
      expect(metres(gt.centerGround!, [cg.lon, cg.lat])).toBeLessThan(0.02);
      // each footprint corner of the sidecar is a vertex of ours
      const ours = r.ground.footprint!.coordinates[0]!;
      for (const corner of gt.footprint!.coordinates[0]!) {
        const nearest = Math.min(...ours.map((p) => metres(corner as [number, number], p)));
        expect(nearest).toBeLessThan(0.05);
      }
      // every planted incident's anchor pixel lands on its planted position
      const ground = groundModelFor(r.camera!, c.withDem ? dem : null)!;
      let checked = 0;
      for (const inc of gt.incidents) {
        if (!inc.centerPx) continue;
        const g = groundPointAt(
          r.camera!.camera,
          r.camera!.pose!,
          r.camera!.sigma,
          ground,
          inc.centerPx[0],
          inc.centerPx[1],
        )!;
        expect(metres(inc.groundLonLat, [g.lon, g.lat])).toBeLessThan(0.05);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
