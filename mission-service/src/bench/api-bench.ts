/**
 * `npm run bench:api`: read endpoints of the mission service over loopback. Prints one JSON line per case.
 * - areas: 100,000 areas (and 1,000 plans), with autocannon: p50/p99 latency (ms) and requests/s.
 * - review: the officer's review queue, `GET /api/incidents` over 10,000 seeded incidents (review-seed.ts) with a
 *   bbox + state filter and a class + score filter, one request at a time: p50/p95/p99 (target p99 < 50 ms).
 * - thumbnail: a 12 MP JPEG uploaded through `POST /api/images`, then `GET /api/images/{sha256}/thumbnail`: the
 *   first (made now) request, then cached ones and 304 revalidations: p50/p95 (target p95 < 100 ms).
 * Embedded PGlite (on its own thread, as `xuncha serve` runs it) in a temporary directory by default; PostgreSQL with DATABASE_URL (use a scratch database:
 * the bench creates its rows there). BENCH=areas,review,thumbnail picks parts; AREAS / INCIDENTS / REQUESTS /
 * DURATION_S / CONNECTIONS override the sizes.
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSession, createUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPgliteThreadDb } from '../db/pglite-thread-db.ts';
import { openPostgresDb } from '../db/pg-db.ts';
import { createApp } from '../http/app.ts';
import { createLogger } from '../logger.ts';
import { twelveMegapixelJpeg } from './bench-photo.ts';
import { measure } from './latency.ts';
import { BENCH_FLIGHTS, clearReviewSeed, flightCentre, seedReviewQueue } from './review-seed.ts';

const AREAS = Number(process.env.AREAS ?? 100_000);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const INCIDENTS = Number(process.env.INCIDENTS ?? 10_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const PARTS = new Set((process.env.BENCH ?? 'areas,review,thumbnail').split(','));
// Longquan-sized extent; each bench area is a ~100 m square.
const W = 118.8;
const S = 27.7;
const SPAN = 0.7;

async function seed(db: Db): Promise<void> {
  await db.query(`DELETE FROM plans WHERE id LIKE 'bench-%'`);
  await db.query(`DELETE FROM areas WHERE id LIKE 'bench-%'`);
  // Deterministic scatter (no random()): positions from multiplicative hashing of the index.
  await db.query(
    `INSERT INTO areas (id, kind, name, properties, geom)
     SELECT 'bench-' || i, 'farmland', '基准田 ' || i, jsonb_build_object('crop', '水稻'),
            ST_MakeEnvelope(x, y, x + 0.001, y + 0.001, 4326)
       FROM (SELECT i, $1 + ((i::bigint * 7919) % 100003) / 100003.0 * $3 AS x, $2 + ((i::bigint * 104729) % 100019) / 100019.0 * $3 AS y
               FROM generate_series(1, $4::int) AS i) s`,
    [W, S, SPAN, AREAS],
  );
  await db.query(
    `INSERT INTO plans (id, name, pattern, area_ids, document, route)
     SELECT 'bench-plan-' || i, 'plan ' || i, 'survey', ARRAY['bench-' || i], '{"version":1,"sorties":[],"stats":{}}'::jsonb,
            ST_MakeLine(ST_MakePoint(x, y), ST_MakePoint(x + 0.01, y + 0.01))
       FROM (SELECT i, $1 + ((i::bigint * 7919) % 1009) / 1009.0 * $3 AS x, $2 + ((i::bigint * 104729) % 1013) / 1013.0 * $3 AS y
               FROM generate_series(1, 1000) AS i) s`,
    [W, S, SPAN],
  );
  await db.exec('ANALYZE areas; ANALYZE plans;');
}

function run(url: string, token: string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: DURATION_S, headers: { authorization: `Bearer ${token}` } },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

async function benchAreas(db: Db, base: string, token: string): Promise<void> {
  const t0 = Date.now();
  await seed(db);
  const seedS = (Date.now() - t0) / 1000;
  // A ~2 km × 2 km window (a village) returns a few dozen areas; a ~10 km window a few hundred.
  const cases: [string, string][] = [
    ['areas bbox 0.02°', `${base}/areas?kind=farmland&bbox=119.10,28.00,119.12,28.02`],
    ['areas bbox 0.1°', `${base}/areas?kind=farmland&bbox=119.10,28.00,119.20,28.10&limit=10000`],
    ['areas page 100', `${base}/areas?kind=farmland&limit=100&offset=50000`],
    ['plans bbox 0.1°', `${base}/plans?bbox=119.10,28.00,119.20,28.10&limit=100`],
  ];
  for (const [name, u] of cases) {
    const probe = await fetch(u, { headers: { authorization: `Bearer ${token}` } });
    const body = (await probe.json()) as { features?: unknown[]; plans?: unknown[] };
    const r = await run(u, token);
    console.log(
      JSON.stringify({
        bench: 'api',
        case: name,
        backend: db.backend,
        areas: AREAS,
        items: (body.features ?? body.plans ?? []).length,
        connections: CONNECTIONS,
        durationS: DURATION_S,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        reqPerS: r.requests.average,
        non2xx: r.non2xx,
        seedS,
      }),
    );
  }
}

/** GETs `url` and reads the whole answer; a status other than `expect` stops the bench. */
async function get(url: string, headers: Record<string, string>, expect = 200): Promise<Response> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== expect) throw new Error(`${url}: HTTP ${res.status}, expected ${expect}`);
  return res;
}

