/**
 * Issue 12, one regression per finding (each failed on the code before the fix). One service on one private
 * database; requests come "from" different addresses through X-Forwarded-For (trust proxy on loopback).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, createUser, DEFAULT_LOGIN_GUARD, LoginGuard } from '../../src/auth/index.ts';
import { fileCase } from '../../src/cases/file-case.ts';
import { createApp, MAX_JSON_DEPTH } from '../../src/http/app.ts';
import { DEFAULT_SECURITY, type SecurityOptions } from '../../src/http/security-options.ts';
import type { DroneConnection, DroneConnectInfo, DroneLinkManager } from '../../src/drones/link-port.ts';
import { LinkError } from '../../src/link/index.ts';
import { createLogger } from '../../src/logger.ts';
import { addApiKey } from '../../src/open311/api-keys.ts';
import { objectFactory, startWorld, type SecurityWorld, LONGQUAN } from './fixtures.ts';

let w: SecurityWorld;
const tokens: Record<string, string> = {};

async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; from?: string; headers?: Record<string, string>; base?: string } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.from) headers['x-forwarded-for'] = opts.from;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(`${opts.base ?? w.base}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* XML or text */
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON is checked by the assertions
  return { status: res.status, body: json as any, text, headers: res.headers };
}

/** Another app on the same database with other security settings (limits, switches). */
async function otherApp(security: Partial<SecurityOptions>, links?: DroneLinkManager, db = w.t.db) {
  const server: Server = createApp({
    db,
    logger: createLogger('silent'),
    links,
    security: { ...DEFAULT_SECURITY, ...security },
  }).listen(0, '127.0.0.1');
  server.keepAliveTimeout = 120_000;
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

const square = (lon: number, lat: number, d = 0.001): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});

beforeAll(async () => {
  w = await startWorld({
    security: {
      ...DEFAULT_SECURITY,
      trustProxy: 'loopback',
      open311: { anonymousPerMin: 1e6, anonymousTotalPerMin: 1e6, anonymousInFlight: 1e6, keyPerMin: 1e6 },
    },
    // The account slow-down is real but short here (the default is up to 3 s a try).
    loginGuard: new LoginGuard({ ...DEFAULT_LOGIN_GUARD, maxAccountDelayMs: 20 }),
  });
  for (const role of ['operator', 'officer', 'dispatcher', 'admin'] as const) {
    tokens[role] = await w.session(role, 'own');
    tokens[`${role}Other`] = await w.session(role, 'other');
    tokens[`${role}None`] = await w.session(role, 'none');
  }
});
afterAll(async () => {
  await w?.close();
});

