/**
 * A running simulation stamps its photos with the time they are taken, like a real drone: EXIF
 * DateTimeOriginal + OffsetTimeOriginal and the GPS time follow the simulation clock from the real time the
 * simulation started, not the scenario's date, so the mission service can tie a dock's photos to the flight
 * it logged. The scenario's date still decides which planted incidents exist.
 */
import exifr from 'exifr';
import { afterEach, expect, test } from 'vitest';
import { createCamera, type PhotoRecord } from '../src/camera/camera.ts';
import { DEMO_ORIGIN, demoLayers } from '../src/scene/demo-world.ts';
import { parseScenario } from '../src/scenario/load.ts';
import { startSimulation, type RunningSimulation } from '../src/runner/start-simulation.ts';
import { testCamera } from '../src/camera/test-camera.ts';

let sim: RunningSimulation | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

const [lon, lat] = DEMO_ORIGIN;
// A fire that burned for two hours on the scenario's day only.
const scenario = parseScenario({
  startTime: '2025-10-28T10:30:00+08:00',
  drones: [{ home: { lon, lat, altAmslM: 0 }, gimbalPitchDeg: -90 }],
  incidents: [
    {
      id: 'fire',
      class: 'straw_burning',
      lon,
      lat,
      radiusM: 12,
      startTime: '2025-10-28T10:00:00+08:00',
      endTime: '2025-10-28T12:00:00+08:00',
    },
  ],
});
const cam = testCamera(320);

/** 'YYYY:MM:DD HH:MM:SS' + '+08:00' as an instant. */
function exifInstant(dateTime: string, offset: string, subSec?: string): number {
  const [d, t] = dateTime.split(' ');
  return Date.parse(`${d!.replaceAll(':', '-')}T${t}.${subSec ?? '000'}${offset}`);
}

test('a photo taken by a running simulation carries the time it was taken, not the scenario date', async () => {
  const camera = createCamera({ layers: demoLayers(), incidents: scenario.incidents, camera: cam });
  const photos: PhotoRecord[] = [];
  const before = Date.now();
  sim = await startSimulation({
    scenario,
    basePort: 0,
    bootDelayS: 0,
    manualClock: true,
    // As the demo flies: the flight runs 5× faster, the photos' clock keeps the real time.
    speedup: 5,
    camera: async (c) => {
      photos.push(await camera.capture(c));
    },
  });
  const after = Date.now();
  const v = sim.vehicles[0]!;
  expect(v.ap.setMode('GUIDED').ok).toBe(true);
  expect(v.ap.arm().ok).toBe(true);
  expect(v.ap.takeoff(60).ok).toBe(true);
  sim.advance(30);
  expect(v.state().altRelM).toBeGreaterThan(50);
  v.capture();
  await expect.poll(() => photos.length, { timeout: 30_000 }).toBe(1);

  // The vehicle's clock: the real time the simulation started plus the simulated seconds flown / speedup.
  const flownMs = (v.state().timeS * 1000) / 5;
  const raw = await exifr.parse(photos[0]!.jpeg, {
    reviveValues: false,
    pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'SubSecTimeOriginal', 'GPSDateStamp', 'GPSTimeStamp'],
  });
  expect(raw.OffsetTimeOriginal).toBe('+08:00');
  const taken = exifInstant(raw.DateTimeOriginal, raw.OffsetTimeOriginal, raw.SubSecTimeOriginal);
  expect(taken).toBeGreaterThanOrEqual(before + flownMs - 1);
  expect(taken).toBeLessThanOrEqual(after + flownMs + 1);
  // Within seconds of now (the manual clock ran 30 simulated seconds, 6 s of the vehicle's clock).
  expect(Math.abs(taken - Date.now())).toBeLessThan(10_000);

  // GPS date and time (UTC) say the same instant.
  const [h, m, s] = String(raw.GPSTimeStamp)
    .split(/[ ,]+/)
    .map((r) => {
      const [n, d] = r.split('/').map(Number);
      return n! / (d ?? 1);
    });
  const gps =
    Date.parse(`${String(raw.GPSDateStamp).replaceAll(':', '-')}T00:00:00Z`) + ((h! * 60 + m!) * 60 + s!) * 1000;
  expect(Math.abs(gps - taken)).toBeLessThan(2);

  // The scenario's date still decides what is on the ground: the fire of 2025-10-28 is in the photo.
  expect(photos[0]!.groundTruth.incidents.map((i) => i.id)).toContain('fire');
  expect(photos[0]!.groundTruth.pose.sceneTime?.startsWith('2025-10-28T02:')).toBe(true);
});

test('an explicit start time still pins the clock (deterministic runs)', async () => {
  sim = await startSimulation({
    basePort: 0,
    bootDelayS: 0,
    manualClock: true,
    startTime: new Date('2025-10-20T02:00:00Z'),
  });
  sim.advance(10);
  expect(sim.vehicles[0]!.state().time.toISOString()).toBe('2025-10-20T02:00:10.000Z');
});
