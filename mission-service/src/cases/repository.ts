import type { Queryable } from '../db/db.ts';
import { ACTOR_NAME_SQL } from './actor-name.ts';
import { AppError, notFound } from '../app-error.ts';
import type { CaseState } from './state-machine.ts';
import type { CaseLevel } from './routing.ts';

/** A case as the API and the other modules see it. */
export interface CaseView {
  id: string;
  category: string;
  state: CaseState;
  source: string;
  severity: 'urgent' | 'normal';
  /** GeoJSON Point, [lon, lat] WGS84. */
  position: { type: 'Point'; coordinates: [number, number] };
  groundPolygon: GeoJSON.Polygon | null;
  confidence: number | null;
  incidentId: string | null;
  jurisdictionId: string | null;
  handlingJurisdictionId: string | null;
  level: CaseLevel;
  gridCode: string | null;
  departmentId: string | null;
  assistDepartmentIds: string[];
  description: string | null;
  address: string | null;
  evidence: unknown;
  mergedIntoId: string | null;
  reportCount: number;
  /** Published in the public Open311 feed. */
  public: boolean;
  acceptDueAt: string | null;
  dispatchDueAt: string | null;
  resolveDueAt: string | null;
  resolveDueEstimated: boolean;
  acceptedAt: string | null;
  dispatchedAt: string | null;
  resolvedAt: string | null;
  resolvedLevel: string | null;
  closedAt: string | null;
  escalationLevel: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** SELECT list that {@link toCaseView} reads (table alias `c`). */
export const CASE_COLUMNS = `c.id, c.category, c.state, c.source, c.severity, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
  ST_AsGeoJSON(c.ground_polygon) AS ground_polygon, c.confidence, c.incident_id, c.jurisdiction_id,
  c.handling_jurisdiction_id, c.level, c.grid_code, c.department_id, c.assist_department_ids, c.description, c.address,
  c.evidence, c.merged_into_id, c.report_count, c.accept_due_at, c.dispatch_due_at, c.resolve_due_at,
  c.resolve_due_estimated, c.accepted_at, c.dispatched_at, c.resolved_at, c.resolved_level, c.closed_at,
  c.escalation_level, c.version, c.public, c.created_at, c.updated_at`;

export type CaseRow = Record<string, unknown>;

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());