const auditRows = async (action: string) =>
  (
    await w.t.db.query<{ actor_name: string; status: number; object_id: string | null }>(
      'SELECT actor_name, status, object_id FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    )
  ).rows;

describe('High', () => {
  it('1. no-fly zones and jurisdictions are admin-owned, whoever asks; changes and attempts are audited', async () => {
    const nofly = await w.t.db.query<{ id: string; name: string }>(
      "SELECT id, name FROM areas WHERE kind = 'nofly' AND department_id IS NULL LIMIT 1",
    );
    const { id, name } = nofly.rows[0]!;
    const change = {
      type: 'Feature',
      geometry: square(120, 30),
      properties: { kind: 'nofly', name: 'moved away', reason: 'hijack' },
    };
    for (const t of [tokens.operator, tokens.operatorOther, tokens.operatorNone]) {
      expect((await call('PUT', `/api/areas/${id}`, { token: t, body: change })).status).toBe(403);
      expect((await call('DELETE', `/api/areas/${id}`, { token: t })).status).toBe(403);
    }
    const created = await call('POST', '/api/areas', { token: tokens.operator, body: change });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('admin_only_kind');
    // A shared farmland (the sample layers) is the admins' too.
    const shared = await w.t.db.query<{ id: string }>(
      "SELECT id FROM areas WHERE kind = 'farmland' AND department_id IS NULL LIMIT 1",
    );
    const r = await call('DELETE', `/api/areas/${shared.rows[0]!.id}`, { token: tokens.operator });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('shared_object');
    const still = await w.t.db.query<{ name: string }>('SELECT name FROM areas WHERE id = $1', [id]);
    expect(still.rows[0]!.name).toBe(name);
    const byAdmin = await call('PUT', `/api/areas/${id}`, {
      token: tokens.admin,
      body: { ...change, geometry: square(119.5, 28.5), properties: { ...change.properties, name: '医院 / hospital' } },
    });
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(200);
    await expect
      .poll(() => auditRows('PUT /areas/{id}'))
      .toEqual(
        expect.arrayContaining([
          { actor_name: 'sec-operator-own', status: 403, object_id: id },
          { actor_name: 'sec-operator-none', status: 403, object_id: id },
          { actor_name: 'sec-admin-own', status: 200, object_id: id },
        ]),
      );
  });

  it('2. a case action follows the same visibility rule as reading the case: hidden, unchanged, not returned', async () => {
    const caseId = await objectFactory(w.t.db, w.departments[0]).case();
    expect((await call('GET', `/api/cases/${caseId}`, { token: tokens.officerOther })).status).toBe(404);
    for (const action of ['reject', 'verify', 'accept']) {
      const r = await call('POST', `/api/cases/${caseId}/transitions`, {
        token: tokens.officerOther,
        body: { action, note: 'not mine' },
      });
      expect(r.status).toBe(404);
      expect(r.text).not.toContain('fixture');
    }
    const state = await w.t.db.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
    expect(state.rows[0]!.state).toBe('new');
    // The lead department's officer does reject it (a drone false positive).
    const own = await call('POST', `/api/cases/${caseId}/transitions`, {
      token: tokens.officer,
      body: { action: 'reject', note: '误报' },
    });
    expect(own.status).toBe(200);
  });

  it('3. Open311 lists: codes checked and deduplicated, every list and page capped, clients rate-limited', async () => {
    const repeated = (n: number) => Array.from({ length: n }, () => 'straw_burning').join(',');
    expect((await call('GET', `/open311/v2/requests.json?service_code=${repeated(100)}`)).status).toBe(200);
    // The review's request: the code 1,000 times (14 KB) is refused at the edge, before any database work.
    expect((await call('GET', `/open311/v2/requests.json?service_code=${repeated(1000)}`)).status).toBe(400);
    const letter = (n: number) => String.fromCharCode(97 + n);
    const many = Array.from({ length: 60 }, (_, i) => `c${letter(i % 26)}${letter(Math.floor(i / 26))}`).join(',');
    const tooMany = await call('GET', `/open311/v2/requests.json?service_code=${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body[0].description).toMatch(/at most 50/);
    const unknown = await call('GET', '/open311/v2/requests.json?service_code=straw_burning,bogus_code');
    expect(unknown.status).toBe(400);
    expect(unknown.body[0].description).toMatch(/bogus_code/);
    expect((await call('GET', '/open311/v2/requests.json?page_size=100000')).status).toBe(400);
    const ids = Array.from({ length: 51 }, (_, i) => `case_${i}`).join(',');
    expect((await call('GET', `/open311/v2/requests.json?service_request_id=${ids}`)).status).toBe(400);
    const limited = await otherApp({
      trustProxy: 'loopback',
      open311: { anonymousPerMin: 6, anonymousTotalPerMin: 1e6, anonymousInFlight: 1e6, keyPerMin: 600 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (await call('GET', '/open311/v2/services.json', { base: limited.base, from: '10.9.9.9' })).status,
        );
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const refused = await call('GET', '/open311/v2/services.xml', { base: limited.base, from: '10.9.9.9' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.text).toMatch(/<errors><error><code>429<\/code>/);
      // Another address, and a client with a valid key, are not held up by that one.
      expect((await call('GET', '/open311/v2/services.json', { base: limited.base, from: '10.9.9.8' })).status).toBe(
        200,
      );
      const { key } = await addApiKey(w.t.db, 'partner-app');
      const keyed = await call('GET', `/open311/v2/services.json?api_key=${key}`, {
        base: limited.base,
        from: '10.9.9.9',
      });
      expect(keyed.status).toBe(200);
    } finally {
      await limited.close();
    }
    // Made-up API keys: past a small budget of key look-ups per address, refused before the database is asked.
    let keyLookups = 0;
    const counting = new Proxy(w.t.db, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver);
        return (sql: string, params?: unknown[]) => {
          if (/FROM api_keys/.test(sql)) keyLookups++;
          return target.query(sql, params);
        };
      },
    });
    const forgedKeys = await otherApp(
      {
        trustProxy: 'loopback',
        open311: { anonymousPerMin: 6, anonymousTotalPerMin: 1e6, anonymousInFlight: 1e6, keyPerMin: 600 },
      },
      undefined,
      counting,
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++)
        statuses.push(
          (
            await call('GET', `/open311/v2/services.json?api_key=x311_made_up_${i}`, {
              base: forgedKeys.base,
              from: '10.6.6.6',
            })
          ).status,
        );
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(6)).toEqual(Array(24).fill(429));
      // 10 look-ups in a burst, then one a second.
      expect(keyLookups).toBeGreaterThanOrEqual(10);
      expect(keyLookups).toBeLessThan(20);
    } finally {
      await forgedKeys.close();
    }
    // Many (forged) addresses, each new: the budget all anonymous sources share runs out; a key still answers.
    const shared = await otherApp({
      trustProxy: 'loopback',
      open311: { anonymousPerMin: 60, anonymousTotalPerMin: 12, anonymousInFlight: 1e6, keyPerMin: 600 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++)
        statuses.push(
          (await call('GET', '/open311/v2/services.json', { base: shared.base, from: `10.8.0.${i}` })).status,
        );
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
      expect(statuses.slice(10)).toContain(429);
      const { key } = await addApiKey(w.t.db, 'partner-app-2');
      expect((await call('GET', `/open311/v2/services.json?api_key=${key}`, { base: shared.base })).status).toBe(200);
    } finally {
      await shared.close();
    }
  });
});

describe('Medium', () => {
  it('5. a one-time password must be changed before the session can do anything else', async () => {
    const u = await createUser(w.t.db, {
      username: 'fresh-admin',
      password: 'OneTime-Pw-7xq!kz',
      roles: ['admin'],
      mustChangePassword: true,
    });
    const token = await createSession(w.t.db, u.id);
    const blocked = await call('GET', '/api/users', { token });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    expect((await call('POST', '/api/areas', { token, body: {} })).status).toBe(403);
    expect((await call('GET', '/api/auth/me', { token })).body.user.mustChangePassword).toBe(true);
    const changed = await call('POST', '/api/auth/password', {
      token,
      body: { currentPassword: 'OneTime-Pw-7xq!kz', newPassword: 'Chosen-Pw-8yr!lm' },
    });
    expect(changed.status).toBe(204);
    const login = await call('POST', '/api/auth/login', {
      body: { username: 'fresh-admin', password: 'Chosen-Pw-8yr!lm' },
    });
    expect((await call('GET', '/api/users', { token: login.body.token })).status).toBe(200);
  });

  it('6. guessing from one address backs off that address; the account still opens from another, slowed not locked', async () => {
    await createUser(w.t.db, { username: 'target-admin', password: 'Real-Admin-Pw-9z', roles: ['admin'] });
    const guess = (from: string) =>
      call('POST', '/api/auth/login', { from, body: { username: 'target-admin', password: 'wrong-guess' } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess('203.0.113.7')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const refused = await guess('203.0.113.7');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The real administrator, elsewhere: in (the account is slowed, not locked).
    const ok = await call('POST', '/api/auth/login', {
      from: '198.51.100.20',
      body: { username: 'target-admin', password: 'Real-Admin-Pw-9z' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    // Changing a password is throttled too (per user).
    const pw: number[] = [];
    for (let i = 0; i < 12; i++)
      pw.push(
        (
          await call('POST', '/api/auth/password', {
            token: ok.body.token,
            body: { currentPassword: 'nope-nope-nope', newPassword: 'Another-Pw-9zq!' },
          })
        ).status,
      );
    expect(pw.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(pw[11]).toBe(429);
  }, 300_000);

  it('7. case reads are scoped to the department; reporter contacts only for those who call reporters back', async () => {
    const r = await fileCase(w.t.db, {
      category: 'sewage_outfall',
      point: LONGQUAN,
      source: 'hotline',
      description: '河边有黑水',
      reporter: { name: '王女士', phone: '13800000000', email: 'wang@example.cn' },
    });
    await w.t.db.query('UPDATE cases SET department_id = $2 WHERE id = $1', [r.caseId, w.departments[0]]);
    for (const t of [tokens.operatorOther, tokens.officerOther, tokens.operatorNone, tokens.officerNone])
      expect((await call('GET', `/api/cases/${r.caseId}`, { token: t })).status).toBe(404);
    const list = await call('GET', '/api/cases?limit=500', { token: tokens.operatorOther });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(r.caseId);
    const officer = await call('GET', `/api/cases/${r.caseId}`, { token: tokens.officer });
    expect(officer.status).toBe(200);
    expect(officer.body.reports[0]).toMatchObject({ reporter: null, reporterRedacted: true });
    expect(officer.text).not.toMatch(/13800000000|wang@example|王女士/);
    const dispatcher = await call('GET', `/api/cases/${r.caseId}`, { token: tokens.dispatcherNone });
    expect(dispatcher.body.reports[0].reporter).toMatchObject({ phone: '13800000000' });
  });

  it('8. the anonymous Open311 feed publishes only what the centre marks public, never reporter data', async () => {
    const hotline = await fileCase(w.t.db, {
      category: 'straw_burning',
      point: [LONGQUAN[0] + 0.05, LONGQUAN[1] + 0.05],
      source: 'hotline',
      description: '私人信息 private note',
      reporter: { phone: '13900000000' },
    });
    const { key } = await addApiKey(w.t.db, 'citizen-app');
    const form = new URLSearchParams({
      api_key: key,
      service_code: 'exposed_slope',
      lat: String(LONGQUAN[1] + 0.1),
      long: String(LONGQUAN[0] + 0.1),
      description: '山体裸露',
      email: 'citizen@example.cn',
      phone: '13700000000',
    });
    const created = await fetch(`${w.base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(created.status).toBe(201);
    const open311Id = ((await created.json()) as { service_request_id: string }[])[0]!.service_request_id;
    const feed = await call('GET', '/open311/v2/requests.json?page_size=200');
    const ids = feed.body.map((x: { service_request_id: string }) => x.service_request_id);
    expect(ids).toContain(open311Id);
    expect(ids).not.toContain(hotline.caseId);
    expect(feed.text).not.toMatch(/13700000000|citizen@example|13900000000|private note/);
    expect((await call('GET', `/open311/v2/requests/${hotline.caseId}.json`)).status).toBe(404);
    // A dispatcher publishes the hotline case (still without its reporter).
    const pub = await call('POST', `/api/cases/${hotline.caseId}/publicity`, {
      token: tokens.dispatcherNone,
      body: { public: true, note: '公众关注' },
    });
    expect(pub.status).toBe(200);
    const one = await call('GET', `/open311/v2/requests/${hotline.caseId}.json`);
    expect(one.status).toBe(200);
    expect(one.text).not.toContain('13900000000');
  });

  it('9. a 49,000-vertex polygon is refused at once; a large valid one is checked without stalling other requests', async () => {
    const ring = (n: number) => {
      const pts = Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * i) / n;
        return [LONGQUAN[0] + 0.01 * Math.cos(a), LONGQUAN[1] + 0.01 * Math.sin(a)];
      });
      return [...pts, pts[0]!];
    };
    const huge = await call('POST', '/api/areas', {
      token: tokens.operator,
      body: {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring(49_000)] },
        properties: { kind: 'farmland', name: 'huge' },
      },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('too_many_vertices');
    // 9,000 vertices: seconds of geometry checks — on the compute thread, so health answers meanwhile.
    const order: string[] = [];
    const big = call('POST', '/api/areas', {
      token: tokens.operator,
      body: {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring(9_000)] },
        properties: { kind: 'farmland', name: 'big' },
      },
    }).then((r) => {
      order.push('big');
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    const health = await call('GET', '/api/health');
    order.push('health');
    expect(health.status).toBe(200);
    const done = await big;
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(order).toEqual(['health', 'big']);
  });

  it('11. drone connections: listeners, serial devices and hosts only as configured; a dead drone is a 502/504', async () => {
    const drone = (connection: string) => ({ name: `d-${connection}`, model: 'm3e', camera: 'm3e-wide', connection });
    for (const [connection, why] of [
      ['udpin://0.0.0.0:14540', /XUNCHA_DRONE_UDP_BIND/],
      ['serial:///etc/passwd', /XUNCHA_DRONE_SERIAL/],
      ['serial:///dev/../etc/shadow:57600', /normalised/],
      ['tcp://169.254.169.254:80', /XUNCHA_DRONE_HOSTS/],
      ['tcp://8.8.8.8:5760', /XUNCHA_DRONE_HOSTS/],
    ] as const) {
      const r = await call('POST', '/api/drones', { token: tokens.operator, body: drone(connection) });
      expect(r.status, connection).toBe(400);
      expect(r.body.error.code).toBe('connection_not_allowed');
      expect(r.body.error.message).toMatch(why);
    }
    expect(
      (await call('POST', '/api/drones', { token: tokens.operator, body: drone('serial:///dev/ttyUSB0:57600') }))
        .status,
    ).toBe(201);
    // A link that times out: the reason with a gateway status, not a 500.
    const dead: DroneLinkManager = {
      get: () => undefined,
      connect: async (_d: DroneConnectInfo): Promise<DroneConnection> => {
        throw new LinkError('timeout', '无人机无应答 / no heartbeat within 15 s');
      },
      disconnect: async () => {},
      closeAll: async () => {},
    };
    const app = await otherApp({}, dead);
    try {
      const id = await objectFactory(w.t.db, w.departments[0]).drone();
      const r = await call('POST', `/api/drones/${id}/connect`, { token: tokens.operator, base: app.base });
      expect(r.status).toBe(504);
      expect(r.body.error.code).toBe('link_timeout');
      expect(r.body.error.message).toMatch(/no heartbeat/);
    } finally {
      await app.close();
    }
  });

  it('12. layers are paged with a cursor, keep department areas to their department, and can be closed to anonymous readers', async () => {
    const page1 = await call('GET', '/api/layers/farmland?limit=3');
    expect(page1.status).toBe(200);
    expect(page1.body.features).toHaveLength(3);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    expect(page1.body.total).toBeGreaterThanOrEqual(4);
    const page2 = await call('GET', page1.body.links[0].href);
    const ids1 = page1.body.features.map((f: { id: string }) => f.id);
    const ids2 = page2.body.features.map((f: { id: string }) => f.id);
    expect(ids2).toHaveLength(3);
    expect(ids2.some((id: string) => ids1.includes(id))).toBe(false);
    const own = await objectFactory(w.t.db, w.departments[0]).area();
    const anonymous = await call('GET', '/api/layers/farmland?limit=2000');
    expect(anonymous.body.features.map((f: { id: string }) => f.id)).not.toContain(own);
    const sameDept = await call('GET', '/api/layers/farmland?limit=2000', { token: tokens.officer });
    expect(sameDept.body.features.map((f: { id: string }) => f.id)).toContain(own);
    const otherDept = await call('GET', '/api/layers/farmland?limit=2000', { token: tokens.officerOther });
    expect(otherDept.body.features.map((f: { id: string }) => f.id)).not.toContain(own);
    expect((await call('GET', '/api/layers/farmland?limit=100000')).status).toBe(400);
    const closed = await otherApp({ publicLayers: false });
    try {
      expect((await call('GET', '/api/layers/farmland', { base: closed.base })).status).toBe(401);
      expect((await call('GET', '/api/layers/farmland', { base: closed.base, token: tokens.officer })).status).toBe(
        200,
      );
    } finally {
      await closed.close();
    }
  });
});

