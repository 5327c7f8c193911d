/**
 * Jobs benchmark: a flight of simulator photos (the 4000×3000 ones `npm run bench:triage` renders and caches in
 * bench-out/) ingested and run through the durable jobs ingest → triage → merge → file, on the embedded database
 * (or PostgreSQL with TEST_DATABASE_URL), with a fixed-weight test detector for the planted burn scars.
 *
 *   npm run bench:jobs -- [--photos 200] [--concurrency n]
 *
 * One JSON line per case on stdout.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Detector } from '@xuncha/triage';
import { diskImageStore } from '../ingest/image-store.ts';
import { ingestImage } from '../ingest/ingest-image.ts';
import { createTestDb } from '../testing/test-db.ts';
import { flightProgress } from './flight-progress.ts';
import { startTriageJobs } from './triage-jobs.ts';
import { scarDetectorManifest, scarDetectorOnnx } from '../testing/scar-model.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg('photos', 200);
const CONCURRENCY = arg('concurrency', os.availableParallelism() + 1);
const dir = path.resolve('bench-out', 'triage-4000x3000');
const names = (await readdir(dir).catch(() => [] as string[]))
  .filter((n) => n.endsWith('.JPG'))
  .sort()
  .slice(0, N);
if (names.length < N) {
  process.stderr.write(`need ${N} photos in ${dir}: run \`npm run bench:triage -- --photos ${N}\` first\n`);
  process.exit(2);
}
const r2 = (x: number) => Math.round(x * 100) / 100;

const t = await createTestDb();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-jobs-bench-'));
const detector = await Detector.create(
  scarDetectorManifest(640),
  scarDetectorOnnx({ inputPx: 640, windowPx: 32, stridePx: 8 }),
);
try {
  await t.db.query(`INSERT INTO flights (id) VALUES ('flt_bench')`);
  const jobs = await startTriageJobs({ db: t.db, dataDir, detector, runWorker: false });
  const store = diskImageStore(dataDir);
  const bytes = await Promise.all(names.map((n) => readFile(path.join(dir, n))));
  let t0 = performance.now();
  for (const [i, b] of bytes.entries()) {
    await ingestImage(
      { db: t.db, store, enqueueTriage: jobs.enqueueTriage },
      { name: names[i]!, bytes: b, flightId: 'flt_bench' },
    );
  }
  const ingestS = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      case: 'ingest',
      backend: t.db.backend,
      photos: N,
      seconds: r2(ingestS),
      photosPerS: r2(N / ingestS),
    }),
  );
  await jobs.stop();

  t0 = performance.now();
  const worker = await startTriageJobs({ db: t.db, dataDir, detector, concurrency: CONCURRENCY, pollMs: 200 });
  await worker.whenIdle(30 * 60_000);
  const s = (performance.now() - t0) / 1000;
  await worker.stop();
  const p = await flightProgress(t.db, 'flt_bench');
  console.log(
    JSON.stringify({
      case: 'jobs triage→merge→file',
      backend: t.db.backend,
      photos: N,
      concurrency: CONCURRENCY,
      seconds: r2(s),
      photosPerS: r2(N / s),
      flight1000EstimateS: r2((1000 / N) * (s + ingestS)),
      processed: p.photos.processed,
      failed: p.photos.failed,
      detections: p.detections,
      incidents: p.incidents.total,
      cases: p.cases,
    }),
  );
} finally {
  await detector.close();
  await t.dispose();
  await rm(dataDir, { recursive: true, force: true });
}
