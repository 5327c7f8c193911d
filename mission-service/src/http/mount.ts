import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../app-error.ts';
import { assertCanChange, canSee, hasAnyRole, type AuthUser } from '../auth/roles.ts';
import { IdSchema } from '../contract/common.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { sourceOf } from './source.ts';
import { invalidInput } from './errors.ts';
import { OBJECT_KINDS } from './object-kinds.ts';
import { expressPath, pathParams, type Route } from './route.ts';

export interface MountDeps {
  db: Queryable;
  logger: Logger;
}

/**
 * Audits a change request of a signed-in caller once it is answered, whatever the answer (a refusal is an
 * attempt worth knowing about). Anonymous requests are not written (a flood must not write): they are logged.
 */
function auditOnFinish(route: Route, deps: MountDeps, req: Request, res: Response): void {
  if (route.method === 'get') return;
  // Read now: the router resets req.params once the route is done.
  const objectId = route.object ? req.params?.[route.object.param ?? 'id'] : undefined;
  res.once('finish', () => {
    const user = res.locals.user as AuthUser | undefined;
    if (!user) return;
    writeAudit(deps.db, {
      actor: user,
      action: `${route.method.toUpperCase()} ${route.path}`,
      objectKind: route.object?.kind ?? route.tag,
      objectId: typeof objectId === 'string' ? objectId : null,
      status: res.statusCode,
      code: (res.locals.errorCode as string | undefined) ?? null,
      sourceIp: sourceOf(req),
    }).catch((err: unknown) => deps.logger.error({ err, path: req.path }, 'audit write failed'));
  });
}

function unauthenticated(res: Response): AppError {
  if (res.locals.authError === 'csrf')
    return new AppError(
      'forbidden',
      'csrf_failed',
      '缺少或错误的 CSRF 令牌 / a change made with the session cookie needs its X-CSRF-Token header (GET /api/auth/csrf)',
    );
  return res.locals.authError
    ? new AppError(
        'unauthenticated',
        'invalid_token',
        '登录已失效，请重新登录 / token invalid, expired or revoked: log in again',
      )
    : new AppError(
        'unauthenticated',
        'unauthenticated',
        '请先登录 / authentication required (Authorization: Bearer <token>)',
      );
}

/** 401 / 403 for the route's roles, and the pending-password gate. Returns the caller (undefined on public routes). */
export function authorize(route: Route, req: Request, res: Response): AuthUser | undefined {
  const user = res.locals.user as AuthUser | undefined;
  if (route.roles === null || route.altCredential?.(req)) return user;
  if (!user) throw unauthenticated(res);
  if (user.mustChangePassword && !route.allowPendingPasswordChange) {
    throw new AppError(
      'forbidden',
      'password_change_required',
      '请先修改一次性密码 / change your one-time password first (POST /api/auth/password)',
    );
  }
  if (route.roles.length && !hasAnyRole(user, route.roles)) {
    throw new AppError('forbidden', 'forbidden', `权限不足 / forbidden: requires role ${route.roles.join(' or ')}`, {
      required: route.roles,
    });
  }
  return user;
}

/** Built once per route: a schema made per request would be compiled again for every request. */
const defaultParams = new WeakMap<Route, z.ZodType>();

function paramsSchema(route: Route): z.ZodType {
  if (route.params) return route.params;
  let schema = defaultParams.get(route);
  if (!schema) {
    schema = z.object(Object.fromEntries(pathParams(route.path).map((p) => [p, IdSchema])));
    defaultParams.set(route, schema);
  }
  return schema;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'path'): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (!r.success) throw invalidInput(where, r.error);
  return r.data;
}

async function handle(route: Route, deps: MountDeps, req: Request, res: Response): Promise<void> {
  const caller = authorize(route, req, res);
  const params = parse(paramsSchema(route), req.params, 'path') as Record<string, string>;
  let object: unknown;
  if (route.object) {
    const spec = OBJECT_KINDS[route.object.kind as keyof typeof OBJECT_KINDS];
    const id = params[route.object.param ?? 'id']!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loader per kind, typed by the table
    const o = await (spec.load as (db: Queryable, id: string) => Promise<any>)(deps.db, id);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const owner = o ? (spec.owner as (o: any) => { departmentId: string | null })(o) : null;
    if (!o || !owner || !caller || !canSee(caller, owner)) throw notFound(`${spec.label} ${id}`);
    const write = route.object.write ?? (route.method === 'get' ? 'visible' : 'owner');
    if (write === 'owner') assertCanChange(caller, owner, spec.label);
    object = o;
  }
  const query = parse(route.query, req.query, 'query');
  const raw = route.rawBody && (Buffer.isBuffer(req.body) || !req.is('application/json'));
  const body = raw ? req.body : parse(route.body, req.body, 'body');
  let status = route.status ?? 200;
  const result = await route.handler({
    req,
    res,
    get user(): AuthUser {
      if (!caller) throw unauthenticated(res);
      return caller;
    },
    caller,
    query,
    body,
    params,
    object,
    setStatus(s: number) {
      status = s;
    },
  });
  if (res.headersSent || res.writableEnded) return;
  res.status(status);
  if (result === undefined) {
    res.end();
    return;
  }
  if (route.responseType) res.type(route.responseType);
  if (typeof result === 'string') res.send(result);
  else res.json(result);
}

/** Mounts a route table on a router: one Express route per entry, all through the same checks, in order. */
export function mountRoutes(routes: readonly Route[], deps: MountDeps): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](
      expressPath(route.path),
      (req, res, next) => {
        auditOnFinish(route, deps, req, res);
        try {
          authorize(route, req, res);
          next();
        } catch (err) {
          next(err);
        }
      },
      ...(route.middleware ?? []),
      (req, res) => handle(route, deps, req, res),
    );
  }
  return router;
}
