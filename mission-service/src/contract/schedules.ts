import { z } from 'zod';
import { IdSchema, realColumn, TextSchema } from './common.ts';
import { instantQuery } from './paging.ts';

export const ScheduleInputSchema = z.object({
  name: TextSchema(200),
  planId: IdSchema,
  /** iCalendar RRULE without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0`. */
  rrule: z.string().min(1).max(500),
  /** Local wall-clock time of the first occurrence in `timezone`, `YYYY-MM-DDTHH:mm`. Default: now. */
  dtstart: z.string().max(32).optional(),
  timezone: z.string().max(64).default('Asia/Shanghai'),
  /** One drone or a pool: the first that passes pre-flight flies. */
  droneIds: z.array(IdSchema).min(1).max(50),
  maxWindMps: realColumn(z.number().min(0.1, 'maxWindMps: at least 0.1 m/s').max(50).nullable().optional()),
});
export type ScheduleInput = z.infer<typeof ScheduleInputSchema>;

export const OCCURRENCE_OUTCOMES = ['pending', 'flown', 'skipped', 'failed'] as const;

export const OccurrenceSchema = z.object({
  scheduleId: z.string(),
  occursAt: z.string(),
  firedAt: z.string(),
  outcome: z.enum(OCCURRENCE_OUTCOMES),
  reason: z.string().nullable(),
  missionId: z.string().nullable(),
  droneId: z.string().nullable(),
});
export type Occurrence = z.infer<typeof OccurrenceSchema>;

export const ScheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  planId: z.string(),
  rrule: z.string(),
  timezone: z.string(),
  startsAt: z.string(),
  droneIds: z.array(z.string()),
  maxWindMps: z.number().nullable(),
  paused: z.boolean(),
  departmentId: z.string().nullable(),
  createdAt: z.string(),
  /** Set when the schedule was deleted after it had fired: it never fires again, its history stays. */
  archivedAt: z.string().nullable(),
  next: z.array(z.string()),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

/** The longest window `GET /schedules/{id}/next?from&to` lists (a calendar month view and a little more). */
export const NEXT_WINDOW_MAX_DAYS = 42;
/** The most occurrences one window lists (an hourly rule over 42 days has 1,008); more are cut and flagged. */
export const NEXT_WINDOW_MAX_OCCURRENCES = 2_000;

/**
 * The next `count` occurrences from now; or, given `from` and `to` (dates in China time, `to` included, or
 * date-times with offset, `to` excluded), every occurrence in that window that is still to come: what a calendar
 * shows for a week, however often the rule fires.
 */
export const NextQuerySchema = z
  .object({
    count: z.coerce.number().int().min(1).max(100).default(10),
    from: instantQuery().optional(),
    to: instantQuery(true).optional(),
  })
  .strict()
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: '起止须同时给出 / give from and to together',
    path: ['to'],
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    message: '开始须早于结束 / from must be before to',
    path: ['from'],
  })
  .refine((q) => !q.from || !q.to || q.to.getTime() - q.from.getTime() <= NEXT_WINDOW_MAX_DAYS * 86_400_000, {
    message: `时间窗最长 ${NEXT_WINDOW_MAX_DAYS} 天 / the window spans at most ${NEXT_WINDOW_MAX_DAYS} days`,
    path: ['to'],
  });

export const NextOccurrencesSchema = z.object({
  timezone: z.string(),
  next: z.array(z.string()),
  /** A window held more than NEXT_WINDOW_MAX_OCCURRENCES: the list stops there. */
  truncated: z.boolean(),
});
