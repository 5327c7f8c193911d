/**
 * Job 2 of 3, `triage-merge`: a photo's located detections join the nearest incident of their class within the
 * merge distance (PostGIS, geodesic `ST_DWithin` on geography), across photos and flights; a detection with none
 * near starts a new incident, and each new incident's filing job is sent in the same transaction (and again, once,
 * when a later photo lifts a waiting incident past its category's auto-file score).
 * A later flight over a known incident adds evidence to it and files nothing new.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evidenceCrop } from '@xuncha/triage';
import { refineDroneCasePin } from '../cases/index.ts';
import type { Queryable } from '../db/db.ts';
import { stableId } from './job-ids.ts';
import type { JobContext } from './job-runner.ts';
import { QUEUES } from './queue.ts';
import type { TriageJobDeps } from './triage-photo-job.ts';

export const DEFAULT_MERGE_DISTANCE_M = 30;

// Arbitrary constant: the advisory lock class of merging (one lock per incident class).
const MERGE_LOCK = 7_240_700;

interface DetRow {
  id: string;
  class: string;
  score: number;
  lon: number;
  lat: number;
}

/** Outcome of one merge (the job's output). */
export interface MergeOutput {
  merged: number;
  newIncidents: string[];
  knownIncidents: string[];
}

/** Merges the not yet merged, located detections of photo `sha256`. Idempotent: merged ones are left alone. */
export async function runMergeJob(
  deps: Pick<TriageJobDeps, 'db' | 'queue' | 'mergeDistanceM' | 'dataDir'>,
  sha256: string,
  ctx?: Pick<JobContext, 'complete'>,
): Promise<MergeOutput> {
  const distanceM = deps.mergeDistanceM ?? DEFAULT_MERGE_DISTANCE_M;
  return deps.db.transaction(async (tx) => {
    // Two photos of one fire merged at the same time by two workers must not both start an incident: merging of
    // a class is serialised (it is a few small statements per photo).
    const classes = await tx.query<{ class: string }>(
      `SELECT DISTINCT class FROM detections
       WHERE image_sha256 = $1 AND geom IS NOT NULL AND incident_id IS NULL ORDER BY class`,
      [sha256],
    );
    for (const c of classes.rows)
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MERGE_LOCK, c.class]);
    const dets = await tx.query<DetRow>(
      `SELECT id, class, score, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM detections
       WHERE image_sha256 = $1 AND geom IS NOT NULL AND incident_id IS NULL
       ORDER BY score DESC, id`,
      [sha256],
    );
    const created: string[] = [];
    const touched = new Set<string>();
    for (const d of dets.rows) {
      let incidentId = await nearestIncident(tx, d, distanceM);
      if (!incidentId) {
        incidentId = stableId('inc', d.id);
        // The incident is seen as its first photo is (that photo's department: its drone's, or its uploader's).
        await tx.query(
          `INSERT INTO incidents (id, class, geom, confidence, best_detection_id, department_id)
           VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6,
                   (SELECT department_id FROM images WHERE sha256 = $7)) ON CONFLICT (id) DO NOTHING`,
          [incidentId, d.class, d.lon, d.lat, d.score, d.id, sha256],
        );
        created.push(incidentId);
      }
      await tx.query('UPDATE detections SET incident_id = $2 WHERE id = $1', [d.id, incidentId]);
      touched.add(incidentId);
    }
    for (const id of touched) {
      await refreshIncident(tx, id);
      if (!created.includes(id)) await refineDroneCasePin(tx, id);
      await ensureBestCrop(tx, id, deps.dataDir);
    }
    for (const id of created) await deps.queue.send(QUEUES.file, { incidentId: id }, { key: id, tx });
    for (const id of await risenPastAutoFile(
      tx,
      [...touched].filter((x) => !created.includes(x)),
    ))
      await deps.queue.send(QUEUES.file, { incidentId: id }, { key: `${id}:risen`, tx });
    const out: MergeOutput = {
      merged: dets.rows.length,
      newIncidents: created,
      knownIncidents: [...touched].filter((id) => !created.includes(id)),
    };
    await ctx?.complete(tx, out);
    return out;
  });
}

/**
 * Known incidents that this photo lifted to their category's auto-file score while they still wait for review:
 * the filing job sent when each was created found it below the score (its first photo saw only the edge of a fire)
 * and left it to review, so it is sent again, once.
 */
