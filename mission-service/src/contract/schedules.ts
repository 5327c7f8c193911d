import { z } from 'zod';
import { IdSchema, realColumn, TextSchema } from './common.ts';

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

export const NextQuerySchema = z.object({ count: z.coerce.number().int().min(1).max(100).default(10) });