async function benchReviewQueue(db: Db, base: string, token: string, seedS: number): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  // A ~5 km window (a township's patrol) around the area of one of the flights, a different one each request.
  const bboxUrl = (i: number) => {
    const [x, y] = flightCentre(1 + ((i * 37) % BENCH_FLIGHTS));
    const bbox = [x - 0.025, y - 0.025, x + 0.025, y + 0.025].map((v) => v.toFixed(5)).join(',');
    return `${base}/incidents?state=to_review&bbox=${bbox}`;
  };
  const classes = ['straw_burning', 'sewage_outfall', 'exposed_slope'];
  const classUrl = (i: number) =>
    `${base}/incidents?class=${classes[i % 3]}&minScore=${(0.5 + (i % 5) * 0.1).toFixed(1)}`;
  const cases: [string, (i: number) => string][] = [
    ['incidents bbox 0.05° + state=to_review', bboxUrl],
    ['incidents class + minScore', classUrl],
  ];
  for (const [name, url] of cases) {
    const probe = (await (await fetch(url(0), { headers: auth })).json()) as { items: unknown[]; total: number };
    const r = await measure(REQUESTS, async (i) => void (await get(url(i), auth)));
    console.log(
      JSON.stringify({
        bench: 'api',
        case: name,
        backend: db.backend,
        incidents: INCIDENTS,
        items: probe.items.length,
        total: probe.total,
        ...r,
        targetP99Ms: 50,
        seedS,
      }),
    );
  }
}

async function benchThumbnail(db: Db, base: string, token: string): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const photo = await twelveMegapixelJpeg();
  const form = new FormData();
  form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'DJI_20261103101500_0001_W.JPG');
  const up = await fetch(`${base}/images?flightId=bench-flight-1`, { method: 'POST', headers: auth, body: form });
  const result = (await up.json()) as { results: { status: string; sha256?: string; reason?: string }[] };
  const sha = result.results[0]?.sha256;
  if (up.status !== 200 || !sha) throw new Error(`photo upload failed: HTTP ${up.status} ${JSON.stringify(result)}`);
  const url = `${base}/images/${sha}/thumbnail`;
  const t0 = performance.now();
  const first = await get(url, auth);
  const firstMs = Math.round((performance.now() - t0) * 100) / 100;
  const etag = first.headers.get('etag')!;
  const cached = await measure(REQUESTS, async () => void (await get(url, auth)));
  const revalidated = await measure(
    REQUESTS,
    async () => void (await get(url, { ...auth, 'if-none-match': etag }, 304)),
  );
  const common = { bench: 'api', backend: db.backend, photoPx: '4000x3000', photoBytes: photo.length };
  const thumbBytes = Number(first.headers.get('content-length'));
  console.log(JSON.stringify({ ...common, case: 'thumbnail 512 first (made now)', firstMs, thumbBytes }));
  console.log(JSON.stringify({ ...common, case: 'thumbnail 512 cached', ...cached, thumbBytes, targetP95Ms: 100 }));
  console.log(JSON.stringify({ ...common, case: 'thumbnail 512 304 revalidation', ...revalidated, targetP95Ms: 100 }));
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  // Photos and thumbnails always go to a temporary folder (the database may be a shared PostgreSQL).
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-bench-'));
  const db: Db = url
    ? await openPostgresDb(url, { max: CONNECTIONS + 2 })
    : await openPgliteThreadDb(path.join(dataDir, 'db'));
  try {
    await migrate(db);
    await db.query(`DELETE FROM users WHERE username = 'bench-reader'`);
    const user = await createUser(db, {
      username: 'bench-reader',
      password: 'Reading-Areas-Pw-7x',
      roles: ['officer'],
    });
    const token = await createSession(db, user.id);
    let reviewSeedS = 0;
    let officerToken: string | undefined;
    if (PARTS.has('review') || PARTS.has('thumbnail')) {
      const t0 = Date.now();
      await seedReviewQueue(db, INCIDENTS);
      reviewSeedS = (Date.now() - t0) / 1000;
      // The reviewer: an officer (who also uploads, as a dock operator) of one of the two departments, so the
      // department rule is part of every query, as for a real officer.
      const officer = await createUser(db, {
        username: 'bench-officer',
        password: 'Reviewing-Incidents-Pw-7x',
        roles: ['officer', 'operator'],
        departmentId: 'bench-dept-a',
      });
      officerToken = await createSession(db, officer.id);
    }
    const server = createApp({ db, dataDir, logger: createLogger('silent') }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    try {
      if (PARTS.has('areas')) await benchAreas(db, base, token);
      if (officerToken && PARTS.has('review')) await benchReviewQueue(db, base, officerToken, reviewSeedS);
      if (officerToken && PARTS.has('thumbnail')) await benchThumbnail(db, base, officerToken);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    if (url) {
      await db.query(`DELETE FROM plans WHERE id LIKE 'bench-%'`);
      await db.query(`DELETE FROM areas WHERE id LIKE 'bench-%'`);
      await clearReviewSeed(db);
    }
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
