/**
 * Mission transfer against a real ArduCopter: the simulator's ArduPilot personality compared with it message by
 * message, 100 and 500 items uploaded and verified, geofence and rally, and the bad inputs (too many items, an
 * item it refuses half-way, an upload cancelled by the operator) each ending in a typed result.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulation, type RunningSimulation } from '../../simulator/src/index.ts';
import type { Vehicle } from '../../mission-service/src/link/core/vehicle.ts';
import { LinkError } from '../../mission-service/src/link/errors.ts';
import { MavCmd, MavFrame, MavMissionType } from '../../mission-service/src/link/mavlink/enums.ts';
import type { MissionItem } from '../../mission-service/src/link/plugins/mission/mission-items.ts';
import type { SitlVehicle } from '../../simulator/src/runner/ardupilot-sitl.ts';
import { connectRawGcs, type Heard } from './support/raw-gcs.ts';
import { missionItems } from './support/items.ts';
import { DEMO_HOME, connect, startSitl } from './support/sitl.ts';

type Raw = Record<string, number | null>;
const corpus = JSON.parse(readFileSync(new URL('./fixtures/readback-corpus.json', import.meta.url), 'utf8')) as Record<
  'mission' | 'fence' | 'rally',
  Raw[]
>;
const asItems = (raw: Raw[]): MissionItem[] =>
  raw.map(
    (r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? Number.NaN : v])) as unknown as MissionItem,
  );
/** What a comparison looks at in a message: its type and, for acks, the result. */
const shape = (h: Heard): string =>
  h.type === 'MissionAck'
    ? `MissionAck:${String(h.fields.type)}`
    : h.type === 'StatusText'
      ? `StatusText:${String(h.fields.text)}`
      : h.type;

let sitl: SitlVehicle;
beforeAll(async () => {
  sitl = await startSitl({ instance: 0 });
});

describe('the simulator answers like the real ArduCopter, message by message', () => {
  let sim: RunningSimulation;
  beforeAll(async () => {
    sim = await startSimulation({ drones: 1, basePort: 0, bootDelayS: 0, speedup: 1, personality: 'ardupilot' });
  });
  afterAll(() => sim.stop());

  it.each([
    ['mission', MavMissionType.MISSION],
    ['fence', MavMissionType.FENCE],
    ['rally', MavMissionType.RALLY],
  ] as const)('%s list: the same requests, acks, STATUSTEXT and stored items', async (name, type) => {
    const real = await connectRawGcs(sitl.port);
    const ours = await connectRawGcs(sim.vehicles[0]!.port);
    try {
      const items = asItems(corpus[name]);
      const upReal = await real.upload(items, type);
      const upOurs = await ours.upload(items, type);
      expect(upOurs).toEqual(upReal);
      const heldReal = await real.download(type);
      const heldOurs = await ours.download(type);
      expect(heldOurs).toHaveLength(heldReal.length);
      // Item 0 of the mission is each vehicle's own home; every other item must be identical, field by field.
      const from = type === MavMissionType.MISSION ? 1 : 0;
      for (let i = from; i < heldReal.length; i++) expect([i, heldOurs[i]]).toEqual([i, heldReal[i]]);
      if (from === 1) {
        expect(heldOurs[0]).toMatchObject({ command: heldReal[0]!.command, frame: heldReal[0]!.frame });
      }
      const relevant = (h: Heard) =>
        // Boot-time chatter of the real vehicle (sensors and their calibration, e.g. "Calibrating barometer" that
        // a loaded machine delays into the transfer, RC switch positions such as "RC7: SaveWaypoint LOW", and
        // SITL's RC input finding its source, "RCInput: decoding UDP (Pulses)").
        h.type !== 'StatusText' ||
        !/^(EKF|GPS|AHRS|Field|ArduPilot|PreArm|Barometer|Calibrating|Updating barometer|RC\d+:|RCInput:)/.test(
          String(h.fields.text),
        );
      expect(ours.heard.filter(relevant).map(shape)).toEqual(real.heard.filter(relevant).map(shape));
    } finally {
      real.close();
      ours.close();
    }
  });

  it('both refuse NaN where ArduPilot does, a rally point in the MISSION frame and a list longer than 650, the same way', async () => {
    const real = await connectRawGcs(sitl.port);
    const ours = await connectRawGcs(sim.vehicles[0]!.port);
    try {
      const nan: MissionItem[] = asItems(corpus.mission.slice(0, 5));
      nan[4] = {
        ...nan[4]!,
        command: MavCmd.DO_CHANGE_SPEED,
        frame: MavFrame.MISSION,
        param2: Number.NaN,
        x: 0,
        y: 0,
        z: 0,
      };
      expect(await ours.upload(nan, MavMissionType.MISSION)).toEqual(await real.upload(nan, MavMissionType.MISSION));
      // A rally point has an altitude frame; MISSION (no position) is refused as UNSUPPORTED_FRAME (2).
      const frameless = asItems(corpus.rally.slice(0, 2));
      frameless[1] = { ...frameless[1]!, frame: MavFrame.MISSION };
      const refusedReal = await real.upload(frameless, MavMissionType.RALLY);
      expect(refusedReal.ack).toBe(2);
      expect(await ours.upload(frameless, MavMissionType.RALLY)).toEqual(refusedReal);
      expect(await ours.download(MavMissionType.RALLY)).toEqual(await real.download(MavMissionType.RALLY));
      const many = asItems(Array.from({ length: 651 }, () => corpus.mission[2]!));
      expect(await ours.upload(many, MavMissionType.MISSION)).toEqual(await real.upload(many, MavMissionType.MISSION));
      const texts = (g: typeof real) => g.heard.filter((h) => h.type === 'StatusText').map((h) => h.fields.text);
      expect(texts(ours)).toContain('Only 650 items are supported');
      expect(texts(real)).toContain('Only 650 items are supported');
    } finally {
      real.close();
      ours.close();
    }
  });
});

