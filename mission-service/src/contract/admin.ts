import { z } from 'zod';
import { CASE_SOURCES, Category, SeveritySchema } from './cases.ts';
import { IdSchema } from './common.ts';
import { pageOf } from './paging.ts';

export const CalendarYearParamSchema = z.coerce.number().int().min(1990).max(2200);

export const CalendarDayInputSchema = z
  .object({ day: z.iso.date(), isWorkday: z.boolean(), name: z.string().max(200).nullish() })
  .strict();
export const CalendarBodySchema = z.object({ days: z.array(CalendarDayInputSchema).max(366) }).strict();

export const CalendarYearSchema = z.object({
  year: z.number().int(),
  published: z.boolean(),
  source: z.string().nullable(),
  days: z.array(z.object({ day: z.string(), isWorkday: z.boolean(), name: z.string().nullable(), source: z.string() })),
});
export type CalendarYear = z.infer<typeof CalendarYearSchema>;

export const SlaBodySchema = z
  .object({
    acceptS: z.number().int().positive().max(86_400),
    dispatchS: z.number().int().positive().max(86_400),
    resolveS: z
      .number()
      .int()
      .positive()
      .max(30 * 86_400)
      .nullable()
      .default(null),
    resolveWorkingDays: z.number().int().positive().max(60).nullable().default(null),
  })
  .strict()
  .refine((b) => (b.resolveS === null) !== (b.resolveWorkingDays === null), {
    message: 'give exactly one of resolveS and resolveWorkingDays',
    path: ['resolveS'],
  });

export const SlaPolicySchema = z.object({
  category: z.string(),
  severity: SeveritySchema,
  acceptS: z.number().int(),
  dispatchS: z.number().int(),
  resolveS: z.number().int().nullable(),
  resolveWorkingDays: z.number().int().nullable(),
});
export const SlaPolicyListSchema = pageOf(SlaPolicySchema);
export const SlaParamsSchema = z.object({ category: Category, severity: SeveritySchema });

/** Webhook targets: http(s) URLs; private, loopback and link-local addresses only when an admin allow-lists them. */
export const WebhookBodySchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: '仅支持 http(s) 地址 / webhook url must be an http(s) URL' }).max(2000),
    eventKinds: z
      .array(z.string().regex(/^case\.[a-z_]+$/))
      .max(50)
      .optional(),
    sources: z.array(z.enum(CASE_SOURCES)).max(CASE_SOURCES.length).optional(),
  })
  .strict();

export const WebhookSubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  eventKinds: z.array(z.string()),
  sources: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
});
export const WebhookCreatedSchema = WebhookSubscriptionSchema.extend({
  /** The signing secret: in this answer only. */
  secret: z.string(),
});
export const WebhookDeliverySchema = z.object({
  id: z.number().int(),
  subscriptionId: z.string(),
  eventId: z.string(),
  caseId: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export const WebhookIdParamsSchema = z.object({ id: IdSchema });
