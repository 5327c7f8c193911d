import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import { loadWorkingCalendar } from '../calendar/calendar-repository.ts';
import { WorkingCalendar } from '../calendar/working-calendar.ts';
import { AppError } from '../app-error.ts';
import { createCaseRow } from './file-case.ts';
import { appendCaseEvent, assertStateMatchesLog, getCase, type CaseView } from './repository.ts';
import { nextLevel } from './routing.ts';
import { rejectCaseIncidents } from '../review/reject-case-incidents.ts';
import { FileCaseInput } from './schemas.ts';
import { getSlaPolicy, resolveDeadline } from './sla.ts';
import {
  authorizeTransition,
  OPEN_STATES,
  SYSTEM_ROLE,
  systemActor,
  TRANSITIONS,
  type CaseAction,
  type CaseActor,
  type CaseState,
} from './state-machine.ts';

export interface TransitionOptions {
  note?: string | null;
  evidence?: unknown;
  /** Optimistic check from the client: refuse (409) if the case is no longer in this state. */
  expectedState?: CaseState;
  /** On `resolve` of a drone-found case: queue a re-inspection flight over the spot. */
  requestReinspection?: boolean;
  now?: Date;
}

export interface TransitionResult {
  case: CaseView;
  eventId: number;
  reinspectionId: string | null;
}

function refuse(result: { reason: 'illegal' | 'role' | 'department'; message: string }): never {
  throw new AppError(
    result.reason === 'illegal' ? 'conflict' : 'forbidden',
    result.reason === 'illegal' ? 'illegal_transition' : 'forbidden',
    result.message,
  );
}

/**
 * Applies one state transition in one transaction: checks the row against its audit log, the rule and the
 * actor's role, updates `cases.state` only if it still equals the state read (optimistic check), and appends
 * the audit event (who, when, from, to, note, evidence, level). 404 / 409 / 403 / 400 otherwise, nothing written.
 */
export async function transitionCase(
  db: Db,
  caseId: string,
  action: CaseAction,
  actor: CaseActor,
  opts: TransitionOptions = {},
): Promise<TransitionResult> {
  const cal = action === 'reopen' ? await loadWorkingCalendar(db) : null;
  return db.transaction((tx) => transitionInTx(tx, caseId, action, actor, opts, cal));
}

