/**
 * Fuzz (fast-check) over every zod schema at the HTTP edge, taken from the mounted route tables: the schemas never
 * throw on any input, and the service answers random bodies and query strings on every route with a 4xx or a
 * success — never a 5xx, never a dropped connection.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ObjectKind } from '../../src/http/object-kinds.ts';
import type { Route } from '../../src/http/route.ts';
import { objectFactory, startWorld, type SecurityWorld } from './fixtures.ts';

let w: SecurityWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const allRoutes = () => [
  ...w.tables.api.map((route) => ({ base: '/api', route })),
  ...w.tables.open311.map((route) => ({ base: '/open311/v2', route })),
];

/** The keys a query schema knows (random values for them reach deeper than random keys). */
function queryKeys(schema: z.ZodType | undefined): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> })?.shape;
  if (shape) return Object.keys(shape);
  const inner = (schema as unknown as { _zod?: { def?: { in?: z.ZodType; schema?: z.ZodType } } })?._zod?.def;
  return inner?.in ? queryKeys(inner.in) : inner?.schema ? queryKeys(inner.schema) : [];
}

const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom(
    '',
    ',',
    '1,2,3,4',
    '-1',
    '1e309',
    '2026-02-30T25:61:00Z',
    'true',
    '../..',
    '%00',
    "'; DROP TABLE cases;--",
  ),
);

describe('fuzz over the edge schemas', () => {
  it('every schema answers any value with success or issues, never an exception', () => {
    let schemas = 0;
    for (const { route } of allRoutes()) {
      for (const schema of [route.params, route.query, route.body, route.response] as (z.ZodType | undefined)[]) {
        if (!schema) continue;
        schemas++;
        fc.assert(
          fc.property(
            fc.oneof(
              fc.anything(),
              fc.jsonValue(),
              fc.dictionary(fc.constantFrom(...queryKeys(schema), 'x'), queryValue),
            ),
            (v) => {
              schema.safeParse(v);
            },
          ),
          { numRuns: 60 },
        );
      }
    }
    expect(schemas).toBeGreaterThan(100);
  });

  it('the service answers random bodies and queries on every route without a 5xx', async () => {
    const admin = await w.session('admin', 'own');
    const make = objectFactory(w.t.db, w.departments[0]);
    const problems: string[] = [];
    const objects = new Map<ObjectKind, string>();
    const idFor = async (route: Route) => {
      const kind = route.object!.kind as ObjectKind;
      if (!objects.has(kind) || route.method !== 'get') objects.set(kind, await make[kind]());
      return objects.get(kind)!;
    };
    let sent = 0;
    for (const { base, route } of allRoutes()) {
      if (!route.body && !route.query) continue;
      const keys = queryKeys(route.query);
      const samples = fc.sample(
        fc.record({
          body: fc.oneof(
            fc.jsonValue({ maxDepth: 4 }),
            fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })),
          ),
          query: fc.dictionary(keys.length ? fc.constantFrom(...keys) : fc.string({ maxLength: 8 }), queryValue, {
            maxKeys: 4,
          }),
        }),
        { numRuns: 6 },
      );
      for (const s of samples) {
        const objectParam = route.object?.param ?? 'id';
        const id = route.object ? await idFor(route) : undefined;
        const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
          route.object && name === objectParam
            ? id!
            : ((
                {
                  format: 'json',
                  year: '2026',
                  category: 'straw_burning',
                  severity: 'normal',
                  kind: 'farmland',
                  code: 'straw_burning',
                } as Record<string, string>
              )[name] ?? 'x'),
        );
        const qs = new URLSearchParams(s.query).toString();
        const controller = new AbortController();
        const hasBody = route.method !== 'get' && route.method !== 'delete';
        try {
          const res = await fetch(`${w.base}${base}${path}${qs ? `?${qs}` : ''}`, {
            method: route.method.toUpperCase(),
            headers: { authorization: `Bearer ${admin}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            body: hasBody ? JSON.stringify(s.body) : undefined,
            signal: controller.signal,
          });
          sent++;
          if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) controller.abort();
          else {
            const text = await res.text();
            if (res.status >= 500)
              problems.push(
                `${res.status} ${route.method} ${base}${path}?${qs} ${JSON.stringify(s.body).slice(0, 120)} → ${text.slice(0, 200)}`,
              );
          }
        } catch (err) {
          problems.push(`no answer: ${route.method} ${base}${path}?${qs}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(200);
  }, 600_000);
});
