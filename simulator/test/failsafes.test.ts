/**
 * ArduCopter-like failsafes: low and critical battery, GCS heartbeat loss, fence breach, GPS loss.
 */
import { expect, test } from 'vitest';
import { common } from 'node-mavlink';
import type { StartSimulationOptions } from '../src/runner/start-simulation.ts';
import { distanceM } from '../src/vehicle/geo.ts';
import type { FailsafeReason, VehicleState } from '../src/vehicle/types.ts';
import type { Vehicle } from '../src/vehicle/vehicle.ts';
import { useSimHarness } from './helpers/sim-harness.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';
import { CopterMode, MavCmd, MavFrame, MavMissionResult, MavMissionType, MavResult } from '../src/vehicle/mav.ts';

const harness = useSimHarness(50);

/** Starts a vehicle and flies it to `altM` in GUIDED. */
async function airborne(opts: StartSimulationOptions = {}, altM = 20, heartbeatMs = 200) {
  const { v, g } = await harness.setup(opts, { heartbeatMs });
  expect(await g.setMode(CopterMode.GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, altM])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().altRelM > altM - 1, 10_000, 'takeoff');
  return { v, g };
}

function nextFailsafe(v: Vehicle): Promise<FailsafeReason> {
  return new Promise((resolve) => v.events.once('failsafe', resolve));
}

/** The failsafe reason with the vehicle's state at that very step. */
function nextFailsafeState(v: Vehicle): Promise<{ reason: FailsafeReason; state: VehicleState }> {
  return new Promise((resolve) =>
    v.events.once('failsafe', (reason: FailsafeReason) => resolve({ reason, state: v.state() })),
  );
}

test('low battery → RTL, then home and disarmed', async () => {
  const { v, g } = await airborne();
  const h = v.state().home!;
  expect(await g.command(MavCmd.DO_REPOSITION, [-1, 0, 0, 0, h.lat + 0.002, h.lon, v.state().altAmslM])).toBe(
    MavResult.ACCEPTED,
  );
  await until(() => distanceM(v.state().lon, v.state().lat, h.lon, h.lat) > 100, 10_000, 'away from home');
  const fs = nextFailsafe(v);
  v.setFaults({ batteryDrop: 82 });
  expect(await fs).toBe('battery_low');
  expect(v.state().mode).toBe('RTL');
  await g.waitFor(common.StatusText, (t) => t.text.startsWith('Battery 1 is low'), 2000, 0);
  await until(() => !v.state().armed, 30_000, 'landed');
  expect(distanceM(v.state().lon, v.state().lat, h.lon, h.lat)).toBeLessThan(3);
});

test('critical battery → LAND where it is', async () => {
  const { v } = await airborne();
  const fs = nextFailsafe(v);
  v.setFaults({ batteryDrop: 93 });
  expect(await fs).toBe('battery_critical');
  expect(v.state().mode).toBe('LAND');
  await until(() => v.state().landed && !v.state().armed, 30_000, 'landed');
});

test('GCS heartbeats lost for longer than the timeout → RTL', async () => {
  // Link clock at 50× speedup runs 10×: 10 s timeout = 1 s wall; heartbeats every 0.1 s wall.
  const { v } = await airborne({ autopilot: { gcsFailsafeS: 10 } }, 20, 100);
  await until(() => v.state().timeS > 20, 5000, 'time passes with heartbeats');
  expect(v.state().mode).toBe('GUIDED');
  const fs = nextFailsafe(v);
  v.setFaults({ linkCutForS: 600 });
  expect(await fs).toBe('gcs');
  expect(v.state().mode).toBe('RTL');
  v.setFaults({ linkCutForS: 0 });
  await until(() => !v.state().armed, 30_000, 'RTL landing');
});

test('fence breach → RTL', async () => {
  const { v, g } = await harness.setup();
  const h = v.state().home!;
  const d = 0.001; // about 100 m
  const fence = TestGcs.items(
    [
      [h.lat - d, h.lon - d],
      [h.lat - d, h.lon + d],
      [h.lat + d, h.lon + d],
      [h.lat + d, h.lon - d],
    ].map(([lat, lon]) => ({
      command: MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
      frame: MavFrame.GLOBAL_INT,
      params: [4, 0, 0, 0] as [number, number, number, number],
      lat,
      lon,
    })),
    1,
  );
  expect((await g.upload(fence, MavMissionType.FENCE)).result).toBe(MavMissionResult.ACCEPTED);
  expect(await g.setMode(CopterMode.GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 15])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().altRelM > 14, 10_000, 'takeoff');
  const fs = nextFailsafeState(v);
  expect(await g.command(MavCmd.DO_REPOSITION, [-1, 0, 0, 0, h.lat + 0.004, h.lon, v.state().altAmslM])).toBe(
    MavResult.ACCEPTED,
  );
  const { reason, state: s } = await fs;
  expect(reason).toBe('fence');
  expect(s.mode).toBe('RTL');
  expect(distanceM(s.lon, s.lat, h.lon, h.lat)).toBeGreaterThan(100);
  expect(distanceM(s.lon, s.lat, h.lon, h.lat)).toBeLessThan(140);
});

test('GPS glitch: position jumps, fix lost, EKF failsafe lands the vehicle', async () => {
  const { v, g } = await airborne();
  const fs = nextFailsafe(v);
  const since = g.received.length;
  v.setFaults({ gpsGlitch: true, gpsGlitchOffsetM: 40 });
  expect(await fs).toBe('gps');
  expect(v.state().mode).toBe('LAND');
  const raw = await g.waitFor(common.GpsRawInt, (m) => m.fixType === 1, 2000, since);
  const truth = v.state();
  expect(distanceM(raw.lon / 1e7, raw.lat / 1e7, truth.lon, truth.lat)).toBeGreaterThan(30);
  await until(() => v.state().landed && !v.state().armed, 30_000, 'landed');
  v.setFaults({ gpsGlitch: false });
  const ok = await g.waitFor(common.GpsRawInt, (m) => m.fixType === 3, 2000, g.received.length);
  expect(distanceM(ok.lon / 1e7, ok.lat / 1e7, v.state().lon, v.state().lat)).toBeLessThan(1);
});
