import rrule from 'rrule';
import { AppError } from '../app-error.ts';

const { RRule } = rrule;

const ALLOWED_KEYS = new Set([
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYDAY',
  'BYHOUR',
  'BYMINUTE',
  'BYMONTHDAY',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
  'BYWEEKNO',
  'BYYEARDAY',
  'BYSECOND',
]);
const ALLOWED_FREQ = new Set(['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
export function tzOffsetMs(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** UTC instant → "floating" date whose UTC fields are the wall-clock time in `tz` (what rrule computes with). */
export function toFloating(utc: Date, tz: string): Date {
  return new Date(utc.getTime() + tzOffsetMs(tz, utc));
}

/** Floating wall-clock date in `tz` → UTC instant (two passes settle offsets that change, e.g. DST). */
export function fromFloating(floating: Date, tz: string): Date {
  const guess = new Date(floating.getTime() - tzOffsetMs(tz, floating));
  return new Date(floating.getTime() - tzOffsetMs(tz, guess));
}

/** True when Intl knows the zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses a local ISO date-time without offset (`2026-01-05T09:00`) in `tz` into a UTC instant. */
export function localToUtc(local: string, tz: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m)
    throw new AppError(
      'invalid_input',
      'invalid_input',
      `dtstart 格式应为 YYYY-MM-DDTHH:mm（当地时间）/ dtstart must be local time YYYY-MM-DDTHH:mm, got ${local}`,
    );
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const floating = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2030-13-45 over silently: refuse anything that does not round-trip.
  if (
    floating.getUTCMonth() !== mo - 1 ||
    floating.getUTCDate() !== d ||
    floating.getUTCHours() !== h ||
    floating.getUTCMinutes() !== mi
  ) {
    throw new AppError(
      'invalid_input',
      'invalid_input',
      `dtstart 不是有效时间 / dtstart is not a valid date-time: ${local}`,
    );
  }
  return fromFloating(floating, tz);
}

/**
 * Validates an RRULE (iCalendar, without DTSTART): known parts only, no finer than hourly. Returns the
 * normalised rule text. Throws 400 naming the problem.
 */
export function normaliseRule(text: string): string {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (!body || body.length > 500)
    throw new AppError('invalid_input', 'invalid_rrule', 'RRULE 为空或过长 / rrule is empty or too long');
  const parts = body
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  const keys = new Set<string>();
  for (const p of parts) {
    const [k, v] = p.split('=');
    const key = (k ?? '').toUpperCase();
    if (!ALLOWED_KEYS.has(key) || !v)
      throw new AppError('invalid_input', 'invalid_rrule', `RRULE 不支持 / unsupported rrule part: ${p.slice(0, 40)}`);
    if (keys.has(key)) throw new AppError('invalid_input', 'invalid_rrule', `RRULE 重复 / repeated rrule part: ${key}`);
    keys.add(key);
    if (key === 'FREQ' && !ALLOWED_FREQ.has(v.toUpperCase())) {
      throw new AppError(
        'invalid_input',
        'invalid_rrule',
        `频率不支持 / FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY, got ${v}`,
      );
    }
  }
  if (!keys.has('FREQ')) throw new AppError('invalid_input', 'invalid_rrule', 'RRULE 缺少 FREQ / rrule needs FREQ');
  const normal = parts.join(';').toUpperCase();
  try {
    const opts = RRule.parseString(normal);
    new RRule(opts).all((_, i) => i < 1);
  } catch (err) {
    throw new AppError('invalid_input', 'invalid_rrule', `RRULE 无效 / invalid rrule: ${(err as Error).message}`);
  }
  return normal;
}

export interface Recurrence {
  rrule: string;
  timezone: string;
  /** First occurrence's wall-clock time in `timezone` (as a UTC instant). */
  startsAt: Date;
}

/** Occurrences (UTC instants) with from < t ≤ to, in order. */
export function occurrencesBetween(r: Recurrence, from: Date, to: Date, max = 10_000): Date[] {
  if (to <= from) return [];
  const rule = new RRule({ ...RRule.parseString(r.rrule), dtstart: toFloating(r.startsAt, r.timezone) });
  const day = 86_400_000;
  // Widen the floating window by a day each side, then filter exactly in UTC.
  const floating = rule.between(
    new Date(from.getTime() + tzOffsetMs(r.timezone, from) - day),
    new Date(to.getTime() + tzOffsetMs(r.timezone, to) + day),
    true,
    (_, i) => i < max,
  );
  return floating.map((f) => fromFloating(f, r.timezone)).filter((t) => t > from && t <= to);
}

/** The next `count` occurrences after `after`. */
export function nextOccurrences(r: Recurrence, after: Date, count: number): Date[] {
  const rule = new RRule({ ...RRule.parseString(r.rrule), dtstart: toFloating(r.startsAt, r.timezone) });
  const out: Date[] = [];
  let cursor = new Date(toFloating(after, r.timezone).getTime() - 86_400_000);
  while (out.length < count) {
    const f = rule.after(cursor, false);
    if (!f) break;
    cursor = f;
    const t = fromFloating(f, r.timezone);
    if (t > after) out.push(t);
  }
  return out;
}
