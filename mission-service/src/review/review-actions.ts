/**
 * The officer's decisions on a drone-found incident waiting for review (待研判):
 * - confirm 确认: file it as a case (or attach it to an open case at the same spot), optionally as another class;
 * - reject 驳回: a false positive; each detection is kept as a labelled negative (with the reason) for the model;
 * - change class 改类: the model saw the right thing under the wrong name; the incident stays in review.
 * Each is one transaction; a second decision on the same incident answers 409 with its current state.
 */
import type { AuthUser } from '../auth/index.ts';
import { auditChange } from '../audit/audit-log.ts';
import { fileCase } from '../cases/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { Incident } from '../contract/review.ts';
import { AppError } from '../app-error.ts';
import { cropUrl, incidentDetections, loadIncident } from './incident-repository.ts';

const LABELS: Record<string, string> = {
  straw_burning: '秸秆焚烧 / straw burning',
  sewage_outfall: '河道排污 / sewage outfall',
  exposed_slope: '山体裸露 / exposed slope',
};
const SEVERITY: Record<string, 'urgent' | 'normal'> = { straw_burning: 'urgent' };

export interface ReviewResult {
  incident: Incident;
  caseId: string | null;
  outcome: 'created' | 'attached' | 'existing' | 'rejected' | 'reclassified';
}

function alreadyReviewed(inc: Incident): AppError {
  return new AppError(
    'conflict',
    'already_reviewed',
    `该事件已研判（${inc.reviewState}）/ incident already reviewed: ${inc.reviewState}`,
    { reviewState: inc.reviewState, caseId: inc.caseId },
  );
}

/** Locks the incident for a decision: visible to the user and still waiting for review, else 404 / 409. */
async function lockForReview(tx: Queryable, user: AuthUser, id: string): Promise<Incident> {
  const inc = await loadIncident(tx, user, id, true);
  if (inc.reviewState !== 'to_review') throw alreadyReviewed(inc);
  return inc;
}

/** Labels every detection of the incident (positive: confirmed; negative: a false positive, with the reason). */
async function labelDetections(
  tx: Queryable,
  incidentId: string,
  label: 'positive' | 'negative',
  user: AuthUser,
  reason: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO detection_labels (detection_id, incident_id, label, class, model_class, reason, labelled_by)
     SELECT d.id, d.incident_id, $2, d.class, COALESCE(d.model_class, d.class), $3, $4
       FROM detections d WHERE d.incident_id = $1`,
    [incidentId, label, reason, user.id],
  );
}

async function setClass(tx: Queryable, inc: Incident, cls: string): Promise<void> {
  await tx.query(`UPDATE incidents SET original_class = COALESCE(original_class, class), class = $2 WHERE id = $1`, [
    inc.id,
    cls,
  ]);
  await tx.query(
    `UPDATE detections SET model_class = COALESCE(model_class, class), class = $2 WHERE incident_id = $1`,
    [inc.id, cls],
  );
}

/** Confirm: the incident becomes a case (or joins an open one at the same spot), filed by the officer. */
export async function confirmIncident(
  db: Db,
  user: AuthUser,
  id: string,
  opts: { class?: string; severity?: 'urgent' | 'normal'; note?: string } = {},
): Promise<ReviewResult> {
  const inc = await loadIncident(db, user, id);
  if (inc.reviewState !== 'to_review') throw alreadyReviewed(inc);
  const cls = opts.class ?? inc.class;
  const dets = await incidentDetections(db, id, 20);
  const label = LABELS[cls] ?? cls;
  const [zh, en] = label.split(' / ');
  const res = await fileCase(
    db,
    {
      category: cls,
      point: inc.position.coordinates,
      polygon: inc.groundPolygon as never,
      confidence: Math.min(1, Math.max(0, inc.confidence)),
      severity: opts.severity ?? SEVERITY[cls] ?? 'normal',
      incidentId: inc.id,
      source: 'drone',
      description:
        `无人机巡查发现${zh}（${inc.photoCount} 张照片，已研判确认）/ drone patrol found ${en} in ${inc.photoCount} photo(s), ` +
        `confirmed on review${opts.note ? `: ${opts.note}` : ''}`,
      evidence: {
        incidentId: inc.id,
        bestDetectionId: inc.bestDetectionId,
        cropUrl: inc.bestDetectionId ? cropUrl(inc.bestDetectionId) : null,
        photos: dets.map((d) => ({
          sha256: d.imageSha256,
          flightId: d.flightId,
          detectionId: d.id,
          score: d.score,
          bboxPx: d.bboxPx,
        })),
      },
    },
    {
      actor: { id: user.id, roles: user.roles, departmentId: user.departmentId },
      beforeFile: async (tx) => {
        const locked = await lockForReview(tx, user, id);
        if (cls !== locked.class) await setClass(tx, locked, cls);
        await tx.query(
          `UPDATE incidents SET review_state = 'confirmed', reviewed_by = $2, reviewed_at = now(), review_note = $3
            WHERE id = $1`,
          [id, user.id, opts.note ?? null],
        );
        await labelDetections(tx, id, 'positive', user, opts.note ?? null);
      },
    },
  );
  if (res.outcome === 'existing') {
    // Filed by another path meanwhile (the auto-file job): nothing of this confirmation was written.
    throw alreadyReviewed(await loadIncident(db, user, id));
  }
  return { incident: await loadIncident(db, user, id), caseId: res.caseId, outcome: res.outcome };
}

/** Reject: a false positive; its detections stay as labelled negatives with the reason. */
export async function rejectIncident(
  db: Db,
  user: AuthUser,
  id: string,
  opts: { reason: string; note?: string },
): Promise<ReviewResult> {
  await db.transaction(async (tx) => {
    await lockForReview(tx, user, id);
    const why = opts.note ? `${opts.reason}: ${opts.note}` : opts.reason;
    await tx.query(
      `UPDATE incidents SET review_state = 'rejected', reviewed_by = $2, reviewed_at = now(), review_note = $3
        WHERE id = $1`,
      [id, user.id, why],
    );
    await labelDetections(tx, id, 'negative', user, why);
  });
  return { incident: await loadIncident(db, user, id), caseId: null, outcome: 'rejected' };
}

/** Change class: corrects the class of the incident and its detections; it stays in review. */
export async function changeIncidentClass(
  db: Db,
  user: AuthUser,
  id: string,
  opts: { class: string; note?: string },
): Promise<ReviewResult> {
  await db.transaction(async (tx) => {
    const inc = await lockForReview(tx, user, id);
    if (inc.class === opts.class) return;
    await setClass(tx, inc, opts.class);
    await auditChange(tx, user, 'incident.change_class', 'incident', id, {
      from: inc.class,
      to: opts.class,
      note: opts.note ?? null,
    });
  });
  return { incident: await loadIncident(db, user, id), caseId: null, outcome: 'reclassified' };
}