/** {@link transitionCase} inside a caller's transaction. */
export async function transitionInTx(
  tx: Queryable,
  caseId: string,
  action: CaseAction,
  actor: CaseActor,
  opts: TransitionOptions,
  cal: WorkingCalendar | null,
): Promise<TransitionResult> {
  const now = opts.now ?? new Date();
  const c = await getCase(tx, caseId, true);
  await assertStateMatchesLog(tx, caseId, c.state);
  if (opts.expectedState && opts.expectedState !== c.state) {
    throw new AppError(
      'conflict',
      'state_changed',
      `案件状态已变化 / case is now ${c.state}, not ${opts.expectedState}`,
    );
  }
  if (c.mergedIntoId)
    throw new AppError('conflict', 'case_merged', `案件已并入 / case was merged into ${c.mergedIntoId}`);
  const auth = authorizeTransition(action, c.state, actor, c.departmentId);
  if (!auth.ok) refuse(auth);
  const rule = TRANSITIONS[action];
  if (rule.noteRequired && !opts.note?.trim()) {
    throw new AppError('invalid_input', 'note_required', `需填写说明 / ${action} needs a note saying why`);
  }
  const sets: string[] = [];
  const params: unknown[] = [caseId, c.state, rule.to, now];
  const set = (col: string, v: unknown) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  switch (action) {
    case 'accept': {
      const policy = await getSlaPolicy(tx, c.category, c.severity);
      set('accepted_at', now);
      set('dispatch_due_at', new Date(now.getTime() + policy.dispatchS * 1000));
      break;
    }
    case 'dispatch':
      set('dispatched_at', now);
      break;
    case 'resolve':
      set('resolved_at', now);
      set('resolved_level', c.level);
      break;
    case 'close':
      set('closed_at', now);
      break;
    case 'reject':
      set('closed_at', now);
      break;
    case 'reopen': {
      const policy = await getSlaPolicy(tx, c.category, c.severity);
      const due = resolveDeadline(policy, now, cal ?? (await loadWorkingCalendarFor(tx)));
      for (const col of ['resolved_at', 'resolved_level', 'closed_at', 'dispatched_at']) set(col, null);
      set('accepted_at', now);
      set('dispatch_due_at', new Date(now.getTime() + policy.dispatchS * 1000));
      set('resolve_due_at', due.at);
      set('resolve_due_estimated', due.estimated);
      set('escalation_level', 0);
      break;
    }
    default:
      break;
  }
  const upd = await tx.query(
    `UPDATE cases SET state = $3, updated_at = $4, version = version + 1${sets.length ? `, ${sets.join(', ')}` : ''}
     WHERE id = $1 AND state = $2`,
    params,
  );
  if (upd.affectedRows !== 1)
    throw new AppError('conflict', 'state_changed', `案件状态已变化 / case ${caseId} changed meanwhile`);
  const eventId = await appendCaseEvent(tx, {
    caseId,
    at: now,
    actor,
    kind: action === 'return' ? 'return' : 'transition',
    action,
    fromState: c.state,
    toState: rule.to,
    level: c.level,
    departmentId: c.departmentId,
    note: opts.note ?? null,
    evidence: opts.evidence,
    source: c.source,
    category: c.category,
  });
  // A drone case found false: its incidents are rejected too, their detections kept as labelled negatives.
  if (action === 'reject' && c.source === 'drone') await rejectCaseIncidents(tx, caseId, actor.id, opts.note ?? null);
  let reinspectionId: string | null = null;
  if (action === 'resolve' && opts.requestReinspection) {
    if (c.source !== 'drone') {
      throw new AppError(
        'invalid_input',
        'reinspection_drone_only',
        '仅无人机发现的案件可申请复飞核查 / only drone-found cases can request a re-inspection',
      );
    }
    reinspectionId = await requestReinspection(tx, c, actor, now);
  }
  return { case: await getCase(tx, caseId), eventId, reinspectionId };
}

/** Is the actor a dispatcher (or admin / the service)? */
function isDispatcher(actor: CaseActor): boolean {
  return actor.roles.some((r) => r === 'dispatcher' || r === 'admin' || r === SYSTEM_ROLE);
}

async function lockOpenCase(tx: Queryable, caseId: string): Promise<CaseView> {
  const c = await getCase(tx, caseId, true);
  await assertStateMatchesLog(tx, caseId, c.state);
  if (c.mergedIntoId)
    throw new AppError('conflict', 'case_merged', `案件已并入 / case was merged into ${c.mergedIntoId}`);
  return c;
}

/**
 * 改派 reassign: a dispatcher gives the case to another lead department (e.g. after a 退单 return).
 * Allowed while the case is accepted, dispatched or in progress; the state does not change.
 */
export async function reassignCase(
  db: Db,
  caseId: string,
  departmentId: string,
  actor: CaseActor,
  opts: { note: string; now?: Date },
): Promise<CaseView> {
  if (!isDispatcher(actor))
    throw new AppError('forbidden', 'forbidden', '改派需调度员 / reassigning needs the dispatcher role');
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const c = await lockOpenCase(tx, caseId);
    if (!['new', 'accepted', 'dispatched', 'in_progress'].includes(c.state)) {
      throw new AppError('conflict', 'illegal_transition', `非法操作 / cannot reassign a case in state ${c.state}`);
    }
    const d = await tx.query('SELECT 1 FROM departments WHERE id = $1', [departmentId]);
    if (d.rows.length === 0)
      throw new AppError('invalid_input', 'unknown_department', `部门不存在 / unknown department ${departmentId}`);
    const upd = await tx.query(
      'UPDATE cases SET department_id = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND state = $2',
      [caseId, c.state, departmentId, now],
    );
    if (upd.affectedRows !== 1)
      throw new AppError('conflict', 'state_changed', `案件状态已变化 / case ${caseId} changed meanwhile`);
    await appendCaseEvent(tx, {
      caseId,
      at: now,
      actor,
      kind: 'reassign',
      action: 'reassign',
      fromState: c.state,
      toState: c.state,
      level: c.level,
      departmentId,
      note: `${opts.note} (${c.departmentId ?? '—'} → ${departmentId})`,
      source: c.source,
      category: c.category,
    });
    return getCase(tx, caseId);
  });
}

