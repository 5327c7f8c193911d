/**
 * A photo the simulator's dock delivers after a flight is tied to that flight by the service (drone + capture time):
 * the simulated camera stamps the real time of capture, even at the demo's speedup and with a scenario dated in
 * the past. The same photo stamped with the scenario's date (the old behaviour) fits no flight.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCamera, type PhotoRecord } from '../../../simulator/src/camera/camera.ts';
import { deliverPhotos } from '../../../simulator/src/dock/deliver.ts';
import { parseScenario } from '../../../simulator/src/scenario/load.ts';
import { DEMO_ORIGIN, demoLayers } from '../../../simulator/src/scene/demo-world.ts';
import { startSimulation } from '../../../simulator/src/runner/start-simulation.ts';
import { startHarness, type Harness } from '../service/harness.ts';
import { testCamera } from '../../../simulator/src/camera/test-camera.ts';

const [lon, lat] = DEMO_ORIGIN;
const scenario = parseScenario({
  startTime: '2025-10-28T10:30:00+08:00',
  drones: [{ home: { lon, lat, altAmslM: 0 }, gimbalPitchDeg: -90 }],
});
const cam = testCamera(320);
const camera = createCamera({ layers: demoLayers(), incidents: [], camera: cam });

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-dock-photo-'));
  h = await startHarness(undefined, { dataDir });
});
afterAll(async () => {
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Flies a simulated drone up (5× speedup, as the demo) and takes one photo; its clock starts at `startTime` (default: now). */
async function flyAndShoot(startTime?: Date): Promise<PhotoRecord> {
  const photos: PhotoRecord[] = [];
  const sim = await startSimulation({
    scenario,
    basePort: 0,
    bootDelayS: 0,
    manualClock: true,
    speedup: 5,
    ...(startTime ? { startTime } : {}),
    camera: async (c) => {
      photos.push(await camera.capture(c));
    },
  });
  try {
    const v = sim.vehicles[0]!;
    expect(v.ap.setMode('GUIDED').ok).toBe(true);
    expect(v.ap.arm().ok).toBe(true);
    expect(v.ap.takeoff(60).ok).toBe(true);
    sim.advance(30);
    v.capture();
    await expect.poll(() => photos.length, { timeout: 30_000 }).toBe(1);
    return photos[0]!;
  } finally {
    await sim.stop();
  }
}

test('a dock-delivered photo of a simulated flight gets that flight', async () => {
  const drone = await h.call('POST', '/api/drones', {
    token: h.tokens.operator,
    body: { name: '机库-1', model: 'm3e', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:27911' },
  });
  expect(drone.status, JSON.stringify(drone.body)).toBe(201);
  const flightId = 'flight-dock-photo';
  await h.t.db.query(`INSERT INTO flights (id, drone_id, started_at) VALUES ($1, $2, now())`, [
    flightId,
    drone.body.id,
  ]);

  const now = await flyAndShoot();
  const old = await flyAndShoot(new Date(scenario.startTime!));
  await h.t.db.query(`UPDATE flights SET ended_at = now() + interval '5 seconds' WHERE id = $1`, [flightId]);

  // The dock uploads as in the demo: the ingest URL, no flight named.
  const report = await deliverPhotos({
    photos: [now, { ...old, groundTruth: { ...old.groundTruth, photo: `OLD_${old.groundTruth.photo}` } }],
    to: { url: `${h.base}/api/images`, token: h.tokens.operator },
  });
  expect(report.failed).toEqual([]);
  const rows = await h.t.db.query<{ flight_id: string | null; attribution: string }>(
    `SELECT flight_id, attribution FROM images WHERE original_name = $1`,
    [now.groundTruth.photo],
  );
  expect(rows.rows).toEqual([{ flight_id: flightId, attribution: 'matched' }]);
  const stale = await h.t.db.query<{ flight_id: string | null; attribution: string }>(
    `SELECT flight_id, attribution FROM images WHERE original_name = $1`,
    [`OLD_${old.groundTruth.photo}`],
  );
  expect(stale.rows).toEqual([{ flight_id: null, attribution: 'none' }]);
});
