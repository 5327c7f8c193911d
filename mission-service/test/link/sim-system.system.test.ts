/**
 * System tests: the link against the project's simulator over real TCP and UDP sockets on 127.0.0.1,
 * with the lossy proxy in between where the link must survive a bad radio.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulation } from '@xuncha/simulator';
import { MavlinkLink, type LinkOptions } from '../../src/link/core/link.ts';
import type { Vehicle } from '../../src/link/core/vehicle.ts';
import { LinkError } from '../../src/link/errors.ts';
import { MavCmd, MavFrame, MavMissionResult } from '../../src/link/mavlink/enums.ts';
import { startLossyProxy } from '../../src/link/testing/lossy-proxy.ts';
import { startOneSim } from './one-sim.ts';

type Sim = RunningSimulation;

/** Mission items the way the planner writes them (geodata plan schema: seq, null = unset param). */
function planItems(n: number): Array<Record<string, unknown>> {
  const base = {
    frame: MavFrame.GLOBAL_RELATIVE_ALT,
    current: 0,
    autocontinue: 1,
    param2: null,
    param3: null,
    param4: null,
  };
  const items: Array<Record<string, unknown>> = [
    { ...base, seq: 0, command: MavCmd.NAV_TAKEOFF, param1: 0, x: 280_700_000, y: 1_191_400_000, z: 30 },
  ];
  for (let i = 1; i < n - 1; i++) {
    items.push({
      ...base,
      seq: i,
      command: MavCmd.NAV_WAYPOINT,
      param1: 0,
      param2: 2,
      x: 280_700_000 + i * 300,
      y: 1_191_400_000 + (i % 2) * 600,
      z: 30,
    });
  }
  items.push({
    ...base,
    frame: MavFrame.MISSION,
    seq: n - 1,
    command: MavCmd.NAV_RETURN_TO_LAUNCH,
    param1: null,
    x: 0,
    y: 0,
    z: 0,
  });
  return items;
}

const FAST: LinkOptions = {
  heartbeatIntervalMs: 200,
  missionTiming: { timeoutMs: 100, retries: 12 },
  commandTiming: { timeoutMs: 300, retries: 3 },
};

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function connect(url: string, opts: LinkOptions = {}): Promise<{ link: MavlinkLink; v: Vehicle }> {
  const link = await MavlinkLink.connect(url, { ...FAST, ...opts });
  cleanups.push(() => link.close());
  return { link, v: await link.waitForVehicle({ deadlineMs: 10_000 }) };
}

