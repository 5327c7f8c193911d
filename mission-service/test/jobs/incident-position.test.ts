/**
 * An incident's pin is the score-weighted mean of its detections' ground points: a fire half hidden by its own
 * smoke is seen by a few strong windows over its scar and many weak ones at its edges and on dark ground nearby,
 * and those weak ones must not drag the pin off the fire (a plain mean put it 8–10 m off in the patrol e2e test).
 * The case filed from it follows the refined pin until a dispatcher accepts it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import { invalidateCategorySettings } from '../../src/cases/category-settings.ts';
import { runFileJob, runMergeJob, startTriageJobs, type TriageJobs } from '../../src/jobs/index.ts';
import { createTestDb, testBackends, type TestDb } from '../../src/testing/test-db.ts';

const LON = 119.077;
const LAT = 28.0615;
/** A point `eastM`, `northM` metres from the fire. */
const at = (eastM: number, northM: number): [number, number] => [
  LON + eastM / (111_320 * Math.cos((LAT * Math.PI) / 180)),
  LAT + northM / 110_574,
];

describe.each(testBackends)('incident position on %s', (backend) => {
  let t: TestDb;
  let dataDir: string;
  let jobs: TriageJobs;

  beforeAll(async () => {
    t = await createTestDb(backend);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-incident-pos-'));
    jobs = await startTriageJobs({ db: t.db, dataDir, detector: null, pollMs: 100, sweepIntervalMs: 0 });
  });
  afterAll(async () => {
    await jobs?.stop();
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const merge = (sha: string) => runMergeJob({ db: t.db, queue: jobs.queue, dataDir }, sha);
  /** A photo with one detection of `score` at `eastM`, `northM` from the fire. */
  async function photoWith(n: number, score: number, eastM: number, northM: number): Promise<string> {
    const sha = String(n).repeat(64).slice(0, 64);
    await t.db.query(
      `INSERT INTO images (sha256, original_name, stored_path, byte_size, status) VALUES ($1, 'y.JPG', '/nowhere', 1, 'done')`,
      [sha],
    );
    const [lon, lat] = at(eastM, northM);
    await t.db.query(
      `INSERT INTO detections (id, image_sha256, class, score, bbox_px, geom)
       VALUES ($1, $2, 'straw_burning', $3, '{0,0,10,10}', ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
      [`det_photo_${n}`, sha, score, lon, lat],
    );
    return sha;
  }
  const pins = async () =>
    (
      await t.db.query<{ incident: string; case: string; version: number }>(
        `SELECT ST_AsText(i.geom) AS incident, ST_AsText(c.geom) AS case, c.version
         FROM incidents i JOIN case_reports r ON r.incident_id = i.id JOIN cases c ON c.id = r.case_id`,
      )
    ).rows;

  it('is the score-weighted mean of its detections, not pulled off by weak ones', async () => {
    const sha = 'a'.repeat(64);
    await t.db.query(
      `INSERT INTO images (sha256, original_name, stored_path, byte_size, status) VALUES ($1, 'x.JPG', '/nowhere', 1, 'done')`,
      [sha],
    );
    // Two strong windows on the fire, three weak ones 15–25 m east of it.
    const dets: [number, [number, number]][] = [
      [0.9, at(-1, 0)],
      [0.8, at(1, 0)],
      [0.06, at(15, -5)],
      [0.05, at(20, 0)],
      [0.05, at(25, 5)],
    ];
    for (const [i, [score, [lon, lat]]] of dets.entries())
      await t.db.query(
        `INSERT INTO detections (id, image_sha256, class, score, bbox_px, geom)
         VALUES ($1, $2, 'straw_burning', $3, '{0,0,10,10}', ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
        [`det_pos_${i}`, sha, score, lon, lat],
      );
    const out = await merge(sha);
    expect(out.newIncidents).toHaveLength(1);
    const inc = await t.db.query<{ lon: number; lat: number; detection_count: number }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, detection_count FROM incidents',
    );
    expect(inc.rows).toHaveLength(1);
    expect(inc.rows[0]!.detection_count).toBe(5);
    const p = toLocal(localFrame(LON, LAT), Number(inc.rows[0]!.lon), Number(inc.rows[0]!.lat));
    // The plain mean is 12 m east; weighted by score, within 2 m of the fire.
    expect(Math.hypot(p.eastM, p.northM)).toBeLessThan(2);
  });

  it('moves the pin of the case filed from it while the case is new, and no longer once it is accepted', async () => {
    await t.db.query(`UPDATE case_categories SET auto_file_min_score = 0 WHERE category = 'straw_burning'`);
    invalidateCategorySettings(t.db);
    const incidentId = (await t.db.query<{ id: string }>('SELECT id FROM incidents')).rows[0]!.id;
    expect(['created', 'existing']).toContain((await runFileJob(t.db, incidentId)).outcome);
    const filed = await pins();
    expect(filed).toHaveLength(1);
    expect(filed[0]!.case).toBe(filed[0]!.incident);
    // A later photo sees the fire's middle strongly, 6 m north: incident and new case move together.
    await merge(await photoWith(7, 0.95, 0, 6));
    const moved = await pins();
    expect(moved[0]!.incident).not.toBe(filed[0]!.incident);
    expect(moved[0]!.case).toBe(moved[0]!.incident);
    expect(moved[0]!.version).toBe(filed[0]!.version + 1);
    // Accepted by a dispatcher: the pin stays where the dispatcher saw it.
    await t.db.query(`UPDATE cases SET state = 'accepted', accepted_at = now()`);
    await merge(await photoWith(8, 0.99, 0, 8));
    const kept = await pins();
    expect(kept[0]!.incident).not.toBe(moved[0]!.incident);
    expect(kept[0]!.case).toBe(moved[0]!.case);
  });

  it('files one case when its filing job runs twice at once: the second run gets the first filing back', async () => {
    await t.db.query(`UPDATE case_categories SET auto_file_min_score = 0 WHERE category = 'straw_burning'`);
    invalidateCategorySettings(t.db);
    // Far from the first fire (its case would take this one as an attachment), and no job queued for it.
    const [lon, lat] = at(5_000, 0);
    await t.db.query(
      `INSERT INTO incidents (id, class, geom, confidence, review_state)
       VALUES ('inc_twice', 'straw_burning', ST_SetSRID(ST_MakePoint($1, $2), 4326), 0.5, 'to_review')`,
      [lon, lat],
    );
    const runs = await Promise.all([runFileJob(t.db, 'inc_twice'), runFileJob(t.db, 'inc_twice')]);
    expect(runs.map((r) => r.outcome).sort()).toEqual(['created', 'existing']);
    expect(runs[0]!.caseId).toBeDefined();
    expect(runs[0]!.caseId).toBe(runs[1]!.caseId);
  });
});
