/**
 * launchSimulation: everything `xuncha sim` needs around startSimulation — the scenario file
 * (the shipped demo by default), the sample DEM for terrain, and the camera when photos are wanted.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDem, sampleDemPath } from '@xuncha/geodata';
import type { DeliveryReport, DeliveryTarget } from '../dock/deliver.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Dem } from '../vehicle/types.ts';
import { createPhotoPipeline } from './photo-pipeline.ts';
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
  /** Render the dock's photos in a child process (the vehicles' link never waits on a render); dock only. */
  renderProcess?: boolean;
  /** Render this many pixels and scale to the camera's size (default: full resolution). */
  renderPixelBudget?: number;
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

/** The DEM at `demPath` (default the sample DEM; null = flat); a DEM that does not open is a warning, not an error. */
export async function loadTerrain(
  demPath: string | null | undefined,
  log: (line: string) => void,
): Promise<Dem | undefined> {
  const file = demPath === undefined ? sampleDemPath : demPath;
  if (!file) return undefined;
  try {
    return await openDem(file);
  } catch (err) {
    log(`警告：无法加载 DEM，按平地模拟 / warning: DEM not loaded, flying over flat ground: ${(err as Error).message}`);
    return undefined;
  }
}

/** Loads the scenario, DEM and camera and starts the vehicles. */
export async function launchSimulation(o: LaunchOptions = {}): Promise<Launched> {
  const log = o.log ?? (() => undefined);
  const scenarioPath = o.scenarioPath ?? demoScenarioPath;
  const scenario = await loadScenario(scenarioPath);

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
  const camera = photos.camera;

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
    if (o.dock) v.events.on('landed', () => photos.landed(v.sysId));
  }
  return { sim, scenario, scenarioPath, demLoaded: dem !== undefined, photos: camera !== undefined };
}

/** The render-process options of a launch (the DEM the vehicles fly over, the pixel budget). */
export function renderProcessOf(o: { demPath?: string | null; renderPixelBudget?: number }): {
  demPath: string | null | undefined;
  renderPixelBudget?: number;
} {
  return { demPath: o.demPath, ...(o.renderPixelBudget ? { renderPixelBudget: o.renderPixelBudget } : {}) };
}
