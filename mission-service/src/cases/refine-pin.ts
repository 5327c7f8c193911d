/**
 * A drone-found case is filed as soon as its incident reaches the auto-file score, often from the first photos
 * that saw only part of it; the photos after refine the incident's position (merge job). Until a dispatcher
 * accepts the case, its pin follows that refined position, so the people sent out go to the middle of the fire
 * and not to the corner the first photo saw. Once accepted, the pin stays where the dispatcher saw it.
 * Only a case whose one report is this incident moves (a case that merged other reports keeps its pin).
 */
import type { Queryable } from '../db/db.ts';

/** Moves the pin (and outline) of the still-new case filed from `incidentId` to the incident's; returns its id. */
export async function refineDroneCasePin(q: Queryable, incidentId: string): Promise<string | null> {
  const r = await q.query<{ id: string }>(
    `UPDATE cases c SET geom = i.geom, ground_polygon = COALESCE(i.ground_polygon, c.ground_polygon),
       version = c.version + 1, updated_at = now()
     FROM incidents i, case_reports r
     WHERE i.id = $1 AND r.incident_id = i.id AND c.id = r.case_id AND c.state = 'new' AND c.source = 'drone'
       AND c.merged_into_id IS NULL AND c.report_count = 1 AND NOT ST_Equals(c.geom, i.geom)
     RETURNING c.id`,
    [incidentId],
  );
  return r.rows[0]?.id ?? null;
}