describe('ArduPilot personality over TCP', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startOneSim({ personality: 'ardupilot', seed: 3 });
  });
  afterAll(async () => sim.stop());

  it('discovers the vehicle as ArduPilot copter', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    expect(v.sysId).toBe(sim.vehicles[0]!.sysId);
    expect(v.autopilot).toBe('ardupilot');
    expect(v.vehicleType).toBe('copter');
  });

  it('uploads a plan sortie behind a home placeholder, verifies it, and downloads it back without home', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    const items = planItems(25);
    const phases = new Set<string>();
    const r = await v.mission.upload(items, { onProgress: (p) => phases.add(p.phase) });
    expect(r).toMatchObject({ itemCount: 25, verified: true, skipped: false });
    expect([...phases]).toEqual(['upload', 'verify']);
    const stored = sim.vehicles[0]!.state().mission;
    expect(stored).toHaveLength(26);
    // The takeoff survives at seq 1: ArduPilot's home slot got the placeholder, not our first item.
    expect(stored[1]!.command).toBe(MavCmd.NAV_TAKEOFF);
    const back = await v.mission.download();
    expect(back.map((i) => i.command)).toEqual(items.map((i) => i.command));
    expect(back[5]).toMatchObject({ x: items[5]!.x, y: items[5]!.y, z: 30 });
  });

  it('round-trips a geofence built from a no-fly polygon', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    const ring = [
      [119.1401, 28.0701],
      [119.1411, 28.0701],
      [119.1411, 28.0711],
      [119.1401, 28.0711],
      [119.1401, 28.0701],
    ];
    await v.geofence.upload({ polygons: [{ inclusion: false, polygon: { type: 'Polygon', coordinates: [ring] } }] });
    expect(sim.vehicles[0]!.state().fence).toHaveLength(4);
    const back = await v.geofence.download();
    expect(back.polygons).toHaveLength(1);
    expect(back.polygons[0]!.inclusion).toBe(false);
    expect(back.polygons[0]!.polygon.coordinates[0]![2]).toEqual([119.1411, 28.0711]);
  });

  it('maps COMMAND_ACK results to typed errors (unsupported command)', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    const e = await v.commands.send({ command: 31_999, label: 'bogus' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LinkError);
    expect((e as LinkError).result).toBe('unsupported');
    expect((e as LinkError).commandResult).toBe('MAV_RESULT_UNSUPPORTED');
  });

  it('flies: telemetry, arm, start, progress, capture, interruption and resume from the last reached item', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    await v.telemetry.requestRates({ positionHz: 10, missionHz: 5 });
    await v.telemetry.position.waitFor(() => true);
    const items = planItems(6);
    await v.mission.upload(items);
    await v.action.arm();
    await v.telemetry.armed.waitFor((a) => a);
    await v.mission.start();
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 45_000);
    await v.mission.reached.stream({ signal: ac.signal })[Symbol.asyncIterator]().next();
    expect(v.telemetry.position.value!.altRelM).toBeGreaterThan(1);
    const reached = await v.mission.progress.waitFor((p) => p.lastReachedIndex >= 1, ac.signal);
    expect(reached.lastReachedIndex).toBeGreaterThanOrEqual(1);
    // Interruption: the operator takes over (hold), then the mission resumes from the last reached item.
    await v.action.setFlightMode('hold');
    await v.telemetry.flightMode.waitFor((m) => m === 'hold', ac.signal);
    const idx = await v.mission.resume();
    expect(idx).toBe(v.mission.lastReachedIndex);
    await v.telemetry.flightMode.waitFor((m) => m === 'mission', ac.signal);
    expect(sim.vehicles[0]!.state().currentSeq).toBeGreaterThanOrEqual(idx + 1);
    const capture = v.camera.captures.stream({ signal: ac.signal })[Symbol.asyncIterator]().next();
    await v.camera.takePhoto();
    const shot = await capture;
    expect(shot.done).toBe(false);
    expect(shot.value!.latDeg).toBeCloseTo(28.07, 1);
    clearTimeout(timer);
    await v.action.returnToLaunch();
  });
});

