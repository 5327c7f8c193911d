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
