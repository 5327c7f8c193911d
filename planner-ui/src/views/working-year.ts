/**
 * The working-day calendar of one year as the 工作日历 view edits it: the Mon–Fri rule, the year's overrides
 * (statutory holidays 放假 and adjusted working weekends 调休上班), month grids and range edits. Pure; dates are
 * `YYYY-MM-DD` in China time.
 */
import { addDays } from './week.ts';

export interface DayOverride {
  isWorkday: boolean;
  name: string | null;
}

/** How a day counts: a working day or weekend by the rule, or a holiday / adjusted working day by override. */
export type DayKind = 'work' | 'weekend' | 'holiday' | 'makeup';

/** Monday 0 … Sunday 6. */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function kindOf(day: string, override: DayOverride | undefined): DayKind {
  const weekend = weekdayOf(day) >= 5;
  if (!override) return weekend ? 'weekend' : 'work';
  if (override.isWorkday) return weekend ? 'makeup' : 'work';
  return 'holiday';
}

/** The weeks of a month, Monday first; days outside the month are null. */
export function monthWeeks(year: number, month: number): (string | null)[][] {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const days: string[] = [];
  for (let d = first; d.slice(0, 7) === first.slice(0, 7); d = addDays(d, 1)) days.push(d);
  const cells: (string | null)[] = [...Array<null>(weekdayOf(first)).fill(null), ...days];
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The days from `a` to `b`, both included, in order whichever comes first. */
export function dayRange(a: string, b: string): string[] {
  const [from, to] = a <= b ? [a, b] : [b, a];
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The overrides after one edit of `days`: `holiday` (放假, with the notice's name), `makeup` (调休上班) or `rule`
 * (back to Mon–Fri, the override removed). A new map; the one given is unchanged.
 */
export function withEdit(
  overrides: ReadonlyMap<string, DayOverride>,
  days: string[],
  edit: 'holiday' | 'makeup' | 'rule',
  name: string | null,
): Map<string, DayOverride> {
  const out = new Map(overrides);
  for (const d of days) {
    if (edit === 'rule') out.delete(d);
    else out.set(d, { isWorkday: edit === 'makeup', name: name?.trim() || null });
  }
  return out;
}

/** The body of `PUT /api/calendar/{year}?replace=true`: every override, in date order. */
export function yearBody(overrides: ReadonlyMap<string, DayOverride>): {
  days: { day: string; isWorkday: boolean; name: string | null }[];
} {
  return {
    days: [...overrides.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, o]) => ({ day, isWorkday: o.isWorkday, name: o.name })),
  };
}

/** Whether a day's override is the same in two versions (absent in both counts as the same). */
export function sameOverride(a: DayOverride | undefined, b: DayOverride | undefined): boolean {
  return a?.isWorkday === b?.isWorkday && (a?.name ?? null) === (b?.name ?? null);
}

/** Whether two sets of overrides say the same (the draft has nothing to save). */
export function sameOverrides(a: ReadonlyMap<string, DayOverride>, b: ReadonlyMap<string, DayOverride>): boolean {
  if (a.size !== b.size) return false;
  for (const [day, o] of a) if (!b.has(day) || !sameOverride(o, b.get(day))) return false;
  return true;
}
