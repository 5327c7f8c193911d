/**
 * Mission protocol over a real TCP link to the vehicle, GCS side played by node-mavlink.
 */
import { afterEach, expect, test } from 'vitest';
import { common } from 'node-mavlink';
import {
  startSimulation,
  type RunningSimulation,
  type StartSimulationOptions,
} from '../src/runner/start-simulation.ts';
import { MavCmd, MavFrame, MavMissionResult as R, MavMissionType } from '../src/vehicle/mav.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';

let sim: RunningSimulation | null = null;
let gcs: TestGcs | null = null;

afterEach(async () => {
  gcs?.close();
  gcs = null;
  await sim?.stop();
  sim = null;
});

async function setup(opts: StartSimulationOptions = {}) {
  sim = await startSimulation({ basePort: 0, speedup: 20, bootDelayS: 0, ...opts });
  const v = sim.vehicles[0]!;
  gcs = await TestGcs.connect(v.port);
  return { v, g: gcs };
}

const HOME = { lon: 119.14, lat: 28.07 };

test('round trip: seq 0 is ignored and reads back as home, frames come back as ArduPilot stores them', async () => {
  const { v, g } = await setup();
  const items = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT, lat: 1, lon: 2, z: 3 },
    { command: MavCmd.NAV_TAKEOFF, z: 25 },
    { command: MavCmd.NAV_WAYPOINT, lat: HOME.lat + 0.001, lon: HOME.lon, z: 30 },
    { command: MavCmd.DO_SET_CAM_TRIGG_DIST, frame: MavFrame.MISSION, params: [20, 0, 1, 0] },
    {
      command: MavCmd.NAV_WAYPOINT,
      lat: HOME.lat + 0.001,
      lon: HOME.lon + 0.001,
      z: 30,
      frame: MavFrame.GLOBAL_TERRAIN_ALT,
    },
    { command: MavCmd.NAV_RETURN_TO_LAUNCH },
  ]);
  const up = await g.upload(items);
  expect(up.result).toBe(R.ACCEPTED);
  expect(up.requested).toEqual([0, 1, 2, 3, 4, 5]);
  // The vehicle asked with MISSION_REQUEST, not _INT (a re-request on a slow machine may repeat a seq).
  expect(new Set(g.all(common.MissionRequest).map((m) => m.seq)).size).toBe(6);
  expect(g.all(common.MissionRequestInt).length).toBe(0);

  const plain = await g.download(MavMissionType.MISSION, false);
  expect(plain.every((i) => i instanceof common.MissionItem && !(i instanceof common.MissionItemInt))).toBe(true);
  expect(plain).toHaveLength(6);
  const home = v.state().home!;
  expect(plain[0]!.x).toBeCloseTo(home.lat, 4); // float32 degrees: ~1 m resolution
  expect(plain[0]!.y).toBeCloseTo(home.lon, 4);
  expect(plain[0]!.z).toBeCloseTo(home.altAmslM, 3);
  expect(plain[2]!.x).toBeCloseTo(HOME.lat + 0.001, 4);
  expect(plain[2]!.frame).toBe(3);
  expect(plain[3]!.param1).toBe(20);
  expect(plain[4]!.frame).toBe(10);

  const ints = await g.download(MavMissionType.MISSION, true);
  expect(ints.every((i) => i instanceof common.MissionItemInt)).toBe(true);
  expect(ints[2]!.x).toBe(Math.round((HOME.lat + 0.001) * 1e7));
  // As ArduPilot stores them: locations keep GLOBAL / RELATIVE / TERRAIN, DO commands and RTL read back GLOBAL.
  expect(ints.map((i) => i.frame)).toEqual([
    MavFrame.GLOBAL,
    MavFrame.GLOBAL_RELATIVE_ALT,
    MavFrame.GLOBAL_RELATIVE_ALT,
    MavFrame.GLOBAL,
    MavFrame.GLOBAL_TERRAIN_ALT,
    MavFrame.GLOBAL,
  ]);
  expect(v.state().mission).toHaveLength(6);
});

test('missions are refused with NO_SPACE during boot', async () => {
  const { g } = await setup({ bootDelayS: 1000, speedup: 1 });
  const up = await g.upload(TestGcs.items([{ command: MavCmd.NAV_WAYPOINT }, { command: MavCmd.NAV_TAKEOFF, z: 10 }]));
  expect(up).toEqual({ result: R.NO_SPACE, requested: [] });
});

