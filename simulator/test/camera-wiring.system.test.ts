/**
 * The runner wires the camera: a trigger over MAVLink writes a photo whose EXIF/XMP pose is the
 * vehicle's pose at capture.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import { afterEach, expect, test } from 'vitest';
import { launchSimulation } from '../src/runner/launch.ts';
import type { RunningSimulation } from '../src/runner/start-simulation.ts';
import { distanceM } from '../src/vehicle/geo.ts';
import type { CameraCapture } from '../src/vehicle/types.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';
import { CopterMode, MavCmd, MavResult } from '../src/vehicle/mav.ts';

let sim: RunningSimulation | null = null;
let gcs: TestGcs | null = null;
afterEach(async () => {
  gcs?.close();
  await sim?.stop();
  sim = null;
});

test('DO_DIGICAM_CONTROL renders a geotagged photo at the vehicle position', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-sim-cam-'));
  const scenarioPath = path.join(dir, 'scenario.json');
  await writeFile(
    scenarioPath,
    JSON.stringify({
      drones: [{ home: { lon: 119.1114, lat: 28.0607, altAmslM: 210 } }],
      incidents: [{ id: 'burn-1', class: 'straw_burning', lon: 119.1115, lat: 28.0608, radiusM: 10 }],
      // A small sensor keeps the render quick.
      camera: {
        name: 'test-cam',
        sensorWidthMm: 6.4,
        sensorHeightMm: 4.8,
        focalLengthMm: 4.5,
        imageWidthPx: 320,
        imageHeightPx: 240,
      },
    }),
  );
  const imagesDir = path.join(dir, 'images');
  const launched = await launchSimulation({
    scenarioPath,
    imagesDir,
    basePort: 0,
    demPath: null,
    bootDelayS: 0,
    speedup: 20,
  });
  sim = launched.sim;
  expect(launched.photos).toBe(true);
  const v = sim.vehicles[0]!;
  const g = (gcs = await TestGcs.connect(v.port));
  expect(await g.setMode(CopterMode.GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 40])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().altRelM > 39, 10_000, 'takeoff');
  const capture = new Promise<CameraCapture>((resolve) => v.events.once('capture', resolve));
  expect(await g.command(MavCmd.DO_DIGICAM_CONTROL, [0, 0, 0, 0, 1])).toBe(MavResult.ACCEPTED);
  const c = await capture;
  // The sidecar is written after the JPEG, so once it exists the photo is complete.
  let jpg: string | undefined;
  const t0 = Date.now();
  while (!jpg && Date.now() - t0 < 30_000) {
    const files = await readdir(imagesDir).catch(() => [] as string[]);
    jpg = files.find((f) => f.endsWith('.JPG') && files.includes(f.replace(/\.JPG$/, '.json')));
    if (!jpg) await new Promise((r) => setTimeout(r, 50));
  }
  expect(jpg).toMatch(/_V1\.JPG$/);
  const meta = await exifr.parse(await readFile(path.join(imagesDir, jpg!)), { xmp: true, gps: true });
  expect(distanceM(meta.longitude, meta.latitude, c.lon, c.lat)).toBeLessThan(1);
  expect(Number(meta.RelativeAltitude)).toBeCloseTo(c.altRelM, 0);
  expect(Number(meta.GimbalPitchDegree)).toBeCloseTo(-90, 0);
});

test('the dock delivers the photos of a flight to a folder after landing', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-sim-dock-'));
  const scenarioPath = path.join(dir, 'scenario.json');
  await writeFile(
    scenarioPath,
    JSON.stringify({
      drones: [{ home: { lon: 119.1114, lat: 28.0607, altAmslM: 210 } }],
      incidents: [],
      camera: {
        name: 'test-cam',
        sensorWidthMm: 6.4,
        sensorHeightMm: 4.8,
        focalLengthMm: 4.5,
        imageWidthPx: 160,
        imageHeightPx: 120,
      },
    }),
  );
  const dockDir = path.join(dir, 'dock');
  const delivered = new Promise<number>((resolve) => {
    void launchSimulation({
      scenarioPath,
      dock: { dir: dockDir },
      onDelivered: (_sysId, report) => resolve(report.delivered.length),
      basePort: 0,
      demPath: null,
      bootDelayS: 0,
      speedup: 20,
    }).then(async (launched) => {
      sim = launched.sim;
      const v = sim.vehicles[0]!;
      const g = (gcs = await TestGcs.connect(v.port));
      expect(await g.setMode(CopterMode.GUIDED)).toBe(MavResult.ACCEPTED);
      expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
      expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 20])).toBe(MavResult.ACCEPTED);
      await until(() => v.state().altRelM > 19, 10_000, 'takeoff');
      for (let i = 0; i < 2; i++) {
        const shot = new Promise((r) => v.events.once('capture', r));
        expect(await g.command(MavCmd.DO_DIGICAM_CONTROL, [0, 0, 0, 0, 1])).toBe(MavResult.ACCEPTED);
        await shot;
      }
      // Nothing is delivered while airborne.
      expect(await readdir(dockDir).catch(() => [])).toEqual([]);
      expect(await g.setMode(CopterMode.LAND)).toBe(MavResult.ACCEPTED); // LAND
    });
  });
  expect(await delivered).toBe(2);
  const files = (await readdir(dockDir)).sort();
  expect(files.filter((f) => f.endsWith('.JPG'))).toHaveLength(2);
  expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
});