describe('Low', () => {
  it('live streams end when their session does (logout, password change)', async () => {
    const id = await objectFactory(w.t.db, w.departments[0]).drone();
    const token = await w.session('operator', 'own');
    const res = await fetch(`${w.base}/api/drones/${id}/telemetry`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect((await call('POST', '/api/auth/logout', { token })).status).toBe(204);
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('session_ended');
  });

  it('sends security headers; the docs page runs without inline script; metrics need an admin or the token', async () => {
    const r = await fetch(`${w.base}/api/health`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    const docs = await fetch(`${w.base}/api/docs`);
    expect(docs.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    expect(await docs.text()).not.toMatch(/<script>|<style>/);
    expect((await fetch(`${w.base}/api/docs.js`)).status).toBe(200);
    expect((await call('GET', '/api/metrics')).status).toBe(401);
    expect((await call('GET', '/api/metrics', { token: tokens.operator })).status).toBe(403);
    const scraper = await otherApp({ metricsToken: 'scrape-token-0123456789' });
    try {
      expect((await call('GET', '/api/metrics', { base: scraper.base, token: 'scrape-token-0123456789' })).status).toBe(
        200,
      );
      expect(
        (await call('GET', '/api/metrics', { base: scraper.base, token: 'scrape-token-0123456789x' })).status,
      ).toBe(401);
    } finally {
      await scraper.close();
    }
  });

  it('answers deeply nested JSON with 400', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = await call('POST', '/api/cases', { token: tokens.dispatcher, body: `{"a":${deep}}` });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('too_deep');
    expect(r.body.error.message).toContain(String(MAX_JSON_DEPTH));
  });

  it('keeps UTF-8 upload names, without bidi controls; a storage failure fails that file, not the batch', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .jpeg()
      .toBuffer();
    const other = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 9, g: 8, b: 7 } } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([jpeg]), '巡查照片.jpg');
    form.append('file', new Blob([other]), 'gpj\u202Eexe.jpg');
    const res = await fetch(`${w.base}/api/images`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${tokens.operator}` },
    });
    const body = (await res.json()) as { results: { name: string; status: string }[] };
    expect(body.results.map((r) => r.name)).toEqual(['巡查照片.jpg', 'gpjexe.jpg']);
    let n = 0;
    const flaky = createApp({
      db: w.t.db,
      logger: createLogger('silent'),
      imageStore: {
        async put(sha) {
          if (n++ === 0) throw new Error('ENOSPC: no space left on device');
          return { location: `/mem/${sha}`, created: true };
        },
        async remove() {},
      },
    }).listen(0, '127.0.0.1');
    await new Promise((r) => flaky.once('listening', r));
    try {
      const a = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 50, g: 60, b: 70 } } })
        .jpeg()
        .toBuffer();
      const b = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 70, g: 60, b: 50 } } })
        .jpeg()
        .toBuffer();
      const f2 = new FormData();
      f2.append('file', new Blob([a]), 'a.jpg');
      f2.append('file', new Blob([b]), 'b.jpg');
      const port = (flaky.address() as AddressInfo).port;
      const r2 = await fetch(`http://127.0.0.1:${port}/api/images`, {
        method: 'POST',
        body: f2,
        headers: { authorization: `Bearer ${tokens.operator}` },
      });
      expect(r2.status).toBe(200);
      const b2 = (await r2.json()) as { results: { status: string; reason?: string }[]; failed: number };
      expect(b2.results.map((r) => r.status)).toEqual(['failed', 'accepted']);
      expect(b2.failed).toBe(1);
      expect(JSON.stringify(b2)).not.toContain('ENOSPC');
    } finally {
      flaky.closeAllConnections();
      await new Promise((r) => flaky.close(r));
    }
  });

  it('refuses an Open311 media_url that is not http(s)', async () => {
    const { key } = await addApiKey(w.t.db, 'media-app');
    const res = await fetch(`${w.base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key,
        service_code: 'straw_burning',
        lat: String(LONGQUAN[1]),
        long: String(LONGQUAN[0]),
        media_url: 'javascript:alert(document.cookie)',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/media_url/);
  });

  it('refuses look-alike and weak user names and passwords; admins disable users and change roles, audited', async () => {
    const add = (username: string, password = 'Strong-Pw-7xq!kz') =>
      call('POST', '/api/users', { token: tokens.admin, body: { username, password, roles: ['officer'] } });
    expect((await add('wang.li')).status).toBe(201);
    for (const clash of ['Wang.Li', 'wang_li', 'wang.l1', 'ｗａｎｇ.ｌｉ'])
      expect((await add(clash)).status, clash).toBe(409);
    expect((await add('wаng')).body.error.code).toBe('confusable_username'); // Cyrillic а
    expect((await add('zhao.')).status).toBe(400);
    expect((await add('zhao', 'password123')).body.error.code).toBe('weak_password');
    expect((await add('zhao', 'zhao-zhao-zhao')).body.error.code).toBe('weak_password');
    const created = await add('zhao');
    expect(created.status).toBe(201);
    const login = await call('POST', '/api/auth/login', { body: { username: 'zhao', password: 'Strong-Pw-7xq!kz' } });
    const userToken = login.body.token as string;
    expect((await call('GET', '/api/cases', { token: userToken })).status).toBe(200);
    const role = await call('PATCH', `/api/users/${created.body.user.id}`, {
      token: tokens.admin,
      body: { roles: ['dispatcher'] },
    });
    expect(role.body.user.roles).toEqual(['dispatcher']);
    const off = await call('PATCH', `/api/users/${created.body.user.id}`, {
      token: tokens.admin,
      body: { disabled: true },
    });
    expect(off.body.user.disabled).toBe(true);
    expect((await call('GET', '/api/cases', { token: userToken })).status).toBe(401);
    expect(
      (await call('POST', '/api/auth/login', { body: { username: 'zhao', password: 'Strong-Pw-7xq!kz' } })).status,
    ).toBe(401);
    await expect.poll(() => auditRows('PATCH /users/{id}')).toHaveLength(2);
  });
});
