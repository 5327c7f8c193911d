/**
 * `npm run bench:db`: the embedded database in the service's thread (as tests open it) against on a thread of its
 * own (as `xuncha serve` opens it). Prints one JSON line per figure and backend:
 * - roundtrip: `SELECT 1` and a 10,000-row answer, one at a time (what the thread's messages cost);
 * - stall: the longest pause of the caller's event loop (what HTTP answers, live streams and drone links wait)
 *   while a query of about a second runs, and that query's own time.
 * Two copies of the test template in temporary directories; nothing else is touched.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/db.ts';
import { openPgliteDb } from '../db/pglite-db.ts';
import { openPgliteThreadDb } from '../db/pglite-thread-db.ts';
import { pgliteTemplateDir, preparePgliteTemplate } from '../testing/test-db.ts';
import { measure } from './latency.ts';

const REQUESTS = Number(process.env.REQUESTS ?? 300);
const HEAVY_SQL = 'SELECT sum(sqrt(g))::float8 AS s FROM generate_series(1, 4000000) g';

async function bench(name: string, db: Db): Promise<void> {
  const one = await measure(REQUESTS, async () => {
    await db.query('SELECT 1');
  });
  console.log(JSON.stringify({ bench: 'roundtrip', backend: name, query: 'SELECT 1', ...one }));
  const rows = await measure(
    Math.max(10, REQUESTS / 10),
    async () => {
      const r = await db.query('SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 10000) g');
      if (r.rows.length !== 10_000) throw new Error('short answer');
    },
    3,
  );
  console.log(JSON.stringify({ bench: 'roundtrip', backend: name, query: '10,000 rows', ...rows }));
  // The longest gap between ticks of a 5-ms timer while the query runs.
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  await db.query(HEAVY_SQL);
  const queryMs = performance.now() - t0;
  // A tick queued behind the query: in-process it runs only when the query has ended.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  console.log(
    JSON.stringify({
      bench: 'stall',
      backend: name,
      queryMs: Math.round(queryMs),
      eventLoopMaxPauseMs: Math.round(maxGapMs),
      load: os.loadavg()[0]!.toFixed(1),
    }),
  );
}

async function main(): Promise<void> {
  await preparePgliteTemplate();
  const dirs: string[] = [];
  const copy = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-bench-db-'));
    dirs.push(dir);
    await cp(pgliteTemplateDir, dir, { recursive: true });
    return dir;
  };
  try {
    for (const [name, open] of [
      ['in-process', openPgliteDb],
      ['thread', openPgliteThreadDb],
    ] as const) {
      const db = await open(await copy());
      try {
        await bench(name, db);
      } finally {
        await db.close();
      }
    }
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

await main();
