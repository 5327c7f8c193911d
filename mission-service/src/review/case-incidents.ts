/**
 * Every incident of a case — the first one and each attached later — with its position, boxes and evidence, so a
 * map shows one pin per incident and the re-inspection covers them all. The case's visibility rule applies (the
 * caller has checked it); its incidents come with it.
 */
import type { Detection, Incident } from '../contract/review.ts';
import type { Queryable } from '../db/db.ts';
import { incidentDetections, toIncident } from './incident-repository.ts';

export type CaseIncident = Incident & { detections: Detection[] };

export async function listCaseIncidents(q: Queryable, caseId: string, detectionsEach = 20): Promise<CaseIncident[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT n.id, n.class, n.original_class, n.review_state, n.confidence, ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat,
            ST_AsGeoJSON(n.ground_polygon) AS polygon, n.first_seen_at, n.last_seen_at, n.detection_count,
            n.photo_count, n.flight_ids, n.department_id, n.reviewed_by, n.reviewed_at, n.review_note,
            n.best_detection_id, r.case_id
       FROM case_reports r JOIN incidents n ON n.id = r.incident_id
      WHERE r.case_id = $1 ORDER BY r.created_at, r.id`,
    [caseId],
  );
  const out: CaseIncident[] = [];
  for (const row of r.rows) {
    const inc = toIncident(row);
    out.push({ ...inc, detections: await incidentDetections(q, inc.id, detectionsEach) });
  }
  return out;
}