describe('mission protocol faults of the simulated ArduPilot (QGC failure matrix, end to end)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startOneSim({ personality: 'ardupilot', seed: 5 });
  });
  afterAll(async () => sim.stop());
  afterEach(() =>
    sim.vehicles[0]!.setFaults({
      noResponseToCount: false,
      noResponseToRequestSeq: null,
      wrongSequence: false,
      errorAck: null,
      missingFinalAck: false,
      readbackDiffersSeq: null,
    }),
  );

  it('recovers when the count is ignored once (resend)', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ noResponseToCount: true, missionFaultsOnce: true });
    const r = await v.mission.upload(planItems(5));
    expect(r.stats.resends).toBeGreaterThanOrEqual(1);
  });

  it('reports an error ack as mission_error with its MAV_MISSION name', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ errorAck: MavMissionResult.NO_SPACE, missionFaultsOnce: true });
    const e = (await v.mission.upload(planItems(5)).catch((x: unknown) => x)) as LinkError;
    expect(e.result).toBe('mission_error');
    expect(e.missionResult).toBe('MAV_MISSION_NO_SPACE');
  });

  it('fails on a wrong request sequence', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ wrongSequence: true, missionFaultsOnce: true });
    const e = (await v.mission.upload(planItems(5)).catch((x: unknown) => x)) as LinkError;
    expect(e.missionResult).toBe('MAV_MISSION_INVALID_SEQUENCE');
  });

  it('accepts an upload whose final ack never comes only because the download matches', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ missingFinalAck: true, missionFaultsOnce: false });
    const r = await v.mission.upload(planItems(5));
    expect(r).toMatchObject({ acked: false, verified: true });
  });

  it('names the item, field, sent and held values when the vehicle holds a different mission, and will not start it', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ readbackDiffersSeq: 3, missionFaultsOnce: false });
    const e = (await v.mission.upload(planItems(6)).catch((x: unknown) => x)) as LinkError;
    expect(e).toBeInstanceOf(LinkError);
    expect(e.result).toBe('failed');
    expect(e.mismatch).toMatchObject({ index: 2, seq: 3, command: 'MAV_CMD_NAV_WAYPOINT', field: 'z', held: 35 });
    expect(e.message).toContain('item 2 (MAV_CMD_NAV_WAYPOINT, vehicle seq 3) differs in z: sent 30, vehicle holds 35');
    expect(e.partialMission).toBe(true);
    const s = (await v.mission.start().catch((x: unknown) => x)) as LinkError;
    expect(s).toMatchObject({ result: 'failed', partialMission: true });
    sim.vehicles[0]!.setFaults({ readbackDiffersSeq: null });
    const ok = await v.mission.upload(planItems(6));
    expect(ok.verified).toBe(true);
    expect(ok.home).toMatchObject({ latDeg: expect.closeTo(28.07, 1) as number });
  });

  it('says the vehicle may keep a partial mission after a failed upload (ArduPilot writes items as they arrive)', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    // An older, longer list on the vehicle, 50 m further north.
    const old = planItems(10).map((it) => ({ ...it, x: (it.x as number) === 0 ? 0 : (it.x as number) + 4500 }));
    await v.mission.upload(old);
    // Item 5 is a command ArduPilot does not take in a mission (DO_SET_MODE): it refuses it after items 0–4.
    const items = planItems(8).map((it, i) =>
      i === 5 ? { ...it, command: MavCmd.DO_SET_MODE, frame: MavFrame.MISSION } : it,
    );
    const e = (await v.mission.upload(items).catch((x: unknown) => x)) as LinkError;
    expect(e).toMatchObject({
      result: 'mission_error',
      missionResult: 'MAV_MISSION_UNSUPPORTED',
      seq: 6,
      partialMission: true,
    });
    expect(e.message).toContain('may keep part of the new list');
    // Cut to the new count at MISSION_COUNT: home, new items 0–4, then the old list's items 5–7.
    const held = sim.vehicles[0]!.state().mission;
    expect(held).toHaveLength(9);
    expect(held[5]!.x).toBe(items[4]!.x);
    expect(held[7]!.x).toBe(old[6]!.x);
    await expect(v.mission.start()).rejects.toMatchObject({ result: 'failed', partialMission: true });
  });

  it('says so when the upload could not be verified, and will not start it', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ noResponseToRequestSeq: 4, missionFaultsOnce: false });
    const e = (await v.mission.upload(planItems(8), { deadlineMs: 20_000 }).catch((x: unknown) => x)) as LinkError;
    expect(e).toBeInstanceOf(LinkError);
    expect(e.partialMission).toBe(true);
    expect(e.message).toContain('could not be verified');
    await expect(v.mission.start()).rejects.toMatchObject({ result: 'failed', partialMission: true });
  });

  it('refuses a list longer than the vehicle holds with its own reason', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    const e = (await v.mission.upload(planItems(700)).catch((x: unknown) => x)) as LinkError;
    expect(e).toMatchObject({ result: 'mission_error', missionResult: 'MAV_MISSION_NO_SPACE' });
    expect(e.message).toContain('at most 649 besides home, this list has 700');
    expect(e.partialMission).toBe(false);
  });

  it('ends with a typed error, not a hang, when the vehicle never requests item 2', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    sim.vehicles[0]!.setFaults({ noResponseToRequestSeq: 2, missionFaultsOnce: false });
    const e = (await v.mission.upload(planItems(5), { deadlineMs: 20_000 }).catch((x: unknown) => x)) as LinkError;
    expect(e).toBeInstanceOf(LinkError);
    expect(['timeout', 'mission_error']).toContain(e.result);
  });
});

