import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { ZodError } from 'zod';
import { fileCase } from '../../cases/file-case.ts';
import { getCase, listCases, type CaseView } from '../../cases/repository.ts';
import { CHINA_EXTENT } from '../../cases/schemas.ts';
import type { Db } from '../../db/db.ts';
import type { Logger } from '../../logger.ts';
import {
  CLOSED_STATES,
  listServices,
  OPEN311_OPEN_STATES,
  serviceDefinition,
  toOpen311Request,
  toXml,
  verifyApiKey,
  type Open311Request,
  type XmlValue,
} from '../../open311/index.ts';
import { AppError } from '../errors.ts';

type Format = 'json' | 'xml';

function format(req: Request): Format {
  const f = String(req.params.format ?? '').toLowerCase();
  if (f === 'json' || f === 'xml') return f;
  throw new AppError(404, 'unknown_format', `不支持的格式 / unsupported format ".${f}": use .json or .xml`);
}

function send(res: Response, fmt: Format, status: number, root: string, value: unknown): void {
  res.status(status);
  if (fmt === 'xml') res.type('application/xml; charset=utf-8').send(toXml(root, value as XmlValue));
  else res.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

const bad = (message: string) => new AppError(400, 'invalid_input', message);

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw bad(`${name} 格式无效 / ${name} must be a single value`);
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function parseNumber(body: Record<string, unknown>, name: 'lat' | 'long'): number {
  const s = field(body, name);
  if (s === undefined) {
    throw bad(
      `缺少 ${name} / ${name} is required: this endpoint locates requests by lat and long (address_string alone cannot be geocoded)`,
    );
  }
  const n = Number(s);
  if (!Number.isFinite(n)) throw bad(`${name} 不是数字 / ${name} must be a number, got "${s}"`);
  return n;
}

function parseW3c(name: string, s: unknown): Date | undefined {
  if (s === undefined || s === '') return undefined;
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    throw bad(`${name} 格式无效 / ${name} must be a W3C datetime such as 2026-02-13T10:00:00+08:00`);
  }
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw bad(`${name} 无效日期 / ${name} is not a valid date`);
  return d;
}

const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' && v.trim() !== ''
    ? v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

/**
 * Open311 GeoReport v2 (mounted at `/open311/v2`): services, service definitions, create and query requests,
 * in JSON (`.json`) and XML (`.xml`). Creating needs an `api_key` from `xuncha apikey add NAME`.
 * Errors use the spec's shape: `[{ code, description }]` / `<errors><error>…</error></errors>`.
 */
