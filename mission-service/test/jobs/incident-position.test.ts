/**
 * An incident's pin is the score-weighted mean of its detections' ground points: a fire half hidden by its own
 * smoke is seen by a few strong windows over its scar and many weak ones at its edges and on dark ground nearby,
 * and those weak ones must not drag the pin off the fire (a plain mean put it 8–10 m off in the patrol e2e test).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import { runMergeJob, startTriageJobs, type TriageJobs } from '../../src/jobs/index.ts';
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
    const out = await runMergeJob({ db: t.db, queue: jobs.queue, dataDir }, sha);
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
});
