/**
 * Triage progress of one flight: photos processed / total, detections so far, incidents and cases — what the API
 * (`GET /api/flights/:id/progress`) and `xuncha worker`'s progress bar show.
 */
import type { Queryable } from '../db/db.ts';

export interface FlightProgress {
  flightId: string;
  photos: {
    total: number;
    /** Triaged, whatever the outcome (done + unlocated + failed). */
    processed: number;
    done: number;
    unlocated: number;
    failed: number;
    queued: number;
    processing: number;
  };
  detections: number;
  /** Incidents the flight's detections belong to; `new` were first seen on this flight. */
  incidents: { total: number; new: number };
  /** Cases behind those incidents (filed by this flight or earlier). */
  cases: number;
  /** processed / total, 0..1 (1 for a flight without photos). */
  fraction: number;
}

/** The progress of `flightId` (zeros for a flight without photos). */
export async function flightProgress(q: Queryable, flightId: string): Promise<FlightProgress> {
  const r = await q.query<Record<string, number | string>>(
    `WITH im AS (SELECT sha256, status FROM images WHERE flight_id = $1),
     det AS (SELECT d.incident_id FROM detections d JOIN im ON im.sha256 = d.image_sha256),
     inc AS (SELECT DISTINCT incident_id AS id FROM det WHERE incident_id IS NOT NULL)
     SELECT
       (SELECT count(*) FROM im) AS total,
       (SELECT count(*) FROM im WHERE status = 'done') AS done,
       (SELECT count(*) FROM im WHERE status = 'unlocated') AS unlocated,
       (SELECT count(*) FROM im WHERE status = 'failed') AS failed,
       (SELECT count(*) FROM im WHERE status = 'queued') AS queued,
       (SELECT count(*) FROM im WHERE status = 'processing') AS processing,
       (SELECT count(*) FROM det) AS detections,
       (SELECT count(*) FROM inc) AS incidents,
       (SELECT count(*) FROM inc WHERE (
          SELECT i.flight_id FROM detections d JOIN images i ON i.sha256 = d.image_sha256
          WHERE d.incident_id = inc.id ORDER BY d.created_at, d.id LIMIT 1) = $1) AS new_incidents,
       (SELECT count(DISTINCT r.case_id) FROM case_reports r JOIN inc ON inc.id = r.incident_id) AS cases`,
    [flightId],
  );
  const row = r.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  const processed = n('done') + n('unlocated') + n('failed');
  return {
    flightId,
    photos: {
      total: n('total'),
      processed,
      done: n('done'),
      unlocated: n('unlocated'),
      failed: n('failed'),
      queued: n('queued'),
      processing: n('processing'),
    },
    detections: n('detections'),
    incidents: { total: n('incidents'), new: n('new_incidents') },
    cases: n('cases'),
    fraction: n('total') === 0 ? 1 : processed / n('total'),
  };
}