export function open311Routes(db: Db, logger?: Logger): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '1mb' }));

  async function names(): Promise<{ service: Map<string, string>; dept: Map<string, string> }> {
    const services = await listServices(db);
    const depts = await db.query<{ id: string; name: string }>('SELECT id, name FROM departments');
    return {
      service: new Map(services.map((s) => [s.service_code, s.service_name])),
      dept: new Map(depts.rows.map((d) => [d.id, d.name])),
    };
  }
  const toRequest = (c: CaseView, n: Awaited<ReturnType<typeof names>>): Open311Request => {
    const r = toOpen311Request(
      c,
      n.service.get(c.category) ?? c.category,
      c.departmentId ? (n.dept.get(c.departmentId) ?? c.departmentId) : '社会治理中心 / governance centre',
    );
    if (c.mergedIntoId) r.status_notes = `已并入 ${c.mergedIntoId} / merged into request ${c.mergedIntoId}`;
    return r;
  };

  router.get('/services.:format', async (req, res) => {
    const fmt = format(req);
    send(res, fmt, 200, 'services', await listServices(db));
  });

  router.get('/services/:code.:format', async (req, res) => {
    const fmt = format(req);
    const services = await listServices(db);
    if (!services.some((s) => s.service_code === req.params.code)) {
      throw new AppError(404, 'not_found', `无此服务 / no service ${req.params.code}`);
    }
    send(res, fmt, 200, 'service_definition', serviceDefinition(req.params.code!));
  });

  router.post('/requests.:format', async (req, res) => {
    const fmt = format(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const apiKey = field(body, 'api_key');
    if (!apiKey)
      throw bad('缺少 api_key / api_key is required to create a request (issued by `xuncha apikey add NAME`)');
    const key = await verifyApiKey(db, apiKey);
    if (!key) throw new AppError(403, 'invalid_api_key', 'api_key 无效 / invalid api_key');
    const serviceCode = field(body, 'service_code');
    if (!serviceCode) throw bad('缺少 service_code / service_code is required');
    const services = await listServices(db);
    if (!services.some((s) => s.service_code === serviceCode)) {
      throw bad(
        `未知 service_code / unknown service_code "${serviceCode}"; one of ${services.map((s) => s.service_code).join(', ')}`,
      );
    }
    const lat = parseNumber(body, 'lat');
    const long = parseNumber(body, 'long');
    if (long < CHINA_EXTENT.west || long > CHINA_EXTENT.east || lat < CHINA_EXTENT.south || lat > CHINA_EXTENT.north) {
      throw bad(`坐标超出中国范围 / lat ${lat}, long ${long} is outside China's extent (WGS84)`);
    }
    const severity = field(body, 'attribute[severity]') ?? 'normal';
    if (severity !== 'urgent' && severity !== 'normal')
      throw bad('attribute[severity] 只能是 urgent 或 normal / must be urgent or normal');
    const first = field(body, 'first_name');
    const last = field(body, 'last_name');
    const mediaUrl = field(body, 'media_url');
    const reporter = {
      ...(first || last ? { name: [first, last].filter(Boolean).join(' ') } : {}),
      ...(field(body, 'email') ? { email: field(body, 'email') } : {}),
      ...(field(body, 'phone') ? { phone: field(body, 'phone') } : {}),
      ...(field(body, 'account_id') ? { accountId: field(body, 'account_id') } : {}),
      ...(field(body, 'device_id') ? { deviceId: field(body, 'device_id') } : {}),
    };
    const r = await fileCase(db, {
      category: serviceCode,
      point: [long, lat],
      severity,
      source: 'open311',
      description: field(body, 'description') ?? null,
      address: field(body, 'address_string') ?? null,
      reporter,
      evidence: mediaUrl ? { mediaUrl } : undefined,
      apiKeyId: key.id,
    });
    const notice =
      r.outcome === 'attached'
        ? `已并入附近同类诉求 / merged with an open request nearby (${r.caseId})`
        : '已接收，3分钟内受理 / received; accepted within 3 minutes';
    send(res, fmt, 201, 'service_requests', [
      { service_request_id: r.caseId, service_notice: notice, account_id: field(body, 'account_id') ?? null },
    ]);
  });

  router.get('/requests.:format', async (req, res) => {
    const fmt = format(req);
    const q = req.query as Record<string, unknown>;
    const n = await names();
    const ids = list(q.service_request_id);
    let cases: CaseView[];
    if (ids) {
      // Per the spec, service_request_id overrides every other filter.
      cases = await listCases(db, { ids, includeMerged: true, limit: 1000 });
    } else {
      const statuses = list(q.status);
      for (const s of statuses ?? [])
        if (s !== 'open' && s !== 'closed') throw bad(`status 只能是 open 或 closed / unknown status "${s}"`);
      const codes = list(q.service_code);
      const end = parseW3c('end_date', q.end_date) ?? new Date();
      // Without a start date the spec's default window is the 90 days before end_date.
      const start = parseW3c('start_date', q.start_date) ?? new Date(end.getTime() - 90 * 86_400_000);
      if (start > end) throw bad('start_date 晚于 end_date / start_date is after end_date');
      const states =
        statuses && statuses.length === 1
          ? [...(statuses[0] === 'open' ? OPEN311_OPEN_STATES : CLOSED_STATES)]
          : undefined;
      cases = [];
      for (const code of codes ?? [undefined]) {
        cases.push(
          ...(await listCases(db, {
            states,
            category: code,
            createdFrom: start,
            createdTo: new Date(end.getTime() + 1),
            limit: 1000,
          })),
        );
      }
      cases = cases.slice(0, 1000);
    }
    send(
      res,
      fmt,
      200,
      'service_requests',
      cases.map((c) => toRequest(c, n)),
    );
  });

  router.get('/requests/:id.:format', async (req, res) => {
    const fmt = format(req);
    const c = await getCase(db, req.params.id!).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 404)
        throw new AppError(404, 'not_found', `无此请求 / no service request ${req.params.id}`);
      throw err;
    });
    send(res, fmt, 200, 'service_requests', [toRequest(c, await names())]);
  });

  router.use((req, _res, next) => {
    next(new AppError(404, 'no_route', `没有此接口 / no such Open311 endpoint: ${req.method} ${req.path}`));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const fmt: Format = /\.xml$/i.test(req.path) ? 'xml' : 'json';
    let code = 500;
    let description = '服务器内部错误 / internal error';
    if (err instanceof AppError) {
      code = err.status;
      description = err.message;
    } else if (err instanceof ZodError) {
      code = 400;
      const i = err.issues[0];
      description = `输入无效 / invalid input${i ? ` at ${i.path.join('.') || '(body)'}: ${i.message}` : ''}`;
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      code = err.status;
      description = String(err.message);
    } else {
      logger?.error({ err, path: req.path }, 'open311: unhandled error');
    }
    send(res, fmt, code, 'errors', [{ code, description }]);
  };
  router.use(onError);
  return router;
}
