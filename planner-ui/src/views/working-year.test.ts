import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './week.ts';
import {
  dayRange,
  kindOf,
  monthWeeks,
  sameOverride,
  sameOverrides,
  weekdayOf,
  withEdit,
  yearBody,
  type DayOverride,
} from './working-year.ts';

const dayArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const overridesArb = fc
  .array(fc.tuple(dayArb, fc.boolean(), fc.option(fc.string({ maxLength: 8 }), { nil: null })), { maxLength: 20 })
  .map((xs) => new Map<string, DayOverride>(xs.map(([d, w, n]) => [d, { isWorkday: w, name: n }])));

describe('working year', () => {
  it('month grids hold every day of the month once, in order, under its weekday (Monday first)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const weeks = monthWeeks(year, month);
        expect(weeks.every((w) => w.length === 7)).toBe(true);
        const days = weeks.flat().filter((d): d is string => d !== null);
        const inMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
        expect(days).toHaveLength(inMonth);
        days.forEach((d, i) => expect(d).toBe(addDays(days[0]!, i)));
        expect(days[0]!.slice(0, 7)).toBe(`${year}-${String(month).padStart(2, '0')}`);
        weeks.forEach((w) => w.forEach((d, col) => d && expect(weekdayOf(d)).toBe(col)));
        // No week of blanks only.
        expect(weeks.every((w) => w.some((d) => d !== null))).toBe(true);
      }),
    );
    // 2027-02-01 is a Monday; 2026-11-01 a Sunday.
    expect(monthWeeks(2027, 2)[0]![0]).toBe('2027-02-01');
    expect(monthWeeks(2026, 11)[0]).toEqual([null, null, null, null, null, null, '2026-11-01']);
  });

  it('a range is the same days whichever end is picked first', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 40 }), (a, n) => {
        const b = addDays(a, n);
        expect(dayRange(a, b)).toEqual(dayRange(b, a));
        expect(dayRange(a, b)).toHaveLength(n + 1);
        expect(dayRange(a, b).at(-1)).toBe(b);
      }),
    );
  });

  it('an edit sets or clears exactly the days picked and leaves the rest (and the map given) alone', () => {
    fc.assert(
      fc.property(
        overridesArb,
        dayArb,
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom('holiday' as const, 'makeup' as const, 'rule' as const),
        (before, from, n, edit) => {
          const copy = new Map(before);
          const days = dayRange(from, addDays(from, n));
          const after = withEdit(before, days, edit, '  春节 ');
          expect(sameOverrides(before, copy)).toBe(true);
          for (const d of days) {
            if (edit === 'rule') expect(after.has(d)).toBe(false);
            else expect(after.get(d)).toEqual({ isWorkday: edit === 'makeup', name: '春节' });
          }
          for (const [d, o] of before) if (!days.includes(d)) expect(after.get(d)).toEqual(o);
          // Clearing what was set gives back the overrides without those days.
          const cleared = withEdit(after, days, 'rule', null);
          const expected = new Map([...before].filter(([d]) => !days.includes(d)));
          expect(sameOverrides(cleared, expected)).toBe(true);
        },
      ),
    );
  });

  it('days count as the rule says unless overridden: holidays, and weekends made working days (调休)', () => {
    expect(kindOf('2027-01-04', undefined)).toBe('work'); // Monday
    expect(kindOf('2027-01-02', undefined)).toBe('weekend'); // Saturday
    expect(kindOf('2027-01-01', { isWorkday: false, name: '元旦' })).toBe('holiday'); // Friday
    expect(kindOf('2027-01-02', { isWorkday: false, name: '元旦' })).toBe('holiday');
    expect(kindOf('2026-09-20', { isWorkday: true, name: null })).toBe('makeup'); // Sunday
    expect(kindOf('2026-09-21', { isWorkday: true, name: null })).toBe('work');
  });

  it('a day is unchanged when absent from both versions or the same in both; a name or kind moved is a change', () => {
    expect(sameOverride(undefined, undefined)).toBe(true);
    expect(sameOverride({ isWorkday: false, name: '元旦' }, { isWorkday: false, name: '元旦' })).toBe(true);
    expect(sameOverride({ isWorkday: false, name: null }, undefined)).toBe(false);
    expect(sameOverride({ isWorkday: false, name: '元旦' }, { isWorkday: true, name: '元旦' })).toBe(false);
    expect(sameOverride({ isWorkday: false, name: '元旦' }, { isWorkday: false, name: null })).toBe(false);
  });

  it("the year's body lists every override once in date order; a changed name is a change", () => {
    fc.assert(
      fc.property(overridesArb, (o) => {
        const { days } = yearBody(o);
        expect(days.map((d) => d.day)).toEqual([...o.keys()].sort());
        expect(new Set(days.map((d) => d.day)).size).toBe(o.size);
        const first = days[0];
        if (first) {
          const renamed = new Map(o).set(first.day, { isWorkday: first.isWorkday, name: `${first.name ?? ''}x` });
          expect(sameOverrides(o, renamed)).toBe(false);
        }
      }),
    );
  });
});
