import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../../app-error.ts';
import { fileCase } from '../../cases/file-case.ts';
import { findCase, listCases, type CaseView } from '../../cases/repository.ts';
import { CHINA_EXTENT } from '../../contract/cases.ts';
import {
  Open311CreateBodySchema,
  Open311CreatedSchema,
  Open311FormatParamSchema,
  Open311RequestSchema,
  Open311RequestsQuerySchema,
  Open311ServiceDefinitionSchema,
  Open311ServiceSchema,
} from '../../contract/open311.ts';
import type { Db } from '../../db/db.ts';
import {
  CLOSED_STATES,
  listServices,
  OPEN311_OPEN_STATES,
  serviceDefinition,
  toOpen311Request,
  toXml,
  verifyApiKey,
  type Open311Request,
  type Open311Service,
  type XmlValue,
} from '../../open311/index.ts';
import { OPEN311_ANONYMOUS_CHECKED } from '../edge-gate.ts';
import { errorBody } from '../errors.ts';
import { mountRoutes } from '../mount.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { sourceOf } from '../source.ts';

type Format = z.infer<typeof Open311FormatParamSchema>;
const FormatParam = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(Open311FormatParamSchema);

function send(res: Response, fmt: Format, status: number, root: string, value: unknown): void {
  res.status(status);
  if (fmt === 'xml') res.type('application/xml; charset=utf-8').send(toXml(root, value as XmlValue));
  else res.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

const bad = (message: string, field: string) =>
  new AppError('invalid_input', 'invalid_input', message, [{ in: 'query', field, message }]);

/** Service names and department names, cached for a minute (every request reads them; they rarely change). */
function nameCache(db: Db) {
  let cached: { at: number; services: Open311Service[]; dept: Map<string, string> } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < 60_000) return cached;
    const services = await listServices(db);
    const depts = await db.query<{ id: string; name: string }>('SELECT id, name FROM departments');
    cached = { at: Date.now(), services, dept: new Map(depts.rows.map((x) => [x.id, x.name])) };
    return cached;
  };
}

/**
 * Rate limits of Open311 (limits/open311-limits.ts): 429 with Retry-After, before any database work of the
 * request. Anonymous requests were usually judged at the edge already, before their body was read (edge-gate.ts);
 * those that were not (a request naming a key, an address that showed a valid key lately) are judged here.
 */
