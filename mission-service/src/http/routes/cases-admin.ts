import { Router } from 'express';
import { z } from 'zod';
import { audit } from '../../audit/audit-log.ts';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { CalendarYearReplaceQuerySchema } from '../../contract/calendar.ts';
import { getCalendarYear, setCalendarYear } from '../../calendar/index.ts';
import { listSlaPolicies, upsertSlaPolicy } from '../../cases/sla.ts';
import { Category } from '../../cases/schemas.ts';
import type { Db } from '../../db/db.ts';
import { createSubscription, deactivateSubscription, listDeliveries, listSubscriptions } from '../../webhooks/index.ts';
import { AppError } from '../errors.ts';
import { parseQuery } from '../validate.ts';

const Year = z.coerce.number().int().min(1990).max(2200);
const CalendarBody = z
  .object({
    days: z
      .array(
        z
          .object({
            day: z.iso.date(),
            isWorkday: z.boolean(),
            name: z.string().max(200).nullish(),
          })
          .strict(),
      )
      .max(366),
  })
  .strict();

const SlaBody = z
  .object({
    acceptS: z.number().int().positive().max(86_400),
    dispatchS: z.number().int().positive().max(86_400),
    resolveS: z.number().int().positive().nullable().default(null),
    resolveWorkingDays: z.number().int().positive().max(60).nullable().default(null),
  })
  .strict()
  .refine((b) => (b.resolveS === null) !== (b.resolveWorkingDays === null), {
    message: 'give exactly one of resolveS and resolveWorkingDays',
    path: ['resolveS'],
  });

const WebhookBody = z
  .object({
    url: z.string().url(),
    eventKinds: z
      .array(z.string().regex(/^case\.[a-z_]+$/))
      .max(50)
      .optional(),
    sources: z.array(z.enum(['drone', 'hotline', 'citizen', 'grid_worker', 'manual', 'open311'])).optional(),
  })
  .strict();

/**
 * Administration of the cases module: the working-day calendar (admins edit a year when the State Council
 * publishes or changes it), SLA policies per category and severity, webhook subscriptions and their delivery log.
 */
export function caseAdminRoutes(db: Db): Router {
  const router = Router();

  router.get('/calendar/:year', requireRoles(), async (req, res) => {
    res.json(await getCalendarYear(db, Year.parse(req.params.year)));
  });

  // Replacing a whole year is what a new State Council schedule needs, never a side effect of changing one day.
  router.put('/calendar/:year', requireRoles('admin'), async (req, res) => {
    const year = Year.parse(req.params.year);
    parseQuery(CalendarYearReplaceQuerySchema, req);
    const body = CalendarBody.parse(req.body);
    const wrong = body.days.find((d) => Number(d.day.slice(0, 4)) !== year);
    if (wrong)
      throw new AppError(
        400,
        'invalid_input',
        `日期 ${wrong.day} 不在 ${year} 年 / day ${wrong.day} is not in ${year}`,
      );
    res.json(await setCalendarYear(db, year, body.days, currentUser(res)));
  });

  router.get('/sla-policies', requireRoles(), async (_req, res) => {
    res.json({ policies: await listSlaPolicies(db) });
  });

  router.put('/sla-policies/:category/:severity', requireRoles('admin'), async (req, res) => {
    const category = Category.parse(req.params.category);
    const severity = z.enum(['urgent', 'normal']).parse(req.params.severity);
    const b = SlaBody.parse(req.body);
    await upsertSlaPolicy(db, { category, severity, ...b });
    res.json({ policies: await listSlaPolicies(db) });
  });

  router.get('/webhooks', requireRoles('admin'), async (_req, res) => {
    res.json({ subscriptions: await listSubscriptions(db) });
  });

  router.post('/webhooks', requireRoles('admin'), async (req, res) => {
    // The secret is in this answer only.
    res.status(201).json(await createSubscription(db, WebhookBody.parse(req.body)));
  });

  router.delete('/webhooks/:id', requireRoles('admin'), async (req, res) => {
    const id = req.params.id as string;
    await db.transaction(async (tx) => {
      await deactivateSubscription(tx, id);
      await audit(tx, currentUser(res), 'webhook.deactivate', 'webhook', id);
    });
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', requireRoles('admin'), async (req, res) => {
    res.json({ deliveries: await listDeliveries(db, req.params.id as string) });
  });

  return router;
}
