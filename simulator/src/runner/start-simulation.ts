/**
 * startSimulation: N vehicles, each a MAVLink TCP server like a SITL instance
 * (port basePort + 10·i), flying in one simulation clock.
 *
 * Clocks: physics, batteries, boot delay, auto-disarm and camera intervals run on simulated time
 * (speedup × wall time). The link runs on a "link clock" that follows the speedup only up to
 * `linkSpeedupCap` (default 10×): mission re-requests (1 s), transfer timeouts (8 s), the GCS-loss
 * failsafe and link cuts are measured on it, so a GCS talking in wall time still gets through at
 * 100× speedup. At speedups up to the cap both clocks agree, exactly like SITL.
 *
 * The vehicles' wall clock (GPS time, SYSTEM_TIME, photo EXIF) starts at the real time and runs at 1/speedup of
 * simulated time, so it keeps the real time: the mission service ties dock photos to flights by their stamps.
 * The scenario's own clock (which planted incidents exist) starts at its startTime and runs on simulated time.
 */
import type { AutopilotOptions } from '../vehicle/autopilot.ts';
import type { BatteryOptions } from '../vehicle/battery.ts';
import type { DockOptions } from '../vehicle/dock-charger.ts';
import type { FlightLimits } from '../vehicle/flight-model.ts';
import { movePoint } from '../vehicle/geo.ts';
import type { CameraHook, Dem, Personality, SimVehicle, Simulation } from '../vehicle/types.ts';
import { Vehicle } from '../vehicle/vehicle.ts';
import { scenarioWeather, type Scenario } from '../scenario/schema.ts';
import { SimLoop } from './sim-loop.ts';

/** Default launch point: farmland in the Longquan valley. */
export const DEFAULT_HOME = { lon: 119.14, lat: 28.07 } as const;

