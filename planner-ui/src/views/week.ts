/** Weekly recurrence and calendar arithmetic in Asia/Shanghai (schedules' wall-clock zone), without a date library. */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyRule {
  days: Weekday[];
  hour: number;
  minute: number;
}

/** `FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0` from days and a wall-clock time. */
export function weeklyRrule(r: WeeklyRule): string {
  const days = WEEKDAYS.filter((d) => r.days.includes(d));
  if (!days.length) throw new Error('at least one weekday');
  return `FREQ=WEEKLY;BYDAY=${days.join(',')};BYHOUR=${r.hour};BYMINUTE=${r.minute}`;
}

/** Reads back a rule the form wrote (other RRULEs: null, and the form offers no editing of them). */
export function parseWeeklyRrule(rrule: string): WeeklyRule | null {
  const parts = new Map(rrule.split(';').map((p) => p.split('=') as [string, string]));
  if (parts.get('FREQ') !== 'WEEKLY') return null;
  const days = (parts.get('BYDAY') ?? '')
    .split(',')
    .filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d));
  const hour = Number(parts.get('BYHOUR') ?? NaN);
  const minute = Number(parts.get('BYMINUTE') ?? 0);
  const known = new Set(['FREQ', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'BYSECOND', 'INTERVAL', 'WKST']);
  if (
    !days.length ||
    !Number.isInteger(hour) ||
    !Number.isInteger(minute) ||
    [...parts.keys()].some((k) => !known.has(k))
  )
    return null;
  if (parts.has('INTERVAL') && parts.get('INTERVAL') !== '1') return null;
  return { days, hour, minute };
}

/** Wall-clock parts of an instant in Shanghai (UTC+8 all year: China has no daylight saving time). */
export function shanghai(instant: string | Date): { date: string; hour: number; minute: number; weekday: number } {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + 8 * 3_600_000;
  const d = new Date(ms);
  return {
    date: d.toISOString().slice(0, 10),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: (d.getUTCDay() + 6) % 7, // Monday 0 … Sunday 6
  };
}

/** `YYYY-MM-DD` plus n days. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The Monday (Shanghai date) of the week containing `instant`. */
export function mondayOf(instant: string | Date): string {
  const s = shanghai(instant);
  return addDays(s.date, -s.weekday);
}
