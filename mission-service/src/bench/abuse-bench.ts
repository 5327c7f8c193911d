/**
 * `npm run bench:abuse`: an authenticated dispatcher reads cases while anonymous Open311 and login floods hit the
 * service at CONNECTIONS (200) concurrent requests for DURATION_S (30 s) — once from one address, once spread over
 * 131,072 forged addresses. Prints one JSON line per phase: the reader's p50/p95/p99 (target p99 < 500 ms on the
 * embedded database), what the flood got back, and which tables the flood wrote to (none is the target: every row
 * count of every table is compared before and after; the audit log's per-minute refusal summaries are reported
 * apart), and the load average (other processes on the machine skew the figures). Embedded PGlite in a temporary directory, the service in
 * this process, the floods in child processes (a load generator must not share the event loop it measures).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser, ensureInitialAdmin } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openDb } from '../db/open-db.ts';
import { loadSampleDataOnce } from '../db/seed-sample-data.ts';
import { createApp } from '../http/app.ts';
import { DEFAULT_SECURITY } from '../http/security-options.ts';
import { createLogger } from '../logger.ts';

const DURATION_S = Number(process.env.DURATION_S ?? 30);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 200);
const CASES = Number(process.env.CASES ?? 20_000);
const READER_PASSWORD = 'Reading-Cases-Pw-7x';
const REFUSAL_SUMMARIES = 'audit_log refusal summaries';
const loadAvg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Cases over Longquan in every state, department and source (a mature table, not an empty one). */
async function seedCases(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO cases (id, category, state, source, severity, geom, department_id, level, created_at, updated_at, public)
     SELECT 'bench-' || i, (ARRAY['straw_burning', 'sewage_outfall', 'exposed_slope'])[1 + i % 3],
       (ARRAY['new', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed', 'closed', 'closed'])[1 + i % 8],
       (ARRAY['drone', 'hotline', 'citizen', 'open311'])[1 + (i / 3) % 4], 'normal',
       ST_SetSRID(ST_MakePoint(118.9 + (i * 7919 % 10007) / 10007.0 * 0.5, 27.8 + (i * 104729 % 10009) / 10009.0 * 0.5), 4326),
       (SELECT id FROM departments ORDER BY id OFFSET (i % 3) LIMIT 1), 'village',
       now() - (i % 365) * interval '1 day', now(), (i / 3) % 4 = 3
     FROM generate_series(1, $1::int) AS i`,
    [CASES],
  );
  await db.exec('ANALYZE cases');
}

/**
 * Exact row counts of every table (the proof that a flood wrote nothing). The audit log's refusal summaries (a few
 * rows a minute: who was refused how often, limits/refusal-tally.ts) are counted apart.
 */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db.query<{ schemaname: string; tablename: string }>(
    `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const out: Record<string, number> = {};
  for (const t of tables.rows) {
    const name = `${t.schemaname}.${t.tablename}`;
    const where = name === 'public.audit_log' ? ` WHERE object_kind IS DISTINCT FROM 'rate_limit'` : '';
    const r = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t.schemaname}"."${t.tablename}"${where}`,
    );
    out[name] = r.rows[0]!.n;
  }
  const summaries = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE object_kind = 'rate_limit'`,
  );
  out[REFUSAL_SUMMARIES] = summaries.rows[0]!.n;
  return out;
}

function diff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
    if ((after[k] ?? 0) !== (before[k] ?? 0)) out[k] = (after[k] ?? 0) - (before[k] ?? 0);
  return out;
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

/** The authenticated reader: case lists (a page, a state filter, a bbox), one after the other, until `stop`. */
async function reader(base: string, token: string, stop: () => boolean) {
  const urls = [
    `${base}/api/cases?limit=50`,
    `${base}/api/cases?state=new,accepted&limit=50`,
    `${base}/api/cases?bbox=119.0,27.9,119.2,28.1&limit=50`,
  ];
  const ms: number[] = [];
  let failed = 0;
  for (let i = 0; !stop(); i++) {
    const t0 = performance.now();
    try {
      const r = await fetch(urls[i % urls.length]!, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      if (r.status !== 200) failed++;
    } catch {
      failed++;
    }
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return {
    reads: ms.length,
    failed,
    p50Ms: Math.round(pct(ms, 50) * 10) / 10,
    p95Ms: Math.round(pct(ms, 95) * 10) / 10,
    p99Ms: Math.round(pct(ms, 99) * 10) / 10,
    maxMs: Math.round((ms[ms.length - 1] ?? NaN) * 10) / 10,
  };
}

/** The three floods, each in its own process (one load generator's busy loop must not starve another's). */
async function runFloods(base: string, spread: boolean): Promise<unknown[]> {
  return (await Promise.all([0, 1, 2].map((only) => runFlood(base, spread, only)))).flat();
}

function runFlood(base: string, spread: boolean, only: number): Promise<unknown[]> {
  const script = fileURLToPath(new URL('./abuse-flood.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, JSON.stringify({ base, seconds: DURATION_S, connections: CONNECTIONS, spread, only })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code !== 0
        ? reject(new Error(`flood exited ${code}`))
        : out.trim()
          ? resolve(JSON.parse(out.trim().split('\n').pop()!))
          : resolve([{ flood: only, error: 'the load generator ended without a result' }]),
    ),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-abuse-'));
  const db = await openDb({ dataDir: dir }, 'bench:abuse');
  let server: Server | undefined;
  try {
    await migrate(db);
    await loadSampleDataOnce(db);
    await seedCases(db);
    await ensureInitialAdmin(db, createLogger('silent'), { print: () => {} });
    await createUser(db, { username: 'bench-reader', password: READER_PASSWORD, roles: ['dispatcher'] });
    server = createApp({
      db,
      logger: createLogger('silent'),
      dataDir: dir,
      // Trusts loopback as a proxy, so that the spread phase's forged addresses count as sources.
      security: { ...DEFAULT_SECURITY, trustProxy: 'loopback' },
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    // Requests the service received and answered (the proof that none is left hanging on its side; a flood
    // request the load generator counts as a timeout but the service never received waited to be sent).
    const served = { received: 0, answered: 0, abortedByClient: 0 };
    server.on('request', (_req, res: ServerResponse) => {
      served.received++;
      res.once('finish', () => served.answered++);
      res.once('close', () => !res.writableFinished && served.abortedByClient++);
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-reader', password: READER_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    let until = Date.now() + 5_000;
    const quiet = await reader(base, token, () => Date.now() > until);
    console.log(
      JSON.stringify({
        bench: 'abuse',
        phase: 'no flood (5 s)',
        backend: db.backend,
        cases: CASES,
        cpus: os.availableParallelism(),
        reader: quiet,
        loadAvg1m5m15m: loadAvg(),
      }),
    );
    for (const spread of [false, true]) {
      const before = await rowCounts(db);
      served.received = served.answered = served.abortedByClient = 0;
      until = Date.now() + DURATION_S * 1000;
      const [flood, read] = await Promise.all([runFloods(base, spread), reader(base, token, () => Date.now() > until)]);
      // Let answers in flight settle before counting.
      await new Promise((r) => setTimeout(r, 500));
      const { [REFUSAL_SUMMARIES]: summaryRows = 0, ...written } = diff(before, await rowCounts(db));
      console.log(
        JSON.stringify({
          bench: 'abuse',
          phase: spread ? 'flood from 131,072 forged addresses' : 'flood from one address',
          backend: db.backend,
          connections: CONNECTIONS,
          durationS: DURATION_S,
          reader: read,
          targetP99Ms: 500,
          writtenByFlood: written,
          nothingWritten: Object.keys(written).length === 0,
          refusalSummaryAuditRows: summaryRows,
          service: { ...served, open: served.received - served.answered - served.abortedByClient },
          loadAvg1m5m15m: loadAvg(),
          flood,
        }),
      );
    }
  } finally {
    server?.closeAllConnections();
    server?.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