describe('a vehicle that is still booting, and one that dies mid-transfer', () => {
  it('retries NO_SPACE while the vehicle was only just heard, then uploads', async () => {
    // Boot takes 30 simulated seconds (3 s at 10x): uploads are refused with NO_SPACE until then.
    const sim = await startOneSim({ personality: 'ardupilot', seed: 12, bootDelayS: 30 });
    cleanups.push(() => sim.stop());
    const lines: string[] = [];
    const { v } = await connect(sim.vehicles[0]!.connection, {
      logger: { debug: () => {}, info: (l) => lines.push(l), warn: (l) => lines.push(l) },
    });
    const r = await v.mission.upload(planItems(5), { deadlineMs: 20_000 });
    expect(r.verified).toBe(true);
    expect(lines.some((l) => l.includes('NO_SPACE right after'))).toBe(true);
  });

  it('gives up with temporarily_rejected when the vehicle stays unready past the grace time', async () => {
    const sim = await startOneSim({ personality: 'ardupilot', seed: 13, bootDelayS: 100_000 });
    cleanups.push(() => sim.stop());
    const { v } = await connect(sim.vehicles[0]!.connection, {
      missionTiming: { timeoutMs: 100, retries: 12, bootGraceMs: 1500 },
    });
    const e = (await v.mission.upload(planItems(5), { deadlineMs: 20_000 }).catch((x: unknown) => x)) as LinkError;
    expect(e).toMatchObject({ result: 'temporarily_rejected', missionResult: 'MAV_MISSION_NO_SPACE' });
    expect(e.message).toContain('still refuses missions');
  });

  it('fails fast with connection_error when the vehicle dies mid-transfer', async () => {
    const sim = await startOneSim({ personality: 'ardupilot', seed: 14 });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await sim.stop();
    });
    const { v } = await connect(sim.vehicles[0]!.connection);
    const e = (await v.mission
      .upload(planItems(400), {
        onProgress: (p) => {
          if (p.phase === 'upload' && p.done === 50 && !stopped) {
            stopped = true;
            void sim.stop();
          }
        },
      })
      .catch((x: unknown) => x)) as LinkError;
    expect(e).toBeInstanceOf(LinkError);
    expect(e.result).toBe('connection_error');
    expect(e.partialMission).toBe(true);
    // The closed connection ends it (a spent resend budget would say 'timeout').
    expect(e.message).toContain('connection to the vehicle dropped');
  });
});

describe('PX4 personality over UDP through a lossy radio', () => {
  let sim: Sim;
  beforeAll(async () => {
    // Speedup 2: PX4 abandons an upload after 5 s of silence on its link clock, 2.5 s here, which leaves a
    // loaded CI machine room; at 10x it would be 0.5 s.
    sim = await startOneSim({ speedup: 2, personality: 'px4', seed: 7 });
  });
  afterAll(async () => sim.stop());

  it('uploads without a home item at 20 % loss, 5 % duplication and 5 % reordering both ways', async () => {
    const proxy = await startLossyProxy({
      listen: 'udp',
      target: sim.vehicles[0]!.connection,
      lossPct: 20,
      dupPct: 5,
      reorderPct: 5,
      seed: 11,
    });
    cleanups.push(() => proxy.close());
    // A resend timeout of a few loopback round trips keeps the test short; radios keep QGC's 1.5 s.
    const { v } = await connect(proxy.connection, { missionTiming: { timeoutMs: 30, retries: 60 } });
    expect(v.autopilot).toBe('px4');
    const items = planItems(60);
    const r = await v.mission.upload(items);
    expect(r.verified).toBe(true);
    expect(sim.vehicles[0]!.state().mission).toHaveLength(60);
    expect(proxy.stats.up.dropped + proxy.stats.down.dropped).toBeGreaterThan(0);
  });

  it('refuses terrain frames before sending anything', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection);
    const before = sim.vehicles[0]!.state().mission.length;
    const items = planItems(4).map((i) =>
      i.command === MavCmd.NAV_WAYPOINT ? { ...i, frame: MavFrame.GLOBAL_TERRAIN_ALT } : i,
    );
    const e = (await v.mission.upload(items).catch((x: unknown) => x)) as LinkError;
    expect(e.result).toBe('unsupported');
    expect(e.message).toContain('terrain');
    expect(sim.vehicles[0]!.state().mission).toHaveLength(before);
  });
});

describe('signed vehicle', () => {
  const key = Buffer.alloc(32, 0x42);
  let sim: Sim;
  beforeAll(async () => {
    sim = await startOneSim({ personality: 'ardupilot', seed: 9, signingKey: key });
  });
  afterAll(async () => sim.stop());

  it('talks with the right key, and the drone ignores an unsigned link', async () => {
    const { v } = await connect(sim.vehicles[0]!.connection, { signing: { key } });
    await v.mission.upload(planItems(4));
    expect(sim.vehicles[0]!.state().mission).toHaveLength(5);

    const unsigned = await connect(sim.vehicles[0]!.connection, { missionTiming: { timeoutMs: 50, retries: 2 } });
    const before = sim.vehicles[0]!.state().link.rejectedSignature;
    const e = (await unsigned.v.mission.download().catch((x: unknown) => x)) as LinkError;
    expect(e.result).toBe('timeout');
    expect(sim.vehicles[0]!.state().link.rejectedSignature).toBeGreaterThan(before);
  });
});
