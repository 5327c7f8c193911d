import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRanges, matchShots, metresBetween, type LonLat } from './flight-shots.ts';

/** A lawnmower of `n` shots every `stepM` metres near Longquan. */
function lane(n: number, stepM: number, start: LonLat = [119.14, 28.07]): LonLat[] {
  const dLon = stepM / (111_320 * Math.cos((start[1] * Math.PI) / 180));
  return Array.from({ length: n }, (_, i) => [start[0] + i * dLon, start[1]] as const);
}

describe('matchShots', () => {
  it('names the missing tail as a range: 30 planned, 16 received', () => {
    const planned = lane(30, 40);
    const m = matchShots(
      planned,
      planned.slice(0, 16).map((p, i) => ({ sha256: String(i), position: p })),
    );
    expect(m).toMatchObject({ planned: 30, received: 16, missing: 14, missingRanges: '17–30', unmatched: 0 });
    expect(m.summary).toBe('计划 30 张，收到 16 张，缺第 17–30 张 / 30 planned, 16 received: shots 17–30 missing');
  });

  it('a flight without a plan has nothing missing', () => {
    expect(matchShots(null, [{ sha256: 'a', position: null }])).toMatchObject({
      planned: null,
      received: 1,
      missing: 0,
    });
  });

  it('property: photos near any subset of the shots (GPS noise under the tolerance) miss exactly the others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 20, max: 120 }),
        fc.func(fc.boolean()),
        fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 120,
          maxLength: 120,
        }),
        (n, stepM, keep, noise) => {
          const planned = lane(n, stepM);
          // noise up to a quarter of the step, always inside the tolerance (half the step, 10–60 m)
          const r = Math.min(stepM / 4, 5);
          const taken = planned
            .map((p, i) => ({ i, p }))
            .filter(({ i }) => keep(i))
            .map(({ i, p }) => ({
              sha256: String(i),
              position: [p[0] + (noise[i]![0] * r) / 100_000, p[1] + (noise[i]![1] * r) / 111_320] as LonLat,
            }));
          const m = matchShots(planned, [...taken].reverse());
          const expected = planned.map((_, i) => i + 1).filter((s) => !keep(s - 1));
          expect(m.received).toBe(taken.length);
          expect(m.missingShots).toEqual(expected);
          expect(m.unmatched).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a photo far from every shot, or a second photo of one shot, is unmatched', () => {
    const planned = lane(5, 50);
    const m = matchShots(planned, [
      { sha256: 'a', position: planned[0]! },
      { sha256: 'b', position: planned[0]! },
      { sha256: 'c', position: [planned[2]![0], planned[2]![1] + 0.01] },
      { sha256: 'd', position: null },
    ]);
    expect(m).toMatchObject({ received: 1, unmatched: 3, missingRanges: '2–5' });
    expect(m.summary).toContain('3 more not at a planned shot');
  });
});

describe('formatRanges', () => {
  it('joins runs', () => {
    expect(formatRanges([])).toBe('');
    expect(formatRanges([3])).toBe('3');
    expect(formatRanges([3, 8, 9, 10, 12])).toBe('3, 8–10, 12');
  });
  it('property: every number appears in exactly one part, in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 60 }), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const back = formatRanges(sorted)
          .split(', ')
          .filter(Boolean)
          .flatMap((part) => {
            const [a, b] = part.split('–').map(Number);
            return Array.from({ length: (b ?? a!) - a! + 1 }, (_, k) => a! + k);
          });
        expect(back).toEqual(sorted);
      }),
    );
  });
});

it('metresBetween is about 111 km per degree of latitude', () => {
  expect(metresBetween([119, 28], [119, 29])).toBeCloseTo(111_320, -1);
});
