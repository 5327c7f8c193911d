import { z } from 'zod';
import { instantQuery } from './paging.ts';

/**
 * `from` / `to`: a date (China time: `from=2026-11-01` is that day's midnight, `to=2026-11-30` includes that day) or
 * a date-time with offset; `to` defaults to now.
 */
export const StatsQuerySchema = z
  .object({
    from: instantQuery(),
    to: instantQuery(true).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .transform((q) => ({ ...q, to: q.to ?? new Date() }))
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const CaseStatsRowSchema = z.object({
  scope: z.enum(['overall', 'department', 'category']),
  key: z.string().nullable(),
  name: z.string(),
  filed: z.number().int(),
  rejected: z.number().int(),
  resolved: z.number().int(),
  open: z.number().int(),
  closureRate: z.number().nullable(),
  acceptOnTimeRate: z.number().nullable(),
  dispatchOnTimeRate: z.number().nullable(),
  resolveOnTimeRate: z.number().nullable(),
  grassrootsShare: z.number().nullable(),
});
export const CaseStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: CaseStatsRowSchema,
  byDepartment: z.array(CaseStatsRowSchema),
  byCategory: z.array(CaseStatsRowSchema),
});

/** Figures of one group of cases (all, one department, one category) filed in the period: 办结 = resolved, verified
 * or closed; 办结率 = resolved / (filed − rejected); grassrootsShare = resolved at village or township level. */
export type CaseStatsRow = z.infer<typeof CaseStatsRowSchema>;
export type CaseStats = z.infer<typeof CaseStatsSchema>;

/** Longest period `GET /api/stats/detections` answers in one request (a year of days, with room for edges). */
export const MAX_DETECTION_STATS_DAYS = 400;

/** `GET /api/stats/detections`: the period as for the case statistics, in China-time days. */
export const DetectionStatsQuerySchema = z
  .object({
    from: instantQuery(),
    to: instantQuery(true).optional(),
  })
  .strict()
  .transform((q) => ({ ...q, to: q.to ?? new Date() }))
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_DETECTION_STATS_DAYS * 86_400_000, {
    message: `at most ${MAX_DETECTION_STATS_DAYS} days per request`,
    path: ['to'],
  });

/**
 * Detections of one class on one China-time day (by when the photo was taken, else when it was triaged):
 * `detections` every box the model drew, `confirmed` those an officer filed (or that filed themselves),
 * `rejected` those an officer rejected as false positives.
 */
export const DetectionStatsRowSchema = z.object({
  day: z.string(),
  class: z.enum(['straw_burning', 'sewage_outfall', 'exposed_slope']),
  detections: z.number().int(),
  confirmed: z.number().int(),
  rejected: z.number().int(),
});
export const DetectionStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Every China-time day of the period, in order (days without detections have no rows). */
  days: z.array(z.string()),
  rows: z.array(DetectionStatsRowSchema),
});
export type DetectionStatsRow = z.infer<typeof DetectionStatsRowSchema>;
export type DetectionStats = z.infer<typeof DetectionStatsSchema>;
