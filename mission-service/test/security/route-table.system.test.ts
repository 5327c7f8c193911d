import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/index.ts';
import type { ObjectKind } from '../../src/http/object-kinds.ts';
import type { Route } from '../../src/http/route.ts';
import { objectFactory, ROLE_NAMES, startWorld, VARIANTS, type SecurityWorld, type Variant } from './fixtures.ts';

/**
 * Every route of the service × every role × department (own, other, none) and anonymous, generated from the route
 * tables the app mounts: a new route cannot skip it. The expectations follow the written rules, not the code:
 * - no session: 401 (public routes: answered);
 * - a role the route does not list: 403 `forbidden` (admin holds every role);
 * - an object of department A: hidden (404 `not_found`) from other departments and from users without one,
 *   unless they are dispatchers or admins; changing it ('owner' routes) needs department A, dispatcher or admin;
 * - otherwise the request gets past the rules: never 401/403, never 404 for its (existing) object, never 5xx,
 *   and a JSON success answer matches the route's response schema (what the OpenAPI document says).
 */

type Caller = { role: Role; variant: Variant } | null;

const SAMPLE_PARAMS: Record<string, string> = {
  year: '2026',
  category: 'straw_burning',
  severity: 'normal',
  format: 'json',
  kind: 'farmland',
  code: 'straw_burning',
  id: 'no-such-id',
  sha256: 'f'.repeat(64),
};

type Expect = 'ok' | 401 | 403 | 404;

function expected(route: Route, caller: Caller): Expect {
  if (route.roles === null) return 'ok';
  if (!caller) return 401;
  const { role, variant } = caller;
  if (route.roles.length && role !== 'admin' && !route.roles.includes(role)) return 403;
  if (route.object) {
    const seesAll = role === 'admin' || role === 'dispatcher';
    if (!seesAll && variant !== 'own') return 404;
    const write = route.object.write ?? (route.method === 'get' ? 'visible' : 'owner');
    if (write === 'owner' && !(seesAll || variant === 'own')) return 403;
  }
  return 'ok';
}

async function request(w: SecurityWorld, base: string, route: Route, path: string, token: string | null) {
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const hasBody = route.method !== 'get' && route.method !== 'delete';
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(`${w.base}${base}${path}`, {
    method: route.method.toUpperCase(),
    headers,
    body: hasBody ? '{}' : undefined,
    signal: controller.signal,
  });
  // Live streams never end by themselves: the status is all this test needs.
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status, body: null, type: 'text/event-stream' };
  }
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (/json/.test(type)) body = text ? JSON.parse(text) : null;
  return { status: res.status, body, type };
}

describe('route × role × department table (generated from the mounted route tables)', () => {
  let w: SecurityWorld;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('covers every route of the API and of Open311, and the OpenAPI document lists exactly those', async () => {
    const doc = (await (await fetch(`${w.base}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'servers')
        .map((m) => `${m} ${p}`),
    );
    const mounted = [
      ...w.tables.api.map((r) => `${r.method} ${r.path}`),
      ...w.tables.open311.map((r) => `${r.method} /open311/v2${r.path}`),
    ];
    expect(new Set(documented)).toEqual(new Set(mounted));
    expect(mounted.length).toBe(new Set(mounted).size);
    // The routes the review found missing from the document.
    for (const p of [
      '/cases',
      '/stats/cases',
      '/webhooks',
      '/calendar/{year}',
      '/sla-policies',
      '/reinspections',
      '/notifications',
      '/flights/{id}/progress',
    ])
      expect(doc.paths[p], p).toBeTruthy();
    expect(w.tables.api.length).toBeGreaterThan(80);
    // Each operation names who may call it, each role once.
    for (const [p, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops)) {
        const roles = (op as { 'x-roles'?: unknown })['x-roles'];
        if (Array.isArray(roles)) expect(roles.length, `${m} ${p}`).toBe(new Set(roles).size);
      }
  });

  it('answers every route for every caller as the rules say', async () => {
    const make = objectFactory(w.t.db, w.departments[0]);
    const callers: Caller[] = [null, ...ROLE_NAMES.flatMap((role) => VARIANTS.map((variant) => ({ role, variant })))];
    const failures: string[] = [];
    const groups = [
      { base: '/api', routes: w.tables.api },
      { base: '/open311/v2', routes: w.tables.open311 },
    ];
    let checked = 0;
    const sessions = new Map<string, string>();
    const tokenOf = async (caller: Caller, fresh: boolean) => {
      if (!caller) return null;
      const key = `${caller.role}/${caller.variant}`;
      // A change request may end its own session (logout, password): those get a fresh one each.
      if (fresh) return w.session(caller.role, caller.variant);
      if (!sessions.has(key)) sessions.set(key, await w.session(caller.role, caller.variant));
      return sessions.get(key)!;
    };
    for (const { base, routes } of groups) {
      for (const route of routes) {
        const changes = route.method !== 'get';
        // Reading routes share one object; a change request that should pass gets its own (it may delete it).
        const shared = route.object ? await make[route.object.kind as ObjectKind]() : undefined;
        for (const caller of callers) {
          const want = expected(route, caller);
          const objectId =
            route.object && changes && want === 'ok' ? await make[route.object.kind as ObjectKind]() : shared;
          const objectParam = route.object?.param ?? 'id';
          const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
            route.object && name === objectParam ? objectId! : (SAMPLE_PARAMS[name] ?? 'x'),
          );
          const token = await tokenOf(caller, changes);
          const who = caller ? `${caller.role}/${caller.variant}` : 'anonymous';
          let r: Awaited<ReturnType<typeof request>>;
          try {
            r = await request(w, base, route, path, token);
          } catch (err) {
            failures.push(
              `no answer — ${route.method.toUpperCase()} ${base}${route.path} as ${who}: ${(err as Error).message}`,
            );
            continue;
          }
          checked++;
          const where = `${route.method.toUpperCase()} ${base}${route.path} as ${who}: ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
          if (want === 'ok') {
            const bad = r.status >= 500 || r.status === 401 || r.status === 403 || (route.object && r.status === 404);
            if (bad) failures.push(`expected to pass the rules — ${where}`);
            else if (r.status < 300 && route.response && /json/.test(r.type)) {
              const parsed = route.response.safeParse(r.body);
              if (!parsed.success)
                failures.push(
                  `answer does not match its schema — ${where}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
                );
            }
          } else if (r.status !== want) failures.push(`expected ${want} — ${where}`);
          else if (
            want === 403 &&
            !['forbidden', 'forbidden_department', 'shared_object'].includes(
              (r.body as { error?: { code?: string } })?.error?.code ?? '',
            )
          )
            failures.push(`403 without a forbidden code — ${where}`);
          else if (want === 404 && (r.body as { error?: { code?: string } })?.error?.code !== 'not_found')
            failures.push(`404 without the one not_found code — ${where}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  }, 600_000);
});
