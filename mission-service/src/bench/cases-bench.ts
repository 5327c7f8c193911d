/**
 * `npm run bench:cases [-- --cases N --file M --queries Q --fresh]`: the cases module on PostgreSQL with N
 * cases (default 1,000,000, generated in SQL with generate_series over the Longquan area and the last year):
 * filing rate through fileCase (cases/s), p50/p99 of a bbox+status list query, statistics over a year.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:55432/xuncha_bench_cases) names a database the bench
 * creates and owns. Prints one JSON line per measurement.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { fileCase, listCases, CASE_CATEGORIES } from '../cases/index.ts';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPostgresDb } from '../db/pg-db.ts';
import { loadSampleDataOnce } from '../db/seed-sample-data.ts';
import { getCaseStats } from '../stats/index.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return Math.floor(v);
}

const N = arg('cases', 1_000_000);
const FILE = arg('file', 2000);
const QUERIES = arg('queries', 1000);
const CONCURRENCY = arg('concurrency', 8);
const FRESH = process.argv.includes('--fresh');
const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/xuncha_bench_cases';
const AREA = { west: 119.03, south: 28.0, east: 119.25, north: 28.13 };

function emit(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

async function admin(sql: string): Promise<void> {
  const u = new URL(URL_);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function prepare(): Promise<Db> {
  const name = new URL(URL_).pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`database name "${name}" must be a plain identifier`);
  if (FRESH) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`).catch((e: Error) => {
    if (!/already exists/.test(e.message)) throw e;
  });
  let db = await openPostgresDb(URL_, { max: CONCURRENCY + 2 });
  await migrate(db);
  await loadSampleDataOnce(db);
  const have = Number(
    (await db.query<{ n: number }>(`SELECT count(*) AS n FROM cases WHERE id LIKE 'bench-%'`)).rows[0]!.n,
  );
  if (have !== N) {
    if (have > 0) {
      // Generated rows and the cases filed by earlier runs (with append-only logs): start over.
      await db.close();
      await admin(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      db = await openPostgresDb(URL_, { max: CONCURRENCY + 2 });
      await migrate(db);
      await loadSampleDataOnce(db);
    }
    const t0 = performance.now();
    await generate(db, N);
    emit({ bench: 'cases.generate', cases: N, seconds: Math.round((performance.now() - t0) / 100) / 10 });
  }
  return db;
}

/**
 * N historical cases over the last year: 0.2 % still open, 2 % rejected, the rest closed, with SLA deadlines and
 * stage times around them (so the on-time rates are not trivial), spread over the sample area.
 */
async function generate(db: Db, n: number): Promise<void> {
  const chunk = 250_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await db.query(
      `INSERT INTO cases (id, category, state, source, severity, geom, department_id, level, created_at, updated_at,
         accept_due_at, dispatch_due_at, resolve_due_at, accepted_at, dispatched_at, resolved_at, resolved_level, closed_at)
       SELECT 'bench-' || i, (ARRAY['straw_burning', 'sewage_outfall', 'exposed_slope'])[1 + i % 3], st,
         (ARRAY['drone', 'hotline', 'citizen', 'grid_worker'])[1 + (i / 3) % 4],
         CASE WHEN i % 10 = 0 THEN 'urgent' ELSE 'normal' END,
         ST_SetSRID(ST_MakePoint($3::float8 + random() * ($5::float8 - $3::float8), $4::float8 + random() * ($6::float8 - $4::float8)), 4326),
         (ARRAY['dept-township', 'dept-ecology', 'dept-natural-resources'])[1 + i % 3], lvl, t, t,
         t + interval '3 minutes', t + interval '8 minutes', t + interval '3 days',
         CASE WHEN st <> 'rejected' THEN t + random() * interval '4 minutes' END,
         CASE WHEN st <> 'rejected' THEN t + interval '3 minutes' + random() * interval '7 minutes' END,
         CASE WHEN st = 'closed' THEN t + random() * interval '4 days' END,
         CASE WHEN st = 'closed' THEN lvl END,
         CASE WHEN st IN ('closed', 'rejected') THEN t + interval '5 days' END
       FROM (SELECT i, now() - random() * interval '365 days' AS t,
               CASE WHEN r < 0.002 THEN 'in_progress' WHEN r < 0.022 THEN 'rejected' ELSE 'closed' END AS st,
               CASE WHEN r2 < 0.55 THEN 'village' WHEN r2 < 0.75 THEN 'township' ELSE 'city' END AS lvl
             FROM (SELECT i, random() AS r, random() AS r2 FROM generate_series($1::int, $2::int) AS i) g) s`,
      [from, to, AREA.west, AREA.south, AREA.east, AREA.north],
    );
  }
  await db.exec('ANALYZE cases');
}

async function benchFiling(db: Db): Promise<void> {
  const run = Date.now().toString(36);
  const sources = ['drone', 'hotline', 'citizen', 'grid_worker'] as const;
  const outcomes: Record<string, number> = { created: 0, attached: 0, existing: 0 };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < FILE; i = next++) {
        const r = await fileCase(db, {
          category: CASE_CATEGORIES[i % 3]!,
          point: [
            AREA.west + Math.random() * (AREA.east - AREA.west),
            AREA.south + Math.random() * (AREA.north - AREA.south),
          ],
          source: sources[i % 4]!,
          severity: i % 10 === 0 ? 'urgent' : 'normal',
          confidence: 0.8,
          idempotencyKey: `bench-${run}-${i}`,
        });
        outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  emit({
    bench: 'cases.file',
    cases: N,
    filed: FILE,
    concurrency: CONCURRENCY,
    seconds: Math.round(s * 100) / 100,
    casesPerS: Math.round(FILE / s),
    outcomes,
    targetPerS: 500,
  });
}

async function benchBboxQuery(db: Db): Promise<void> {
  const states = ['in_progress', 'closed', 'rejected', 'new'];
  const ms: number[] = [];
  const byState = new Map<string, number[]>();
  let rows = 0;
  for (let i = 0; i < QUERIES; i++) {
    const w = AREA.west + Math.random() * (AREA.east - AREA.west - 0.01);
    const s = AREA.south + Math.random() * (AREA.north - AREA.south - 0.01);
    const t0 = performance.now();
    const r = await listCases(db, {
      bbox: [w, s, w + 0.01, s + 0.01],
      states: [states[i % states.length]!],
      limit: 100,
    });
    const dt = performance.now() - t0;
    ms.push(dt);
    const st = states[i % states.length]!;
    byState.set(st, [...(byState.get(st) ?? []), dt]);
    rows += r.length;
  }
  emit({
    bench: 'cases.bbox_status_query',
    cases: N,
    queries: QUERIES,
    bboxDeg: 0.01,
    limit: 100,
    avgRows: Math.round(rows / QUERIES),
    p50Ms: pct(ms, 50),
    p99Ms: pct(ms, 99),
    p99MsByState: Object.fromEntries([...byState].map(([st, xs]) => [st, pct(xs, 99)])),
    targetP99Ms: 50,
  });
}

async function benchStats(db: Db): Promise<void> {
  const ms: number[] = [];
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  let filed = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const s = await getCaseStats(db, from, to);
    ms.push(performance.now() - t0);
    filed = s.overall.filed;
  }
  emit({
    bench: 'cases.stats_year',
    cases: N,
    filedInYear: filed,
    runs: ms.length,
    p50Ms: pct(ms, 50),
    maxMs: pct(ms, 100),
    targetMs: 1000,
  });
}

const db = await prepare();
try {
  await benchFiling(db);
  await benchBboxQuery(db);
  await benchStats(db);
} finally {
  await db.close();
}
