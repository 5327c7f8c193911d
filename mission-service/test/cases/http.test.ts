import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/index.ts';
import { createApp } from '../../src/http/app.ts';
import { DEFAULT_SECURITY } from '../../src/http/security-options.ts';
import { createLogger } from '../../src/logger.ts';
import { changeFeedOf } from '../../src/events/change-feed.ts';
import { caseMap } from '../../src/cases/case-map.ts';
import { addApiKey } from '../../src/open311/api-keys.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';

let t: TestDb;
let server: Server;
let base: string;
const tokens: Record<string, string> = {};
let apiKey = '';
let inXinhua: [number, number];
let inGongtou: [number, number];

async function call(
  method: string,
  path: string,
  who: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // Test-side JSON of many shapes: loosely typed on purpose.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers, text };
}

async function form(path: string, fields: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

beforeAll(async () => {
  t = await createTestDb();
  const users = [
    { username: 'disp', roles: ['dispatcher'] as const, departmentId: null },
    { username: 'eco', roles: ['officer'] as const, departmentId: 'dept-ecology' },
    { username: 'water', roles: ['officer'] as const, departmentId: 'dept-water' },
    { username: 'slope', roles: ['officer'] as const, departmentId: 'dept-natural-resources' },
    { username: 'op', roles: ['operator'] as const, departmentId: null },
    { username: 'boss', roles: ['admin'] as const, departmentId: null },
  ];
  for (const u of users)
    await createUser(t.db, {
      username: u.username,
      password: 'Secret-Pw-7xq!kz',
      roles: [...u.roles],
      departmentId: u.departmentId,
    });
  server = createApp({
    db: t.db,
    logger: createLogger('silent'),
    // Receivers of these tests run on loopback (allow-listed); the rate limits are the abuse tests' business.
    security: {
      ...DEFAULT_SECURITY,
      webhooks: { allow: ['127.0.0.1/32'] },
      open311: { anonymousPerMin: 1e6, anonymousTotalPerMin: 1e6, anonymousInFlight: 1e6, keyPerMin: 1e6 },
    },
  }).listen(0, '127.0.0.1');
  // A loaded machine may pause longer than Node's 5 s keep-alive between two requests: no resets mid-test.
  server.keepAliveTimeout = 120_000;
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const u of users) {
    const r = await call('POST', '/api/auth/login', null, { username: u.username, password: 'Secret-Pw-7xq!kz' });
    expect(r.status).toBe(200);
    tokens[u.username] = r.body.token;
  }
  apiKey = (await addApiKey(t.db, 'grassroots-app')).key;
  const pts = await t.db.query<{ id: string; lon: number; lat: number }>(
    `SELECT id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE id IN ('jur-longyuan-xinhua', 'jur-xijie-gongtou')`,
  );
  for (const p of pts.rows) {
    if (p.id === 'jur-longyuan-xinhua') inXinhua = [Number(p.lon), Number(p.lat)];
    else inGongtou = [Number(p.lon), Number(p.lat)];
  }
});
afterAll(async () => {
  server?.close();
  await t?.dispose();
});

