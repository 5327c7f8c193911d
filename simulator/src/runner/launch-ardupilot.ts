/**
 * `xuncha sim --ardupilot`: N real ArduPilot SITL copters instead of our simulated vehicles, each with our camera on
 * its second MAVLink port, so every camera trigger the real autopilot reports (CAMERA_FEEDBACK) becomes a rendered
 * photo at the pose it reports, and the dock delivers them after it lands: the whole patrol loop on the real flight
 * stack. Vehicle i is SITL instance k + i, GCS port 5760 + 10·(k + i) (ports are fixed by ArduPilot's instance).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeliveryReport, DeliveryTarget } from '../dock/deliver.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { demoScenarioPath, loadTerrain, renderProcessOf } from './launch.ts';
import { createPhotoPipeline } from './photo-pipeline.ts';
import { startArduPilotSitl, type SitlBinary, type SitlVehicle } from './ardupilot-sitl.ts';
import { attachSitlCamera, type SitlCamera } from './sitl-camera.ts';
import { configureSitlAndReboot } from './sitl-client.ts';
import { DEFAULT_HOME } from './start-simulation.ts';
import { movePoint } from '../vehicle/geo.ts';

/** ArduPilot's first GCS port (instance 0). */
export const SITL_BASE_PORT = 5760;

export interface ArduPilotLaunchOptions {
  sitl: SitlBinary;
  drones?: number;
  scenarioPath?: string;
  speedup?: number;
  /** GCS port of the first vehicle: 5760 + 10·k (default 5760). */
  basePort?: number;
  imagesDir?: string;
  dock?: DeliveryTarget;
  onDelivered?: (sysId: number, report: DeliveryReport) => void;
  /** Render the dock's photos in a child process; dock only. */
  renderProcess?: boolean;
  renderPixelBudget?: number;
  /** DEM for the rendered photos; default the sample DEM; null = flat. */
  demPath?: string | null;
  seed?: number;
  log?: (line: string) => void;
}

export interface ArduPilotLaunched {
  vehicles: SitlVehicle[];
  scenario: Scenario;
  scenarioPath: string;
  photos: boolean;
  stop(): Promise<void>;
}

/** The SITL instance of the first vehicle for a GCS port, or an error a person can act on. */
export function firstInstance(basePort: number): number {
  const k = (basePort - SITL_BASE_PORT) / 10;
  if (!Number.isInteger(k) || k < 0 || SITL_BASE_PORT + 10 * k + 3 > 65535) {
    throw new Error(
      `--base-port 须为 5760 + 10·k / with --ardupilot, --base-port must be 5760 + 10·k: ArduPilot SITL instance k listens there; got ${basePort}`,
    );
  }
  return k;
}

export async function launchArduPilot(o: ArduPilotLaunchOptions): Promise<ArduPilotLaunched> {
  const log = o.log ?? (() => undefined);
  const k = firstInstance(o.basePort ?? SITL_BASE_PORT);
  const scenarioPath = o.scenarioPath ?? demoScenarioPath;
  const scenario = await loadScenario(scenarioPath);
  const count = o.drones ?? Math.max(1, scenario.drones.length);
  const dem = await loadTerrain(o.demPath, log);
  const photos = await createPhotoPipeline({
    scenario,
    ...(dem ? { dem } : {}),
    ...(o.imagesDir ? { imagesDir: o.imagesDir } : {}),
    ...(o.dock ? { dock: o.dock } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.onDelivered ? { onDelivered: o.onDelivered } : {}),
    ...(o.renderProcess ? { renderProcess: renderProcessOf(o) } : {}),
    log,
  });

  const vehicles: SitlVehicle[] = [];
  const cameras: SitlCamera[] = [];
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-sitl-'));
  const stop = async (): Promise<void> => {
    for (const c of cameras) c.close();
    await Promise.all(vehicles.map((v) => v.stop()));
    fs.rmSync(workRoot, { recursive: true, force: true });
  };
  try {
    const first = scenario.drones[0]?.home ?? DEFAULT_HOME;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const d = scenario.drones[i];
        // Extra drones line up 5 m apart east of the first home, as the built-in simulator does.
        const home = d?.home ?? { ...movePoint(first.lon, first.lat, 0, 5 * i) };
        const ground = dem?.elevationAt(home.lon, home.lat);
        const v = await startArduPilotSitl({
          sitl: o.sitl,
          instance: k + i,
          ...(d?.sysId !== undefined ? { sysId: d.sysId } : { sysId: 1 + i }),
          home: {
            lat: home.lat,
            lon: home.lon,
            altAmslM: ground ?? ('altAmslM' in home ? home.altAmslM : undefined) ?? 0,
            headingDeg: d?.headingDeg ?? 0,
          },
          speedup: o.speedup ?? 1,
          workDir: path.join(workRoot, `vehicle-${i}`),
        });
        vehicles.push(v);
        if (!photos.camera) return;
        // CAM1_TYPE is read at boot only: a servo camera, which reports each trigger as CAMERA_FEEDBACK.
        await configureSitlAndReboot(v.port, v.sysId, { CAM1_TYPE: 1 });
        const camera = photos.camera;
        cameras.push(
          await attachSitlCamera({
            port: v.cameraPort,
            sysId: v.sysId,
            camera,
            onError: (err) => log(`相机错误 / camera error (sysid ${v.sysId}): ${String(err)}`),
            onLanded: () => photos.landed(v.sysId),
          }),
        );
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  vehicles.sort((a, b) => a.instance - b.instance);
  return { vehicles, scenario, scenarioPath, photos: photos.camera !== undefined, stop };
}
