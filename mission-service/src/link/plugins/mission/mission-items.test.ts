import { describe, expect, it } from 'vitest';
import type { LinkError } from '../../errors.ts';
import { MavCmd, MavFrame } from '../../mavlink/enums.ts';
import { assertNoTerrainFrames, homePlaceholder, type MissionItem } from './mission-items.ts';
import { missionItemsFromPlan } from './plan-items.ts';

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

describe('mission items', () => {
  it('accepts the planner shape (seq, null params) and drops seq', () => {
    const [it0] = missionItemsFromPlan([
      {
        seq: 7,
        frame: MavFrame.GLOBAL_RELATIVE_ALT,
        command: MavCmd.NAV_TAKEOFF,
        current: 0,
        autocontinue: 1,
        param1: 0,
        param2: null,
        param3: null,
        param4: null,
        x: 1,
        y: 2,
        z: 30,
      },
    ]);
    expect(it0).not.toHaveProperty('seq');
    expect(Number.isNaN(it0!.param2)).toBe(true);
    expect(it0!.z).toBe(30);
  });

  it('rejects bad items naming the index and field', () => {
    try {
      missionItemsFromPlan([wp(), { ...wp(), x: 1.5 }]);
      expect.unreachable();
    } catch (e) {
      expect((e as LinkError).result).toBe('invalid_argument');
      expect((e as LinkError).message).toContain('1.x');
    }
  });

  it('flags terrain frames for PX4 and builds a home placeholder at 0/0', () => {
    expect(() => assertNoTerrainFrames([wp(), wp({ frame: MavFrame.GLOBAL_TERRAIN_ALT_INT })])).toThrow(/item 1/);
    expect(() => assertNoTerrainFrames([wp(), wp({ frame: MavFrame.GLOBAL_RELATIVE_ALT })])).not.toThrow();
    expect(homePlaceholder()).toMatchObject({ command: MavCmd.NAV_WAYPOINT, x: 0, y: 0 });
  });
});
