/**
 * The simulated world of the end-to-end suite: the shipped evaluation scenario (its drones, planted incidents and
 * ground truth) flown by the simulator's MAVLink vehicles over TCP, each photo rendered by the simulator camera at
 * the pose the vehicle reports, and delivered by the dock to the service's ingest endpoint after landing. Between
 * flights the world can change (a fire put out), as it does between a patrol and its re-inspection.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DockFlights,
  scenariosDir,
  ScenarioSchema,
  startSimulation,
  type DeliveryReport,
  type RunningSimulation,
  type CameraCapture,
  type Scenario,
  type StartSimulationOptions,
} from '../../simulator/src/index.ts';
import { loadTerrain } from '../../simulator/src/runner/launch.ts';
import { createPhotoPipeline, type PhotoPipeline } from '../../simulator/src/runner/photo-pipeline.ts';
import type { PlantedIncident } from './score.ts';

export const evaluationScenarioPath = path.join(scenariosDir, 'evaluation.json');

/**
 * The M3E's wide camera (same sensor and lens, so the same footprint and pose maths) at `widthPx` × ¾ of it. The
 * small detector of the tests needs no more than 512 px.
 */
export function smallM3e(widthPx: number) {
  return {
    name: `m3e-wide-${widthPx}`,
    sensorWidthMm: 17.3,
    sensorHeightMm: 13.0,
    focalLengthMm: 12.29,
    imageWidthPx: widthPx,
    imageHeightPx: Math.round((widthPx * 3) / 4),
  };
}
export const SMALL_M3E = smallM3e(512);

/** The evaluation scenario, optionally changed (its camera, its weather). */
export async function evaluationScenario(change: (s: Scenario) => Scenario = (s) => s): Promise<Scenario> {
  const raw = JSON.parse(await readFile(evaluationScenarioPath, 'utf8')) as unknown;
  return ScenarioSchema.parse(change(ScenarioSchema.parse(raw)));
}

/**
 * The evaluation scenario as the tests' fixed-weight scar detector sees it: a green summer under an overcast sky
 * (it looks for dark grey pixels, which autumn stubble also is), photographed by the small M3E camera.
 */
export function scarDetectorScenario(): Promise<Scenario> {
  return evaluationScenario((s) => ({
    ...s,
    camera: SMALL_M3E,
    weather: { ...s.weather, season: 'summer', overcast: 1 },
  }));
}

/** The ground truth of the planted incidents: centre, class and half the largest extent. */
export function plantedIncidents(s: Scenario): PlantedIncident[] {
  return s.incidents.map((i) => ({
    id: i.id,
    class: i.class,
    lon: i.lon,
    lat: i.lat,
    extentM: Math.max(i.radiusM ?? 0, (i.lengthM ?? 0) / 2, (i.widthM ?? 0) / 2, 5),
  }));
}

export interface PatrolWorld {
  sim: RunningSimulation;
  scenario: Scenario;
  /** What the dock is told about each vehicle's flight (the upload then names it). */
  flights: DockFlights;
  /** Every dock delivery so far, in order. */
  deliveries: { sysId: number; report: DeliveryReport }[];
  /** The incident is gone from the scene from the next photo on (a fire put out). */
  remove(incidentId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PatrolWorldOptions {
  scenario: Scenario;
  /** The service's ingest endpoint, e.g. `http://127.0.0.1:1234/api/images`. */
  ingestUrl: string;
  /** Bearer token the dock uploads with. */
  token: string;
  drones?: number;
  speedup?: number;
  /**
   * Places the flights will photograph (default each drone's home): the camera rasterises the scene lazily, and a
   * first render somewhere new takes seconds, long enough for the silent link to look lost; rendering one photo over
   * each place before the flights keeps that work out of them.
   */
  warmAt?: [number, number][];
  /**
   * Render the photos after the vehicle landed, not at the trigger (default true). The simulator renders in the
   * vehicles' own process, synchronously: 3–4.5 s a photo on a busy 2-core machine, whatever its size, which is
   * longer than the service waits before it takes a silent link for lost (3.5 s).
   */
  renderAfterLanding?: boolean;
  /** Autopilot settings, e.g. `{ gcsFailsafeS: 5 }` (ArduPilot's FS_GCS: return to launch when the GCS goes silent). */
  autopilot?: StartSimulationOptions['autopilot'];
}

export async function startPatrolWorld(o: PatrolWorldOptions): Promise<PatrolWorld> {
  const log = (line: string) => {
    if (process.env.XUNCHA_E2E_VERBOSE) console.log(`[sim] ${line}`);
  };
  const dem = await loadTerrain(undefined, log);
  const flights = new DockFlights();
  const deliveries: PatrolWorld['deliveries'] = [];
  let scenario = o.scenario;
  const pipeline = (s: Scenario) =>
    createPhotoPipeline({
      scenario: s,
      ...(dem ? { dem } : {}),
      dock: { url: o.ingestUrl, token: o.token, flights },
      onDelivered: (sysId, report) => deliveries.push({ sysId, report }),
      log,
    });
  const warmAt = o.warmAt ?? o.scenario.drones.map((d) => [d.home.lon, d.home.lat] as [number, number]);
  /** One render over each place, as a vehicle that never lands (so never delivered). */
  const warm = async (p: PhotoPipeline) => {
    for (const [i, [lon, lat]] of warmAt.entries()) {
      const ground = dem?.elevationAt(lon, lat) ?? 0;
      await p.camera!({
        sysId: 250,
        index: i,
        time: new Date(o.scenario.startTime ?? Date.now()),
        lon,
        lat,
        altAmslM: ground + 80,
        altRelM: 80,
        headingDeg: 0,
        gimbalPitchDeg: -90,
        gimbalYawDeg: 0,
        speedMps: 0,
      });
    }
    return p;
  };
  let photos: PhotoPipeline = await warm(await pipeline(scenario));
  const pending = new Map<number, CameraCapture[]>();
  const sim = await startSimulation({
    scenario,
    ...(o.drones !== undefined ? { drones: o.drones } : {}),
    speedup: o.speedup ?? 20,
    basePort: 0,
    host: '127.0.0.1',
    bootDelayS: 0,
    // Each drone sits in its dock, which charges it after landing (DJI Dock 2's rate, on simulated time).
    dock: {},
    ...(dem ? { dem } : {}),
    camera: async (c) => {
      if (o.renderAfterLanding === false) return photos.camera!(c);
      pending.set(c.sysId, [...(pending.get(c.sysId) ?? []), c]);
    },
    ...(o.autopilot ? { autopilot: o.autopilot } : {}),
  });
  for (const v of sim.vehicles)
    v.events.on('landed', () => {
      if (o.renderAfterLanding === false) return photos.landed(v.sysId);
      const captures = pending.get(v.sysId) ?? [];
      pending.delete(v.sysId);
      void (async () => {
        // Let the service see the landing and the mission end before the renders make the link go quiet.
        await new Promise((r) => setTimeout(r, 8000));
        const p = photos;
        for (const c of captures) await p.camera!(c);
        p.landed(v.sysId);
      })();
    });
  return {
    sim,
    get scenario() {
      return scenario;
    },
    flights,
    deliveries,
    async remove(incidentId) {
      scenario = { ...scenario, incidents: scenario.incidents.filter((i) => i.id !== incidentId) };
      photos = await warm(await pipeline(scenario));
    },
    async stop() {
      await sim.stop();
    },
  };
}