/**
 * 逐级上报: the case cannot be resolved at its level and moves one level up (village → township → city),
 * handled by the parent jurisdiction. By the lead department's officer or a dispatcher.
 */
export async function escalateCaseLevel(
  db: Db,
  caseId: string,
  actor: CaseActor,
  opts: { note: string; now?: Date },
): Promise<CaseView> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const c = await lockOpenCase(tx, caseId);
    const officerOfLead =
      actor.roles.includes('officer') && actor.departmentId !== null && actor.departmentId === c.departmentId;
    if (!isDispatcher(actor) && !officerOfLead) {
      throw new AppError(
        'forbidden',
        'forbidden',
        '上报需调度员或承办部门 / escalating needs a dispatcher or an officer of the lead department',
      );
    }
    if (!['accepted', 'dispatched', 'in_progress'].includes(c.state)) {
      throw new AppError('conflict', 'illegal_transition', `非法操作 / cannot escalate a case in state ${c.state}`);
    }
    const up = nextLevel(c.level);
    if (!up) throw new AppError('conflict', 'top_level', `已在最高层级 / the case is already at level ${c.level}`);
    const parent = await tx.query<{ id: string; grid_code: string | null; level: string }>(
      `WITH RECURSIVE chain AS (
         SELECT id, parent_id, level, grid_code FROM areas WHERE id = $1
         UNION ALL SELECT a.id, a.parent_id, a.level, a.grid_code FROM areas a JOIN chain ON a.id = chain.parent_id)
       SELECT id, grid_code, level FROM chain WHERE level = $2 LIMIT 1`,
      [c.handlingJurisdictionId ?? c.jurisdictionId, up],
    );
    const target = parent.rows[0];
    await tx.query(
      `UPDATE cases SET level = $2, handling_jurisdiction_id = COALESCE($3, handling_jurisdiction_id),
         grid_code = COALESCE($4, grid_code), updated_at = $5, version = version + 1 WHERE id = $1`,
      [caseId, up, target?.id ?? null, target?.grid_code ?? null, now],
    );
    await appendCaseEvent(tx, {
      caseId,
      at: now,
      actor,
      kind: 'escalate_level',
      action: 'escalate_level',
      fromState: c.state,
      toState: c.state,
      level: up,
      departmentId: c.departmentId,
      note: `逐级上报 / escalated ${c.level} → ${up}: ${opts.note}`,
      source: c.source,
      category: c.category,
    });
    return getCase(tx, caseId);
  });
}

/**
 * 并单 merge: a dispatcher folds case `fromId` into `intoId` (same problem reported twice). Its reports move to
 * the target; the merged case is closed with `merged_into_id` set (and left out of the statistics).
 */