async function risenPastAutoFile(q: Queryable, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await q.query<{ id: string }>(
    `SELECT i.id FROM incidents i JOIN case_categories c ON c.category = i.class
     WHERE i.id = ANY($1) AND i.review_state = 'to_review' AND c.auto_file_min_score IS NOT NULL
       AND i.confidence >= c.auto_file_min_score
       AND NOT EXISTS (SELECT 1 FROM case_reports r WHERE r.incident_id = i.id)
     ORDER BY i.id`,
    [ids],
  );
  return r.rows.map((x) => x.id);
}

/** The nearest incident of the detection's class within `distanceM` metres (geodesic), if any. */
async function nearestIncident(q: Queryable, d: DetRow, distanceM: number): Promise<string | null> {
  // Degrees pre-filter for the GiST index, generous at any latitude of China; then exact metres.
  const padDeg = distanceM / 111_000 / Math.cos((Math.min(Math.abs(d.lat), 60) * Math.PI) / 180) + 1e-6;
  const r = await q.query<{ id: string }>(
    `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS g)
     SELECT i.id FROM incidents i, pt
     WHERE i.class = $1 AND i.geom && ST_Expand(pt.g, $5) AND ST_DWithin(i.geom::geography, pt.g::geography, $4)
     ORDER BY ST_Distance(i.geom::geography, pt.g::geography), i.id LIMIT 1`,
    [d.class, d.lon, d.lat, distanceM, padDeg],
  );
  return r.rows[0]?.id ?? null;
}

/**
 * An incident's summary from all its detections: position (their mean weighted by score: the weak windows at the
 * edge of a fire half hidden by its smoke must not pull the pin off it), best detection and its ground outline,
 * confidence (the best score), photos, flights, first and last seen. A function of the set of detections only,
 * so the order in which photos are merged does not matter.
 */
async function refreshIncident(q: Queryable, id: string): Promise<void> {
  await q.query(
    `WITH d AS (
       SELECT d.id, d.score, GREATEST(d.score::float8, 1e-6::float8) AS w, d.geom, d.ground_polygon, d.image_sha256, i.flight_id,
              COALESCE(i.taken_at, i.created_at) AS at
       FROM detections d JOIN images i ON i.sha256 = d.image_sha256
       WHERE d.incident_id = $1 AND d.geom IS NOT NULL),
     best AS (SELECT id, score, ground_polygon FROM d ORDER BY score DESC, id LIMIT 1),
     agg AS (
       SELECT ST_SetSRID(ST_MakePoint(sum(ST_X(geom) * w) / sum(w), sum(ST_Y(geom) * w) / sum(w)), 4326) AS geom,
              count(*) AS n,
              count(DISTINCT image_sha256) AS photos, min(at) AS first_at, max(at) AS last_at,
              COALESCE(array_agg(DISTINCT flight_id ORDER BY flight_id) FILTER (WHERE flight_id IS NOT NULL), '{}') AS flights
       FROM d)
     UPDATE incidents SET geom = agg.geom, detection_count = agg.n, photo_count = agg.photos,
       confidence = best.score, best_detection_id = best.id, ground_polygon = best.ground_polygon,
       first_seen_at = agg.first_at, last_seen_at = agg.last_at, flight_ids = agg.flights
     FROM agg, best WHERE incidents.id = $1`,
    [id],
  );
}

/**
 * The evidence crop of the incident's best detection (`<dataDir>/evidence/ab/<detection id>.jpg`), cut when that
 * detection becomes the best: one crop per incident and improvement, not one per detection (a crop decodes the
 * whole photo). Written once; the same file for a re-run.
 */
async function ensureBestCrop(q: Queryable, incidentId: string, dataDir: string): Promise<void> {
  const r = await q.query<{
    id: string;
    crop_path: string | null;
    bbox_px: number[];
    stored_path: string;
    w: number | null;
    h: number | null;
  }>(
    `SELECT d.id, d.crop_path, d.bbox_px, i.stored_path, i.width_px AS w, i.height_px AS h
     FROM incidents n JOIN detections d ON d.id = n.best_detection_id JOIN images i ON i.sha256 = d.image_sha256
     WHERE n.id = $1`,
    [incidentId],
  );
  const d = r.rows[0];
  if (!d || d.crop_path || !d.w || !d.h) return;
  const file = path.join(dataDir, 'evidence', d.id.slice(4, 6), `${d.id}.jpg`);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const [x, y, width, height] = d.bbox_px.map(Number) as [number, number, number, number];
    const jpeg = await evidenceCrop(
      await readFile(d.stored_path),
      { widthPx: d.w, heightPx: d.h },
      { x, y, width, height },
    );
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, jpeg);
    await rename(tmp, file);
  }
  await q.query('UPDATE detections SET crop_path = $2 WHERE id = $1', [d.id, file]);
}
