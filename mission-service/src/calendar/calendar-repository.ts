import { createRequire } from 'node:module';
import { auditChange } from '../audit/audit-log.ts';
import type { AuthUser } from '../auth/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import { WorkingCalendar, type CalendarOverride } from './working-calendar.ts';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The holiday and make-up workday data shipped by the maintained `chinese-days` package (2004 onwards). */
export function chineseDaysData(): { overrides: CalendarOverride[]; years: number[] } {
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const overrides: CalendarOverride[] = [];
  const years = new Set<number>();
  // Values look like "National Day,国庆节,3": keep the Chinese name first, then the English one.
  const label = (v: string) => {
    const [en, zh] = v.split(',');
    return zh ? `${zh} / ${en}` : v;
  };
  for (const [day, v] of Object.entries(data.holidays)) {
    overrides.push({ day, isWorkday: false, name: label(v) });
    years.add(Number(day.slice(0, 4)));
  }
  for (const [day, v] of Object.entries(data.workdays)) {
    // Named by its holiday, as the holiday's days are; isWorkday says it is the weekend worked for it (调休上班).
    overrides.push({ day, isWorkday: true, name: label(v) });
    years.add(Number(day.slice(0, 4)));
  }
  return { overrides, years: [...years].sort() };
}

/**
 * Seeds the years the package knows that the table does not have yet. Years already present (seeded before, or
 * entered by an admin) are left alone, so admin edits survive package upgrades.
 */
export async function seedWorkingCalendar(db: Db): Promise<number[]> {
  const { overrides, years } = chineseDaysData();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7240801)');
    const have = new Set(
      (await tx.query<{ year: number }>('SELECT year FROM working_calendar_years')).rows.map((r) => r.year),
    );
    const missing = years.filter((y) => !have.has(y));
    if (missing.length === 0) return [];
    const rows = overrides.filter((o) => missing.includes(Number(o.day.slice(0, 4))));
    await tx.query(
      `INSERT INTO working_calendar (day, is_workday, name, source)
       SELECT d::date, w, n, 'chinese-days' FROM unnest($1::text[], $2::boolean[], $3::text[]) AS t (d, w, n)
       ON CONFLICT (day) DO NOTHING`,
      [rows.map((r) => r.day), rows.map((r) => r.isWorkday), rows.map((r) => r.name ?? null)],
    );
    await tx.query(
      `INSERT INTO working_calendar_years (year, source) SELECT y, 'chinese-days' FROM unnest($1::int[]) AS t (y)
       ON CONFLICT (year) DO NOTHING`,
      [missing],
    );
    return missing;
  });
}

const cache = new WeakMap<Db, { cal: WorkingCalendar; loadedAtMs: number }>();
const CACHE_MS = 60_000;

/**
 * The working calendar from the database, seeding it on first use; cached per database for a minute
 * (admin edits through {@link setCalendarYear} drop the cache at once).
 */
export async function loadWorkingCalendar(db: Db): Promise<WorkingCalendar> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.loadedAtMs < CACHE_MS) return hit.cal;
  const years = await db.query<{ year: number }>('SELECT year FROM working_calendar_years');
  if (years.rows.length === 0) await seedWorkingCalendar(db);
  const cal = await readCalendar(db);
  cache.set(db, { cal, loadedAtMs: Date.now() });
  return cal;
}

