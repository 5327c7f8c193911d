/**
 * Job 1 of 3, `triage-photo`: one stored photo through @xuncha/triage (metadata → pose → footprint, and the model
 * when one is configured), its results written and the merge job sent in one transaction with the job's completion.
 * Re-running it writes the same rows: detection ids come from photo + model + class + box.
 */
import { readFile } from 'node:fs/promises';
import type { ElevationSource } from '@xuncha/geodata';
import { photoReport, triagePhoto } from '@xuncha/triage';
import type { Detector, GeoDetection, PhotoTriage } from '@xuncha/triage';
import type { Db, Queryable } from '../db/db.ts';
import { stableId } from './job-ids.ts';
import type { JobContext } from './job-runner.ts';
import { QUEUES, type JobQueue } from './queue.ts';

/** What the triage jobs need. */
export interface TriageJobDeps {
  db: Db;
  queue: JobQueue;
  /** The model; null runs metadata + georeferencing + footprint only (no trained default model exists yet). */
  detector: Detector | null;
  dem?: ElevationSource | null;
  /** Evidence crops (of each incident's best detection) are written under `<dataDir>/evidence/`. */
  dataDir: string;
  /** Detections of one class within this distance (metres, geodesic) are one incident. Default 30. */
  mergeDistanceM?: number;
  /** IANA zone of photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
}

interface ImageRow {
  sha256: string;
  stored_path: string;
  original_name: string | null;
  status: string;
}

/** Outcome of one triage attempt (the job's output). */
export interface TriagePhotoOutput {
  status: 'done' | 'unlocated' | 'failed' | 'missing';
  detections?: number;
  reason?: string;
}

/** Runs the triage of photo `sha256`. Throws for transient problems (unreadable file): the job is retried. */
export async function runTriagePhotoJob(
  deps: TriageJobDeps,
  sha256: string,
  ctx?: Pick<JobContext, 'complete' | 'lastAttempt'>,
): Promise<TriagePhotoOutput> {
  const { db } = deps;
  const r = await db.query<ImageRow>(
    'SELECT sha256, stored_path, original_name, status FROM images WHERE sha256 = $1',
    [sha256],
  );
  const row = r.rows[0];
  if (!row) return { status: 'missing' };
  // Shown as "processing" in the flight's progress; only a photo not yet triaged counts an attempt.
  await db.query(
    `UPDATE images SET status = 'processing', triage_attempts = triage_attempts + 1
     WHERE sha256 = $1 AND status IN ('queued', 'processing')`,
    [sha256],
  );
  let bytes: Buffer;
  try {
    bytes = await readFile(row.stored_path);
  } catch (err) {
    const reason = `照片文件无法读取 / stored photo unreadable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    // Storage may come back (a network mount): retry, and record the failure only when giving up.
    if (!ctx?.lastAttempt) throw new Error(reason);
    return markFailed(db, sha256, reason, ctx);
  }
  const result = await triagePhoto(row.original_name ?? sha256, bytes, {
    detector: deps.detector,
    dem: deps.dem ?? null,
    photoTimeZone: deps.photoTimeZone,
  });
  if (result.id !== sha256) {
    return markFailed(
      db,
      sha256,
      '照片文件与其摘要不符 / stored photo does not match its SHA-256 (changed on disk)',
      ctx,
    );
  }
  if (result.status === 'error') {
    const reason = result.issues
      .filter((i) => i.severity === 'error')
      .map((i) => `${i.code}: ${i.message}`)
      .join('; ');
    return markFailed(db, sha256, reason || '无法研判 / could not be triaged', ctx, photoReport(result));
  }
  const model = deps.detector?.manifest.name ?? null;
  const dets = result.detections.map((d) => ({ d, id: detectionId(sha256, model, d) }));
  const status = result.status === 'ok' ? 'done' : 'unlocated';
  await db.transaction(async (tx) => {
    await writeImage(tx, result, status, model);
    for (const { d, id } of dets) await insertDetection(tx, sha256, id, model, d);
    // Merge only when something landed on the map; the job id is the photo's, so a re-run sends nothing new.
    if (dets.some(({ d }) => d.ground)) await deps.queue.send(QUEUES.merge, { sha256 }, { key: sha256, tx });
    await ctx?.complete(tx, { status, detections: dets.length });
  });
  return { status, detections: dets.length };
}

/** Photo + model + class + box (to the pixel): the same detection of a re-run has the same id. */
function detectionId(sha256: string, model: string | null, d: GeoDetection): string {
  const b = d.box;
  return stableId(
    'det',
    `${sha256}:${model ?? ''}:${d.cls}:${[b.x, b.y, b.width, b.height].map(Math.round).join(',')}`,
  );
}

async function markFailed(
  db: Db,
  sha256: string,
  reason: string,
  ctx: Pick<JobContext, 'complete'> | undefined,
  meta?: object,
): Promise<TriagePhotoOutput> {
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE images SET status = 'failed', error = $2, meta = COALESCE($3::jsonb, meta), triaged_at = COALESCE(triaged_at, now())
       WHERE sha256 = $1`,
      [sha256, reason, meta ? JSON.stringify(meta) : null],
    );
    // A bad photo is a result, not a crash: the job completes (no retry of a deterministic failure).
    await ctx?.complete(tx, { status: 'failed', reason });
  });
  return { status: 'failed', reason };
}

