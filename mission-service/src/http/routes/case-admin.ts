import { z } from 'zod';
import { AppError } from '../../app-error.ts';
import { getCalendarYear } from '../../calendar/index.ts';
import { publishCalendarYear } from '../../cases/deadline-recount.ts';
import { listSlaPolicies, upsertSlaPolicy } from '../../cases/sla.ts';
import {
  CalendarBodySchema,
  CalendarYearParamSchema,
  CalendarYearSchema,
  SlaBodySchema,
  SlaParamsSchema,
  SlaPolicyListSchema,
  WebhookBodySchema,
  WebhookCreatedSchema,
  WebhookDeliverySchema,
  WebhookIdParamsSchema,
  WebhookSubscriptionSchema,
} from '../../contract/admin.ts';
import { CalendarYearReplaceQuerySchema } from '../../contract/calendar.ts';
import {
  CaseStatsSchema,
  DetectionStatsQuerySchema,
  DetectionStatsSchema,
  StatsQuerySchema,
} from '../../contract/stats.ts';
import { getCaseStats, getDetectionStats, statsToCsv, statsToXlsx } from '../../stats/index.ts';
import { createSubscription, deactivateSubscription, listDeliveries, listSubscriptions } from '../../webhooks/index.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import { chinaDate } from '../../time/china-time.ts';
import type { RouteDeps } from '../route-deps.ts';

const YearParams = z.object({ year: CalendarYearParamSchema });

/**
 * Administration of the cases module: the working-day calendar (admins edit a year when the State Council
 * publishes or changes it), SLA policies per category and severity, webhook subscriptions (targets checked
 * against the SSRF policy) and their delivery log; the case statistics.
 */
export function caseAdminRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/calendar/{year}',
      summary: '工作日历 / the working-day calendar of a year',
      tag: 'admin',
      roles: [],
      params: YearParams,
      response: CalendarYearSchema,
      handler: ({ params }) => getCalendarYear(db, params.year),
    }),
    defineRoute({
      method: 'put',
      path: '/calendar/{year}',
      summary:
        '替换一年的工作日历并发布（须 ?replace=true；改单日用 /calendar/days/{date}），估算的办结时限随之重算 / replace and publish a year’s overrides (needs ?replace=true; one day: /calendar/days/{date}); estimated resolve deadlines are counted again',
      tag: 'admin',
      roles: ['admin'],
      params: YearParams,
      // Replacing a whole year is what a new State Council schedule needs, never a side effect of changing one day.
      query: CalendarYearReplaceQuerySchema,
      body: CalendarBodySchema,
      response: CalendarYearSchema,
      async handler({ user, params: { year }, body }) {
        const wrong = body.days.find((x) => Number(x.day.slice(0, 4)) !== year);
        if (wrong)
          throw new AppError(
            'invalid_input',
            'invalid_input',
            `日期 ${wrong.day} 不在 ${year} 年 / day ${wrong.day} is not in ${year}`,
            [{ in: 'body', field: 'days', message: `${wrong.day} is not in ${year}` }],
          );
        return publishCalendarYear(db, year, body.days, user);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sla-policies',
      summary: '时限规则 / SLA policies',
      tag: 'admin',
      roles: [],
      query: PageQuerySchema,
      response: SlaPolicyListSchema,
      async handler({ query }) {
        return pageOfArray(await listSlaPolicies(db), query);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/sla-policies/{category}/{severity}',
      summary: '修改时限规则 / set an SLA policy (admin)',
      tag: 'admin',
      roles: ['admin'],
      params: SlaParamsSchema,
      body: SlaBodySchema,
      response: SlaPolicyListSchema,
      async handler({ params, body }) {
        await upsertSlaPolicy(db, { ...params, ...body });
        return pageOfArray(await listSlaPolicies(db), { limit: 500 });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks',
      summary: 'Webhook 订阅 / webhook subscriptions (admin)',
      tag: 'admin',
      roles: ['admin'],
      query: PageQuerySchema,
      response: pageOf(WebhookSubscriptionSchema),
      async handler({ query }) {
        return pageOfArray(await listSubscriptions(db), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks',
      summary:
        '订阅（仅公网地址，除非管理员放行；不跟随重定向）/ subscribe (public addresses unless allow-listed; no redirects)',
      tag: 'admin',
      roles: ['admin'],
      body: WebhookBodySchema,
      status: 201,
      response: WebhookCreatedSchema,
      // The secret is in this answer only.
      handler: ({ body }) => createSubscription(db, body, d.security.webhooks),
    }),
    defineRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      summary: '停用订阅（待发送的投递取消）/ deactivate (pending deliveries are cancelled)',
      tag: 'admin',
      roles: ['admin'],
      params: WebhookIdParamsSchema,
      status: 204,
      async handler({ params }) {
        await deactivateSubscription(db, params.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      summary: '投递记录 / delivery log (admin)',
      tag: 'admin',
      roles: ['admin'],
      params: WebhookIdParamsSchema,
      query: PageQuerySchema,
      response: pageOf(WebhookDeliverySchema),
      async handler({ params, query }) {
        return pageOfArray(await listDeliveries(db, params.id), query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/stats/cases',
      summary: '办结率与按时率（JSON、CSV、XLSX）/ closure and on-time rates per department and category',
      tag: 'cases',
      roles: ['dispatcher', 'officer'],
      query: StatsQuerySchema,
      response: CaseStatsSchema,
      async handler({ res, query: q }) {
        const stats = await getCaseStats(db, q.from, q.to);
        const name = `case-stats-${chinaDate(q.from)}-${chinaDate(new Date(q.to.getTime() - 1))}`;
        if (q.format === 'csv') {
          res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(statsToCsv(stats));
        } else if (q.format === 'xlsx') {
          res
            .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .attachment(`${name}.xlsx`)
            .send(Buffer.from(statsToXlsx(stats)));
        } else return stats;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/stats/detections',
      summary:
        '按类别、按日的检测数（含确认与误报）/ detections by class per China-time day (with confirmed and rejected)',
      tag: 'cases',
      roles: ['dispatcher', 'officer'],
      query: DetectionStatsQuerySchema,
      response: DetectionStatsSchema,
      handler: ({ query: q }) => getDetectionStats(db, q.from, q.to),
    }),
  ];
}
