import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MavCmd, MavFrame, MavMissionType } from '../../mavlink/enums.ts';
import type { LinkError } from '../../errors.ts';
import type { MissionItem } from './mission-items.ts';
import { expectedOnVehicle, prepareForVehicle } from './vehicle-storage.ts';
import { describeMismatch, findMismatch, itemMismatch } from './verify.ts';

type Raw = Record<string, number | null>;
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../../tests/sitl/fixtures/${name}`, import.meta.url), 'utf8'));
const items = (raw: Raw[], missionType: number): MissionItem[] =>
  raw.map(
    (r) =>
      ({
        ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? Number.NaN : v])),
        missionType,
      }) as unknown as MissionItem,
  );

const wp = (over: Partial<MissionItem> = {}): MissionItem => ({
  frame: MavFrame.GLOBAL_RELATIVE_ALT_INT,
  command: MavCmd.NAV_WAYPOINT,
  autocontinue: 1,
  param1: 0,
  param2: 0,
  param3: 0,
  param4: Number.NaN,
  x: 281_000_000,
  y: 1_191_000_000,
  z: 50,
  ...over,
});

/** A waypoint as ArduPilot reads it back: yaw dropped, the plain frame. */
const held = (over: Partial<MissionItem> = {}): MissionItem =>
  wp({ frame: MavFrame.GLOBAL_RELATIVE_ALT, param4: 0, ...over });

describe('the storage model against what a real ArduCopter 4.7 SITL held (recorded fixture)', () => {
  const corpus = fixture('readback-corpus.json') as Record<'mission' | 'fence' | 'rally', Raw[]>;
  const record = fixture('arducopter-4.7-readback.json') as Record<'mission' | 'fence' | 'rally', { held: Raw[] }>;
  it.each([
    ['mission', MavMissionType.MISSION],
    ['fence', MavMissionType.FENCE],
    ['rally', MavMissionType.RALLY],
  ] as const)('predicts every %s item the vehicle held, field by field', (name, type) => {
    const sent = items(corpus[name], type).map((it, i) => prepareForVehicle('ardupilot', it, i));
    const back = items(record[name].held, type);
    // Mission item 0 is home: the vehicle replaces it, so it is never compared.
    const skip = type === MavMissionType.MISSION ? 1 : 0;
    expect(findMismatch('ardupilot', sent.slice(skip), back.slice(skip), skip)).toBeUndefined();
    for (let i = skip; i < sent.length; i++) {
      const e = expectedOnVehicle('ardupilot', sent[i]!).item;
      // The prediction is exact, not only within tolerance (frames of DO commands excepted: ArduPilot says GLOBAL).
      for (const k of ['command', 'x', 'y', 'z', 'param1', 'param2', 'param3', 'param4', 'autocontinue'] as const)
        expect([i, k, Math.fround(e[k])]).toEqual([i, k, Math.fround(back[i]![k])]);
    }
  });
});

describe('verification of an upload', () => {
  it('accepts ArduPilot dropping the yaw NaN of a takeoff (the V4.7 "param4 NaN ≠ 0" false alarm)', () => {
    const takeoff = wp({ command: MavCmd.NAV_TAKEOFF, z: 30 });
    const held = { ...takeoff, frame: MavFrame.GLOBAL_RELATIVE_ALT, param4: 0 };
    expect(itemMismatch('ardupilot', prepareForVehicle('ardupilot', takeoff, 0), held, 0, 1)).toBeUndefined();
    // The generic comparison (an autopilot we know nothing about) still tells NaN from 0.
    expect(itemMismatch('generic', takeoff, held, 0, 0)?.field).toBe('param4');
  });

  it('compares altitudes to the centimetre on ArduPilot and reports the item, field, sent and held values', () => {
    const sent = [wp({ z: 30.123 }), wp({ z: 45 })];
    expect(findMismatch('ardupilot', sent, [held({ z: Math.fround(30.12) }), held({ z: 45 })])).toBeUndefined();
    const m = findMismatch('ardupilot', sent, [held({ z: 30.12 }), held({ z: 46 })], 1)!;
    expect(m).toMatchObject({ index: 1, seq: 2, command: 'MAV_CMD_NAV_WAYPOINT', field: 'z', sent: 45, held: 46 });
    expect(describeMismatch(m)).toMatch(
      /item 1 \(MAV_CMD_NAV_WAYPOINT, vehicle seq 2\) differs in z: sent 45, vehicle holds 46/,
    );
  });

  it('says what ArduPilot makes of a value it rounds, and catches a position that moved', () => {
    const m = findMismatch('ardupilot', [wp({ param1: 3.7 })], [held({ param1: 4 })])!;
    expect(m).toMatchObject({ field: 'param1', sent: 3.7, expected: 3, held: 4 });
    expect(describeMismatch(m)).toContain('stores it as 3');
    expect(findMismatch('ardupilot', [wp()], [held({ x: 281_000_001 })])?.field).toBe('x');
    expect(findMismatch('ardupilot', [wp()], [])).toMatchObject({ field: 'count', sent: 1, held: 0 });
  });

  it('PX4 keeps the yaw, wrapped to [0, 360), and keeps NaN as NaN', () => {
    expect(findMismatch('px4', [wp({ param4: -90 })], [wp({ param4: 270 })])).toBeUndefined();
    expect(findMismatch('px4', [wp()], [wp({ param4: Number.NaN })])).toBeUndefined();
    expect(findMismatch('px4', [wp()], [wp({ param4: 0 })])?.field).toBe('param4');
    expect(findMismatch('px4', [wp({ param4: 10 })], [wp({ param4: 11 })])?.field).toBe('param4');
  });

  it('sends 0 for NaN where ArduPilot refuses NaN, and refuses a position without an altitude', () => {
    const speed = wp({
      command: MavCmd.DO_CHANGE_SPEED,
      frame: MavFrame.MISSION,
      param3: Number.NaN,
      param4: Number.NaN,
    });
    expect(prepareForVehicle('ardupilot', speed, 0)).toMatchObject({ param3: 0, param4: 0 });
    expect(Number.isNaN(prepareForVehicle('px4', speed, 0).param3)).toBe(true);
    expect(Number.isNaN(prepareForVehicle('ardupilot', wp(), 0).param4)).toBe(true);
    try {
      prepareForVehicle('ardupilot', wp({ z: Number.NaN }), 6);
      expect.unreachable();
    } catch (e) {
      expect((e as LinkError).result).toBe('invalid_argument');
      expect((e as LinkError).message).toMatch(/item 6 \(MAV_CMD_NAV_WAYPOINT\) has no altitude/);
    }
  });

  it('what the vehicle holds verifies against itself: the stored form is a fixed point (property)', () => {
    const commands = [
      MavCmd.NAV_WAYPOINT,
      MavCmd.NAV_TAKEOFF,
      MavCmd.NAV_LAND,
      MavCmd.NAV_LOITER_TIME,
      MavCmd.DO_CHANGE_SPEED,
      MavCmd.DO_SET_CAM_TRIGG_DIST,
      MavCmd.DO_MOUNT_CONTROL,
      MavCmd.CONDITION_YAW,
    ];
    const param = fc.double({ noNaN: true, min: -500, max: 500 });
    fc.assert(
      fc.property(
        fc.constantFrom(...commands),
        fc.constantFrom<'ardupilot' | 'px4'>('ardupilot', 'px4'),
        param,
        param,
        param,
        param,
        fc.double({ noNaN: true, min: -400, max: 4000 }),
        (command, ap, p1, p2, p3, p4, z) => {
          const located = command < 100;
          const sent = wp({
            command,
            frame: located ? MavFrame.GLOBAL_RELATIVE_ALT : MavFrame.MISSION,
            param1: p1,
            param2: p2,
            param3: p3,
            param4: p4,
            ...(located ? {} : { x: 0, y: 0 }),
            z,
          });
          const stored = expectedOnVehicle(ap, prepareForVehicle(ap, sent, 0)).item;
          return (
            itemMismatch(ap, sent, stored, 0, 0) === undefined &&
            itemMismatch(ap, stored, expectedOnVehicle(ap, stored).item, 0, 0) === undefined
          );
        },
      ),
    );
  });
});