test('a download during an upload is DENIED; the upload then completes', async () => {
  const { g } = await setup();
  const items = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT },
    { command: MavCmd.NAV_TAKEOFF, z: 10 },
    { command: MavCmd.NAV_RETURN_TO_LAUNCH },
  ]);
  const count = new common.MissionCount();
  count.targetSystem = 1;
  count.targetComponent = 1;
  count.count = 3;
  count.missionType = 0;
  let since = g.received.length;
  g.send(count);
  await g.waitFor(common.MissionRequest, (r) => r.seq === 0, 5000, since);
  const list = new common.MissionRequestList();
  list.targetSystem = 1;
  list.targetComponent = 1;
  list.missionType = 0;
  since = g.received.length;
  g.send(list);
  const denied = await g.waitFor(common.MissionAck, () => true, 5000, since);
  expect(denied.type).toBe(R.DENIED);
  for (const it of items) {
    since = g.received.length;
    g.send(it);
    if (it.seq < 2) await g.waitFor(common.MissionRequest, (r) => r.seq === it.seq + 1, 5000, since);
  }
  const done = await g.waitFor(common.MissionAck, () => true, 5000, since);
  expect(done.type).toBe(R.ACCEPTED);
});

test('fence and rally lists are stored; clear all keeps home; set current reports MISSION_CURRENT', async () => {
  const { v, g } = await setup();
  const d = 0.002;
  const fence = TestGcs.items(
    [
      [HOME.lat - d, HOME.lon - d],
      [HOME.lat - d, HOME.lon + d],
      [HOME.lat + d, HOME.lon + d],
      [HOME.lat + d, HOME.lon - d],
    ].map(([lat, lon]) => ({
      command: MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
      frame: MavFrame.GLOBAL_INT,
      params: [4, 0, 0, 0] as [number, number, number, number],
      lat,
      lon,
    })),
    1,
  );
  expect((await g.upload(fence, MavMissionType.FENCE)).result).toBe(R.ACCEPTED);
  const rally = TestGcs.items(
    [{ command: MavCmd.NAV_RALLY_POINT, lat: HOME.lat, lon: HOME.lon + 0.001, z: 20 }],
    MavMissionType.RALLY,
  );
  expect((await g.upload(rally, MavMissionType.RALLY)).result).toBe(R.ACCEPTED);
  expect(v.state().fence).toHaveLength(4);
  expect(v.state().rally).toHaveLength(1);
  const fenceBack = await g.download(MavMissionType.FENCE, true);
  expect(fenceBack[2]!.x).toBe(Math.round((HOME.lat + d) * 1e7));

  const mission = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT },
    { command: MavCmd.NAV_TAKEOFF, z: 10 },
    { command: MavCmd.NAV_WAYPOINT, lat: HOME.lat, lon: HOME.lon, z: 10 },
    { command: MavCmd.NAV_RETURN_TO_LAUNCH },
  ]);
  expect((await g.upload(mission)).result).toBe(R.ACCEPTED);
  const set = new common.MissionSetCurrent();
  set.targetSystem = 1;
  set.targetComponent = 1;
  set.seq = 2;
  let since = g.received.length;
  g.send(set);
  await g.waitFor(common.MissionCurrent, (m) => m.seq === 2, 5000, since);
  expect(v.state().currentSeq).toBe(2);

  const clear = new common.MissionClearAll();
  clear.targetSystem = 1;
  clear.targetComponent = 1;
  clear.missionType = 0;
  since = g.received.length;
  g.send(clear);
  expect((await g.waitFor(common.MissionAck, () => true, 5000, since)).type).toBe(R.ACCEPTED);
  const after = await g.download(MavMissionType.MISSION, true);
  expect(after).toHaveLength(1);
  expect(v.state().fence).toHaveLength(4);
});

test('a lost GCS upload is cancelled after 8 s (link clock) with the partial mission kept', async () => {
  // Speedup 10 → the link clock runs 10× too: 1 s re-requests every 100 ms, 8 s timeout in 0.8 s.
  const { v, g } = await setup({ speedup: 10 });
  const items = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT },
    { command: MavCmd.NAV_TAKEOFF, z: 10 },
    { command: MavCmd.NAV_WAYPOINT, lat: HOME.lat, lon: HOME.lon, z: 10 },
  ]);
  const count = new common.MissionCount();
  count.targetSystem = 1;
  count.targetComponent = 1;
  count.count = 3;
  count.missionType = 0;
  const since = g.received.length;
  g.send(count);
  await g.waitFor(common.MissionRequest, (r) => r.seq === 0, 5000, since);
  g.send(items[0]!);
  g.send(items[1]!);
  const ack = await g.waitFor(common.MissionAck, () => true, 5000, since);
  expect(ack.type).toBe(R.OPERATION_CANCELLED);
  const reRequests = g.all(common.MissionRequest, since).filter((r) => r.seq === 2);
  expect(reRequests.length).toBeGreaterThanOrEqual(5);
  await until(() => v.state().mission.length === 2, 2000, 'partial mission');
  expect(v.state().mission[1]!.command).toBe(22);
});
