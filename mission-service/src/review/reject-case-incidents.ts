import type { Queryable } from '../db/db.ts';

/**
 * A drone case rejected by a dispatcher or officer after it was filed (auto-filed, or confirmed and later found
 * wrong): its incidents become rejected and their detections labelled negatives too. Called in the case's
 * transition transaction.
 */
export async function rejectCaseIncidents(
  tx: Queryable,
  caseId: string,
  actorId: string,
  note: string | null,
): Promise<void> {
  const r = await tx.query<{ id: string }>(
    `UPDATE incidents n SET review_state = 'rejected', reviewed_by = $2, reviewed_at = now(),
            review_note = COALESCE($3, 'case rejected')
       FROM case_reports r WHERE r.case_id = $1 AND r.incident_id = n.id AND n.review_state <> 'rejected'
     RETURNING n.id`,
    [caseId, actorId, note],
  );
  for (const { id } of r.rows)
    await tx.query(
      `INSERT INTO detection_labels (detection_id, incident_id, label, class, model_class, reason, labelled_by)
       SELECT d.id, d.incident_id, 'negative', d.class, COALESCE(d.model_class, d.class), $2, $3
         FROM detections d WHERE d.incident_id = $1`,
      [id, note ?? 'case rejected', actorId],
    );
}
