/**
 * The PX4 personality: autopilot id, PX4 custom modes, no home in the mission, MISSION_REQUEST_INT,
 * terrain frames refused, mission started by arming in mission mode.
 */
import { afterEach, expect, test } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { startSimulation, type RunningSimulation } from '../src/runner/start-simulation.ts';
import { MavCmd, MavFrame, MavMissionResult as R, MavMissionType, MavResult } from '../src/vehicle/mav.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';

let sim: RunningSimulation | null = null;
let gcs: TestGcs | null = null;

afterEach(async () => {
  gcs?.close();
  await sim?.stop();
  sim = null;
});

const px4Mode = (main: number, sub = 0): number => ((main << 16) | (sub << 24)) >>> 0;

test('PX4: heartbeat, modes, mission without home, arm in mission mode flies it', async () => {
  sim = await startSimulation({ basePort: 0, speedup: 100, bootDelayS: 0, personality: 'px4' });
  const v = sim.vehicles[0]!;
  const g = (gcs = await TestGcs.connect(v.port));
  const hb = await g.waitFor(minimal.Heartbeat);
  expect(hb.autopilot).toBe(12);
  expect(hb.type).toBe(2);

  const h = v.state().home!;
  const terrain = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT, frame: MavFrame.GLOBAL_TERRAIN_ALT_INT, lat: h.lat, lon: h.lon, z: 20 },
  ]);
  expect((await g.upload(terrain)).result).toBe(R.UNSUPPORTED_FRAME);

  const items = TestGcs.items([
    { command: MavCmd.NAV_TAKEOFF, lat: h.lat, lon: h.lon, z: 20 },
    { command: MavCmd.NAV_WAYPOINT, lat: h.lat + 0.001, lon: h.lon, z: 20 },
    { command: MavCmd.NAV_WAYPOINT, lat: h.lat + 0.001, lon: h.lon + 0.001, z: 20 },
    { command: MavCmd.NAV_RETURN_TO_LAUNCH },
  ]);
  const up = await g.upload(items);
  expect(up).toEqual({ result: R.ACCEPTED, requested: [0, 1, 2, 3] });
  expect(g.all(common.MissionRequestInt).length).toBeGreaterThanOrEqual(4);
  expect(g.all(common.MissionRequest).filter((m) => !(m instanceof common.MissionRequestInt))).toHaveLength(0);
  const back = await g.download(MavMissionType.MISSION, true);
  expect(back).toHaveLength(4);
  expect(back[0]!.command).toBe(22); // seq 0 is a real item
  expect(back[1]!.frame).toBe(6);

  // DO_SET_MODE with PX4 main/sub modes: AUTO.MISSION = 4/4.
  expect(await g.command(MavCmd.DO_SET_MODE, [1, 4, 4])).toBe(MavResult.ACCEPTED);
  const hb2 = await g.waitFor(minimal.Heartbeat, (m) => m.customMode === px4Mode(4, 4), 3000, 0);
  expect(hb2.baseMode & 1).toBe(1);
  const since = g.received.length;
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED); // arming in mission mode starts the mission
  await until(() => v.state().missionState === 'complete' && !v.state().armed, 30_000, 'mission done');
  await g.waitFor(common.MissionItemReached, (m) => m.seq === 3, 2000, since);
  expect(g.all(common.MissionItemReached, since).map((m) => m.seq)).toEqual([0, 1, 2, 3]);
});

test('PX4: takeoff command from hold climbs in AUTO.TAKEOFF and then holds', async () => {
  sim = await startSimulation({ basePort: 0, speedup: 100, bootDelayS: 0, personality: 'px4' });
  const v = sim.vehicles[0]!;
  const g = (gcs = await TestGcs.connect(v.port));
  // SET_MODE with the packed custom mode: AUTO.LOITER (hold).
  expect(await g.setMode(px4Mode(4, 3))).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  const home = v.state().home!;
  expect(await g.command(MavCmd.NAV_TAKEOFF, [0, 0, 0, 0, 0, 0, home.altAmslM + 12])).toBe(MavResult.ACCEPTED);
  expect(v.state().mode).toBe('TAKEOFF');
  await until(() => v.state().mode === 'GUIDED', 10_000, 'hold after takeoff');
  expect(v.state().altRelM).toBeGreaterThan(11);
  expect(v.state().customMode).toBe(px4Mode(4, 3));
});