export async function mergeCases(
  db: Db,
  fromId: string,
  intoId: string,
  actor: CaseActor,
  opts: { note?: string; now?: Date } = {},
): Promise<CaseView> {
  if (!isDispatcher(actor))
    throw new AppError('forbidden', 'forbidden', '并单需调度员 / merging needs the dispatcher role');
  if (fromId === intoId)
    throw new AppError('invalid_input', 'merge_self', '不能与自身并单 / cannot merge a case into itself');
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    // Lock in id order so two opposite merges cannot deadlock.
    const [a, b] = [fromId, intoId].sort();
    const locked = new Map([
      [a!, await lockOpenCase(tx, a!)],
      [b!, await lockOpenCase(tx, b!)],
    ]);
    const from = locked.get(fromId)!;
    const into = locked.get(intoId)!;
    const open = OPEN_STATES as readonly string[];
    if (!open.includes(from.state) || !open.includes(into.state)) {
      throw new AppError(
        'conflict',
        'illegal_transition',
        `只能合并处理中的案件 / both cases must be open (${from.state}, ${into.state})`,
      );
    }
    await tx.query('UPDATE case_reports SET case_id = $2 WHERE case_id = $1', [fromId, intoId]);
    await tx.query(
      `UPDATE cases SET state = 'closed', merged_into_id = $2, closed_at = $3, report_count = 0, updated_at = $3,
         version = version + 1 WHERE id = $1 AND state = $4`,
      [fromId, intoId, now, from.state],
    );
    await tx.query(
      'UPDATE cases SET report_count = report_count + $2, updated_at = $3, version = version + 1 WHERE id = $1',
      [intoId, from.reportCount, now],
    );
    const note = opts.note ?? null;
    await appendCaseEvent(tx, {
      caseId: fromId,
      at: now,
      actor,
      kind: 'merge',
      action: 'merge',
      fromState: from.state,
      toState: 'closed',
      level: from.level,
      departmentId: from.departmentId,
      note: `并入 / merged into ${intoId}${note ? `: ${note}` : ''}`,
      source: from.source,
      category: from.category,
    });
    await appendCaseEvent(tx, {
      caseId: intoId,
      at: now,
      actor,
      kind: 'merge',
      action: 'merge',
      fromState: into.state,
      toState: into.state,
      level: into.level,
      departmentId: into.departmentId,
      note: `合并 / absorbed ${fromId} (${from.reportCount} reports)${note ? `: ${note}` : ''}`,
      source: into.source,
      category: into.category,
    });
    return getCase(tx, intoId);
  });
}

/**
 * 拆单 split: a dispatcher takes one attached report out of a case into a new case of its own (it was not the
 * same problem). The new case is routed and timed from now. The case's first report cannot be split off.
 */