describe('the drone link against the real ArduCopter', () => {
  let v: Vehicle;
  beforeAll(async () => {
    ({ v } = await connect(sitl.connection));
  });

  it.each([100, 500])('uploads %i items and verifies them by downloading them back', async (n) => {
    const items = missionItems(n, DEMO_HOME);
    const r = await v.mission.upload(items, { skipIfUnchanged: false });
    expect(r).toMatchObject({ itemCount: n, verified: true, acked: true });
    // ArduPilot's item 0 is its home, reported instead of compared.
    expect(r.home).toBeDefined();
    const back = await v.mission.download();
    expect(back).toHaveLength(n);
    expect(back[n - 2]).toMatchObject({ x: items[n - 2]!.x, y: items[n - 2]!.y, command: MavCmd.NAV_WAYPOINT });
    process.stdout.write(`SITL upload+verify ${n} items: ${r.durationMs} ms, resends ${r.stats.resends}\n`);
  });

  it('uploads a geofence and rally points and reads them back', async () => {
    const d = 0.003;
    const ring = [
      [DEMO_HOME.lon - d, DEMO_HOME.lat - d],
      [DEMO_HOME.lon + d, DEMO_HOME.lat - d],
      [DEMO_HOME.lon + d, DEMO_HOME.lat + d],
      [DEMO_HOME.lon - d, DEMO_HOME.lat + d],
      [DEMO_HOME.lon - d, DEMO_HOME.lat - d],
    ];
    const fence = await v.geofence.upload({
      polygons: [{ inclusion: true, polygon: { type: 'Polygon', coordinates: [ring] } }],
      circles: [{ inclusion: false, center: { lonDeg: DEMO_HOME.lon + 0.001, latDeg: DEMO_HOME.lat }, radiusM: 25.5 }],
    });
    expect(fence).toMatchObject({ itemCount: 5, verified: true });
    const back = await v.geofence.download();
    expect(back.polygons[0]!.polygon.coordinates[0]).toHaveLength(5);
    expect(back.circles![0]!.radiusM).toBeCloseTo(25.5, 4);
    const e7 = (deg: number) => Math.round(deg * 1e7);
    const rally = await v.mission.upload(
      [
        {
          frame: MavFrame.GLOBAL_RELATIVE_ALT,
          command: MavCmd.NAV_RALLY_POINT,
          autocontinue: 0,
          param1: 0,
          param2: 0,
          param3: 0,
          param4: 0,
          x: e7(DEMO_HOME.lat + 0.001),
          y: e7(DEMO_HOME.lon),
          z: 25,
        },
        {
          frame: MavFrame.GLOBAL_RELATIVE_ALT,
          command: MavCmd.NAV_RALLY_POINT,
          autocontinue: 0,
          param1: 0,
          param2: 0,
          param3: 0,
          param4: 0,
          x: e7(DEMO_HOME.lat),
          y: e7(DEMO_HOME.lon + 0.001),
          z: 30.6,
        },
      ],
      { missionType: MavMissionType.RALLY },
    );
    expect(rally).toMatchObject({ itemCount: 2, verified: true });
  });

  it('refuses a list longer than the vehicle holds with its reason, sending nothing', async () => {
    const e = (await v.mission.upload(missionItems(700, DEMO_HOME)).catch((x: unknown) => x)) as LinkError;
    expect(e).toBeInstanceOf(LinkError);
    expect(e).toMatchObject({ result: 'mission_error', missionResult: 'MAV_MISSION_NO_SPACE', partialMission: false });
    expect(e.message).toContain('at most 649 besides home, this list has 700');
  });

  it('reports a partial mission when the vehicle refuses an item half-way, and will not start it', async () => {
    const items = missionItems(12, DEMO_HOME).map((it, i) =>
      i === 6 ? { ...it, command: MavCmd.DO_SET_MODE, frame: MavFrame.MISSION, x: 0, y: 0, z: 0 } : it,
    );
    const e = (await v.mission.upload(items).catch((x: unknown) => x)) as LinkError;
    expect(e).toMatchObject({
      result: 'mission_error',
      missionResult: 'MAV_MISSION_UNSUPPORTED',
      partialMission: true,
      seq: 7,
    });
    // The real vehicle did keep the first items of the new list.
    const held = await v.mission.download();
    expect(held[5]).toMatchObject({ x: items[5]!.x, y: items[5]!.y });
    await expect(v.mission.start()).rejects.toMatchObject({ result: 'failed', partialMission: true });
    const ok = await v.mission.upload(missionItems(12, DEMO_HOME));
    expect(ok.verified).toBe(true);
  });

  it('cancels an upload the operator aborts, and the vehicle takes the next one', async () => {
    const ac = new AbortController();
    const p = v.mission.upload(missionItems(300, DEMO_HOME), {
      signal: ac.signal,
      onProgress: (x) => {
        if (x.phase === 'upload' && x.done === 40) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ result: 'cancelled', partialMission: true });
    const r = await v.mission.upload(missionItems(30, DEMO_HOME));
    expect(r.verified).toBe(true);
  });
});