export interface StartSimulationOptions {
  /** Number of vehicles; default: the scenario's drones, or 1. */
  drones?: number;
  scenario?: Scenario;
  /** Like SITL --speedup (default 1). */
  speedup?: number;
  /** Vehicle i listens on basePort + 10·i (default 5760); 0 = OS-assigned ports. */
  basePort?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Also send to host:udpOutBasePort + 10·i over UDP (like SITL's 14550) and accept replies. */
  udpOutBasePort?: number;
  personality?: Personality;
  seed?: number;
  camera?: CameraHook;
  /** Seconds after boot with no GPS fix and missions refused (NO_SPACE); default 5. */
  bootDelayS?: number;
  /** MAVLink 2 signing key for every vehicle (a scenario drone's own key wins). */
  signingKey?: Buffer;
  /** Terrain; default flat at each home's altitude. */
  dem?: Dem;
  /** Highest speedup of the link clock (default 10). */
  linkSpeedupCap?: number;
  /**
   * The vehicles' clock at start (default: the real time now, as a real drone's GPS clock). GPS time,
   * SYSTEM_TIME and photo stamps run from it at 1/speedup of simulated time, i.e. in step with the real time,
   * so a dock's photos fall inside the flight the mission service logged (in real time).
   */
  startTime?: Date;
  /** The scenario's time at start (default: the scenario's startTime, else startTime): which incidents exist. */
  sceneStartTime?: Date;
  /** Each vehicle sits in a dock that charges its battery after it lands and disarms at home. */
  dock?: DockOptions;
  autopilot?: Partial<AutopilotOptions>;
  battery?: Partial<BatteryOptions>;
  limits?: Partial<FlightLimits>;
  /** Physics rate (default 50 Hz). */
  physicsHz?: number;
  /** Do not start the clock (tests drive it with `advance`). */
  manualClock?: boolean;
}

/** A running simulation (the public `Simulation` plus the loop for tests and benchmarks). */
export interface RunningSimulation extends Simulation {
  vehicles: Vehicle[];
  loop: SimLoop;
  /** Advances the clock by `seconds` of simulated time right now (manual clocks). */
  advance(seconds: number): void;
}

/** Ports go base + 10·i for the `count` vehicles; all of them must be valid (`min`..65535). */
function checkPortRange(name: string, base: number, count: number, min: number): void {
  const last = base === 0 ? 0 : base + 10 * (count - 1);
  if (!Number.isInteger(base) || base < min || last > 65535) {
    throw new RangeError(
      `端口无效 / ${name} ${base} gives ports ${base}–${last} for ${count} drone(s); must be integers ${min}–65535`,
    );
  }
}

/** Starts the vehicles and their clock; resolves once every TCP server listens. */
export async function startSimulation(opts: StartSimulationOptions = {}): Promise<RunningSimulation> {
  const scenario = opts.scenario;
  const sDrones = scenario?.drones ?? [];
  const count = opts.drones ?? Math.max(1, sDrones.length);
  if (!Number.isInteger(count) || count < 1 || count > 250) {
    throw new RangeError(`无人机数量无效 / drones must be an integer 1–250, got ${count}`);
  }
  const speedup = opts.speedup ?? 1;
  if (!(speedup > 0) || speedup > 10_000)
    throw new RangeError(`加速倍数无效 / speedup must be in (0, 10000], got ${speedup}`);
  const host = opts.host ?? '127.0.0.1';
  const basePort = opts.basePort ?? 5760;
  // Checked here: a bad UDP port would otherwise throw later, inside the simulation loop, and kill the process.
  checkPortRange('basePort', basePort, count, 0);
  if (opts.udpOutBasePort !== undefined) checkPortRange('udpOutBasePort', opts.udpOutBasePort, count, 1);
  const seed = opts.seed ?? scenario?.seed ?? 1;
  const weather = scenarioWeather(scenario);
  const startTime = opts.startTime ?? new Date();
  const sceneStartTime = opts.sceneStartTime ?? (scenario?.startTime ? new Date(scenario.startTime) : startTime);
  const linkScale = Math.min(speedup, opts.linkSpeedupCap ?? 10);
  const linkNowMs = (): number => performance.now() * linkScale;
  const fs = scenario?.failsafe;
  const autopilot: Partial<AutopilotOptions> = {
    ...(fs?.lowBatteryPct !== undefined ? { lowBatteryPct: fs.lowBatteryPct } : {}),
    ...(fs?.criticalBatteryPct !== undefined ? { criticalBatteryPct: fs.criticalBatteryPct } : {}),
    ...(fs?.gcsLossS !== undefined ? { gcsFailsafeS: fs.gcsLossS } : {}),
    ...opts.autopilot,
  };

  const used = new Set<number>(sDrones.flatMap((d) => (d.sysId !== undefined ? [d.sysId] : [])));
  let nextFree = 1;
  const vehicles: Vehicle[] = [];
  const firstHome = sDrones[0]?.home ?? DEFAULT_HOME;
  for (let i = 0; i < count; i++) {
    const d = sDrones[i];
    let sysId = d?.sysId;
    if (sysId === undefined) {
      while (used.has(nextFree)) nextFree++;
      sysId = nextFree;
      used.add(sysId);
    }
    // Extra drones line up 5 m apart east of the first home, like SITL instances side by side.
    const home = d?.home ?? { ...movePoint(firstHome.lon, firstHome.lat, 0, 5 * i) };
    const key = d?.signingKeyHex ? Buffer.from(d.signingKeyHex, 'hex') : opts.signingKey;
    vehicles.push(
      new Vehicle({
        sysId,
        personality: d?.personality ?? opts.personality ?? 'ardupilot',
        home,
        headingDeg: d?.headingDeg ?? 0,
        ...(opts.dem ? { dem: opts.dem } : {}),
        wind: {
          speedMps: weather.windMps ?? 0,
          fromDeg: weather.windDirDeg ?? 0,
          ...(weather.gustMps !== undefined ? { gustMps: weather.gustMps } : {}),
        },
        ...(d?.gimbalPitchDeg !== undefined ? { gimbalPitchDeg: d.gimbalPitchDeg } : {}),
        battery: { ...opts.battery, ...(d?.batteryPct !== undefined ? { startPct: d.batteryPct } : {}) },
        ...(opts.limits ? { limits: opts.limits } : {}),
        autopilot,
        bootDelayS: opts.bootDelayS ?? 5,
        seed,
        ...(key ? { signingKey: key } : {}),
        ...(d?.faults ? { faults: d.faults } : {}),
        ...(opts.camera ? { camera: opts.camera } : {}),
        startTime,
        clockRate: speedup,
        sceneStartTime,
        ...(opts.dock ? { dock: opts.dock } : {}),
        linkNowMs,
      }),
    );
  }

  try {
    for (const [i, v] of vehicles.entries()) {
      await v.open(
        host,
        basePort === 0 ? 0 : basePort + 10 * i,
        opts.udpOutBasePort !== undefined ? opts.udpOutBasePort + 10 * i : undefined,
      );
    }
  } catch (err) {
    await Promise.all(vehicles.map((v) => v.close()));
    throw err;
  }

  const loop = new SimLoop(vehicles, speedup, 1 / (opts.physicsHz ?? 50));
  if (!opts.manualClock) loop.start();
  let stopped = false;
  return {
    vehicles,
    loop,
    timeS: () => loop.simS,
    advance(seconds: number) {
      loop.advance(Math.round(seconds / loop.dtS));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      loop.stop();
      await Promise.all(vehicles.map((v) => v.close()));
    },
  };
}

export type { SimVehicle };
