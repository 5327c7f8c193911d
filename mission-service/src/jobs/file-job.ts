/**
 * Job 3 of 3, `triage-file`: a new incident becomes a case through the cases module (`fileCase`), exactly once per
 * incident (case_reports.incident_id is UNIQUE: a redelivered job gets the first filing back).
 */
import { ZodError } from 'zod';
import { fileCase } from '../cases/index.ts';
import type { Db } from '../db/db.ts';
import { isPermanentError } from '../app-error.ts';

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
}

/** Outcome of one filing (the job's output). */
export interface FileOutput {
  outcome: 'created' | 'attached' | 'existing' | 'missing' | 'rejected';
  caseId?: string;
  reason?: string;
}

/**
 * Files incident `incidentId` as a case. Input the cases module refuses (e.g. a point outside China) is a final
 * answer, not a retry; database trouble throws and is retried.
 */
export async function runFileJob(db: Db, incidentId: string): Promise<FileOutput> {
  const r = await db.query<IncidentRow>(
    `SELECT id, class, ST_X(geom) AS lon, ST_Y(geom) AS lat, ST_AsGeoJSON(ground_polygon) AS polygon, confidence,
            best_detection_id, photo_count, detection_count
     FROM incidents WHERE id = $1`,
    [incidentId],
  );
  const inc = r.rows[0];
  if (!inc) return { outcome: 'missing' };
  const photos = await db.query<{
    sha256: string;
    detection_id: string;
    score: number;
    bbox_px: number[];
    crop_path: string | null;
    flight_id: string | null;
  }>(
    `SELECT d.image_sha256 AS sha256, d.id AS detection_id, d.score, d.bbox_px, d.crop_path, i.flight_id
     FROM detections d JOIN images i ON i.sha256 = d.image_sha256
     WHERE d.incident_id = $1 ORDER BY d.score DESC, d.id LIMIT 20`,
    [incidentId],
  );
  const best = photos.rows.find((p) => p.detection_id === inc.best_detection_id) ?? photos.rows[0];
  const label = LABELS[inc.class] ?? inc.class;
  try {
    const res = await fileCase(db, {
      category: inc.class,
      point: [Number(inc.lon), Number(inc.lat)],
      polygon: inc.polygon ? (JSON.parse(inc.polygon) as { type: 'Polygon'; coordinates: [number, number][][] }) : null,
      confidence: Math.min(1, Math.max(0, Number(inc.confidence))),
      severity: SEVERITY[inc.class] ?? 'normal',
      incidentId: inc.id,
      source: 'drone',
      description: `无人机巡查发现${label.split(' / ')[0]}（${inc.photo_count} 张照片）/ drone patrol found ${label.split(' / ')[1]} in ${inc.photo_count} photo(s), confidence ${Number(inc.confidence).toFixed(2)}`,
      evidence: {
        incidentId: inc.id,
        bestDetectionId: best?.detection_id ?? null,
        crop: best?.crop_path ?? null,
        photos: photos.rows.map((p) => ({
          sha256: p.sha256,
          flightId: p.flight_id,
          detectionId: p.detection_id,
          score: Number(p.score),
          bboxPx: p.bbox_px.map(Number),
        })),
      },
    });
    return { outcome: res.outcome, caseId: res.caseId };
  } catch (err) {
    if (err instanceof ZodError || isPermanentError(err)) {
      return {
        outcome: 'rejected',
        reason: err instanceof ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message,
      };
    }
    throw err;
  }
}