describe('cases over HTTP', () => {
  let caseId = '';
  it('takes a hotline report, once per idempotency key, and needs a session', async () => {
    const body = {
      category: 'sewage_outfall',
      position: { type: 'Point', coordinates: inGongtou },
      source: 'hotline',
      description: '12345：河道有异味',
    };
    expect((await call('POST', '/api/cases', null, body)).status).toBe(401);
    const r1 = await call('POST', '/api/cases', 'disp', body, { 'idempotency-key': 'hotline-0001' });
    expect(r1.status).toBe(201);
    expect(r1.body.case).toMatchObject({ state: 'new', source: 'hotline', departmentId: 'dept-ecology' });
    caseId = r1.body.caseId;
    const r2 = await call('POST', '/api/cases', 'disp', body, { 'idempotency-key': 'hotline-0001' });
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({ outcome: 'existing', caseId });
  });

  it('answers bad input with a clear 4xx naming the field', async () => {
    const unknown = await call('POST', '/api/cases', 'disp', {
      category: 'littering',
      position: { type: 'Point', coordinates: inGongtou },
      source: 'hotline',
      description: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/category.*unknown category/);
    const outside = await call('POST', '/api/cases', 'disp', {
      category: 'straw_burning',
      position: { type: 'Point', coordinates: [-74, 40.7] },
      source: 'hotline',
      description: 'x',
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/position\.coordinates.*outside China/);
    const badState = await call('GET', '/api/cases?state=open', 'disp');
    expect(badState.status).toBe(400);
  });

  it('moves the case through its states with the right roles, and refuses the wrong ones', async () => {
    expect((await call('POST', `/api/cases/${caseId}/transitions`, 'eco', { action: 'accept' })).status).toBe(403);
    expect((await call('POST', `/api/cases/${caseId}/transitions`, 'disp', { action: 'accept' })).status).toBe(200);
    const illegal = await call('POST', `/api/cases/${caseId}/transitions`, 'disp', { action: 'close' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.code).toBe('illegal_transition');
    expect(
      (await call('POST', `/api/cases/${caseId}/transitions`, 'disp', { action: 'dispatch', note: '派生态环境局' }))
        .status,
    ).toBe(200);
    // The assisting department (water) sees the case but does not lead it.
    expect((await call('POST', `/api/cases/${caseId}/transitions`, 'water', { action: 'start' })).status).toBe(403);
    // An unrelated department neither sees it nor acts on it (404, as reading it).
    expect((await call('POST', `/api/cases/${caseId}/transitions`, 'slope', { action: 'start' })).status).toBe(404);
    expect((await call('POST', `/api/cases/${caseId}/transitions`, 'eco', { action: 'start' })).status).toBe(200);
    const detail = await call('GET', `/api/cases/${caseId}`, 'eco');
    expect(detail.status).toBe(200);
    expect(detail.body.events.map((e: { toState: string }) => e.toState)).toEqual([
      'new',
      'accepted',
      'dispatched',
      'in_progress',
    ]);
    expect(detail.body.reports).toHaveLength(1);
    // An officer of an unrelated department neither sees it nor finds it in a list.
    expect((await call('GET', `/api/cases/${caseId}`, 'slope')).status).toBe(404);
    const listed = await call('GET', '/api/cases', 'slope');
    expect(listed.body.items.map((c: { id: string }) => c.id)).not.toContain(caseId);
  });

  it('lists by bbox and state', async () => {
    const [lon, lat] = inGongtou;
    const r = await call(
      'GET',
      `/api/cases?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}&state=in_progress`,
      'disp',
    );
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
    const none = await call('GET', `/api/cases?bbox=100,20,100.1,20.1`, 'disp');
    expect(none.body.items).toEqual([]);
    expect(none.body).toMatchObject({ total: 0, nextCursor: null });
  });

  it('gives the map every case of the filter in one answer of columns, to those who may see them', async () => {
    const [lon, lat] = inGongtou;
    const all = await call('GET', '/api/cases/map', 'disp');
    expect(all.status).toBe(200);
    const m = all.body;
    const i = m.id.indexOf(caseId);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(m).toMatchObject({ total: m.id.length, truncated: false });
    for (const col of ['lon', 'lat', 'state', 'category', 'severity', 'createdAt', 'acceptDueAt', 'resolveDueAt'])
      expect(m[col], col).toHaveLength(m.id.length);
    expect(m.lon[i]).toBeCloseTo(lon, 6);
    expect(m.lat[i]).toBeCloseTo(lat, 6);
    expect([m.state[i], m.category[i], m.severity[i]]).toEqual(['in_progress', 'sewage_outfall', 'normal']);
    // SLA clocks as epoch milliseconds, the same instants as the full case.
    const full = (await call('GET', `/api/cases/${caseId}`, 'disp')).body.case;
    expect(m.resolveDueAt[i]).toBe(Date.parse(full.resolveDueAt));
    expect(m.acceptedAt[i]).toBe(Date.parse(full.acceptedAt));
    expect(m.createdAt[i]).toBe(Date.parse(full.createdAt));
    // The same visibility as the list: the leading and the assisting department see it, an unrelated one not.
    const ids = async (who: string, q = '') => (await call('GET', `/api/cases/map${q}`, who)).body.id as string[];
    expect(await ids('eco')).toContain(caseId);
    expect(await ids('water')).toContain(caseId);
    expect(await ids('slope')).not.toContain(caseId);
    const listed = await call('GET', '/api/cases?limit=500', 'slope');
    expect((await ids('slope')).sort()).toEqual(listed.body.items.map((c: { id: string }) => c.id).sort());
    // The list's filters, and text in the id, address or description (`%` and `_` are plain characters).
    expect(await ids('disp', '?state=in_progress,dispatched')).toContain(caseId);
    expect(await ids('disp', '?state=new')).not.toContain(caseId);
    expect(await ids('disp', '?category=sewage_outfall')).toContain(caseId);
    expect(await ids('disp', '?category=straw_burning')).not.toContain(caseId);
    expect(await ids('disp', `?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`)).toContain(caseId);
    expect(await ids('disp', '?bbox=100,20,100.1,20.1')).toEqual([]);
    expect(await ids('disp', `?text=${encodeURIComponent('有异味')}`)).toEqual([caseId]);
    expect(await ids('disp', `?text=${encodeURIComponent(caseId.slice(-6).toUpperCase())}`)).toContain(caseId);
    expect(await ids('disp', '?text=%25')).toEqual([]);
    expect(await ids('disp', `?text=${encodeURIComponent('有_味')}`)).toEqual([]);
    expect((await call('GET', '/api/cases/map', null)).status).toBe(401);
  });

  it('says when the map answer holds only the newest cases of a larger filter', async () => {
    const second = await call('POST', '/api/cases', 'disp', {
      category: 'straw_burning',
      position: { type: 'Point', coordinates: inXinhua },
      source: 'grid_worker',
      description: '网格员：田里冒烟',
    });
    expect(second.status).toBe(201);
    const all = await caseMap(t.db, {}, 1000);
    expect(all.truncated).toBe(false);
    expect(all.id.length).toBeGreaterThanOrEqual(2);
    const newest = await caseMap(t.db, {}, 1);
    expect(newest).toMatchObject({ truncated: true, total: all.id.length, id: [all.id[0]] });
    expect(newest.createdAt[0]).toBe(Math.max(...all.createdAt));
  });

  it('gives the live map the pins of named cases only, within the filter and what the caller may see', async () => {
    const ids = async (who: string, q: string) => (await call('GET', `/api/cases/map${q}`, who)).body.id as string[];
    // The previous test filed a second case (straw burning).
    const other = (await ids('disp', '?category=straw_burning'))[0]!;
    expect(other).toBeDefined();
    const both = `?ids=${caseId},${other}`;
    expect((await ids('disp', both)).sort()).toEqual([caseId, other].sort());
    const one = (await call('GET', `/api/cases/map?ids=${caseId}`, 'disp')).body;
    expect(one).toMatchObject({ total: 1, truncated: false, id: [caseId], state: ['in_progress'] });
    // A named case outside the filter or the caller's sight is simply not in the answer: it leaves the map.
    expect(await ids('disp', `${both}&state=new`)).not.toContain(caseId);
    expect(await ids('disp', `${both}&category=straw_burning`)).toEqual([other]);
    expect(await ids('slope', `?ids=${caseId}`)).toEqual([]);
    expect(await ids('eco', `?ids=${caseId}`)).toEqual([caseId]);
    expect(await ids('disp', '?ids=no-such-case')).toEqual([]);
    // Repeated ids are one look-up.
    expect(await ids('disp', `?ids=${caseId},${caseId}`)).toEqual([caseId]);
  });

  it('answers a bad ids look-up with a clear 400', async () => {
    for (const q of ['ids=', 'ids=a,,b', `ids=${encodeURIComponent('a b')}`, `ids=${'x'.repeat(65)}`]) {
      const r = await call('GET', `/api/cases/map?${q}`, 'disp');
      expect(r.status, q).toBe(400);
      expect(r.body.error.message, q).toMatch(/ids/);
    }
    const many = Array.from({ length: 201 }, (_, i) => `c${i}`).join(',');
    const r = await call('GET', `/api/cases/map?ids=${many}`, 'disp');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/一次最多 200 个案件编号 \/ at most 200 case ids at once/);
  });

  it('answers a bad map filter with a clear 400 naming it', async () => {
    const state = await call('GET', '/api/cases/map?state=open', 'disp');
    expect(state.status).toBe(400);
    expect(state.body.error.message).toMatch(/state/);
    const category = await call('GET', '/api/cases/map?category=littering', 'disp');
    expect(category.status).toBe(400);
    expect(category.body.error.message).toMatch(/未知类别 \/ unknown category/);
    const bbox = await call('GET', '/api/cases/map?bbox=120,28,119,29', 'disp');
    expect(bbox.status).toBe(400);
    expect(bbox.body.error.message).toMatch(/bbox/);
    const long = await call('GET', `/api/cases/map?text=${'x'.repeat(201)}`, 'disp');
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/text/);
    // Paging is the list's business: the map has no pages.
    const paged = await call('GET', '/api/cases/map?limit=10', 'disp');
    expect(paged.status).toBe(400);
    expect(paged.body.error.message).toMatch(/limit/);
  });

  it('lets an admin edit a year of the calendar, and others only read it', async () => {
    const y = await call('GET', '/api/calendar/2026', 'disp');
    expect(y.status).toBe(200);
    expect(y.body.published).toBe(true);
    expect(y.body.days.find((d: { day: string }) => d.day === '2026-10-10')).toMatchObject({ isWorkday: true });
    const days = [{ day: '2032-01-01', isWorkday: false, name: '元旦' }];
    expect((await call('PUT', '/api/calendar/2032?replace=true', 'disp', { days })).status).toBe(403);
    // replacing a whole year must be meant: without the flag nothing changes and the answer names the parameter
    const unflagged = await call('PUT', '/api/calendar/2032', 'boss', { days });
    expect(unflagged.status).toBe(400);
    expect(unflagged.body.error).toMatchObject({ code: 'invalid_input', details: [{ field: 'replace', in: 'query' }] });
    expect((await call('GET', '/api/calendar/2032', 'disp')).body.published).toBe(false);
    const put = await call('PUT', '/api/calendar/2032?replace=true', 'boss', { days });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ year: 2032, published: true, source: 'admin' });
    expect(
      (
        await call('PUT', '/api/calendar/2032?replace=true', 'boss', {
          days: [{ day: '2031-05-01', isWorkday: false }],
        })
      ).status,
    ).toBe(400);
    const twice = await call('PUT', '/api/calendar/2032?replace=true', 'boss', {
      days: [
        { day: '2032-05-01', isWorkday: false },
        { day: '2032-05-01', isWorkday: true },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({ code: 'duplicate_day', message: expect.stringMatching(/listed twice/) });
    // The refused edit left the year as it was.
    expect((await call('GET', '/api/calendar/2032', 'disp')).body.days).toMatchObject([{ day: '2032-01-01' }]);
  });

  it('exports statistics as JSON, CSV and XLSX', async () => {
    const q = 'from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
    const j = await call('GET', `/api/stats/cases?${q}`, 'disp');
    expect(j.status).toBe(200);
    expect(j.body.overall.filed).toBeGreaterThanOrEqual(1);
    expect(j.body.byDepartment.some((r: { key: string }) => r.key === 'dept-ecology')).toBe(true);
    const csv = await call('GET', `/api/stats/cases?${q}&format=csv`, 'disp');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text).toContain('办结率 / closure rate');
    const x = await fetch(`${base}/api/stats/cases?${q}&format=xlsx`, {
      headers: { authorization: `Bearer ${tokens.disp}` },
    });
    expect(x.status).toBe(200);
    const files = unzipSync(new Uint8Array(await x.arrayBuffer()));
    expect(Object.keys(files)).toContain('xl/worksheets/sheet1.xml');
    expect(strFromU8(files['xl/worksheets/sheet1.xml']!)).toContain('按时办结率 / resolve on time');
    expect(
      (await call('GET', `/api/stats/cases?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z`, 'disp')).status,
    ).toBe(400);
    expect((await call('GET', `/api/stats/cases?${q}`, 'op')).status).toBe(403);
  });

  it('manages webhook subscriptions (admin only)', async () => {
    expect((await call('POST', '/api/webhooks', 'disp', { url: 'http://127.0.0.1:1/x' })).status).toBe(403);
    const r = await call('POST', '/api/webhooks', 'boss', { url: 'http://127.0.0.1:1/x', sources: ['open311'] });
    expect(r.status).toBe(201);
    expect(r.body.secret).toBeTruthy();
    const list = await call('GET', '/api/webhooks', 'boss');
    expect(JSON.stringify(list.body)).not.toContain(r.body.secret);
  });
});

const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/** A GET with exactly these headers (fetch would decompress by itself): the head, and the body as it came. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ res: IncomingMessage; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('compressed answers', () => {
  it('sends a large JSON answer compressed to a client that accepts it, the same JSON as uncompressed', async () => {
    const auth = { authorization: `Bearer ${tokens.disp}` };
    const plain = await rawGet('/api/openapi.json', { ...auth, 'accept-encoding': 'identity' });
    expect(plain.res.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(100_000);
    const doc = JSON.parse(plain.bytes.toString('utf8'));
    expect(plain.res.headers.vary).toMatch(/accept-encoding/i);

    const gz = await rawGet('/api/openapi.json', { ...auth, 'accept-encoding': 'gzip' });
    expect(gz.res.statusCode).toBe(200);
    expect(gz.res.headers['content-encoding']).toBe('gzip');
    expect(gz.res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 4);
    expect(JSON.parse(gunzipSync(gz.bytes).toString('utf8'))).toEqual(doc);

    const br = await rawGet('/api/openapi.json', { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.res.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.bytes).toString('utf8'))).toEqual(doc);

    // The map's GeoJSON-like columns and errors too; a small answer is not worth it.
    const map = await rawGet('/api/cases/map?state=in_progress', { ...auth, 'accept-encoding': 'gzip' });
    expect(map.res.statusCode).toBe(200);
    expect(map.res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(map.bytes.toString('utf8')).id.length).toBeGreaterThan(0);
  });

  it('keeps an event stream uncompressed, each event flushed as it happens', async () => {
    await changeFeedOf(t.db).ready();
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events?topics=cases`, {
      headers: { authorization: `Bearer ${tokens.disp}`, 'accept-encoding': 'gzip, br' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-encoding')).toBeNull();
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    const until = async (s: string) => {
      while (!text.includes(s)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${s}`);
        text += dec.decode(value, { stream: true });
      }
    };
    // The greeting arrives while the stream stays open: nothing waits for the end to compress it.
    await until('event: hello');
    const filed = await call('POST', '/api/cases', 'disp', {
      category: 'exposed_slope',
      position: { type: 'Point', coordinates: inXinhua },
      source: 'grid_worker',
      description: '压缩测试 / compression test',
    });
    expect(filed.status).toBe(201);
    await until(filed.body.caseId);
    expect(text).toMatch(/event: case\ndata: \{/);
    controller.abort();
  });
});

describe('Open311 GeoReport v2', () => {
  let requestId = '';
  it('lists services in JSON and XML with the spec’s fields and types', async () => {
    const r = await call('GET', '/open311/v2/services.json', null);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
    for (const s of r.body) {
      expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
      expect(typeof s.service_code).toBe('string');
      expect(typeof s.metadata).toBe('boolean');
      expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
      expect(typeof s.keywords).toBe('string');
    }
    const x = await fetch(`${base}/open311/v2/services.xml`);
    expect(x.headers.get('content-type')).toMatch(/application\/xml/);
    const xml = await x.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service><service_code>/);
    expect(xml.match(/<service>/g)).toHaveLength(3);
  });

  it('gives a service definition with typed attributes, 404 for an unknown service', async () => {
    const r = await call('GET', '/open311/v2/services/straw_burning.json', null);
    expect(r.body.service_code).toBe('straw_burning');
    const a = r.body.attributes[0];
    expect(a).toMatchObject({
      variable: true,
      code: 'severity',
      datatype: 'singlevaluelist',
      required: false,
      order: 1,
    });
    expect(a.values.map((v: { key: string }) => v.key)).toEqual(['urgent', 'normal']);
    const x = await fetch(`${base}/open311/v2/services/straw_burning.xml`);
    expect(await x.text()).toContain('<attributes><attribute><variable>true</variable>');
    const missing = await call('GET', '/open311/v2/services/potholes.json', null);
    expect(missing.status).toBe(404);
    expect(missing.body[0]).toMatchObject({ code: 404 });
    expect(typeof missing.body[0].description).toBe('string');
  });

  it('creates a request with an api_key (form-encoded) and refuses missing fields', async () => {
    const fields = {
      api_key: apiKey,
      service_code: 'sewage_outfall',
      lat: String(inXinhua[1]),
      long: String(inXinhua[0]),
      description: '河边有排污口 <冒泡> & 异味',
      address_string: '新华社区河段',
      first_name: '张',
      email: 'z@example.com',
      'attribute[severity]': 'urgent',
    };
    const r = await form('/open311/v2/requests.json', fields);
    expect(r.status).toBe(201);
    const created = JSON.parse(r.text) as { service_request_id: string; service_notice: string; account_id: null }[];
    expect(Object.keys(created[0]!).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    requestId = created[0]!.service_request_id;
    expect(typeof requestId).toBe('string');

    const missingKey = await form('/open311/v2/requests.json', { ...fields, api_key: '' });
    expect(missingKey.status).toBe(400);
    expect(JSON.parse(missingKey.text)[0].description).toMatch(/api_key/);
    expect((await form('/open311/v2/requests.json', { ...fields, api_key: 'x311_forged' })).status).toBe(403);
    const { lat: _lat, ...noLat } = fields;
    const noLatRes = await form('/open311/v2/requests.xml', noLat);
    expect(noLatRes.status).toBe(400);
    expect(noLatRes.text).toMatch(/<errors><error><code>400<\/code><description>[^<]*lat is required/);
    const { service_code: _c, ...noCode } = fields;
    expect((await form('/open311/v2/requests.json', noCode)).status).toBe(400);
    expect((await form('/open311/v2/requests.json', { ...fields, service_code: 'potholes' })).status).toBe(400);
    expect((await form('/open311/v2/requests.json', { ...fields, lat: '51.5', long: '-0.12' })).status).toBe(400);
    expect((await form('/open311/v2/requests.json', { ...fields, lat: 'north' })).status).toBe(400);
    // Only the key's hash is stored.
    const keys = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
    expect(keys.rows.map((k) => k.key_hash)).toEqual([createHash('sha256').update(apiKey).digest('hex')]);
    const c = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE source = 'open311'`);
    expect(Number(c.rows[0]!.n)).toBe(1);
  });

  it('returns the request with the spec’s fields, types, status and the SLA deadline as expected_datetime', async () => {
    const r = await call('GET', `/open311/v2/requests/${requestId}.json`, null);
    expect(r.status).toBe(200);
    const req = r.body[0];
    expect(Object.keys(req).sort()).toEqual([...REQUEST_FIELDS].sort());
    expect(req).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      service_code: 'sewage_outfall',
      address: '新华社区河段',
    });
    expect(typeof req.lat).toBe('number');
    expect(typeof req.long).toBe('number');
    expect(req.lat).toBeCloseTo(inXinhua[1], 6);
    for (const k of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(req[k]).toMatch(W3C);
    // Urgent: resolution due 24 h after the request.
    expect(Date.parse(req.expected_datetime) - Date.parse(req.requested_datetime)).toBe(86_400_000);
    expect(req.agency_responsible).toContain('生态环境');
    const x = await fetch(`${base}/open311/v2/requests/${requestId}.xml`);
    const xml = await x.text();
    expect(xml).toContain(
      `<service_requests><request><service_request_id>${requestId}</service_request_id><status>open</status>`,
    );
    expect(xml).toContain('&lt;冒泡&gt; &amp; 异味');
    expect((await call('GET', '/open311/v2/requests/case_nope.json', null)).status).toBe(404);
  });

  it('filters requests by id list, service_code, dates and status, and maps closed states', async () => {
    const byId = await call(
      'GET',
      `/open311/v2/requests.json?service_request_id=${requestId},case_nope&status=closed`,
      null,
    );
    expect(byId.body.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([requestId]);
    const open = await call('GET', '/open311/v2/requests.json?service_code=sewage_outfall&status=open', null);
    expect(open.body.map((x: { service_request_id: string }) => x.service_request_id)).toContain(requestId);
    const wrongCode = await call('GET', '/open311/v2/requests.json?service_code=exposed_slope', null);
    expect(wrongCode.body.map((x: { service_request_id: string }) => x.service_request_id)).not.toContain(requestId);
    const past = await call(
      'GET',
      '/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z',
      null,
    );
    expect(past.body).toEqual([]);
    expect((await call('GET', '/open311/v2/requests.json?start_date=yesterday', null)).status).toBe(400);
    expect((await call('GET', '/open311/v2/requests.json?status=pending', null)).status).toBe(400);
    // Reject it as a false positive: Open311 shows it closed.
    expect(
      (await call('POST', `/api/cases/${requestId}/transitions`, 'disp', { action: 'reject', note: '误报' })).status,
    ).toBe(200);
    const closed = await call('GET', '/open311/v2/requests.json?status=closed', null);
    const mine = closed.body.find((x: { service_request_id: string }) => x.service_request_id === requestId);
    expect(mine.status).toBe('closed');
  });
});