export function toCaseView(r: CaseRow): CaseView {
  return {
    id: r.id as string,
    category: r.category as string,
    state: r.state as CaseState,
    source: r.source as string,
    severity: r.severity as 'urgent' | 'normal',
    position: { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    groundPolygon: r.ground_polygon ? (JSON.parse(r.ground_polygon as string) as GeoJSON.Polygon) : null,
    confidence: r.confidence == null ? null : Number(r.confidence),
    incidentId: (r.incident_id as string | null) ?? null,
    jurisdictionId: (r.jurisdiction_id as string | null) ?? null,
    handlingJurisdictionId: (r.handling_jurisdiction_id as string | null) ?? null,
    level: r.level as CaseLevel,
    gridCode: (r.grid_code as string | null) ?? null,
    departmentId: (r.department_id as string | null) ?? null,
    assistDepartmentIds: (r.assist_department_ids as string[] | null) ?? [],
    description: (r.description as string | null) ?? null,
    address: (r.address as string | null) ?? null,
    evidence: r.evidence ?? null,
    mergedIntoId: (r.merged_into_id as string | null) ?? null,
    reportCount: Number(r.report_count),
    public: Boolean(r.public),
    acceptDueAt: iso(r.accept_due_at),
    dispatchDueAt: iso(r.dispatch_due_at),
    resolveDueAt: iso(r.resolve_due_at),
    resolveDueEstimated: Boolean(r.resolve_due_estimated),
    acceptedAt: iso(r.accepted_at),
    dispatchedAt: iso(r.dispatched_at),
    resolvedAt: iso(r.resolved_at),
    resolvedLevel: (r.resolved_level as string | null) ?? null,
    closedAt: iso(r.closed_at),
    escalationLevel: Number(r.escalation_level),
    version: Number(r.version),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** One case, or null. `forUpdate` locks the row for the rest of the transaction. */
export async function findCase(q: Queryable, id: string, forUpdate = false): Promise<CaseView | null> {
  const r = await q.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0] ? toCaseView(r.rows[0]) : null;
}

/** One case, or a 404. `forUpdate` locks the row for the rest of the transaction. */
export async function getCase(q: Queryable, id: string, forUpdate = false): Promise<CaseView> {
  const c = await findCase(q, id, forUpdate);
  if (!c) throw notFound(`case ${id}`);
  return c;
}

export interface CaseEvent {
  id: number;
  caseId: string;
  at: string;
  actor: string;
  actorName: string;
  actorRoles: string[];
  kind: string;
  action: string | null;
  fromState: CaseState | null;
  toState: CaseState;
  level: string | null;
  departmentId: string | null;
  note: string | null;
  evidence: unknown;
}

/** The audit log of a case, oldest first. */
export async function listCaseEvents(q: Queryable, caseId: string): Promise<CaseEvent[]> {
  const r = await q.query<CaseRow>(
    `SELECT id, case_id, at, actor, ${ACTOR_NAME_SQL('actor')} AS actor_name, actor_roles, kind, action, from_state,
            to_state, level, department_id, note, evidence
     FROM case_events WHERE case_id = $1 ORDER BY id`,
    [caseId],
  );
  return r.rows.map((e) => ({
    id: Number(e.id),
    caseId: e.case_id as string,
    at: iso(e.at)!,
    actor: e.actor as string,
    actorName: e.actor_name as string,
    actorRoles: (e.actor_roles as string[]) ?? [],
    kind: e.kind as string,
    action: (e.action as string | null) ?? null,
    fromState: (e.from_state as CaseState | null) ?? null,
    toState: e.to_state as CaseState,
    level: (e.level as string | null) ?? null,
    departmentId: (e.department_id as string | null) ?? null,
    note: (e.note as string | null) ?? null,
    evidence: e.evidence ?? null,
  }));
}

export interface NewEvent {
  caseId: string;
  at: Date;
  actor: { id: string; roles: readonly string[] };
  kind:
    | 'file'
    | 'transition'
    | 'attach'
    | 'merge'
    | 'split'
    | 'reassign'
    | 'return'
    | 'escalate_level'
    | 'overdue'
    | 'reinspection'
    | 'publicity'
    | 'deadline';
  action?: string | null;
  fromState: CaseState | null;
  toState: CaseState;
  level: string;
  departmentId: string | null;
  note?: string | null;
  evidence?: unknown;
  /** For the webhook payload. */
  source: string;
  category: string;
}

/**
 * Appends one audit event and, in the same transaction, queues a webhook delivery per matching subscription
 * (an outbox: the event and its notifications commit or roll back together).
 */
export async function appendCaseEvent(q: Queryable, e: NewEvent): Promise<number> {
  const type = e.kind === 'transition' ? `case.${e.action}` : `case.${e.kind}`;
  const payload = {
    type,
    at: e.at.toISOString(),
    caseId: e.caseId,
    category: e.category,
    source: e.source,
    from: e.fromState,
    to: e.toState,
    level: e.level,
    departmentId: e.departmentId,
    note: e.note ?? null,
  };
  // One round trip: the event, and its deliveries to the matching subscriptions (payload + event id).
  const r = await q.query<{ id: number }>(
    `WITH e AS (
       INSERT INTO case_events (case_id, at, actor, actor_roles, kind, action, from_state, to_state, level, department_id, note, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id),
     w AS (
       INSERT INTO webhook_deliveries (subscription_id, event_id, case_id, payload, next_attempt_at)
       SELECT s.id, 'evt-' || e.id, $1, $13::jsonb || jsonb_build_object('eventId', 'evt-' || e.id), $2
       FROM e, webhook_subscriptions s
       WHERE s.active AND (cardinality(s.event_kinds) = 0 OR $14 = ANY (s.event_kinds))
         AND (cardinality(s.sources) = 0 OR $15 = ANY (s.sources))
       ON CONFLICT (subscription_id, event_id) DO NOTHING)
     SELECT id FROM e`,
    [
      e.caseId,
      e.at,
      e.actor.id,
      [...e.actor.roles],
      e.kind,
      e.action ?? null,
      e.fromState,
      e.toState,
      e.level,
      e.departmentId,
      e.note ?? null,
      e.evidence === undefined ? null : JSON.stringify(e.evidence),
      JSON.stringify(payload),
      type,
      e.source,
    ],
  );
  const id = Number(r.rows[0]!.id);
  return id;
}

/**
 * Checks the case row against its audit log: the log must replay as an unbroken chain ending in the row's
 * state. Throws a 500 `audit_mismatch` if not (a write outside this module).
 */
export async function assertStateMatchesLog(q: Queryable, caseId: string, state: CaseState): Promise<void> {
  const r = await q.query<{ to_state: string }>(
    'SELECT to_state FROM case_events WHERE case_id = $1 ORDER BY id DESC LIMIT 1',
    [caseId],
  );
  const last = r.rows[0]?.to_state;
  if (last !== state) {
    throw new AppError(
      'internal',
      'audit_mismatch',
      `案件状态与日志不符 / case ${caseId} is ${state} but its log ends in ${last ?? 'nothing'}`,
    );
  }
}

export interface ListCasesFilter {
  bbox?: [number, number, number, number];
  states?: readonly string[];
  category?: string;
  departmentId?: string;
  source?: string;
  createdFrom?: Date;
  createdTo?: Date;
  ids?: readonly string[];
  /**
   * Only cases this department leads or assists, plus the centre's unassigned queue (the view of anyone with a
   * department who is not a dispatcher or admin); null: the unassigned queue only. Undefined: every case.
   */
  visibleToDepartmentId?: string | null;
  /** Only cases published in the public Open311 feed. */
  publicOnly?: boolean;
  /** Any of these categories. */
  categories?: readonly string[];
  /** A piece of the id, the address or the description (case-insensitive; `%` and `_` are plain characters). */
  text?: string;
  includeMerged?: boolean;
  limit?: number;
  offset?: number;
}

/** How many cases the filter matches (the total of a list's pages). */
export async function countCases(q: Queryable, f: ListCasesFilter = {}): Promise<number> {
  const params: unknown[] = [];
  const where = caseWhere(f, params);
  const r = await q.query<{ n: string }>(
    `SELECT count(*) AS n FROM cases c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** How far back the first try of a bbox list of closed cases looks (see {@link listCases}). */
const CLOSED_WINDOW_MS = 30 * 86_400_000;

/**
 * Cases matching the filter, newest first. A bbox list of closed cases — most of a mature table — first looks at
 * the last {@link CLOSED_WINDOW_MS} only, through the space × time index `cases_closed_xyt` (migration 005); when
 * that window holds a full page (limit + offset rows), the page is the same as the whole table's, because every
 * case outside the window is older than every case inside. Otherwise the plain query answers.
 */
export async function listCases(q: Queryable, f: ListCasesFilter = {}, now = new Date()): Promise<CaseView[]> {
  const limit = Math.min(f.limit ?? 100, 1000);
  const offset = f.offset ?? 0;
  if (f.bbox && f.states?.length === 1 && f.states[0] === 'closed') {
    const since = new Date(now.getTime() - CLOSED_WINDOW_MS);
    const page = await queryCases(q, f, limit + offset, 0, { since, bbox: f.bbox });
    if (page.length === limit + offset) return page.slice(offset);
  }
  return queryCases(q, f, limit, offset);
}

/** The WHERE conditions of a case list (filled into `params`). */
export function caseWhere(
  f: ListCasesFilter,
  params: unknown[],
  window?: { since: Date; bbox: [number, number, number, number] },
): string[] {
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.bbox)
    where.push(`c.geom && ST_MakeEnvelope(${p(f.bbox[0])}, ${p(f.bbox[1])}, ${p(f.bbox[2])}, ${p(f.bbox[3])}, 4326)`);
  // One parameter per state (c.state IN (...)), not = ANY(array): the partial indexes per state (003, 005) are then
  // implied by the query, and the planner does not AND a second bitmap over the whole state index.
  if (f.states?.length) where.push(`c.state IN (${f.states.map((s) => p(s)).join(', ')})`);
  if (window) {
    // The exact test on created_at, and the same box in space × time (seconds) for the index, whose float4 keys
    // are only a pre-filter.
    const since = p(window.since);
    const [w, s, e, n] = window.bbox.map((v) => p(v));
    where.push(`c.created_at >= ${since}`);
    where.push(
      `ST_MakePoint(ST_X(c.geom), ST_Y(c.geom), case_epoch_s(c.created_at)) &&& ` +
        `ST_MakeLine(ST_MakePoint(${w}, ${s}, case_epoch_s(${since}) - 1), ST_MakePoint(${e}, ${n}, 1e15))`,
    );
  }
  if (f.category) where.push(`c.category = ${p(f.category)}`);
  if (f.departmentId) where.push(`c.department_id = ${p(f.departmentId)}`);
  if (f.source) where.push(`c.source = ${p(f.source)}`);
  if (f.createdFrom) where.push(`c.created_at >= ${p(f.createdFrom)}`);
  if (f.createdTo) where.push(`c.created_at < ${p(f.createdTo)}`);
  if (f.visibleToDepartmentId === null) where.push('c.department_id IS NULL');
  else if (f.visibleToDepartmentId !== undefined) {
    const d = p(f.visibleToDepartmentId);
    where.push(`(c.department_id IS NULL OR c.department_id = ${d} OR ${d} = ANY (c.assist_department_ids))`);
  }
  if (f.publicOnly) where.push('c.public');
  if (f.categories?.length) where.push(`c.category IN (${f.categories.map((x) => p(x)).join(', ')})`);
  if (f.text) {
    const like = p(`%${f.text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(`(c.id ILIKE ${like} OR c.address ILIKE ${like} OR c.description ILIKE ${like})`);
  }
  if (f.ids) where.push(`c.id = ANY (${p(f.ids)}::text[])`);
  if (!f.includeMerged) where.push('c.merged_into_id IS NULL');
  return where;
}

async function queryCases(
  q: Queryable,
  f: ListCasesFilter,
  limit: number,
  offset: number,
  window?: { since: Date; bbox: [number, number, number, number] },
): Promise<CaseView[]> {
  const params: unknown[] = [];
  const where = caseWhere(f, params, window);
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const filtered = `SELECT * FROM cases c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  // With a bbox, filter spatially first (GiST), then sort: the OFFSET 0 fence keeps the planner from walking the
  // created_at index backwards through a million rows hoping to meet the bbox early (300+ ms at 1M cases).
  const from = f.bbox ? `(${filtered} OFFSET 0) c` : `(${filtered}) c`;
  const sql = `SELECT ${CASE_COLUMNS} FROM ${from}
    ORDER BY c.created_at DESC, c.id LIMIT ${p(limit)} OFFSET ${p(offset)}`;
  const r = await q.query<CaseRow>(sql, params);
  return r.rows.map(toCaseView);
}

export interface CaseReport {
  id: string;
  caseId: string;
  source: string;
  incidentId: string | null;
  position: { type: 'Point'; coordinates: [number, number] };
  severity: string;
  description: string | null;
  reporter: unknown;
  createdAt: string;
}

export async function listCaseReports(q: Queryable, caseId: string): Promise<CaseReport[]> {
  const r = await q.query<CaseRow>(
    `SELECT id, case_id, source, incident_id, ST_X(geom) AS lon, ST_Y(geom) AS lat, severity, description, reporter, created_at
     FROM case_reports WHERE case_id = $1 ORDER BY created_at, id`,
    [caseId],
  );
  return r.rows.map((x) => ({
    id: x.id as string,
    caseId: x.case_id as string,
    source: x.source as string,
    incidentId: (x.incident_id as string | null) ?? null,
    position: { type: 'Point', coordinates: [Number(x.lon), Number(x.lat)] },
    severity: x.severity as string,
    description: (x.description as string | null) ?? null,
    reporter: x.reporter ?? null,
    createdAt: iso(x.created_at)!,
  }));
}
