/**
 * `npm run bench:api`: read endpoints of the mission service with 100,000 areas (and 1,000 plans), over loopback
 * with autocannon. Prints one JSON line per case: p50/p99 latency (ms) and requests/s.
 * Embedded PGlite in a temporary directory by default; PostgreSQL with DATABASE_URL (use a scratch database:
 * the bench creates its rows there). AREAS / DURATION_S / CONNECTIONS override the sizes.
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSession, createUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPgliteDb } from '../db/pglite-db.ts';
import { openPostgresDb } from '../db/pg-db.ts';
import { createApp } from '../http/app.ts';
import { createLogger } from '../logger.ts';

const AREAS = Number(process.env.AREAS ?? 100_000);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
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

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  let dir: string | undefined;
  let db: Db;
  if (url) db = await openPostgresDb(url, { max: CONNECTIONS + 2 });
  else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-bench-'));
    db = await openPgliteDb(dir);
  }
  try {
    await migrate(db);
    const t0 = Date.now();
    await seed(db);
    const seedS = (Date.now() - t0) / 1000;
    await db.query(`DELETE FROM users WHERE username = 'bench-reader'`);
    const user = await createUser(db, {
      username: 'bench-reader',
      password: 'Reading-Areas-Pw-7x',
      roles: ['officer'],
    });
    const token = await createSession(db, user.id);
    const server = createApp({ db, logger: createLogger('silent') }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
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
    server.closeAllConnections();
    server.close();
    if (url) {
      await db.query(`DELETE FROM plans WHERE id LIKE 'bench-%'`);
      await db.query(`DELETE FROM areas WHERE id LIKE 'bench-%'`);
    }
  } finally {
    await db.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
