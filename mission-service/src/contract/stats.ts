import { z } from 'zod';

export const StatsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

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
