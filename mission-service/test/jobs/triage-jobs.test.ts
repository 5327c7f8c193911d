/**
 * The durable triage jobs end to end on a real database (PGlite here, PostgreSQL too when TEST_DATABASE_URL is
 * set): simulator photos are ingested, pg-boss jobs triage them with a fixed-weight model that finds the planted
 * fire, merge the detections into one incident and file one case; re-running changes nothing; a second flight adds
 * evidence; a corrupt photo fails with its reason; a missing file is retried with backoff.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import { Detector } from '@xuncha/triage';
import { createSession, createUser } from '../../src/auth/index.ts';
import type { Db } from '../../src/db/db.ts';
import { createApp } from '../../src/http/app.ts';
import { diskImageStore, imagePath, type ImageStore } from '../../src/ingest/image-store.ts';
import { ingestImage } from '../../src/ingest/ingest-image.ts';
import {
  QUEUES,
  runFileJob,
  runMergeJob,
  runTriagePhotoJob,
  stableUuid,
  startTriageJobs,
  type FlightProgress,
  type TriageJobs,
} from '../../src/jobs/index.ts';
import { createLogger } from '../../src/logger.ts';
import { invalidateCategorySettings } from '../../src/cases/category-settings.ts';
import { createTestDb, testBackends, type TestDb } from '../../src/testing/test-db.ts';
import { scarDetectorManifest, scarDetectorOnnx } from '../../src/testing/scar-model.ts';
import { AWAY, FIRE, OVER_FIRE, shoot } from './sim-photos.ts';

const FLIGHT_A = 'flt_jobs_a';
const FLIGHT_B = 'flt_jobs_b';
const START_A = new Date('2026-10-20T03:00:00Z');
const START_B = new Date('2026-10-27T03:00:00Z');

interface Photos {
  a: Buffer[];
  away: Buffer;
  b: Buffer[];
  late: Buffer;
  lost: Buffer;
  orphan: Buffer;
}
let photos: Photos;
let detector: Detector;

beforeAll(async () => {
  photos = {
    a: await Promise.all(OVER_FIRE.slice(0, 3).map((s, i) => shoot(s, START_A, i))),
    away: await shoot(AWAY, START_A, 3),
    b: await Promise.all([OVER_FIRE[3]!, OVER_FIRE[0]!].map((s, i) => shoot(s, START_B, i))),
    late: await shoot({ ...AWAY, t: 30 }, START_A, 5),
    lost: await shoot({ ...AWAY, t: 40 }, START_A, 6),
    orphan: await shoot({ ...AWAY, t: 50 }, START_A, 7),
  };
  detector = await Detector.create(
    scarDetectorManifest(256),
    scarDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 8 }),
    {
      size: 1,
    },
  );
});
afterAll(() => detector?.close());

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function metres(a: [number, number], b: [number, number]): number {
  const p = toLocal(localFrame(a[0], a[1]), b[0], b[1]);
  return Math.hypot(p.eastM, p.northM);
}

async function snapshot(db: Db) {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    images:
      await q(`SELECT sha256, status, error, width_px, height_px, taken_at, ST_AsText(geom) AS g, ST_AsText(footprint) AS f,
      meta, triage_model, triaged_at, triage_attempts FROM images ORDER BY sha256`),
    detections:
      await q(`SELECT id, image_sha256, class, score, bbox_px, ST_AsText(geom) AS g, ST_AsText(ground_polygon) AS p, error_m,
      incident_id, model, crop_path FROM detections ORDER BY id`),
    incidents:
      await q(`SELECT id, class, ST_AsText(geom) AS g, ST_AsText(ground_polygon) AS p, confidence, best_detection_id,
      detection_count, photo_count, flight_ids, first_seen_at, last_seen_at FROM incidents ORDER BY id`),
    cases: await q('SELECT id, incident_id, state, category, report_count, updated_at FROM cases ORDER BY id'),
    reports: await q('SELECT id, case_id, incident_id FROM case_reports ORDER BY id'),
    events: await q('SELECT id, case_id, kind FROM case_events ORDER BY id'),
  };
}

describe.each(testBackends)('triage jobs on %s', (backend) => {
  let t: TestDb;
  let dataDir: string;
  let store: ImageStore;
  let jobs: TriageJobs;
  let server: Server;
  let base: string;
  let token: string;

  const ingest = (bytes: Buffer, name: string, flightId: string) =>
    ingestImage({ db: t.db, store, enqueueTriage: (s) => jobs.enqueueTriage(s) }, { name, bytes, flightId });

  /** A photo recorded without ingest's checks (as an older ingest or another tool might have): row + job, one transaction. */
  async function recordDirectly(bytes: Buffer, name: string, flightId: string, keepFile: boolean): Promise<string> {
    const digest = sha(bytes);
    const { location } = await store.put(digest, bytes);
    if (!keepFile) await unlink(location);
    await t.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO images (sha256, flight_id, original_name, stored_path, byte_size, status) VALUES ($1, $2, $3, $4, $5, 'queued')`,
        [digest, flightId, name, location, bytes.length],
      );
      await jobs.enqueueTriage(digest, tx);
    });
    return digest;
  }

  const jobOptions = () => ({
    db: t.db,
    dataDir,
    detector,
    concurrency: 2,
    pollMs: 100,
    retry: { retryLimit: 2, retryDelayS: 1 },
    sweepIntervalMs: 0,
  });

  beforeAll(async () => {
    t = await createTestDb(backend);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-jobs-'));
    store = diskImageStore(dataDir);
    await t.db.query(`INSERT INTO flights (id, started_at) VALUES ($1, $2), ($3, $4)`, [
      FLIGHT_A,
      START_A,
      FLIGHT_B,
      START_B,
    ]);
    // These flights test the path to a case: fires file themselves at any score (the review queue has its own test).
    await t.db.query(`UPDATE case_categories SET auto_file_min_score = 0 WHERE category = 'straw_burning'`);
    jobs = await startTriageJobs(jobOptions());
    const app = createApp({ db: t.db, logger: createLogger('silent') });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const user = await createUser(t.db, {
      username: 'jobs-officer',
      password: 'Jobs-Pw-7xq!kz',
      roles: ['officer'],
    });
    token = await createSession(t.db, user.id);
  });

  afterAll(async () => {
    await jobs?.stop();
    await new Promise((r) => server?.close(r));
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const progress = async (flightId: string, auth = true) => {
    const res = await fetch(
      `${base}/api/flights/${flightId}/progress`,
      auth ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    return { status: res.status, body: (await res.json()) as FlightProgress };
  };

  it('ingest → triage → merge → file: one incident near the fire, one case; a corrupt photo fails with its reason', async () => {
    for (const [i, b] of photos.a.entries())
      expect((await ingest(b, `DJI_000${i}.JPG`, FLIGHT_A)).status).toBe('accepted');
    expect((await ingest(photos.away, 'DJI_0003.JPG', FLIGHT_A)).status).toBe('accepted');
    const cut = photos.away.subarray(0, Math.floor(photos.away.length * 0.6));
    const cutSha = await recordDirectly(cut, 'DJI_0004.JPG', FLIGHT_A, true);
    await jobs.whenIdle(60_000);

    const images = await t.db.query<{ sha256: string; status: string; error: string | null; footprint: string | null }>(
      `SELECT sha256, status, error, ST_AsText(footprint) AS footprint FROM images WHERE flight_id = $1`,
      [FLIGHT_A],
    );
    const byStatus = (s: string) => images.rows.filter((r) => r.status === s);
    expect(byStatus('done')).toHaveLength(4);
    for (const r of byStatus('done')) expect(r.footprint).toMatch(/^POLYGON/);
    expect(byStatus('failed').map((r) => r.sha256)).toEqual([cutSha]);
    expect(byStatus('failed')[0]!.error).toMatch(/truncated/);

    const dets = await t.db.query<{ incident_id: string | null; image_sha256: string }>(
      `SELECT d.incident_id, d.image_sha256 FROM detections d JOIN images i ON i.sha256 = d.image_sha256 WHERE i.flight_id = $1`,
      [FLIGHT_A],
    );
    // every photo over the fire found it, the one away from it found nothing
    expect(new Set(dets.rows.map((d) => d.image_sha256))).toEqual(new Set(photos.a.map(sha)));
    expect(new Set(dets.rows.map((d) => d.incident_id)).size).toBe(1);

    const inc = await t.db.query<{ id: string; class: string; lon: number; lat: number; photo_count: number }>(
      'SELECT id, class, ST_X(geom) AS lon, ST_Y(geom) AS lat, photo_count FROM incidents',
    );
    expect(inc.rows).toHaveLength(1);
    expect(inc.rows[0]).toMatchObject({ class: 'straw_burning', photo_count: 3 });
    expect(metres([FIRE.lon, FIRE.lat], [Number(inc.rows[0]!.lon), Number(inc.rows[0]!.lat)])).toBeLessThan(15);

    const cases = await t.db.query<{
      id: string;
      category: string;
      source: string;
      severity: string;
      state: string;
      evidence: unknown;
    }>('SELECT id, category, source, severity, state, evidence FROM cases WHERE incident_id = $1', [inc.rows[0]!.id]);
    expect(cases.rows).toHaveLength(1);
    expect(cases.rows[0]).toMatchObject({
      category: 'straw_burning',
      source: 'drone',
      severity: 'urgent',
      state: 'new',
    });
    const raw = cases.rows[0]!.evidence;
    const evidence = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      incidentId: string;
      bestDetectionId: string;
      cropUrl: string;
      photos: { sha256: string }[];
    };
    // the case is filed as soon as the incident exists, with the evidence of that moment; later photos add to
    // the incident (its detections), which the case points to
    expect(evidence.incidentId).toBe(inc.rows[0]!.id);
    expect(evidence.photos.length).toBeGreaterThanOrEqual(1);
    for (const p of evidence.photos) expect(photos.a.map(sha)).toContain(p.sha256);
    // the crop is served over HTTP: no path on the server's disk in what the API gives out
    expect(evidence.cropUrl).toBe(`/api/detections/${evidence.bestDetectionId}/crop`);
    expect(JSON.stringify(raw)).not.toContain(dataDir);
  });

  it("reports a flight's progress through the API (role-protected)", async () => {
    const { status, body } = await progress(FLIGHT_A);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      flightId: FLIGHT_A,
      // no mission behind these flights: nothing was planned, so nothing is counted missing
      photos: { expected: null, received: 5, triaged: 5, total: 5, processed: 5, done: 4, failed: 1, queued: 0 },
      shots: { planned: null, missing: 0 },
      incidents: { total: 1, new: 1, toReview: 0 },
      cases: 1,
      fraction: 1,
    });
    expect(body.detections).toBeGreaterThanOrEqual(3);
    expect((await progress(FLIGHT_A, false)).status).toBe(401);
    expect((await progress('flt_nowhere')).status).toBe(404);
  });

  it('re-running every job (redelivered, or sent again) changes nothing', async () => {
    const before = await snapshot(t.db);
    const deps = { db: t.db, queue: jobs.queue, detector, dataDir };
    for (const img of before.images as { sha256: string }[]) await runTriagePhotoJob(deps, img.sha256);
    for (const img of before.images as { sha256: string }[]) await runMergeJob(deps, img.sha256);
    for (const inc of before.incidents as { id: string }[])
      expect((await runFileJob(t.db, inc.id)).outcome).toBe('existing');
    // the same jobs sent again under their own ids are no-ops; under fresh ids they run and write nothing new
    for (const img of before.images as { sha256: string }[]) {
      await jobs.enqueueTriage(img.sha256);
      await jobs.queue.send(QUEUES.triage, { sha256: img.sha256 });
      await jobs.queue.send(QUEUES.merge, { sha256: img.sha256 });
    }
    for (const inc of before.incidents as { id: string }[]) await jobs.queue.send(QUEUES.file, { incidentId: inc.id });
    await jobs.whenIdle(60_000);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('a second flight over the same spot adds evidence to the incident and files no second case', async () => {
    const incBefore = await t.db.query<{ id: string; photo_count: number }>('SELECT id, photo_count FROM incidents');
    for (const [i, b] of photos.b.entries()) expect((await ingest(b, `B_${i}.JPG`, FLIGHT_B)).status).toBe('accepted');
    await jobs.whenIdle(60_000);
    const inc = await t.db.query<{ id: string; photo_count: number; flight_ids: string[] }>(
      'SELECT id, photo_count, flight_ids FROM incidents',
    );
    expect(inc.rows).toHaveLength(1);
    expect(inc.rows[0]!.id).toBe(incBefore.rows[0]!.id);
    expect(inc.rows[0]!.photo_count).toBe(incBefore.rows[0]!.photo_count + 2);
    expect([...inc.rows[0]!.flight_ids].sort()).toEqual([FLIGHT_A, FLIGHT_B]);
    expect((await t.db.query('SELECT id FROM cases')).rows).toHaveLength(1);
    expect((await t.db.query('SELECT id FROM case_reports')).rows).toHaveLength(1);
    const { body } = await progress(FLIGHT_B);
    expect(body).toMatchObject({ photos: { total: 2, processed: 2 }, incidents: { total: 1, new: 0 }, cases: 1 });
  });

  it('a photo whose file is missing is retried with backoff: it completes once the file is back, or fails with the reason', async () => {
    const lateSha = await recordDirectly(photos.late, 'late.JPG', FLIGHT_A, false);
    const lostSha = await recordDirectly(photos.lost, 'lost.JPG', FLIGHT_A, false);
    const lateJob = stableUuid(`${QUEUES.triage}:${lateSha}`);
    // wait until the first attempt failed and the retry is scheduled, then the file comes back
    for (let i = 0; i < 100 && (await jobs.queue.getJob(QUEUES.triage, lateJob))?.state !== 'retry'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await jobs.queue.getJob(QUEUES.triage, lateJob))?.state).toBe('retry');
    await store.put(lateSha, photos.late);
    await jobs.whenIdle(60_000);

    const rows = await t.db.query<{ sha256: string; status: string; error: string | null; triage_attempts: number }>(
      'SELECT sha256, status, error, triage_attempts FROM images WHERE sha256 = ANY($1::text[])',
      [[lateSha, lostSha]],
    );
    const late = rows.rows.find((r) => r.sha256 === lateSha)!;
    const lost = rows.rows.find((r) => r.sha256 === lostSha)!;
    expect(late).toMatchObject({ status: 'done', error: null, triage_attempts: 2 });
    expect(await jobs.queue.getJob(QUEUES.triage, lateJob)).toMatchObject({ state: 'completed', retryCount: 1 });
    expect(lost).toMatchObject({ status: 'failed', triage_attempts: 3 });
    expect(lost.error).toMatch(/ENOENT/);
    expect(imagePath(dataDir, lostSha)).toContain(lostSha);
  });

  if (backend === 'pglite') {
    it('on the embedded database, a job a crashed run left active is retried at the next start', async () => {
      await jobs.stop();
      // a run that took the job and died: the job stays active
      const crashed = await startTriageJobs({ ...jobOptions(), runWorker: false });
      const digest = await recordDirectly(photos.orphan, 'orphan.JPG', FLIGHT_A, true);
      expect((await crashed.queue.fetch(QUEUES.triage, 10)).map((j) => j.data.sha256)).toEqual([digest]);
      await crashed.queue.stop();
      jobs = await startTriageJobs(jobOptions());
      await jobs.whenIdle(60_000);
      const r = await t.db.query<{ status: string }>('SELECT status FROM images WHERE sha256 = $1', [digest]);
      expect(r.rows[0]!.status).toBe('done');
      expect(await jobs.queue.getJob(QUEUES.triage, stableUuid(`${QUEUES.triage}:${digest}`))).toMatchObject({
        state: 'completed',
        retryCount: 1,
      });
    });
  }

  it('a job sent in a transaction that rolls back does not exist', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await jobs.queue.send(QUEUES.file, { incidentId: 'inc_rolled_back' }, { key: 'inc_rolled_back', tx });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await jobs.queue.getJob(QUEUES.file, stableUuid(`${QUEUES.file}:inc_rolled_back`))).toBeNull();
  });
});

describe.each(testBackends)('an incident lifted past the auto-file score by a later photo, on %s', (backend) => {
  let t: TestDb;
  let dataDir: string;
  let jobs: TriageJobs;

  beforeAll(async () => {
    t = await createTestDb(backend);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-jobs-risen-'));
    await t.db.query(`INSERT INTO flights (id, started_at) VALUES ($1, $2)`, [FLIGHT_A, START_A]);
    jobs = await startTriageJobs({
      db: t.db,
      dataDir,
      detector,
      concurrency: 1,
      pollMs: 100,
      retry: { retryLimit: 2, retryDelayS: 1 },
      sweepIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await jobs?.stop();
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const ingest = (bytes: Buffer, name: string) =>
    ingestImage(
      { db: t.db, store: diskImageStore(dataDir), enqueueTriage: (s) => jobs.enqueueTriage(s) },
      {
        name,
        bytes,
        flightId: FLIGHT_A,
      },
    );
  const setAutoFile = async (score: number) => {
    await t.db.query(`UPDATE case_categories SET auto_file_min_score = $1 WHERE category = 'straw_burning'`, [score]);
    invalidateCategorySettings(t.db);
  };
  const state = async () => ({
    incidents: (await t.db.query<{ review_state: string }>('SELECT review_state FROM incidents')).rows.map(
      (r) => r.review_state,
    ),
    cases: (await t.db.query('SELECT id FROM cases')).rows.length,
  });

  it('waits for review below the score, is filed once a later photo finds it at the score, and only once', async () => {
    // The first photo: below the score (as the edge of a fire is), the incident waits for an officer.
    await setAutoFile(1);
    expect((await ingest(photos.a[0]!, 'DJI_0001.JPG')).status).toBe('accepted');
    await jobs.whenIdle(60_000);
    expect(await state()).toEqual({ incidents: ['to_review'], cases: 0 });
    // A later photo of the same incident, which now reaches the score: it is filed without waiting for review.
    await setAutoFile(0.01);
    expect((await ingest(photos.a[1]!, 'DJI_0002.JPG')).status).toBe('accepted');
    await jobs.whenIdle(60_000);
    expect(await state()).toEqual({ incidents: ['auto_filed'], cases: 1 });
    // More photos of it add evidence to the one case.
    expect((await ingest(photos.a[2]!, 'DJI_0003.JPG')).status).toBe('accepted');
    await jobs.whenIdle(60_000);
    expect(await state()).toEqual({ incidents: ['auto_filed'], cases: 1 });
  });
});