export async function splitCase(
  db: Db,
  caseId: string,
  reportId: string,
  actor: CaseActor,
  opts: { note?: string; now?: Date } = {},
): Promise<{ original: CaseView; created: CaseView }> {
  if (!isDispatcher(actor))
    throw new AppError('forbidden', 'forbidden', '拆单需调度员 / splitting needs the dispatcher role');
  const now = opts.now ?? new Date();
  const cal = await loadWorkingCalendar(db);
  return db.transaction(async (tx) => {
    const c = await lockOpenCase(tx, caseId);
    const reports = await tx.query<{
      id: string;
      source: string;
      lon: number;
      lat: number;
      severity: 'urgent' | 'normal';
      confidence: number | null;
      description: string | null;
      evidence: unknown;
    }>(
      `SELECT id, source, ST_X(geom) AS lon, ST_Y(geom) AS lat, severity, confidence, description, evidence
       FROM case_reports WHERE case_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
    const idx = reports.rows.findIndex((r) => r.id === reportId);
    if (idx < 0)
      throw new AppError('not_found', 'not_found', `该案件无此诉求 / case ${caseId} has no report ${reportId}`);
    if (idx === 0)
      throw new AppError(
        'conflict',
        'split_first_report',
        '不能拆出首条诉求 / the first report of a case cannot be split off',
      );
    const r = reports.rows[idx]!;
    const newId = `case_${randomUUID()}`;
    const input = FileCaseInput.parse({
      category: c.category,
      point: [Number(r.lon), Number(r.lat)],
      severity: r.severity,
      source: r.source,
      confidence: r.confidence,
      description: r.description,
      evidence: r.evidence ?? undefined,
    });
    await createCaseRow(tx, newId, input, now, cal);
    await tx.query('UPDATE case_reports SET case_id = $2 WHERE id = $1', [reportId, newId]);
    await tx.query(
      'UPDATE cases SET report_count = report_count - 1, updated_at = $2, version = version + 1 WHERE id = $1',
      [caseId, now],
    );
    const created = await getCase(tx, newId);
    await appendCaseEvent(tx, {
      caseId: newId,
      at: now,
      actor,
      kind: 'split',
      action: 'split',
      fromState: null,
      toState: 'new',
      level: created.level,
      departmentId: created.departmentId,
      note: `拆自 / split from ${caseId}${opts.note ? `: ${opts.note}` : ''}`,
      source: created.source,
      category: created.category,
    });
    await appendCaseEvent(tx, {
      caseId,
      at: now,
      actor,
      kind: 'split',
      action: 'split',
      fromState: c.state,
      toState: c.state,
      level: c.level,
      departmentId: c.departmentId,
      note: `拆出 / report ${reportId} split into ${newId}${opts.note ? `: ${opts.note}` : ''}`,
      source: c.source,
      category: c.category,
    });
    return { original: await getCase(tx, caseId), created };
  });
}

/** Survey radius around the case point for a re-inspection flight. */
export const REINSPECTION_RADIUS_M = 100;

/**
 * Queues a re-inspection of a case's spots: one survey polygon the next patrol picks up, covering the case point and
 * every incident of the case ({@link REINSPECTION_RADIUS_M} around their convex hull), so a case that holds two
 * fires has both flown over again.
 */
export async function requestReinspection(tx: Queryable, c: CaseView, actor: CaseActor, now: Date): Promise<string> {
  const id = `rei_${randomUUID()}`;
  await tx.query(
    `WITH pts AS (
       SELECT ST_SetSRID(ST_MakePoint($3, $4), 4326) AS g
       UNION ALL
       SELECT n.geom FROM case_reports r JOIN incidents n ON n.id = r.incident_id WHERE r.case_id = $2)
     INSERT INTO reinspections (id, case_id, survey_polygon, requested_by, requested_at)
     SELECT $1, $2, ST_Buffer(ST_ConvexHull(ST_Collect(g))::geography, $5, 8)::geometry, $6, $7 FROM pts`,
    [id, c.id, ...c.position.coordinates, REINSPECTION_RADIUS_M, actor.id, now],
  );
  return id;
}

export interface Reinspection {
  id: string;
  caseId: string;
  surveyPolygon: GeoJSON.Polygon;
  state: 'requested' | 'planned' | 'done';
  result: 'found' | 'not_found' | null;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
  note: string | null;
}

/**
 * Re-inspections, by state (the patrol planner takes the `requested` ones); `visibleToDepartmentId` as in
 * listCases (the re-inspection goes with its case).
 */
export async function listReinspections(
  q: Queryable,
  state?: string,
  visibleToDepartmentId?: string | null,
): Promise<Reinspection[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT r.id, r.case_id, ST_AsGeoJSON(r.survey_polygon) AS poly, r.state, r.result, r.requested_by, r.requested_at,
            r.completed_at, r.note
       FROM reinspections r JOIN cases c ON c.id = r.case_id
      WHERE ($1::text IS NULL OR r.state = $1)
        AND (NOT $2 OR c.department_id IS NULL OR c.department_id = $3 OR $3 = ANY (c.assist_department_ids))
      ORDER BY r.requested_at, r.id LIMIT 1000`,
    [state ?? null, visibleToDepartmentId !== undefined, visibleToDepartmentId ?? null],
  );
  return r.rows.map((x) => ({
    id: x.id as string,
    caseId: x.case_id as string,
    surveyPolygon: JSON.parse(x.poly as string) as GeoJSON.Polygon,
    state: x.state as Reinspection['state'],
    result: (x.result as Reinspection['result']) ?? null,
    requestedBy: x.requested_by as string,
    requestedAt: new Date(x.requested_at as string).toISOString(),
    completedAt: x.completed_at ? new Date(x.completed_at as string).toISOString() : null,
    note: (x.note as string | null) ?? null,
  }));
}

/**
 * The re-inspection flight's result: nothing found → the resolved case becomes `verified` (by the service);
 * found again → the case is reopened. Recorded on the re-inspection and in the case log, one transaction.
 */
export async function recordReinspectionResult(
  db: Db,
  reinspectionId: string,
  found: boolean,
  actor: CaseActor,
  opts: { note?: string; now?: Date } = {},
): Promise<{ case: CaseView; reinspection: Reinspection }> {
  if (!actor.roles.some((r) => ['officer', 'operator', 'dispatcher', 'admin', SYSTEM_ROLE].includes(r))) {
    throw new AppError('forbidden', 'forbidden', '无权记录复飞结果 / not allowed to record a re-inspection result');
  }
  const now = opts.now ?? new Date();
  const cal = await loadWorkingCalendar(db);
  const caseId = await db.transaction(async (tx) => {
    const r = await tx.query<{ case_id: string; state: string }>(
      'SELECT case_id, state FROM reinspections WHERE id = $1 FOR UPDATE',
      [reinspectionId],
    );
    const row = r.rows[0];
    if (!row) throw new AppError('not_found', 'not_found', `无此复飞 / no re-inspection ${reinspectionId}`);
    if (row.state === 'done')
      throw new AppError('conflict', 'reinspection_done', '复飞结果已记录 / result already recorded');
    await tx.query(`UPDATE reinspections SET state = 'done', result = $2, completed_at = $3, note = $4 WHERE id = $1`, [
      reinspectionId,
      found ? 'found' : 'not_found',
      now,
      opts.note ?? null,
    ]);
    const c = await getCase(tx, row.case_id, true);
    const note = `复飞核查 / re-inspection ${reinspectionId}: ${found ? '仍发现问题 / problem found again' : '未发现问题 / nothing found'}`;
    const sys = systemActor('reinspection');
    if (c.state === 'resolved') {
      await transitionInTx(tx, c.id, found ? 'reopen' : 'verify', sys, { note, now }, cal);
    } else {
      await appendCaseEvent(tx, {
        caseId: c.id,
        at: now,
        actor,
        kind: 'reinspection',
        action: 'reinspection',
        fromState: c.state,
        toState: c.state,
        level: c.level,
        departmentId: c.departmentId,
        note,
        source: c.source,
        category: c.category,
      });
    }
    return c.id;
  });
  const list = await listReinspections(db);
  return { case: await getCase(db, caseId), reinspection: list.find((x) => x.id === reinspectionId)! };
}

/** Reads the calendar through a transaction's connection (reopen from inside another operation). */
async function loadWorkingCalendarFor(q: Queryable): Promise<WorkingCalendar> {
  const days = await q.query<{ day: string; is_workday: boolean }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, is_workday FROM working_calendar`,
  );
  const years = await q.query<{ year: number }>('SELECT year FROM working_calendar_years');
  return new WorkingCalendar(
    days.rows.map((r) => ({ day: r.day, isWorkday: r.is_workday })),
    years.rows.map((r) => r.year),
  );
}

/**
 * Marks a case published in the public Open311 feed, or withdraws it (dispatchers). Recorded in the case log;
 * the state does not change. Reporter data is never published either way.
 */
export async function setCasePublicity(
  db: Db,
  caseId: string,
  isPublic: boolean,
  actor: CaseActor,
  opts: { note?: string; now?: Date } = {},
): Promise<CaseView> {
  if (!isDispatcher(actor))
    throw new AppError('forbidden', 'forbidden', '公开案件需调度员 / publishing needs the dispatcher role');
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const c = await getCase(tx, caseId, true);
    if (c.public === isPublic) return c;
    await tx.query('UPDATE cases SET public = $2, updated_at = $3, version = version + 1 WHERE id = $1', [
      caseId,
      isPublic,
      now,
    ]);
    await appendCaseEvent(tx, {
      caseId,
      at: now,
      actor,
      kind: 'publicity',
      action: isPublic ? 'publish' : 'unpublish',
      fromState: c.state,
      toState: c.state,
      level: c.level,
      departmentId: c.departmentId,
      note: `${isPublic ? '公开 / published in the Open311 feed' : '撤回公开 / withdrawn from the Open311 feed'}${opts.note ? `: ${opts.note}` : ''}`,
      source: c.source,
      category: c.category,
    });
    return getCase(tx, caseId);
  });
}