/** GeoJSON → geometry, kept only when PostGIS finds it valid (an oblique footprint may fold at the horizon). */
const VALID_POLYGON = (p: string) =>
  `(SELECT CASE WHEN g IS NOT NULL AND ST_IsValid(g) THEN g END FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${p}::text), 4326) AS g) v)`;

async function writeImage(tx: Queryable, p: PhotoTriage, status: string, model: string | null): Promise<void> {
  const pose = p.camera?.pose ?? null;
  const { detections: _omitted, ...meta } = photoReport(p);
  await tx.query(
    `UPDATE images SET
       status = $2, error = NULL, width_px = $3, height_px = $4,
       taken_at = COALESCE(taken_at, $5::timestamptz),
       geom = CASE WHEN $6::float8 IS NULL THEN geom ELSE ST_SetSRID(ST_MakePoint($6, $7), 4326) END,
       footprint = CASE WHEN $8::text IS NULL THEN NULL ELSE ${VALID_POLYGON('$8')} END,
       meta = $9::jsonb, triage_model = $10, triaged_at = COALESCE(triaged_at, now())
     WHERE sha256 = $1`,
    [
      p.id,
      status,
      p.image?.widthPx ?? null,
      p.image?.heightPx ?? null,
      validTime(p.metadata?.takenAt ?? null),
      pose?.lon ?? null,
      pose?.lat ?? null,
      p.ground.footprint ? JSON.stringify(p.ground.footprint) : null,
      JSON.stringify(meta),
      model,
    ],
  );
}

function validTime(s: string | null): string | null {
  return s && !Number.isNaN(Date.parse(s)) ? s : null;
}

async function insertDetection(
  tx: Queryable,
  sha256: string,
  id: string,
  model: string | null,
  d: GeoDetection,
): Promise<void> {
  const b = d.box;
  await tx.query(
    `INSERT INTO detections (id, image_sha256, class, score, bbox_px, geom, ground_polygon, error_m, model)
     VALUES ($1, $2, $3, $4, $5,
       CASE WHEN $6::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($6, $7), 4326) END,
       CASE WHEN $8::text IS NULL THEN NULL ELSE ${VALID_POLYGON('$8')} END,
       $9, $10)
     ON CONFLICT (id) DO NOTHING`,
    [
      id,
      sha256,
      d.cls,
      Math.min(1, Math.max(0, d.score)),
      [b.x, b.y, b.width, b.height],
      d.ground?.lon ?? null,
      d.ground?.lat ?? null,
      d.groundOutline ? JSON.stringify(d.groundOutline) : null,
      d.ground?.errorM ?? null,
      model,
    ],
  );
}
