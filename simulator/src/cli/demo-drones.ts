/**
 * The drones of `npm start`'s demo mode: two built-in simulated drones (or real ArduPilot SITL copters when
 * XUNCHA_SITL_BIN is set) on loopback, flying over the shipped demo scenario, with a dock that uploads each flight's
 * photos to the service's ingest endpoint after landing. They run as `xuncha sim` in a child process. bin/xuncha.mjs hands this launcher to the service, which
 * registers and connects the drones and seeds the patrol: the mission service itself never imports the simulator.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findSitlBinary } from '../runner/ardupilot-sitl.ts';
import { demoScenarioPath } from '../runner/launch.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { distanceM } from '../vehicle/geo.ts';

export interface DemoDronesOptions {
  /** `POST /api/images` of the running service. */
  ingestUrl: string;
  /** Bearer token the dock uploads with. */
  token: string;
  /** Simulation speed-up (default 5: a patrol flies in about a minute). */
  speedup?: number;
  log?: (line: string) => void;
}

export interface DemoDrones {
  kind: 'simulated' | 'ardupilot-sitl';
  drones: { name: string; sysId: number; connection: string }[];
  /** A patrol area over the scenario's planted incidents near the take-off point. */
  patrolArea: GeoJSON.Polygon;
  /** Where the drones take off, [lon, lat]. */
  launch: [number, number];
  stop(): Promise<void>;
}

/** Planted incidents this close to the take-off point are in the demo patrol (farther ones need their own). */
const PATROL_REACH_M = 1000;
/** Margin around the incidents so each is seen whole and from more than one lane. */
const PATROL_MARGIN_DEG = 0.0006;

/** The bounding box (plus a margin) of the scenario's incidents within reach of the first drone's home. */
export function demoPatrolArea(scenario: Scenario): { area: GeoJSON.Polygon; launch: [number, number] } {
  const home = scenario.drones[0]?.home;
  if (!home) throw new Error('演示场景没有无人机 / the demo scenario has no drone');
  const near = scenario.incidents.filter((i) => distanceM(home.lon, home.lat, i.lon, i.lat) <= PATROL_REACH_M);
  if (!near.length) throw new Error('演示场景附近没有事件 / no planted incident near the demo take-off point');
  const lons = near.map((i) => i.lon);
  const lats = near.map((i) => i.lat);
  const [w, e] = [Math.min(...lons) - PATROL_MARGIN_DEG, Math.max(...lons) + PATROL_MARGIN_DEG];
  const [s, n] = [Math.min(...lats) - PATROL_MARGIN_DEG, Math.max(...lats) + PATROL_MARGIN_DEG];
  const area: GeoJSON.Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
  return { area, launch: [home.lon, home.lat] };
}

/** The `xuncha` entry point: the drones run as `xuncha sim` in a child process of their own. */
const XUNCHA_BIN = fileURLToPath(new URL('../../../bin/xuncha.mjs', import.meta.url));
/** Rendered pixels per demo photo (scaled to the camera's 20 MP). */
const DEMO_RENDER_PIXELS = 2_000_000;
/** How long the child may take to print its connections (ArduPilot SITL boots slowly). */
const START_TIMEOUT_MS = 120_000;

/**
 * Starts the demo drones as `xuncha sim` in a child process — rendering photos is heavy synchronous work that must
 * not stall the service's event loop — and resolves once every drone's connection is known; they run until stop().
 */
export async function startDemoDrones(o: DemoDronesOptions): Promise<DemoDrones> {
  const log = o.log ?? (() => undefined);
  const sitl = Boolean(process.env.XUNCHA_SITL_BIN);
  if (sitl) {
    const found = findSitlBinary();
    if ('missing' in found) throw new Error(found.missing);
  }
  const scenario = await loadScenario(demoScenarioPath);
  const args = [XUNCHA_BIN, 'sim', '--drones', '2', '--speedup', String(o.speedup ?? 5), '--ingest-url', o.ingestUrl];
  // Photos render in a process of their own at a few megapixels: the drones keep their link while a photo renders,
  // and a demo flight's photos are ready in minutes on a laptop.
  args.push('--render-process', '--render-budget', String(DEMO_RENDER_PIXELS));
  // ArduPilot's SITL instances listen on 5760 + 10·k; our own vehicles take any free port.
  args.push(...(sitl ? ['--ardupilot'] : ['--base-port', '0']));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, XUNCHA_TOKEN: o.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stderr! }).on('line', (line) => log(`xuncha sim: ${line}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  };
  const drones: DemoDrones['drones'] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`模拟无人机未在 ${START_TIMEOUT_MS / 1000} 秒内启动 / demo drones did not start in time`)),
        START_TIMEOUT_MS,
      );
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`模拟无人机进程退出 / the demo drones' process exited (${code})`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        // `sysid 1 ardupilot tcp://127.0.0.1:40123` (see sim-command.ts)
        const m = /^sysid (\d+) \S+ (\S+)$/.exec(line.trim());
        if (!m) return;
        const sysId = Number(m[1]);
        const label = sitl ? `演示 SITL ${sysId} / demo SITL ${sysId}` : `演示无人机 ${sysId} / demo drone ${sysId}`;
        drones.push({ name: label, sysId, connection: m[2]! });
        if (drones.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const { area, launch } = demoPatrolArea(scenario);
  return { kind: sitl ? 'ardupilot-sitl' : 'simulated', drones, patrolArea: area, launch, stop };
}
