/**
 * The vehicle-side mission transfer state machine in fake time: re-requests, cancellation,
 * partial missions, sequence errors and the switchable faults.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { common, type MavLinkData } from 'node-mavlink';
import { MavCmd, MavFrame, MavMissionResult as R, MavMissionType } from '../src/vehicle/mav.ts';
import { MissionProtocol } from '../src/vehicle/mission-protocol.ts';
import { MissionStore } from '../src/vehicle/mission-store.ts';
import type { WireItem } from '../src/vehicle/mission-items.ts';
import { DEFAULT_FAULTS } from '../src/vehicle/vehicle.ts';
import type { Faults, Personality } from '../src/vehicle/types.ts';

const GCS = { sysid: 255, compid: 190 };
const HOME = { lon: 119.14, lat: 28.07, altAmslM: 200 };

function rig(personality: Personality = 'ardupilot', faults: Partial<Faults> = {}) {
  let now = 0;
  let ready = true;
  const sent: MavLinkData[] = [];
  const texts: string[] = [];
  const store = new MissionStore(personality, () => HOME);
  const f: Faults = { ...DEFAULT_FAULTS, ...faults };
  const p = new MissionProtocol({
    personality,
    nowMs: () => now,
    send: (m) => sent.push(m),
    store,
    ready: () => ready,
    faults: f,
    onUploadComplete: () => undefined,
    statustext: (_severity, text) => texts.push(text),
    canClear: () => true,
  });
  return {
    p,
    store,
    texts,
    sent,
    faults: f,
    tick(ms: number) {
      // Advance in 50 ms steps like the vehicle's loop does.
      for (let t = 0; t < ms; t += 50) {
        now += 50;
        p.update();
      }
    },
    setReady(r: boolean) {
      ready = r;
    },
    acks: () => sent.filter((m): m is common.MissionAck => m instanceof common.MissionAck).map((a) => a.type),
    requests: () =>
      sent.flatMap((m) => (m instanceof common.MissionRequest || m instanceof common.MissionRequestInt ? [m.seq] : [])),
  };
}

function wp(seq: number, lat = 28.071, lon = 119.141, z = 20, command = 16, frame = 6): WireItem {
  return {
    seq,
    frame,
    command,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: Math.round(lat * 1e7),
    y: Math.round(lon * 1e7),
    z,
    missionType: 0,
  };
}

type Raw = Record<string, number | null>;
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../tests/sitl/fixtures/${name}`, import.meta.url), 'utf8'));

describe('ArduPilot storage, checked against a real ArduCopter 4.7 SITL (recorded readback)', () => {
  const corpus = fixture('readback-corpus.json') as Record<string, Raw[]>;
  const real = fixture('arducopter-4.7-readback.json') as Record<string, { held: Raw[] }>;
  test.each([
    ['mission', MavMissionType.MISSION],
    ['fence', MavMissionType.FENCE],
    ['rally', MavMissionType.RALLY],
  ] as const)('the %s list reads back exactly as the real vehicle held it', (name, type) => {
    // Item 0 reads back as the vehicle's home: give ours the real one's.
    const h = real.mission!.held[0]!;
    const home = { lat: h.x! / 1e7, lon: h.y! / 1e7, altAmslM: h.z! };
    let now = 0;
    const sent: MavLinkData[] = [];
    const store = new MissionStore('ardupilot', () => home);
    const p = new MissionProtocol({
      personality: 'ardupilot',
      nowMs: () => now++,
      send: (m) => sent.push(m),
      store,
      ready: () => true,
      faults: { ...DEFAULT_FAULTS },
      onUploadComplete: () => undefined,
      statustext: () => undefined,
      canClear: () => true,
    });
    const items = corpus[name]!;
    p.handleCount(GCS, items.length, type);
    items.forEach((raw, seq) => {
      const it = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null ? Number.NaN : v]));
      p.handleItem(GCS, { ...(it as unknown as WireItem), seq, missionType: type }, true);
    });
    expect(sent.filter((m) => m instanceof common.MissionAck).map((a) => (a as common.MissionAck).type)).toEqual([
      R.ACCEPTED,
    ]);
    const held = store.all(type).map(({ seq: _seq, ...it }) => it);
    const expected = real[name]!.held.map((h) =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v === null ? Number.NaN : v])),
    );
    expect(held).toEqual(expected);
  });

  test('refuses NaN outside the yaw of waypoints, takeoffs and landings, naming the parameter', () => {
    const r = rig();
    r.p.handleCount(GCS, 2, MavMissionType.MISSION);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(
      GCS,
      { ...wp(1), command: MavCmd.DO_CHANGE_SPEED, frame: MavFrame.MISSION, param2: Number.NaN },
      true,
    );
    expect(r.acks()).toEqual([R.INVALID_PARAM2]);
    const ok = rig();
    ok.p.handleCount(GCS, 2, MavMissionType.MISSION);
    ok.p.handleItem(GCS, wp(0), true);
    ok.p.handleItem(GCS, { ...wp(1), command: MavCmd.NAV_TAKEOFF, param4: Number.NaN }, true);
    expect(ok.acks()).toEqual([R.ACCEPTED]);
    expect(ok.texts).toEqual(['Flight plan received']);
  });

  test('refuses a rally point in the MISSION frame (it has no altitude frame) as UNSUPPORTED_FRAME', () => {
    const rally = (seq: number, frame: number): WireItem => ({
      ...wp(seq, 28.071, 119.141, 30, MavCmd.NAV_RALLY_POINT, frame),
      missionType: MavMissionType.RALLY,
    });
    const r = rig();
    r.p.handleCount(GCS, 2, MavMissionType.RALLY);
    r.p.handleItem(GCS, rally(0, MavFrame.GLOBAL_TERRAIN_ALT_INT), true);
    r.p.handleItem(GCS, rally(1, MavFrame.MISSION), true);
    expect(r.acks()).toEqual([R.UNSUPPORTED_FRAME]);
  });

  test('holds at most 650 items, home included, and says so', () => {
    const r = rig();
    r.p.handleCount(GCS, 651, MavMissionType.MISSION);
    expect(r.acks()).toEqual([R.NO_SPACE]);
    expect(r.texts).toEqual(['Only 650 items are supported']);
    r.p.handleCount(GCS, 650, MavMissionType.MISSION);
    expect(r.requests()).toEqual([0]);
  });
});

describe('upload (ArduPilot)', () => {
  test('requests every item with MISSION_REQUEST and acks ACCEPTED; seq 0 reads back as home', () => {
    const r = rig();
    r.p.handleCount(GCS, 3, 0);
    expect(r.sent[0]).toBeInstanceOf(common.MissionRequest);
    expect(r.sent[0]).not.toBeInstanceOf(common.MissionRequestInt);
    r.p.handleItem(GCS, wp(0, 10, 10, 999), true);
    r.p.handleItem(GCS, wp(1), true);
    r.p.handleItem(GCS, wp(2, 28.072), true);
    expect(r.requests()).toEqual([0, 1, 2]);
    expect(r.acks()).toEqual([R.ACCEPTED]);
    const home = r.store.get(0, 0)!;
    expect(home.x).toBe(Math.round(HOME.lat * 1e7));
    expect(home.z).toBe(Math.fround(HOME.altAmslM)); // centimetres, as float32
    expect(home.frame).toBe(MavFrame.GLOBAL);
    expect(r.store.get(0, 2)!.x).toBe(280720000);
    expect(r.store.get(0, 1)!.frame).toBe(MavFrame.GLOBAL_RELATIVE_ALT); // read back without _INT
  });

  test('re-requests every second and cancels after 8 s of silence, leaving a partial mission', () => {
    const r = rig();
    // An old, longer mission is there before.
    r.p.handleCount(GCS, 5, 0);
    for (let s = 0; s < 5; s++) r.p.handleItem(GCS, wp(s, 28.08 + s * 0.001), true);
    r.sent.length = 0;
    r.p.handleCount(GCS, 4, 0);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, wp(1, 28.09), true);
    r.tick(3100);
    expect(r.requests()).toEqual([0, 1, 2, 2, 2, 2]);
    r.tick(5000);
    expect(r.acks()).toEqual([R.OPERATION_CANCELLED]);
    expect(r.p.uploading(0)).toBe(false);
    // New item 1, old items 2..3, truncated to the announced count.
    expect(r.store.count(0)).toBe(4);
    expect(r.store.get(0, 1)!.x).toBe(280900000);
    expect(r.store.get(0, 2)!.x).toBe(280820000);
  });

  test('a wrong sequence number gets INVALID_SEQUENCE and the transfer stays open', () => {
    const r = rig();
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, wp(1), true);
    expect(r.acks()).toEqual([R.INVALID_SEQUENCE]);
    expect(r.p.uploading(0)).toBe(true);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, wp(1), true);
    expect(r.acks()).toEqual([R.INVALID_SEQUENCE, R.ACCEPTED]);
  });

  test('refuses with NO_SPACE while booting', () => {
    const r = rig();
    r.setReady(false);
    r.p.handleCount(GCS, 2, 0);
    expect(r.acks()).toEqual([R.NO_SPACE]);
    expect(r.requests()).toEqual([]);
  });

  test('unsupported commands and frames end the upload with that result', () => {
    const r = rig();
    r.p.handleCount(GCS, 3, 0);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, { ...wp(1), command: 31337 }, true);
    expect(r.acks()).toEqual([R.UNSUPPORTED]);
    expect(r.p.uploading(0)).toBe(false);
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, { ...wp(1), frame: MavFrame.LOCAL_NED }, true);
    expect(r.acks()).toEqual([R.UNSUPPORTED, R.UNSUPPORTED_FRAME]);
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, wp(1, 95), true);
    expect(r.acks().at(-1)).toBe(R.INVALID_PARAM5_X);
  });

  test('accepts float MISSION_ITEM and terrain frames', () => {
    const r = rig();
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, { ...wp(0), x: 0, y: 0 }, false);
    r.p.handleItem(GCS, { ...wp(1), x: 28.0715, y: 119.1415, frame: MavFrame.GLOBAL_TERRAIN_ALT }, false);
    expect(r.acks()).toEqual([R.ACCEPTED]);
    expect(r.store.get(0, 1)).toMatchObject({ x: 280715000, y: 1191415000, frame: MavFrame.GLOBAL_TERRAIN_ALT });
  });

  test('downloads are refused while an upload is in progress', () => {
    const r = rig();
    r.p.handleCount(GCS, 3, 0);
    r.p.handleRequestList(GCS, 0);
    r.p.handleRequest(GCS, 0, 0, true);
    expect(r.acks()).toEqual([R.DENIED, R.DENIED]);
  });
});

describe('upload (PX4)', () => {
  test('uses MISSION_REQUEST_INT, keeps seq 0 and swaps the mission in only when complete', () => {
    const r = rig('px4');
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, wp(0, 28.1), true);
    r.p.handleItem(GCS, wp(1), true);
    expect(r.sent.filter((m) => m instanceof common.MissionRequestInt)).toHaveLength(2);
    expect(r.store.get(0, 0)!.x).toBe(281000000);
    r.p.handleCount(GCS, 3, 0);
    r.p.handleItem(GCS, wp(0, 28.2), true);
    r.tick(6000);
    expect(r.acks().at(-1)).toBe(R.OPERATION_CANCELLED);
    expect(r.store.count(0)).toBe(2);
    expect(r.store.get(0, 0)!.x).toBe(281000000);
  });

  test('rejects terrain frames', () => {
    const r = rig('px4');
    r.p.handleCount(GCS, 1, 0);
    r.p.handleItem(GCS, wp(0, 28.1, 119.1, 30, 16, 11), true);
    expect(r.acks()).toEqual([R.UNSUPPORTED_FRAME]);
  });
});

describe('faults', () => {
  test('noResponseToCount ignores the count', () => {
    const r = rig('ardupilot', { noResponseToCount: true });
    r.p.handleCount(GCS, 2, 0);
    expect(r.sent).toEqual([]);
  });

  test('noResponseToRequestSeq skips that request until the fault clears (once)', () => {
    const r = rig('ardupilot', { noResponseToRequestSeq: 1, missionFaultsOnce: true });
    r.p.handleCount(GCS, 3, 0);
    r.p.handleItem(GCS, wp(0), true);
    expect(r.requests()).toEqual([0]);
    r.tick(1000);
    expect(r.requests()).toEqual([0, 1]);
    // Download side: no answer for the faulty seq.
    const d = rig('ardupilot', { noResponseToRequestSeq: 0 });
    d.p.handleRequest(GCS, 0, 0, true);
    d.p.handleRequest(GCS, 0, 0, true);
    expect(d.sent).toEqual([]);
  });

  test('wrongSequence asks for (and answers with) the wrong item', () => {
    const r = rig('ardupilot', { wrongSequence: true, missionFaultsOnce: true });
    r.p.handleCount(GCS, 3, 0);
    r.p.handleItem(GCS, wp(0), true);
    expect(r.requests()).toEqual([0, 2]);
    r.p.handleItem(GCS, wp(2), true);
    expect(r.acks()).toEqual([R.INVALID_SEQUENCE]);
    r.tick(1000);
    expect(r.requests()).toEqual([0, 2, 1]);
    const d = rig('px4', { wrongSequence: true });
    d.store.beginUpload(0, 2);
    d.store.put(0, { ...wp(0), current: 0 });
    d.store.put(0, { ...wp(1), current: 0 });
    d.store.endUpload(0, true);
    d.p.handleRequest(GCS, 0, 0, true);
    expect((d.sent[0] as common.MissionItemInt).seq).toBe(1);
  });

  test('errorAck ends uploads and refuses downloads with the given result', () => {
    const r = rig('ardupilot', { errorAck: R.NO_SPACE });
    r.p.handleCount(GCS, 1, 0);
    r.p.handleItem(GCS, wp(0), true);
    expect(r.acks()).toEqual([R.NO_SPACE]);
    r.p.handleRequestList(GCS, 0);
    expect(r.acks()).toEqual([R.NO_SPACE, R.NO_SPACE]);
  });

  test('missingFinalAck drops the final ack; a repeated last item gets it once the fault clears', () => {
    const r = rig('ardupilot', { missingFinalAck: true });
    r.p.handleCount(GCS, 2, 0);
    r.p.handleItem(GCS, wp(0), true);
    r.p.handleItem(GCS, wp(1), true);
    expect(r.acks()).toEqual([]);
    r.p.handleItem(GCS, wp(1), true);
    expect(r.acks()).toEqual([]);
    r.faults.missingFinalAck = false;
    r.p.handleItem(GCS, wp(1), true);
    expect(r.acks()).toEqual([R.ACCEPTED]);
  });
});
