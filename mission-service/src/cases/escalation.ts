import type { Db, Queryable } from '../db/db.ts';
import { appendCaseEvent, CASE_COLUMNS, toCaseView, type CaseRow, type CaseView } from './repository.ts';
import { systemActor } from './state-machine.ts';

export type SlaStage = 'accept' | 'dispatch' | 'resolve';

/** 督办 (supervise) → 催办 (urge) → 通报 (public notice): the three overdue steps. */
export const ESCALATION_STEPS = [
  { step: 1, kind: 'supervise', label: '督办 / supervise' },
  { step: 2, kind: 'urge', label: '催办 / urge' },
  { step: 3, kind: 'bulletin', label: '通报 / bulletin' },
] as const;

/** The SLA stage a case in `state` is running against, with its deadline and when the stage started. */
export function pendingStage(c: CaseView): { stage: SlaStage; dueAt: Date; startedAt: Date } | null {
  const created = new Date(c.createdAt);
  if (c.state === 'new' && c.acceptDueAt)
    return { stage: 'accept', dueAt: new Date(c.acceptDueAt), startedAt: created };
  if (c.state === 'accepted' && c.dispatchDueAt) {
    return { stage: 'dispatch', dueAt: new Date(c.dispatchDueAt), startedAt: new Date(c.acceptedAt ?? c.createdAt) };
  }
  if ((c.state === 'dispatched' || c.state === 'in_progress') && c.resolveDueAt) {
    return { stage: 'resolve', dueAt: new Date(c.resolveDueAt), startedAt: created };
  }
  return null;
}

/**
 * The overdue step reached at `now`: 1 (督办) at the deadline, 2 (催办) once overdue by the stage's own
 * allowance again, 3 (通报) after twice that; 0 when not overdue.
 */
export function overdueStep(stage: { dueAt: Date; startedAt: Date }, now: Date): 0 | 1 | 2 | 3 {
  const late = now.getTime() - stage.dueAt.getTime();
  if (late < 0) return 0;
  const window = Math.max(stage.dueAt.getTime() - stage.startedAt.getTime(), 60_000);
  if (late >= 2 * window) return 3;
  if (late >= window) return 2;
  return 1;
}

/** Who is told at each step: the dispatcher supervises, the lead department is urged, leadership is informed. */
function recipients(
  step: number,
  departmentId: string | null,
): { role: 'dispatcher' | 'officer' | 'admin'; departmentId: string | null }[] {
  if (step === 1) return [{ role: 'dispatcher', departmentId: null }];
  if (step === 2) {
    return departmentId
      ? [
          { role: 'officer', departmentId },
          { role: 'dispatcher', departmentId: null },
        ]
      : [{ role: 'dispatcher', departmentId: null }];
  }
  return [{ role: 'admin', departmentId: null }];
}

/** The SLA stage (`pendingStage`) of a case row `c`, in SQL. */
const STAGE_OF_STATE = `(CASE c.state WHEN 'new' THEN 'accept' WHEN 'accepted' THEN 'dispatch' ELSE 'resolve' END)`;

export interface EscalationRecord {
  caseId: string;
  stage: SlaStage;
  step: number;
}

/**
 * Sweeps open cases past an SLA deadline at `now` and escalates each one step by step (督办 → 催办 → 通报),
 * with a notification to the supervising role and an audit event per step. Exactly once per case, stage and
 * step, even with several instances sweeping together (primary key of `case_escalations`).
 */
