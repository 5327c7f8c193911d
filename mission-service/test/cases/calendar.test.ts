import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, chineseDaysData, WorkingCalendar } from '../../src/calendar/index.ts';

const data = chineseDaysData();
const cal = new WorkingCalendar(data.overrides, data.years);

describe('working-day calendar (mainland China, Asia/Shanghai, 调休 included)', () => {
  it('has the published schedules 2004–2026 from chinese-days', () => {
    expect(data.years[0]).toBe(2004);
    expect(data.years).toContain(2026);
    expect(cal.hasYear(2026)).toBe(true);
  });

  it('Friday 2026-02-13 + 3 working days = 2026-02-25 (Saturday 02-14 is a make-up day, then Spring Festival)', () => {
    expect(cal.isWorkday('2026-02-14')).toBe(true);
    expect(cal.isWorkday('2026-02-16')).toBe(false);
    expect(cal.addWorkingDays('2026-02-13', 3)).toEqual({ day: '2026-02-25', estimated: false });
  });

  it('keeps the Shanghai time of day for instants', () => {
    const r = cal.addWorkingDaysTo(new Date('2026-02-13T10:00:00+08:00'), 3);
    expect(r.at.toISOString()).toBe(new Date('2026-02-25T10:00:00+08:00').toISOString());
    // 23:30 Shanghai is already the next UTC day's date in +08: the Shanghai date counts.
    const late = cal.addWorkingDaysTo(new Date('2026-02-13T23:30:00+08:00'), 1);
    expect(late.at.toISOString()).toBe(new Date('2026-02-14T23:30:00+08:00').toISOString());
  });

  it('crosses the 2026 National Day holiday and its adjusted working weekends', () => {
    expect(cal.isWorkday('2026-09-20')).toBe(true); // Sunday, make-up day
    expect(cal.isWorkday('2026-10-10')).toBe(true); // Saturday, make-up day
    for (let d = 1; d <= 7; d++) expect(cal.isWorkday(`2026-10-0${d}`)).toBe(false);
    expect(cal.addWorkingDays('2026-09-18', 1).day).toBe('2026-09-20');
    expect(cal.addWorkingDays('2026-09-30', 1).day).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-09-30', 3).day).toBe('2026-10-10');
    expect(cal.addWorkingDays('2026-09-29', 3).day).toBe('2026-10-09');
  });

  it('skips a normal weekend', () => {
    expect(cal.addWorkingDays('2026-03-06', 1).day).toBe('2026-03-09');
    expect(cal.addWorkingDays('2026-03-06', 3).day).toBe('2026-03-11');
    expect(cal.addWorkingDays('2026-03-07', 1).day).toBe('2026-03-09');
  });

  it('falls back to Mon–Fri and flags a year with no published schedule', () => {
    expect(cal.hasYear(2031)).toBe(false);
    expect(cal.addWorkingDays('2031-01-03', 3)).toEqual({ day: '2031-01-08', estimated: true });
    // A deadline counted from late December into an unpublished year is flagged too.
    const r = cal.addWorkingDaysTo(new Date('2030-12-31T09:00:00+08:00'), 1);
    expect(r.estimated).toBe(true);
  });

  it('refuses a negative count', () => {
    expect(() => cal.addWorkingDays('2026-03-06', -1)).toThrow(RangeError);
  });

  it('lands on a working day with exactly n working days after the start (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8000 }), fc.integer({ min: 1, max: 15 }), (offset, n) => {
        const start = addDays('2005-01-01', offset);
        const { day } = cal.addWorkingDays(start, n);
        expect(cal.isWorkday(day)).toBe(true);
        let count = 0;
        for (let d = addDays(start, 1); d <= day; d = addDays(d, 1)) if (cal.isWorkday(d)) count++;
        expect(count).toBe(n);
      }),
      { numRuns: 200 },
    );
  });

  it('counts back the working days it added: workingDaysBetween undoes addWorkingDays (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8000 }), fc.integer({ min: 0, max: 15 }), (offset, n) => {
        const start = addDays('2005-01-01', offset);
        expect(cal.workingDaysBetween(start, cal.addWorkingDays(start, n).day)).toBe(n);
        expect(cal.workingDaysBetween(start, start)).toBe(0);
        expect(cal.workingDaysBetween(addDays(start, 1), start)).toBe(0);
      }),
      { numRuns: 200 },
    );
    // Spring Festival 2026: Friday 13 February to Wednesday 25 February holds 3 working days (14th, 24th, 25th).
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-25')).toBe(3);
  });
});
