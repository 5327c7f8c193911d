/**
 * Flying the vehicle over TCP at high speedup: commands, pre-arm refusals, a full AUTO mission
 * with MISSION_ITEM_REACHED for every waypoint, camera triggers, RTL and landing, terrain.
 */
import { expect, test } from 'vitest';
import { ardupilotmega, common, minimal, standard } from 'node-mavlink';
import type { StartSimulationOptions } from '../src/runner/start-simulation.ts';
import { distanceM } from '../src/vehicle/geo.ts';
import { CopterMode, MavCmd, MavFrame, MavMissionResult, MavResult } from '../src/vehicle/mav.ts';
import type { CameraCapture } from '../src/vehicle/types.ts';
import { useSimHarness } from './helpers/sim-harness.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';

const harness = useSimHarness(100);

function setup(opts: StartSimulationOptions = {}) {
  return harness.setup(opts);
}

const AUTO = CopterMode.AUTO;
const GUIDED = CopterMode.GUIDED;
const LOITER = CopterMode.LOITER;

test('arm, MISSION_START, survey with camera, RTL and landing: every nav item reached', async () => {
  const captures: CameraCapture[] = [];
  const { v, g } = await setup({
    camera: async (c) => void captures.push(c),
    scenario: {
      drones: [],
      incidents: [],
      weather: { windMps: 5, windDirDeg: 270 },
    },
  });
  const h = v.state().home!;
  const items = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT },
    { command: MavCmd.NAV_TAKEOFF, z: 30 },
    { command: MavCmd.DO_CHANGE_SPEED, frame: MavFrame.MISSION, params: [1, 8, -1, 0] },
    { command: MavCmd.NAV_WAYPOINT, lat: h.lat + 0.002, lon: h.lon, z: 30 },
    { command: MavCmd.DO_SET_CAM_TRIGG_DIST, frame: MavFrame.MISSION, params: [25, 0, 1, 0] },
    { command: MavCmd.NAV_WAYPOINT, lat: h.lat + 0.002, lon: h.lon + 0.003, z: 30, params: [2, 0, 0, 0] },
    { command: MavCmd.NAV_WAYPOINT, lat: h.lat, lon: h.lon + 0.003, z: 40 },
    { command: MavCmd.DO_SET_CAM_TRIGG_DIST, frame: MavFrame.MISSION, params: [0, 0, 0, 0] },
    { command: MavCmd.NAV_RETURN_TO_LAUNCH },
  ]);
  expect((await g.upload(items)).result).toBe(MavMissionResult.ACCEPTED);
  expect(await g.setMode(GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  const since = g.received.length;
  expect(await g.command(MavCmd.MISSION_START)).toBe(MavResult.ACCEPTED);
  await until(() => v.state().missionState === 'complete' && !v.state().armed, 30_000, 'mission complete');
  await g.waitFor(common.MissionItemReached, (m) => m.seq === 8, 2000, since);

  const reached = g.all(common.MissionItemReached, since).map((m) => m.seq);
  expect(reached).toEqual([1, 3, 5, 6, 8]);
  const s = v.state();
  expect(s.lastReachedSeq).toBe(8);
  expect(s.landed).toBe(true);
  expect(s.crashed).toBe(false);
  expect(distanceM(s.lon, s.lat, h.lon, h.lat)).toBeLessThan(3);
  expect(s.batteryPct).toBeLessThan(100);
  // Camera: trigger by distance along the survey legs, reported both ways — to the GCS as ArduPilot does, with
  // CAMERA_FEEDBACK numbered from 1 (no CAMERA_IMAGE_CAPTURED from the autopilot itself).
  const captured = g.all(ardupilotmega.CameraFeedback, since);
  expect(captures.length).toBeGreaterThan(10);
  expect(captured.length).toBe(captures.length);
  expect(captured.map((c) => c.imgIdx)).toEqual(captures.map((c) => c.index + 1));
  expect(g.all(common.CameraImageCaptured, since)).toEqual([]);
  for (const c of captures) {
    expect(c.gimbalPitchDeg).toBe(-90);
    expect(c.altRelM).toBeGreaterThan(25);
  }
  const last = captured.at(-1)!;
  const lastHook = captures.at(-1)!;
  expect(last.lat / 1e7).toBeCloseTo(lastHook.lat, 6);
  // Spacing along a straight leg is the trigger distance (within a step of travel).
  const leg = captures.filter((c) => Math.abs(c.lat - (h.lat + 0.002)) < 0.0001);
  for (let i = 1; i < leg.length; i++) {
    const d = distanceM(leg[i - 1]!.lon, leg[i - 1]!.lat, leg[i]!.lon, leg[i]!.lat);
    expect(d).toBeGreaterThan(24);
    expect(d).toBeLessThan(27);
  }
  // The mission's speed change holds the survey speed.
  expect(Math.max(...captures.map((c) => c.speedMps))).toBeLessThan(8.5);
});

