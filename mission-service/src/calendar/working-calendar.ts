/**
 * The mainland China working-day calendar in Asia/Shanghai (UTC+8 all year, no DST since 1991): Mon–Fri are
 * working days unless a statutory holiday, and some weekends are adjusted working days (调休). Pure: the data
 * comes from the `working_calendar` table (seeded from chinese-days, edited by admins).
 */

import { chinaDate, chinaWallClock, DAY_MS, fromChinaWallClock } from '../time/china-time.ts';

/** One day that differs from the Mon–Fri rule. */
export interface CalendarOverride {
  /** `YYYY-MM-DD` in Asia/Shanghai. */
  day: string;
  isWorkday: boolean;
  name?: string | null;
}

export interface WorkingDaysResult {
  at: Date;
  /** True when a day counted lies in a year with no published schedule (computed Mon–Fri). */
  estimated: boolean;
}

/** The Asia/Shanghai calendar date (`YYYY-MM-DD`) of an instant. */
export function shanghaiDay(at: Date): string {
  return chinaDate(at);
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export class WorkingCalendar {
  private readonly overrides = new Map<string, CalendarOverride>();
  private readonly years: Set<number>;

  /** `publishedYears`: years whose schedule is known; `overrides`: holidays and adjusted working days. */
  constructor(overrides: Iterable<CalendarOverride>, publishedYears: Iterable<number>) {
    for (const o of overrides) this.overrides.set(o.day, o);
    this.years = new Set(publishedYears);
  }

  /** Whether the schedule of `year` is published (known). */
  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** Whether `day` (`YYYY-MM-DD`, Asia/Shanghai) is a working day. */
  isWorkday(day: string): boolean {
    const o = this.overrides.get(day);
    if (o) return o.isWorkday;
    const wd = weekday(day);
    return wd !== 0 && wd !== 6;
  }

  /** The holiday or adjusted-workday name of `day`, if any. */
  describe(day: string): CalendarOverride {
    return this.overrides.get(day) ?? { day, isWorkday: this.isWorkday(day), name: null };
  }

  /**
   * The `n`-th working day after the Shanghai date `day` (the day itself does not count), and whether a day
   * counted fell in an unpublished year. Example: 2026-02-13 (Fri) + 3 = 2026-02-25.
   */
  addWorkingDays(day: string, n: number): { day: string; estimated: boolean } {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
    let d = day;
    let estimated = false;
    let left = n;
    while (left > 0) {
      d = addDays(d, 1);
      if (!this.years.has(Number(d.slice(0, 4)))) estimated = true;
      if (this.isWorkday(d)) left -= 1;
    }
    return { day: d, estimated };
  }

  /** How many working days lie after the Shanghai date `from` up to and including `to` (0 when `to` ≤ `from`). */
  workingDaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkday(d)) n += 1;
    return n;
  }

  /**
   * An instant plus `n` working days, keeping the Shanghai time of day: filed Friday 10:00, due on the third
   * working day after it at 10:00.
   */
  addWorkingDaysTo(at: Date, n: number): WorkingDaysResult {
    const local = chinaWallClock(at);
    const day = local.toISOString().slice(0, 10);
    const timeOfDayMs = local.getTime() - Date.parse(`${day}T00:00:00Z`);
    const r = this.addWorkingDays(day, n);
    return {
      at: fromChinaWallClock(Date.parse(`${r.day}T00:00:00Z`) + timeOfDayMs),
      estimated: r.estimated,
    };
  }
}
