/**
 * The dock charges the battery: a vehicle that lands and disarms at home (its dock) is charged back to full
 * at the dock's rate in simulated time, so the next scheduled patrol passes its pre-flight battery check. One that
 * lands away from home, or has no dock, keeps what it has left.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { launchSimulation } from '../src/runner/launch.ts';
import type { RunningSimulation } from '../src/runner/start-simulation.ts';
import { DJI_DOCK_2_PCT_PER_S } from '../src/vehicle/dock-charger.ts';
import { Vehicle, type VehicleOptions } from '../src/vehicle/vehicle.ts';
import { until } from './helpers/test-gcs.ts';

const HOME = { lon: 119.14, lat: 28.07, altAmslM: 200 };

function run(v: Vehicle, seconds: number, stop?: () => boolean): void {
  for (let i = 0; i < seconds * 50 && !stop?.(); i++) v.step(0.02);
}

/** Takes off, flies 300 m out and comes back (RTL) or lands where it is (LAND); returns once disarmed on the ground. */
function patrol(o: Partial<VehicleOptions>, end: 'RTL' | 'LAND'): Vehicle {
  const v = new Vehicle({ sysId: 1, home: HOME, bootDelayS: 0, ...o });
  expect(v.ap.setMode('GUIDED').ok).toBe(true);
  expect(v.ap.arm().ok).toBe(true);
  expect(v.ap.takeoff(40).ok).toBe(true);
  run(v, 20);
  expect(v.ap.reposition(28.0727, 119.14, 240, 10).ok).toBe(true);
  run(v, 60);
  expect(v.ap.setMode(end).ok).toBe(true);
  run(v, 600, () => !v.state().armed && v.state().landed);
  expect(v.state()).toMatchObject({ armed: false, landed: true, crashed: false });
  return v;
}

test('landed and disarmed at the dock, the battery charges back to full at the dock rate', () => {
  const v = patrol({ dock: {}, battery: { startPct: 70 } }, 'RTL');
  const landedPct = v.state().batteryPct;
  expect(landedPct).toBeLessThan(70);
  run(v, 60);
  // One simulated minute at DJI Dock 2's rate (20 → 90 % in 32 min).
  expect(v.state().batteryPct).toBeCloseTo(landedPct + 60 * DJI_DOCK_2_PCT_PER_S, 1);
  run(v, 3600);
  expect(v.state().batteryPct).toBe(100);
  expect(v.battery.voltageV).toBeCloseTo(4 * 4.2, 1);
});

test('no charge away from the dock or without one', () => {
  const away = patrol({ dock: {}, battery: { startPct: 70 } }, 'LAND');
  const awayPct = away.state().batteryPct;
  run(away, 600);
  expect(away.state().batteryPct).toBeLessThanOrEqual(awayPct);

  const noDock = patrol({ battery: { startPct: 70 } }, 'RTL');
  const pct = noDock.state().batteryPct;
  run(noDock, 600);
  expect(noDock.state().batteryPct).toBeLessThanOrEqual(pct);
});

test('a bad charge rate is refused with a message', () => {
  expect(() => new Vehicle({ sysId: 1, home: HOME, dock: { pctPerS: 0 } })).toThrow(/充电速率无效/);
});

let sim: RunningSimulation | null = null;
let dir: string | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

test('a simulation launched with a dock charges its drones', async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-dock-charge-'));
  const scenarioPath = path.join(dir, 'scenario.json');
  await writeFile(scenarioPath, JSON.stringify({ drones: [{ home: HOME, batteryPct: 40 }] }));
  // 1000× speedup: a 60-point charge takes under two seconds of wall time.
  const launched = await launchSimulation({
    scenarioPath,
    dock: { dir: path.join(dir, 'dock') },
    basePort: 0,
    demPath: null,
    bootDelayS: 0,
    speedup: 1000,
  });
  sim = launched.sim;
  const v = sim.vehicles[0]!;
  await until(() => v.state().batteryPct === 100, 10_000, 'battery charged on the dock');
});
