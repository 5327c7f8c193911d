/**
 * Job 3 of 3, `triage-file`: a new incident either waits in the officer's review queue (待研判) or, when its
 * confidence reaches its category's auto-file score, becomes a case through the cases module (`fileCase`), exactly
 * once per incident (case_reports.incident_id is UNIQUE: a redelivered job gets the first filing back).
 */
import { ZodError } from 'zod';
import { categorySettings } from '../cases/category-settings.ts';
import { fileCase } from '../cases/index.ts';
import type { Db } from '../db/db.ts';
import { isPermanentError } from '../app-error.ts';
import { cropUrl } from '../review/incident-repository.ts';

const LABELS: Record<string, string> = {
  straw_burning: '秸秆焚烧 / straw burning',
  sewage_outfall: '河道排污 / sewage outfall',
  exposed_slope: '山体裸露 / exposed slope',
};

// An open fire spreads within hours: urgent (24 h); the others follow the normal 3-working-day clock.
const SEVERITY: Record<string, 'urgent' | 'normal'> = { straw_burning: 'urgent' };

interface IncidentRow {
  id: string;
  class: string;
  lon: number;
  lat: number;
  polygon: string | null;
  confidence: number;
  best_detection_id: string | null;
  photo_count: number;
  detection_count: number;
  review_state: string;
}

/** Outcome of one filing (the job's output). */
export interface FileOutput {
  /** review: waits for an officer (below the auto-file score, or already decided by one). */
  outcome: 'created' | 'attached' | 'existing' | 'missing' | 'rejected' | 'review';
  caseId?: string;
  reason?: string;
}

/** The case incident `incidentId` was filed as, if it was. */
async function filedCaseOf(db: Db, incidentId: string): Promise<string | undefined> {
  const r = await db.query<{ case_id: string }>('SELECT case_id FROM case_reports WHERE incident_id = $1', [
    incidentId,
  ]);
  return r.rows[0]?.case_id;
}

/** Thrown inside the filing transaction when an officer decided on the incident meanwhile. */
class ReviewedMeanwhile extends Error {}

/**
 * Files incident `incidentId` as a case when its category auto-files at its confidence; otherwise leaves it in the
 * review queue. Input the cases module refuses (e.g. a point outside China) is a final answer, not a retry;
 * database trouble throws and is retried.
 */
export async function runFileJob(db: Db, incidentId: string): Promise<FileOutput> {
  const r = await db.query<IncidentRow>(
    `SELECT id, class, ST_X(geom) AS lon, ST_Y(geom) AS lat, ST_AsGeoJSON(ground_polygon) AS polygon, confidence,
            best_detection_id, photo_count, detection_count, review_state
     FROM incidents WHERE id = $1`,
    [incidentId],
  );
  const inc = r.rows[0];
  if (!inc) return { outcome: 'missing' };
  const filed = await filedCaseOf(db, incidentId);
  if (filed) return { outcome: 'existing', caseId: filed };
  if (inc.review_state !== 'to_review') return { outcome: 'review', reason: `reviewed: ${inc.review_state}` };
  const threshold = (await categorySettings(db)).get(inc.class)?.autoFileMinScore ?? null;
  if (threshold === null || Number(inc.confidence) < threshold) {
    return {
      outcome: 'review',
      reason: `待研判 / waits for review (confidence ${Number(inc.confidence).toFixed(2)}${threshold === null ? ', category always reviewed' : ` < ${threshold}`})`,
    };
  }
  const photos = await db.query<{
    sha256: string;
    detection_id: string;
    score: number;
    bbox_px: number[];
    flight_id: string | null;
  }>(
    `SELECT d.image_sha256 AS sha256, d.id AS detection_id, d.score, d.bbox_px, i.flight_id
     FROM detections d JOIN images i ON i.sha256 = d.image_sha256
     WHERE d.incident_id = $1 ORDER BY d.score DESC, d.id LIMIT 20`,
    [incidentId],
  );
  const best = photos.rows.find((p) => p.detection_id === inc.best_detection_id) ?? photos.rows[0];
  const label = LABELS[inc.class] ?? inc.class;
  try {
    const res = await fileCase(
      db,
      {
        category: inc.class,
        point: [Number(inc.lon), Number(inc.lat)],
        polygon: inc.polygon
          ? (JSON.parse(inc.polygon) as { type: 'Polygon'; coordinates: [number, number][][] })
          : null,
        confidence: Math.min(1, Math.max(0, Number(inc.confidence))),
        severity: SEVERITY[inc.class] ?? 'normal',
        incidentId: inc.id,
        source: 'drone',
        description: `无人机巡查发现${label.split(' / ')[0]}（${inc.photo_count} 张照片）/ drone patrol found ${label.split(' / ')[1]} in ${inc.photo_count} photo(s), confidence ${Number(inc.confidence).toFixed(2)}`,
        evidence: {
          incidentId: inc.id,
          bestDetectionId: best?.detection_id ?? null,
          cropUrl: best ? cropUrl(best.detection_id) : null,
          photos: photos.rows.map((p) => ({
            sha256: p.sha256,
            flightId: p.flight_id,
            detectionId: p.detection_id,
            score: Number(p.score),
            bboxPx: p.bbox_px.map(Number),
          })),
        },
      },
      {
        beforeFile: async (tx) => {
          const u = await tx.query(
            `UPDATE incidents SET review_state = 'auto_filed', reviewed_by = 'system:auto-file', reviewed_at = now()
            WHERE id = $1 AND review_state = 'to_review'`,
            [inc.id],
          );
          if (u.affectedRows !== 1) throw new ReviewedMeanwhile();
        },
      },
    );
    return { outcome: res.outcome, caseId: res.caseId };
  } catch (err) {
    if (err instanceof ReviewedMeanwhile) {
      // Another run of this job (redelivered, or sent again) may have filed it meanwhile: that filing is the answer.
      const filedMeanwhile = await filedCaseOf(db, incidentId);
      if (filedMeanwhile) return { outcome: 'existing', caseId: filedMeanwhile };
      return { outcome: 'review', reason: 'reviewed meanwhile' };
    }
    if (err instanceof ZodError || isPermanentError(err)) {
      return {
        outcome: 'rejected',
        reason: err instanceof ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message,
      };
    }
    throw err;
  }
}
