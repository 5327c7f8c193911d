/**
 * launchSimulation: everything `xuncha sim` needs around startSimulation — the scenario file
 * (the shipped demo by default), the sample DEM for terrain, and the camera when photos are wanted.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSampleLayers, openDem, sampleDemPath } from '@xuncha/geodata';
import { createCamera, type PhotoRecord } from '../camera/camera.ts';
import { deliverPhotos, type DeliveryReport, type DeliveryTarget } from '../dock/deliver.ts';
import { CameraModelSchema, M3E_WIDE, type CameraModel } from '../camera/camera-model.ts';
import { loadScenario } from '../scenario/load.ts';
import { scenarioWeather, type Scenario } from '../scenario/schema.ts';
import type { CameraHook, Dem } from '../vehicle/types.ts';
import { startSimulation, type RunningSimulation } from './start-simulation.ts';

/** Folder of the shipped scenarios. */
export const scenariosDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios');
export const demoScenarioPath = path.join(scenariosDir, 'demo.json');

export interface LaunchOptions {
  drones?: number;
  /** Scenario file; default the shipped demo. */
  scenarioPath?: string;
  speedup?: number;
  basePort?: number;
  host?: string;
  udpOutBasePort?: number;
  /** Render photos into this folder (none: no photos are rendered unless a dock is set). */
  imagesDir?: string;
  /**
   * The dock: after each landing, the photos the vehicle took since its previous landing are delivered to a
   * folder or POSTed to the mission service's ingest endpoint (e.g. `http://127.0.0.1:8080/api/images?flightId=…`).
   */
  dock?: DeliveryTarget;
  /** Called with each dock delivery's report. */
  onDelivered?: (sysId: number, report: DeliveryReport) => void;
  /** DEM GeoTIFF; default the sample DEM; null = flat terrain. */
  demPath?: string | null;
  seed?: number;
  bootDelayS?: number;
  /** Progress and warnings. */
  log?: (line: string) => void;
}

export interface Launched {
  sim: RunningSimulation;
  scenario: Scenario;
  scenarioPath: string;
  demLoaded: boolean;
  photos: boolean;
}

/** Loads the scenario, DEM and camera and starts the vehicles. */
export async function launchSimulation(o: LaunchOptions = {}): Promise<Launched> {
  const log = o.log ?? (() => undefined);
  const scenarioPath = o.scenarioPath ?? demoScenarioPath;
  const scenario = await loadScenario(scenarioPath);

  let dem: Dem | undefined;
  const demPath = o.demPath === undefined ? sampleDemPath : o.demPath;
  if (demPath) {
    try {
      dem = await openDem(demPath);
    } catch (err) {
      log(
        `警告：无法加载 DEM，按平地模拟 / warning: DEM not loaded, flying over flat ground: ${(err as Error).message}`,
      );
    }
  }

  let camera: CameraHook | undefined;
  // Photos each vehicle took since it last landed, waiting for the dock.
  const undelivered = new Map<number, PhotoRecord[]>();
  if (o.imagesDir || o.dock) {
    const model: CameraModel = scenario.camera !== undefined ? CameraModelSchema.parse(scenario.camera) : M3E_WIDE;
    const cam = createCamera({
      layers: await loadSampleLayers(),
      ...(dem ? { dem } : {}),
      incidents: scenario.incidents,
      weather: scenarioWeather(scenario),
      camera: model,
      ...(o.imagesDir ? { imagesDir: o.imagesDir } : {}),
      seed: o.seed ?? scenario.seed ?? 1,
    });
    camera = async (c) => {
      const photo = await cam.capture(c);
      if (o.dock) undelivered.set(c.sysId, [...(undelivered.get(c.sysId) ?? []), photo]);
    };
  }

  const sim = await startSimulation({
    scenario,
    ...(o.drones !== undefined ? { drones: o.drones } : {}),
    ...(o.speedup !== undefined ? { speedup: o.speedup } : {}),
    ...(o.basePort !== undefined ? { basePort: o.basePort } : {}),
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.udpOutBasePort !== undefined ? { udpOutBasePort: o.udpOutBasePort } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.bootDelayS !== undefined ? { bootDelayS: o.bootDelayS } : {}),
    ...(dem ? { dem } : {}),
    ...(camera ? { camera } : {}),
  });
  for (const v of sim.vehicles) {
    v.events.on('cameraError', (err: unknown) => log(`相机错误 / camera error (sysid ${v.sysId}): ${String(err)}`));
    const dock = o.dock;
    if (dock) {
      v.events.on('landed', () => {
        const photos = undelivered.get(v.sysId) ?? [];
        undelivered.delete(v.sysId);
        if (photos.length === 0) return;
        deliverPhotos({ photos, to: dock }).then(
          (report) => {
            log(
              `机库交付 / dock (sysid ${v.sysId}): ${report.delivered.length} delivered, ${report.failed.length} failed` +
                (report.failed[0] ? ` (${report.failed[0].reason})` : ''),
            );
            o.onDelivered?.(v.sysId, report);
          },
          (err: unknown) => log(`机库交付失败 / dock delivery failed (sysid ${v.sysId}): ${String(err)}`),
        );
      });
    }
  }
  return { sim, scenario, scenarioPath, demLoaded: dem !== undefined, photos: camera !== undefined };
}