test('GUIDED takeoff, gimbal control, DO_PAUSE_CONTINUE, RTL command', async () => {
  const { v, g } = await setup();
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 15])).toBe(MavResult.FAILED); // not armed
  expect(await g.setMode(GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 15])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().altRelM > 14.4, 10_000, 'takeoff altitude');
  expect(await g.command(MavCmd.DO_MOUNT_CONTROL, [-45, 0, 0, 0, 0, 0, 2])).toBe(MavResult.ACCEPTED);
  expect(v.state().gimbalPitchDeg).toBe(-45);
  expect(await g.command(MavCmd.DO_DIGICAM_CONTROL, [0, 0, 0, 0, 1])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().imageCount === 1, 2000, 'photo');
  expect(await g.command(MavCmd.IMAGE_START_CAPTURE, [0, 0, 1])).toBe(MavResult.ACCEPTED);
  expect(v.state().imageCount).toBe(2);
  // Reposition (COMMAND_LONG), then pause: the vehicle brakes to a hover.
  const h = v.state().home!;
  expect(await g.command(MavCmd.DO_REPOSITION, [-1, 0, 0, 0, h.lat + 0.003, h.lon, v.state().altAmslM])).toBe(
    MavResult.ACCEPTED,
  );
  await until(() => v.state().groundSpeedMps > 5, 10_000, 'moving');
  expect(await g.command(MavCmd.DO_PAUSE_CONTINUE, [0])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().groundSpeedMps < 0.3, 10_000, 'braked');
  const held = v.state();
  await until(() => v.state().timeS > held.timeS + 5, 5000, 'time passes');
  expect(distanceM(held.lon, held.lat, v.state().lon, v.state().lat)).toBeLessThan(1);
  expect(await g.command(MavCmd.DO_PAUSE_CONTINUE, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_RETURN_TO_LAUNCH)).toBe(MavResult.ACCEPTED);
  expect(v.state().mode).toBe('RTL');
  await until(() => !v.state().armed, 30_000, 'RTL landing');
  expect(distanceM(v.state().lon, v.state().lat, h.lon, h.lat)).toBeLessThan(3);
});

test('pre-arm checks and command refusals, each with a STATUSTEXT', async () => {
  const { v, g } = await setup({ bootDelayS: 5, speedup: 1 });
  const texts = (): string[] => g.all(common.StatusText).map((t) => t.text);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.FAILED);
  expect(texts()).toContain('PreArm: Need 3D Fix');
  expect(await g.setMode(GUIDED)).toBe(MavResult.FAILED);
  v.step(5); // finish booting without waiting
  await until(() => v.state().gpsFix, 2000, 'GPS fix');
  expect(await g.setMode(AUTO)).toBe(MavResult.FAILED);
  expect(texts().some((t) => t.includes('no mission'))).toBe(true);
  expect(
    (
      await g.upload(
        TestGcs.items([
          { command: MavCmd.NAV_WAYPOINT },
          { command: MavCmd.NAV_TAKEOFF, z: 10 },
          { command: MavCmd.NAV_RETURN_TO_LAUNCH },
        ]),
      )
    ).result,
  ).toBe(MavMissionResult.ACCEPTED);
  expect(await g.setMode(AUTO)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.FAILED);
  expect(texts()).toContain('Arm: Mode not armable');
  expect(await g.setMode(LOITER)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 10])).toBe(MavResult.FAILED); // takeoff needs GUIDED
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [0])).toBe(MavResult.ACCEPTED);
  v.setFaults({ batteryDrop: 85 });
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.FAILED);
  expect(texts().some((t) => t.startsWith('PreArm: Battery 1 low'))).toBe(true);
  // Unknown and out-of-range commands.
  expect(await g.command(MavCmd.WAYPOINT_USER_1)).toBe(MavResult.UNSUPPORTED);
  expect(texts()).toContain('Unsupported command 31000');
  expect(await g.command(MavCmd.DO_CHANGE_SPEED, [1, 99])).toBe(MavResult.DENIED);
  expect(await g.command(MavCmd.DO_MOUNT_CONTROL, [-120])).toBe(MavResult.DENIED);
  expect(await g.command(MavCmd.DO_SET_MODE, [1, 42])).toBe(MavResult.FAILED); // no mode 42
  expect(v.state().armed).toBe(false);
});

