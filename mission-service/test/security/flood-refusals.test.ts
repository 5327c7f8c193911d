import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/index.ts';
import type { Db } from '../../src/db/db.ts';
import { createApp } from '../../src/http/app.ts';
import { DEFAULT_SECURITY, type SecurityOptions } from '../../src/http/security-options.ts';
import { RefusalTally } from '../../src/limits/refusal-tally.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';

const PASSWORD = 'Patrol-Gate-Pw-9z';

let t: TestDb;
/** Statements the service sent to the database, by the table they read (the proof that refusals cost none). */
const queries = { users: 0, cases: 0 };

beforeAll(async () => {
  t = await createTestDb();
  await createUser(t.db, { username: 'flooded-admin', password: PASSWORD, roles: ['admin'] });
});
afterAll(async () => {
  await t?.dispose();
});

function counting(db: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return (sql: string, params?: unknown[]) => {
        if (/FROM users u/.test(sql)) queries.users++;
        if (/FROM cases/.test(sql)) queries.cases++;
        return target.query(sql, params);
      };
    },
  });
}

async function serve(security: Partial<SecurityOptions> = {}) {
  const app = createApp({
    db: counting(t.db),
    logger: createLogger('silent'),
    security: { ...DEFAULT_SECURITY, trustProxy: 'loopback', ...security },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** One request on its own connection (as a flood opens them), answered in full. */
function request(
  port: number,
  method: string,
  path: string,
  opts: { from?: string; json?: unknown } = {},
): Promise<Answer> {
  const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          ...(opts.from ? { 'x-forwarded-for': opts.from } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            retryAfter: res.headers['retry-after'] as string | undefined,
            body: text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const guess = (port: number, from?: string) =>
  request(port, 'POST', '/api/auth/login', {
    from,
    json: { username: 'flooded-admin', password: `guess-${Math.random()}` },
  });

function expectOnlyRefusedOrWrong(answers: Answer[]) {
  const statuses = new Set(answers.map((a) => a.status));
  expect([...statuses].every((s) => s === 401 || s === 429)).toBe(true);
  const refused = answers.filter((a) => a.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  for (const a of refused) {
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(a.body).error.code).toBe('too_many_attempts');
  }
  return refused.length;
}

describe('floods are refused at once, none left open, without database work', () => {
  it('answers every one of many concurrent password guesses with 401 or 429 (one address, then many)', async () => {
    const s = await serve();
    try {
      queries.users = 0;
      // 150 at once from one address: every one answered (none held open for a delay), 401 or 429 + Retry-After.
      const one = await Promise.all(Array.from({ length: 150 }, () => guess(s.port, '203.0.113.50')));
      expect(one).toHaveLength(150);
      expectOnlyRefusedOrWrong(one);
      const wrong = one.filter((a) => a.status === 401).length;
      // Only attempts whose password was checked asked the database; the refusals did not.
      expect(queries.users).toBe(wrong);
      // Again, each from its own (forged) address: the account is paced, answers still come at once.
      queries.users = 0;
      const many = await Promise.all(Array.from({ length: 150 }, (_, i) => guess(s.port, `198.18.1.${i}`)));
      expect(many).toHaveLength(150);
      expectOnlyRefusedOrWrong(many);
      expect(queries.users).toBe(many.filter((a) => a.status === 401).length);
      // The real administrator, from elsewhere: slowed (told when to retry), never locked out.
      let answer: Answer | undefined;
      for (let i = 0; i < 5 && answer?.status !== 200; i++) {
        if (answer) await new Promise((r) => setTimeout(r, Number(answer!.retryAfter ?? 1) * 1000));
        answer = await request(s.port, 'POST', '/api/auth/login', {
          from: '198.51.100.30',
          json: { username: 'flooded-admin', password: PASSWORD },
        });
        expect([200, 429]).toContain(answer.status);
      }
      expect(answer!.status).toBe(200);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('refuses an anonymous Open311 flood past its budget before the database is asked', async () => {
    const metricsToken = 'metrics-token-for-the-flood-test';
    const s = await serve({
      open311: { anonymousPerMin: 6, anonymousTotalPerMin: 1200, anonymousInFlight: 4, keyPerMin: 600 },
      metricsToken,
    });
    try {
      queries.cases = 0;
      const started = Date.now();
      const codes = Array.from({ length: 20 }, () => 'straw_burning').join(',');
      const answers = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          request(s.port, 'GET', `/open311/v2/requests.${i % 2 ? 'xml' : 'json'}?service_code=${codes}`, {
            from: '203.0.113.60',
          }),
        ),
      );
      expect(answers).toHaveLength(120);
      const passed = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(passed.length + refused.length).toBe(120);
      // The address's burst (5) got through, and what its bucket refilled meanwhile (one per 10 s); each asked for
      // one page of cases.
      expect(passed.length).toBeGreaterThan(0);
      expect(passed.length).toBeLessThanOrEqual(5 + Math.ceil((Date.now() - started) / 10_000));
      expect(queries.cases).toBeLessThanOrEqual(passed.length * 2);
      for (const a of refused) {
        expect(Number(a.retryAfter)).toBeGreaterThan(0);
        expect(a.body).toMatch(/429/);
      }
      expect(refused.some((a) => a.body.startsWith('<?xml'))).toBe(true);
      // Refused at the edge, before the request metrics: still counted for Prometheus.
      const metrics = await fetch(`http://127.0.0.1:${s.port}/api/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      }).then((r) => r.text());
      const counted = metrics
        .split('\n')
        .filter((l) => l.startsWith('xuncha_http_refused_total{'))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      expect(counted).toBe(refused.length);
    } finally {
      await s.close();
    }
  });

  it('sums refusals up per source in the audit log, a few rows a minute rather than one per request', async () => {
    const logged: unknown[] = [];
    const logger = createLogger('silent');
    const tally = new RefusalTally(
      t.db,
      Object.assign(Object.create(logger) as typeof logger, { warn: (o: unknown) => logged.push(o) }),
      { intervalMs: 60_000, maxAuditRows: 3 },
    );
    for (let i = 0; i < 1000; i++) tally.record('POST /api/auth/login', `192.0.2.${i % 10}`);
    await tally.flush();
    const rows = await t.db.query<{ source_ip: string | null; action: string; details: { count: number } }>(
      `SELECT source_ip, action, details FROM audit_log WHERE object_kind = 'rate_limit' ORDER BY id`,
    );
    expect(rows.rows).toHaveLength(4);
    expect(rows.rows.slice(0, 3).every((r) => r.action === 'refused POST /api/auth/login' && r.source_ip)).toBe(true);
    expect(rows.rows[3]!.source_ip).toBeNull();
    expect(rows.rows.reduce((n, r) => n + r.details.count, 0)).toBe(1000);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ refused: 1000, sources: 10 });
    // Nothing more to report: no second line, no more rows.
    await tally.flush();
    expect(logged).toHaveLength(1);
  });
});