function open311Limiter(d: RouteDeps): RequestHandler {
  const limits = d.open311Limits;
  const refuse = (wait: number) =>
    new AppError(
      'rate_limited',
      'rate_limited',
      `请求过于频繁，请 ${wait} 秒后再试 / too many requests: retry in ${wait} s`,
      { retryAfterS: wait },
    );
  return async (req, res, next) => {
    try {
      const given = (req.query.api_key ?? (req.body as Record<string, unknown> | undefined)?.api_key) as unknown;
      const key = typeof given === 'string' && given.length <= 200 ? given : undefined;
      const source = sourceOf(req);
      const keyId = key ? await limits.keyId(d.db, key, source) : null;
      if (typeof keyId === 'number') throw refuse(keyId);
      // A client with a valid key has its own bucket; everyone else shares their address's, and all of them one.
      const wait = keyId
        ? limits.keyedTake(keyId)
        : res.locals[OPEN311_ANONYMOUS_CHECKED] === true
          ? 0
          : limits.anonymous(source, res);
      if (wait) throw refuse(wait);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Open311 GeoReport v2 (mounted at `/open311/v2`): services, service definitions, create and query requests,
 * in JSON (`.json`) and XML (`.xml`). Creating needs an `api_key` from `xuncha apikey add NAME`. Anonymous
 * reads see only the cases the centre publishes (by default the ones that came in through Open311), never
 * reporter data; lists are paged (`page`, `page_size` ≤ 200) and every list parameter is capped. Errors use the
 * spec's shape: `[{ code, description }]` / `<errors><error>…</error></errors>`.
 */
export function open311RouteTable(d: RouteDeps): Route[] {
  const { db } = d;
  const names = nameCache(db);
  const limit = open311Limiter(d);
  const toRequest = (c: CaseView, n: Awaited<ReturnType<typeof names>>): Open311Request => {
    const r = toOpen311Request(
      c,
      n.services.find((s) => s.service_code === c.category)?.service_name ?? c.category,
      c.departmentId ? (n.dept.get(c.departmentId) ?? c.departmentId) : '社会治理中心 / governance centre',
    );
    if (c.mergedIntoId) r.status_notes = `已并入 ${c.mergedIntoId} / merged into request ${c.mergedIntoId}`;
    return r;
  };
  const FormatOnly = z.object({ format: FormatParam });
  return [
    defineRoute({
      method: 'get',
      path: '/services.{format}',
      summary: '服务列表 / GeoReport v2 services',
      tag: 'open311',
      roles: null,
      params: FormatOnly,
      middleware: [limit],
      response: z.array(Open311ServiceSchema),
      errors: { 429: '请求过于频繁 / rate limited (Retry-After)' },
      async handler({ res, params }) {
        send(res, params.format, 200, 'services', (await names()).services);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/services/{code}.{format}',
      summary: '服务定义 / GeoReport v2 service definition',
      tag: 'open311',
      roles: null,
      params: z.object({ code: z.string().max(64), format: FormatParam }),
      middleware: [limit],
      response: Open311ServiceDefinitionSchema,
      errors: { 404: '无此服务 / no such service', 429: '请求过于频繁 / rate limited (Retry-After)' },
      async handler({ res, params }) {
        if (!(await names()).services.some((s) => s.service_code === params.code))
          throw notFound(`service ${params.code}`);
        send(res, params.format, 200, 'service_definition', serviceDefinition(params.code));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests.{format}',
      summary: '提交诉求（需 api_key，表单编码）/ create a service request (api_key, form-encoded)',
      tag: 'open311',
      roles: null,
      params: FormatOnly,
      middleware: [limit],
      bodyType: 'application/x-www-form-urlencoded',
      body: Open311CreateBodySchema,
      status: 201,
      response: Open311CreatedSchema,
      errors: { 403: 'api_key 无效 / invalid api_key', 429: '请求过于频繁 / rate limited (Retry-After)' },
      async handler({ res, params, body }) {
        const key = await verifyApiKey(db, body.api_key);
        if (!key) throw new AppError('forbidden', 'invalid_api_key', 'api_key 无效 / invalid api_key');
        const { services } = await names();
        if (!services.some((s) => s.service_code === body.service_code)) {
          throw new AppError(
            'invalid_input',
            'invalid_input',
            `未知 service_code / unknown service_code "${body.service_code}"; one of ${services.map((s) => s.service_code).join(', ')}`,
            [{ in: 'body', field: 'service_code', message: 'unknown service_code' }],
          );
        }
        const { lat, long } = body;
        if (
          long < CHINA_EXTENT.west ||
          long > CHINA_EXTENT.east ||
          lat < CHINA_EXTENT.south ||
          lat > CHINA_EXTENT.north
        )
          throw new AppError(
            'invalid_input',
            'invalid_input',
            `坐标超出中国范围 / lat ${lat}, long ${long} is outside China's extent (WGS84)`,
          );
        const reporter = {
          ...(body.first_name || body.last_name
            ? { name: [body.first_name, body.last_name].filter(Boolean).join(' ') }
            : {}),
          ...(body.email ? { email: body.email } : {}),
          ...(body.phone ? { phone: body.phone } : {}),
          ...(body.account_id ? { accountId: body.account_id } : {}),
          ...(body.device_id ? { deviceId: body.device_id } : {}),
        };
        const r = await fileCase(db, {
          category: body.service_code,
          point: [long, lat],
          severity: body['attribute[severity]'] ?? 'normal',
          source: 'open311',
          description: body.description || null,
          address: body.address_string || null,
          reporter,
          evidence: body.media_url ? { mediaUrl: body.media_url } : undefined,
          apiKeyId: key.id,
        });
        const notice =
          r.outcome === 'attached'
            ? `已并入附近同类诉求 / merged with an open request nearby (${r.caseId})`
            : '已接收，3分钟内受理 / received; accepted within 3 minutes';
        send(res, params.format, 201, 'service_requests', [
          { service_request_id: r.caseId, service_notice: notice, account_id: body.account_id ?? null },
        ]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests.{format}',
      summary: '查询公开诉求（分页）/ query published service requests (paged)',
      tag: 'open311',
      roles: null,
      params: FormatOnly,
      middleware: [limit],
      query: Open311RequestsQuerySchema,
      response: z.array(Open311RequestSchema),
      errors: { 429: '请求过于频繁 / rate limited (Retry-After)' },
      async handler({ res, params, query: q }) {
        const n = await names();
        const page = { limit: q.page_size, offset: (q.page - 1) * q.page_size };
        let cases: CaseView[];
        if (q.service_request_id?.length) {
          // Per the spec, service_request_id overrides every other filter.
          cases = await listCases(db, { ids: q.service_request_id, includeMerged: true, publicOnly: true, ...page });
        } else {
          const known = new Set(n.services.map((s) => s.service_code));
          const unknown = (q.service_code ?? []).filter((c) => !known.has(c));
          if (unknown.length)
            throw bad(
              `未知 service_code / unknown service_code ${unknown.slice(0, 5).join(', ')}; one of ${[...known].join(', ')}`,
              'service_code',
            );
          const end = q.end_date ?? new Date();
          // Without a start date the spec's default window is the 90 days before end_date.
          const start = q.start_date ?? new Date(end.getTime() - 90 * 86_400_000);
          if (start > end) throw bad('start_date 晚于 end_date / start_date is after end_date', 'start_date');
          const statuses = q.status ?? [];
          const states =
            statuses.length === 1 ? [...(statuses[0] === 'open' ? OPEN311_OPEN_STATES : CLOSED_STATES)] : undefined;
          cases = await listCases(db, {
            states,
            categories: q.service_code,
            createdFrom: start,
            createdTo: new Date(end.getTime() + 1),
            publicOnly: true,
            ...page,
          });
        }
        send(
          res,
          params.format,
          200,
          'service_requests',
          cases.map((c) => toRequest(c, n)),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/{id}.{format}',
      summary: '查询一条公开诉求 / one published service request',
      tag: 'open311',
      roles: null,
      params: z.object({ id: z.string().regex(/^[\w.:-]{1,64}$/), format: FormatParam }),
      middleware: [limit],
      response: z.array(Open311RequestSchema),
      errors: { 404: '无此请求 / no such (published) request', 429: '请求过于频繁 / rate limited (Retry-After)' },
      async handler({ res, params }) {
        const c = await findCase(db, params.id);
        if (!c || !c.public) throw notFound(`service request ${params.id}`);
        send(res, params.format, 200, 'service_requests', [toRequest(c, await names())]);
      },
    }),
  ];
}

/** The Open311 router: urlencoded bodies, the route table, the spec's error shape. */
export function open311Router(d: RouteDeps, routes: readonly Route[]): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 100 }));
  router.use(mountRoutes(routes, { db: d.db, logger: d.logger }));
  router.use((req, _res, next) => {
    next(notFound(`Open311 endpoint ${req.method} ${req.path}`));
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const fmt: Format = /\.xml$/i.test(req.path) ? 'xml' : 'json';
    const { status, body } = errorBody(err, undefined);
    if (status >= 500 && !(err instanceof AppError))
      d.logger.error({ err, path: req.path }, 'open311: unhandled error');
    const retry = (err as AppError | undefined)?.details as { retryAfterS?: unknown } | undefined;
    if (typeof retry?.retryAfterS === 'number') res.setHeader('retry-after', String(retry.retryAfterS));
    send(res, fmt, status, 'errors', [{ code: status, description: body.error.message }]);
  };
  router.use(onError);
  return router;
}
