/**
 * launchSimulation: everything `xuncha sim` needs around startSimulation — the scenario file
 * (the shipped demo by default), the sample DEM for terrain, and the camera when photos are wanted.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSampleLayers, openDem, sampleDemPath } from '@xuncha/geodata';
import { createCamera } from '../camera/camera.ts';
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
  /** Render photos into this folder (none: no photos are rendered). */
  imagesDir?: string;
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
  if (o.imagesDir) {
    const model: CameraModel = scenario.camera !== undefined ? CameraModelSchema.parse(scenario.camera) : M3E_WIDE;
    const cam = createCamera({
      layers: await loadSampleLayers(),
      ...(dem ? { dem } : {}),
      incidents: scenario.incidents,
      weather: scenarioWeather(scenario),
      camera: model,
      imagesDir: o.imagesDir,
      seed: o.seed ?? scenario.seed ?? 1,
    });
    camera = async (c) => {
      await cam.capture(c);
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
  }
  return { sim, scenario, scenarioPath, demLoaded: dem !== undefined, photos: camera !== undefined };
}