test('AUTO alone leaves the vehicle on the ground and it disarms after about 10 s', async () => {
  // At 10× the link clock (which times the disarm) and the simulation clock agree.
  const { v, g } = await setup({ speedup: 10 });
  expect(
    (
      await g.upload(
        TestGcs.items([
          { command: MavCmd.NAV_WAYPOINT },
          { command: MavCmd.NAV_TAKEOFF, z: 10 },
          { command: MavCmd.NAV_RETURN_TO_LAUNCH },
        ]),
      )
    ).result,
  ).toBe(MavMissionResult.ACCEPTED);
  expect(await g.setMode(GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  const armedAt = v.state().timeS;
  expect(await g.command(MavCmd.DO_SET_MODE, [1, AUTO])).toBe(MavResult.ACCEPTED);
  await until(() => !v.state().armed, 5000, 'auto disarm');
  const s = v.state();
  expect(s.mode).toBe('AUTO');
  expect(s.landed).toBe(true);
  expect(s.timeS - armedAt).toBeGreaterThan(8);
  expect(s.timeS - armedAt).toBeLessThan(12);
});

test('message rates follow SET_MESSAGE_INTERVAL and REQUEST_DATA_STREAM; REQUEST_MESSAGE answers once', async () => {
  const { v, g } = await setup({ speedup: 10 });
  const count = async (clazz: new () => common.GlobalPositionInt, simS: number): Promise<number> => {
    const since = g.received.length;
    const t0 = v.state().timeS;
    await until(() => v.state().timeS >= t0 + simS, 5000, 'sim time');
    return g.all(clazz, since).length;
  };
  expect(await g.command(MavCmd.SET_MESSAGE_INTERVAL, [33, 50_000])).toBe(MavResult.ACCEPTED); // 20 Hz
  const fast = await count(common.GlobalPositionInt, 4);
  // 80 at 20 Hz on a quiet machine; a loaded one drops some (ticks stall and, as ArduPilot, never burst), but far
  // more than the default 4 Hz (16 in 4 s) could give.
  expect(fast).toBeGreaterThan(40);
  const stop = new common.RequestDataStream();
  stop.targetSystem = 1;
  stop.targetComponent = 1;
  stop.reqStreamId = 6;
  stop.reqMessageRate = 0;
  stop.startStop = 0;
  g.send(stop);
  await until(() => v.streams.getInterval(33) === Infinity, 2000, 'stream stopped');
  expect(await count(common.GlobalPositionInt, 3)).toBeLessThanOrEqual(1);
  const since = g.received.length;
  expect(await g.command(MavCmd.REQUEST_MESSAGE, [148])).toBe(MavResult.ACCEPTED);
  const ver = await g.waitFor(standard.AutopilotVersion, () => true, 2000, since);
  expect(ver).toBeDefined();
  expect(await g.command(MavCmd.REQUEST_MESSAGE, [99999])).toBe(MavResult.FAILED);
});

test('a vehicle keeps flying when its GCS disconnects and serves the next one', async () => {
  const { v, g } = await setup({ speedup: 50 });
  expect(await g.setMode(GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 20])).toBe(MavResult.ACCEPTED);
  g.close();
  await until(() => v.state().altRelM > 19, 5000, 'climb without GCS');
  const g2 = await harness.connect(v);
  const hb = await g2.waitFor(minimal.Heartbeat);
  expect(hb.autopilot).toBe(3);
  expect(hb.type).toBe(2);
  expect(hb.customMode).toBe(GUIDED);
  expect(hb.baseMode & 128).toBe(128);
});

test('terrain from the DEM: flying into a hill is a crash', async () => {
  // Flat valley at 200 m with a 120 m high ridge 300 m north of home.
  const dem = { elevationAt: (_lon: number, lat: number) => (lat > 28.0727 && lat < 28.0745 ? 320 : 200) };
  const { v, g } = await setup({ dem, speedup: 100 });
  expect(v.state().altAmslM).toBe(200);
  const crash = new Promise<string>((resolve) => v.events.once('crash', resolve));
  expect(await g.setMode(GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, 30])).toBe(MavResult.ACCEPTED);
  await until(() => v.state().altRelM > 29, 10_000, 'takeoff');
  const h = v.state().home!;
  expect(await g.command(MavCmd.DO_REPOSITION, [-1, 0, 0, 0, h.lat + 0.01, h.lon, 230])).toBe(MavResult.ACCEPTED);
  expect(await crash).toMatch(/hit the ground/);
  const s = v.state();
  expect(s.crashed).toBe(true);
  expect(s.armed).toBe(false);
  expect(s.altAmslM).toBe(320);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.FAILED);
});