export async function escalateOverdue(db: Db, now: Date, opts: { batch?: number } = {}): Promise<EscalationRecord[]> {
  // Cases already at the last step of their stage are left out in SQL, and those whose due step is already
  // recorded are skipped before any transaction: a backlog of long-overdue cases must neither fill the batch
  // (newer overdue cases would never be escalated) nor cost a locking transaction each every sweep.
  const due = await db.query<CaseRow & { escalated_step: number }>(
    `SELECT ${CASE_COLUMNS}, COALESCE((SELECT max(e.step) FROM case_escalations e
         WHERE e.case_id = c.id AND e.stage = ${STAGE_OF_STATE}), 0)::int AS escalated_step
     FROM cases c
     WHERE c.state IN ('new', 'accepted', 'dispatched', 'in_progress') AND c.merged_into_id IS NULL
       AND ((c.state = 'new' AND c.accept_due_at <= $1) OR (c.state = 'accepted' AND c.dispatch_due_at <= $1)
         OR (c.state IN ('dispatched', 'in_progress') AND c.resolve_due_at <= $1))
       AND NOT EXISTS (SELECT 1 FROM case_escalations e
         WHERE e.case_id = c.id AND e.stage = ${STAGE_OF_STATE} AND e.step = ${ESCALATION_STEPS.length})
     ORDER BY c.created_at LIMIT $2`,
    [now, opts.batch ?? 5000],
  );
  const done: EscalationRecord[] = [];
  for (const row of due.rows) {
    const c = toCaseView(row);
    const stage = pendingStage(c);
    if (!stage) continue;
    const step = overdueStep(stage, now);
    if (step <= row.escalated_step) continue;
    const recs = await db.transaction(async (tx) => escalateOne(tx, c, stage.stage, step, now));
    done.push(...recs);
  }
  return done;
}

async function escalateOne(
  tx: Queryable,
  c: CaseView,
  stage: SlaStage,
  upTo: number,
  now: Date,
): Promise<EscalationRecord[]> {
  // The case may have moved on since the sweep read it.
  const cur = await tx.query<{ state: string }>('SELECT state FROM cases WHERE id = $1 FOR UPDATE', [c.id]);
  if (cur.rows[0]?.state !== c.state) return [];
  const out: EscalationRecord[] = [];
  for (const s of ESCALATION_STEPS.filter((x) => x.step <= upTo)) {
    const ins = await tx.query(
      'INSERT INTO case_escalations (case_id, stage, step, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [c.id, stage, s.step, now],
    );
    if (ins.affectedRows !== 1) continue;
    const message = `${s.label}: 案件 ${c.id} ${stageLabel(stage)}超时 / ${stage} overdue (category ${c.category}, department ${c.departmentId ?? 'centre'})`;
    for (const r of recipients(s.step, c.departmentId)) {
      await tx.query(
        `INSERT INTO notifications (case_id, recipient_role, recipient_department_id, kind, message, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [c.id, r.role, r.departmentId, s.kind, message, now],
      );
    }
    await tx.query(
      'UPDATE cases SET escalation_level = GREATEST(escalation_level, $2), updated_at = $3 WHERE id = $1',
      [c.id, s.step, now],
    );
    await appendCaseEvent(tx, {
      caseId: c.id,
      at: now,
      actor: systemActor('sla'),
      kind: 'overdue',
      action: s.kind,
      fromState: c.state,
      toState: c.state,
      level: c.level,
      departmentId: c.departmentId,
      note: message,
      source: c.source,
      category: c.category,
    });
    out.push({ caseId: c.id, stage, step: s.step });
  }
  return out;
}

function stageLabel(stage: SlaStage): string {
  return stage === 'accept' ? '受理' : stage === 'dispatch' ? '派遣' : '办结';
}

export interface Notification {
  id: number;
  caseId: string | null;
  recipientRole: string;
  recipientDepartmentId: string | null;
  kind: string;
  message: string;
  createdAt: string;
  readAt: string | null;
}

/** Notifications for a role (and, for officers, their department), newest first. */
export async function listNotifications(
  q: Queryable,
  f: { roles: readonly string[]; departmentId: string | null; unreadOnly?: boolean; limit?: number },
): Promise<Notification[]> {
  const admin = f.roles.includes('admin');
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, case_id, recipient_role, recipient_department_id, kind, message, created_at, read_at FROM notifications
     WHERE ($1 OR (recipient_role = ANY ($2::text[]) AND (recipient_department_id IS NULL OR recipient_department_id = $3)))
       AND (NOT $4 OR read_at IS NULL)
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    [admin, [...f.roles], f.departmentId, f.unreadOnly ?? false, f.limit ?? 100],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    caseId: (x.case_id as string | null) ?? null,
    recipientRole: x.recipient_role as string,
    recipientDepartmentId: (x.recipient_department_id as string | null) ?? null,
    kind: x.kind as string,
    message: x.message as string,
    createdAt: new Date(x.created_at as string).toISOString(),
    readAt: x.read_at ? new Date(x.read_at as string).toISOString() : null,
  }));
}
