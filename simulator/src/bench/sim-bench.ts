/**
 * `npm run bench:sim` (vehicle part): how many vehicles one Node process (one core) keeps in real
 * time at 1× and 20× speed-up, each flying a camera survey with a GCS connected over TCP.
 * The GCS clients live in a child process so their CPU does not count. Prints one JSON line per case.
 *
 * Targets (issue 5): ≥ 20 vehicles at 1×, ≥ 5 at 20×.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { MavLinkProtocolV2, minimal } from 'node-mavlink';
import { startSimulation } from '../runner/start-simulation.ts';
import { movePoint } from '../vehicle/geo.ts';
import { MavCmd, MavFrame } from '../vehicle/mav.ts';
import type { MissionItemState } from '../vehicle/types.ts';
import type { Vehicle } from '../vehicle/vehicle.ts';

const WALL_S = Number(process.env.BENCH_WALL_S ?? 3);
const REALTIME = 0.97;

/** GCS side: connect to every port, swallow telemetry, send a heartbeat each second. */
const GCS_CHILD = `
const net = require('node:net');
const [hb, ...ports] = process.argv.slice(1);
const frame = Buffer.from(hb, 'hex');
let open = 0;
const socks = ports.map((p) => {
  const s = net.connect(Number(p), '127.0.0.1', () => { if (++open === ports.length) process.send('ready'); });
  s.on('data', () => {});
  s.on('error', () => {});
  return s;
});
setInterval(() => socks.forEach((s) => s.write(frame)), 1000);
process.on('message', () => { socks.forEach((s) => s.destroy()); process.exit(0); });
`;

function heartbeatHex(): string {
  const h = new minimal.Heartbeat();
  h.type = 6;
  h.autopilot = 8;
  h.mavlinkVersion = 3;
  return new MavLinkProtocolV2(255, 190).serialize(h, 0).toString('hex');
}

async function startGcs(ports: number[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', GCS_CHILD, heartbeatHex(), ...ports.map(String)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`GCS child exited ${code}`)));
  });
  return child;
}

function item(
  seq: number,
  command: number,
  p: [number, number, number, number],
  lat = 0,
  lon = 0,
  z = 0,
): MissionItemState {
  const frame =
    command === MavCmd.NAV_WAYPOINT || command === MavCmd.NAV_TAKEOFF ? MavFrame.GLOBAL_RELATIVE_ALT : MavFrame.MISSION;
  return {
    seq,
    frame,
    command,
    current: 0,
    autocontinue: 1,
    param1: p[0],
    param2: p[1],
    param3: p[2],
    param4: p[3],
    x: Math.round(lat * 1e7),
    y: Math.round(lon * 1e7),
    z,
  };
}

/** Loads a 10-lane lawnmower survey with a 20 m camera trigger and starts it, as a GCS would. */
function flySurvey(v: Vehicle): void {
  const h = v.state().home!;
  const items: MissionItemState[] = [
    item(0, MavCmd.NAV_WAYPOINT, [0, 0, 0, 0]),
    item(1, MavCmd.NAV_TAKEOFF, [0, 0, 0, 0], 0, 0, 40),
  ];
  items.push(item(2, MavCmd.DO_SET_CAM_TRIGG_DIST, [20, 0, 0, 0]));
  for (let lane = 0; lane < 10; lane++) {
    const e = lane * 40;
    const [n0, n1] = lane % 2 === 0 ? [0, 500] : [500, 0];
    for (const n of [n0, n1]) {
      const p = movePoint(h.lon, h.lat, n, e);
      items.push(item(items.length, MavCmd.NAV_WAYPOINT, [0, 0, 0, 0], p.lat, p.lon, 40));
    }
  }
  items.push(item(items.length, MavCmd.NAV_RETURN_TO_LAUNCH, [0, 0, 0, 0]));
  v.store.beginUpload(0, items.length);
  for (const it of items) v.store.put(0, it);
  v.store.endUpload(0, true);
  v.ap.missionChanged();
  v.ap.setMode('GUIDED');
  v.ap.arm();
  v.ap.missionStart();
}

interface Measured {
  vehicles: number;
  speedup: number;
  realtimeRatio: number;
  cpuCores: number;
  overruns: number;
  photos: number;
  flying: number;
}

async function measure(vehicles: number, speedup: number): Promise<Measured> {
  const sim = await startSimulation({ drones: vehicles, basePort: 0, speedup, bootDelayS: 0, seed: 1 });
  const gcs = await startGcs(sim.vehicles.map((v) => v.port));
  try {
    sim.vehicles.forEach(flySurvey);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    const s0 = sim.loop.simS;
    const c0 = process.cpuUsage();
    const o0 = sim.loop.overruns;
    await new Promise((r) => setTimeout(r, WALL_S * 1000));
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return {
      vehicles,
      speedup,
      realtimeRatio: (sim.loop.simS - s0) / (wallS * speedup),
      cpuCores: (cpu.user + cpu.system) / 1e6 / wallS,
      overruns: sim.loop.overruns - o0,
      photos: sim.vehicles.reduce((a, v) => a + v.payload.imageCount, 0),
      flying: sim.vehicles.filter((v) => v.ap.flying).length,
    };
  } finally {
    gcs.send('stop');
    await sim.stop();
  }
}

function print(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'sim', ...o })}\n`);
}

async function maxRealtime(speedup: number, target: number): Promise<void> {
  let best: Measured | null = null;
  for (const n of [5, 10, 20, 40, 80, 160, 250]) {
    const m = await measure(n, speedup);
    print({ case: 'run', ...round(m) });
    if (m.realtimeRatio < REALTIME) break;
    best = m;
    if (m.cpuCores > 0.9) break;
  }
  // Per-vehicle cost from the largest real-time run gives the headroom estimate.
  const perVehicle = best ? best.cpuCores / best.vehicles : NaN;
  print({
    case: 'max-vehicles-realtime',
    speedup,
    vehicles: best?.vehicles ?? 0,
    estimatedOneCore: Number.isFinite(perVehicle) ? Math.floor(1 / perVehicle) : 0,
    cpuCoresPerVehicle: Number(perVehicle.toFixed(5)),
    target,
    pass: (best?.vehicles ?? 0) >= target,
  });
}

function round(m: Measured): Record<string, number> {
  return {
    vehicles: m.vehicles,
    speedup: m.speedup,
    realtimeRatio: Number(m.realtimeRatio.toFixed(3)),
    cpuCores: Number(m.cpuCores.toFixed(3)),
    overruns: m.overruns,
    photos: m.photos,
    flying: m.flying,
  };
}

await maxRealtime(1, 20);
await maxRealtime(20, 5);
