import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LinkError } from '../../errors.ts';
import { assertNoTerrainFrames, compareMissionItems, homePlaceholder, type MissionItem } from './mission-items.ts';
import { missionItemsFromPlan } from './plan-items.ts';

const wp = (over: Partial<MissionItem> = {}): MissionItem => ({
  frame: 6,
  command: 16,
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
        frame: 3,
        command: 22,
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

  it('compares INT and plain frame variants as equal, float32 rounding as equal, NaN as NaN', () => {
    expect(compareMissionItems([wp({ param1: 0.1 })], [wp({ frame: 3, param1: Math.fround(0.1) })])).toBeUndefined();
    expect(compareMissionItems([wp()], [wp({ param4: 0 })])).toContain('param4');
    expect(compareMissionItems([wp()], [wp({ x: 281_000_001 })])).toContain('item 0');
    expect(compareMissionItems([wp()], [])).toContain('count');
  });

  it('any item equals itself after a float32 round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.integer({ min: -900_000_000, max: 900_000_000 }),
        (p, x) => {
          const a = wp({ param1: p, x, z: p });
          const b = wp({ param1: Math.fround(p), x, z: Math.fround(p) });
          return compareMissionItems([a], [b]) === undefined;
        },
      ),
    );
  });

  it('flags terrain frames for PX4 and builds a home placeholder at 0/0', () => {
    expect(() => assertNoTerrainFrames([wp(), wp({ frame: 11 })])).toThrow(/item 1/);
    expect(() => assertNoTerrainFrames([wp(), wp({ frame: 3 })])).not.toThrow();
    expect(homePlaceholder()).toMatchObject({ command: 16, x: 0, y: 0 });
  });
});
