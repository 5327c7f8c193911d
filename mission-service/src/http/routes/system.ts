import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { countAudit, listAudit } from '../../audit/audit-log.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { decodeCursor, pageFrom } from '../paging.ts';
import { bearerToken } from '../../auth/middleware.ts';
import { IdSchema } from '../../contract/common.ts';
import { appliedMigrations } from '../../db/migrate.ts';
import { AppError } from '../../app-error.ts';
import { DOCS_CSS, DOCS_JS, DOCS_PAGE, openApiDocument } from '../../openapi/document.ts';
import { Open311ErrorSchema } from '../../contract/open311.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

const HealthSchema = z.object({
  status: z.literal('ok'),
  db: z.object({
    backend: z.string(),
    postgisVersion: z.string().nullable(),
    migrations: z.array(z.object({ version: z.number(), name: z.string() })),
  }),
});

const AuditQuerySchema = PageQuerySchema.extend({
  objectKind: z.string().max(40).optional(),
  objectId: IdSchema.optional(),
  actorId: z.string().max(100).optional(),
}).strict();

const AuditRecordSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRoles: z.array(z.string()),
  action: z.string(),
  objectKind: z.string().nullable(),
  objectId: z.string().nullable(),
  status: z.number().int(),
  code: z.string().nullable(),
  sourceIp: z.string().nullable(),
  details: z.unknown(),
});

/** A constant-time comparison of the scraper's bearer token with the configured one. */
function tokenMatches(expected: string | undefined, req: Request): boolean {
  const got = bearerToken(req.header('authorization'));
  if (!expected || !got) return false;
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Health, metrics, the OpenAPI document and its page, the audit log. */
export function systemRoutes(d: RouteDeps): Route[] {
  let doc: Record<string, unknown> | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary: '健康检查 / health: database backend, PostGIS version, migrations',
      tag: 'system',
      roles: null,
      response: HealthSchema,
      errors: { 503: '数据库不可用 / database unavailable' },
      async handler() {
        try {
          const [postgis, migrations] = await Promise.all([
            d.db.query<{ v: string }>('SELECT postgis_lib_version() AS v'),
            appliedMigrations(d.db),
          ]);
          return {
            status: 'ok',
            db: { backend: d.db.backend, postgisVersion: postgis.rows[0]?.v ?? null, migrations },
          };
        } catch {
          throw new AppError('unavailable', 'db_unavailable', '数据库不可用 / database unavailable');
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus 指标（管理员或指标令牌）/ metrics (admin session or XUNCHA_METRICS_TOKEN)',
      tag: 'system',
      roles: ['admin'],
      altCredential: (req) => tokenMatches(d.security.metricsToken, req),
      responseType: 'text/plain',
      async handler({ res }) {
        res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: '本文档 / this document',
      tag: 'system',
      roles: null,
      response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
      handler() {
        const all = d.allRoutes();
        doc ??= openApiDocument([
          { base: '/api', routes: all.api },
          { base: '/open311/v2', routes: all.open311, errorSchema: Open311ErrorSchema },
        ]);
        return doc;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      summary: '接口文档页面 / browsable API page',
      tag: 'system',
      roles: null,
      responseType: 'text/html',
      handler({ res }) {
        res.setHeader(
          'content-security-policy',
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        );
        res.type('html').send(DOCS_PAGE);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs.js',
      summary: '接口文档页面脚本 / script of the API page',
      tag: 'system',
      roles: null,
      responseType: 'text/javascript',
      handler({ res }) {
        res.type('text/javascript').send(DOCS_JS);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs.css',
      summary: '接口文档页面样式 / style of the API page',
      tag: 'system',
      roles: null,
      responseType: 'text/css',
      handler({ res }) {
        res.type('text/css').send(DOCS_CSS);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit',
      summary: '审计日志（谁改了什么，或试图修改）/ audit log: who changed, or tried to change, what',
      tag: 'system',
      roles: ['admin'],
      query: AuditQuerySchema,
      response: pageOf(AuditRecordSchema),
      async handler({ query }) {
        // Newest first, keyed by id: the cursor is the id the next page starts below.
        const key = decodeCursor(query.cursor, 1);
        const f = { objectKind: query.objectKind, objectId: query.objectId, actorId: query.actorId };
        const [rows, total] = await Promise.all([
          listAudit(d.db, { ...f, limit: query.limit + 1, before: key ? Number(key[0]) : undefined }),
          countAudit(d.db, f),
        ]);
        const page = pageFrom(rows, query.limit, (r) => [r.id]);
        return { items: page.rows, total, nextCursor: page.nextCursor };
      },
    }),
  ];
}