async function readCalendar(q: Queryable): Promise<WorkingCalendar> {
  const days = await q.query<{ day: string; is_workday: boolean; name: string | null }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, is_workday, name FROM working_calendar`,
  );
  const years = await q.query<{ year: number }>('SELECT year FROM working_calendar_years');
  return new WorkingCalendar(
    days.rows.map((r) => ({ day: r.day, isWorkday: r.is_workday, name: r.name })),
    years.rows.map((r) => r.year),
  );
}

/** Forget the cached calendar (after an edit). */
export function invalidateWorkingCalendar(db: Db): void {
  cache.delete(db);
}

export interface CalendarYear {
  year: number;
  published: boolean;
  source: string | null;
  days: { day: string; isWorkday: boolean; name: string | null; source: string }[];
}

/** The overrides of one year, and whether its schedule is published. */
export async function getCalendarYear(db: Db, year: number): Promise<CalendarYear> {
  await loadWorkingCalendar(db);
  const y = await db.query<{ source: string }>('SELECT source FROM working_calendar_years WHERE year = $1', [year]);
  const days = await db.query<{ day: string; is_workday: boolean; name: string | null; source: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, is_workday, name, source FROM working_calendar
     WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
    [year],
  );
  return {
    year,
    published: y.rows.length > 0,
    source: y.rows[0]?.source ?? null,
    days: days.rows.map((r) => ({ day: r.day, isWorkday: r.is_workday, name: r.name, source: r.source })),
  };
}

/**
 * What else a year's replacement changes, in its transaction: given the calendar before and after it (the cases
 * module counts deadlines that were estimated again; the calendar knows nothing of cases).
 */
export type CalendarReplaced = (tx: Queryable, before: WorkingCalendar, after: WorkingCalendar) => Promise<unknown>;

/**
 * Admin edit: replaces the overrides of `year` with `days` and marks the year published (the State Council
 * publishes late and has changed a schedule mid-year). One transaction, `onReplaced` included.
 */
export async function setCalendarYear(
  db: Db,
  year: number,
  days: { day: string; isWorkday: boolean; name?: string | null }[],
  actor?: AuthUser,
  onReplaced?: CalendarReplaced,
): Promise<CalendarYear> {
  const seen = new Set<string>();
  for (const d of days) {
    if (Number(d.day.slice(0, 4)) !== year) {
      throw new AppError(
        'invalid_input',
        'day_not_in_year',
        `日期 ${d.day} 不在 ${year} 年 / day ${d.day} is not in year ${year}`,
      );
    }
    // A day listed twice would break the table's unique key mid-transaction (an opaque 500 otherwise).
    if (seen.has(d.day))
      throw new AppError('invalid_input', 'duplicate_day', `日期 ${d.day} 重复 / day ${d.day} is listed twice`);
    seen.add(d.day);
  }
  await loadWorkingCalendar(db);
  const before = actor ? (await getCalendarYear(db, year)).days : [];
  await db.transaction(async (tx) => {
    const calendarBefore = onReplaced ? await readCalendar(tx) : null;
    await tx.query('DELETE FROM working_calendar WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)', [
      year,
    ]);
    if (actor)
      await auditChange(tx, actor, 'calendar.year.replace', 'calendar_year', String(year), { before, after: days });
    await tx.query(
      `INSERT INTO working_calendar (day, is_workday, name, source)
       SELECT d::date, w, n, 'admin' FROM unnest($1::text[], $2::boolean[], $3::text[]) AS t (d, w, n)`,
      [days.map((d) => d.day), days.map((d) => d.isWorkday), days.map((d) => d.name ?? null)],
    );
    await tx.query(
      `INSERT INTO working_calendar_years (year, source) VALUES ($1, 'admin')
       ON CONFLICT (year) DO UPDATE SET source = 'admin', updated_at = now()`,
      [year],
    );
    if (onReplaced && calendarBefore) await onReplaced(tx, calendarBefore, await readCalendar(tx));
  });
  invalidateWorkingCalendar(db);
  return getCalendarYear(db, year);
}

export interface CalendarDay {
  day: string;
  /** The override, or null when the day follows the Mon–Fri rule. */
  override: { isWorkday: boolean; name: string | null; source: string } | null;
  /** Whether it is a working day, override or rule. */
  isWorkday: boolean;
}

/** One day: its override if any, and whether it is a working day. */
export async function getCalendarDay(db: Db, day: string): Promise<CalendarDay> {
  const r = await db.query<{ is_workday: boolean; name: string | null; source: string }>(
    'SELECT is_workday, name, source FROM working_calendar WHERE day = $1::date',
    [day],
  );
  const o = r.rows[0];
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return {
    day,
    override: o ? { isWorkday: o.is_workday, name: o.name, source: o.source } : null,
    isWorkday: o ? o.is_workday : weekday !== 0 && weekday !== 6,
  };
}

/**
 * Admin edit of one day (a holiday moved, an adjusted working weekend added): that day's override only, the rest of
 * its year untouched. `null` removes the override (the day follows the Mon–Fri rule again). Audited with the value
 * before, in the same transaction.
 */
export async function setCalendarDay(
  db: Db,
  day: string,
  value: { isWorkday: boolean; name?: string | null } | null,
  actor: AuthUser,
): Promise<CalendarDay> {
  await loadWorkingCalendar(db);
  await db.transaction(async (tx) => {
    const before = await tx.query<{ is_workday: boolean; name: string | null; source: string }>(
      'SELECT is_workday, name, source FROM working_calendar WHERE day = $1::date FOR UPDATE',
      [day],
    );
    if (value === null) {
      const d = await tx.query('DELETE FROM working_calendar WHERE day = $1::date', [day]);
      if (d.affectedRows !== 1)
        throw new AppError(
          'not_found',
          'not_found',
          `未找到 / not found: no override on ${day} (it follows the Mon–Fri rule)`,
        );
    } else {
      await tx.query(
        `INSERT INTO working_calendar (day, is_workday, name, source) VALUES ($1::date, $2, $3, 'admin')
         ON CONFLICT (day) DO UPDATE SET is_workday = $2, name = $3, source = 'admin', updated_at = now()`,
        [day, value.isWorkday, value.name ?? null],
      );
    }
    await auditChange(tx, actor, value === null ? 'calendar.day.delete' : 'calendar.day.set', 'calendar_day', day, {
      before: before.rows[0] ?? null,
      after: value,
    });
  });
  invalidateWorkingCalendar(db);
  return getCalendarDay(db, day);
}
