import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import { loadWorkingCalendar } from '../calendar/calendar-repository.ts';
import { AppError } from '../app-error.ts';
import { attachRadiusM, categorySettings } from './category-settings.ts';
import { CASE_COLUMNS, getCase, toCaseView, type CaseRow, type CaseView } from './repository.ts';
import { buildRoute, routeChainSql, routeRuleSql } from './routing.ts';
import { FileCaseInput } from './schemas.ts';
import { computeDeadlines, slaPolicySql, toSlaPolicy } from './sla.ts';
import { systemActor, type CaseActor } from './state-machine.ts';

export interface FileCaseResult {
  /** created: a new case; attached: a duplicate report joined an open case nearby (并单); existing: this
   * incident / idempotency key was filed before (nothing written). */
  outcome: 'created' | 'attached' | 'existing';
  caseId: string;
  reportId: string;
  case: CaseView;
}

export interface FileCaseOptions {
  /** The clock (tests, the bench); defaults to now. */
  now?: Date;
  /** Who files; defaults to the service (`system:<source>`). */
  actor?: CaseActor;
  /**
   * Runs in the filing's transaction just before the case is written, only when something will be written (not
   * for an incident / key filed before). Throwing rolls the filing back (e.g. the incident was reviewed meanwhile).
   */
  beforeFile?: (tx: Queryable) => Promise<void>;
}

/** PostgreSQL error code of a driver error (pg and PGlite both set `code`). */
export function pgCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * Files a report as a case: the one entry for every source (drone triage, the API, Open311).
 * Exactly once per triage incident and per idempotency key (UNIQUE constraints, so a redelivered queue message
 * or a retried request returns the first result); a report within the category's duplicate radius of an open
 * case of the same category attaches to it (重复诉求并单); otherwise a new case is routed (department, grid,
 * level) and given its SLA deadlines. One transaction: nothing is half-written.
 */
export async function fileCase(db: Db, input: FileCaseInput, opts: FileCaseOptions = {}): Promise<FileCaseResult> {
  const p = FileCaseInput.parse(input);
  const now = opts.now ?? new Date();
  const actor = opts.actor ?? systemActor(p.source);
  const cal = await loadWorkingCalendar(db);
  const keys = { incidentId: p.incidentId ?? null, idempotencyKey: p.idempotencyKey ?? null };
  const settings = (await categorySettings(db)).get(p.category);
  if (settings === undefined)
    throw new AppError('invalid_input', 'unknown_category', `未知类别 / unknown category ${p.category}`);
  // A drone's incident is located to metres: it joins an open case only when it is the same spot, not any report
  // of the category within the (rough) duplicate radius of hotline calls.
  const radiusM = attachRadiusM(settings, p.source);
  try {
    return await db.transaction(async (tx) => {
      // Round trip 1: the duplicate locks, an earlier filing of this incident / key, the route and the SLA.
      const pre = await lockAndPrepare(tx, p.category, p.severity, p.point, radiusM, keys);
      if (pre.existing) return pre.existing;
      if (p.polygon) await assertValidPolygon(tx, p.polygon);
      await opts.beforeFile?.(tx);
      const route = buildRoute(pre.chain, pre.rule);
      const d = computeDeadlines(toSlaPolicy(p.category, p.severity, pre.sla), now, cal);
      // Round trip 2 (a fresh snapshot, taken after the locks): attach to an open case nearby, or create one;
      // the report, the audit event and the webhook outbox rows in the same statement.
      const [lon, lat] = p.point;
      const reportId = `rep_${randomUUID()}`;
      const caseId = `case_${randomUUID()}`;
      const padDeg = radiusM / 111_000 / Math.cos((Math.min(Math.abs(lat), 60) * Math.PI) / 180) + 1e-6;
      const r = await tx.query<CaseRow & { attached: boolean }>(FILE_SQL, [
        p.category,
        lon,
        lat,
        radiusM,
        padDeg,
        caseId,
        reportId,
        now,
        p.source,
        p.severity,
        p.polygon ? JSON.stringify(p.polygon) : null,
        p.confidence ?? null,
        p.incidentId ?? null,
        route.jurisdictionId,
        route.leadDepartmentId,
        p.description ?? null,
        route.level,
        route.handlingJurisdictionId,
        route.gridCode,
        route.assistDepartmentIds,
        p.evidence === undefined ? null : JSON.stringify(p.evidence),
        p.address ?? null,
        d.acceptDueAt,
        d.dispatchDueAt,
        d.resolveDueAt,
        d.resolveDueEstimated,
        p.idempotencyKey ?? null,
        p.reporter ? JSON.stringify(p.reporter) : null,
        p.apiKeyId ?? null,
        actor.id,
        [...actor.roles],
        now.toISOString(),
      ]);
      const row = r.rows[0]!;
      const c = toCaseView(row);
      // A report that came in through Open311 publishes its case in the Open311 feed (the reporter chose a public
      // channel); reporter data never is. Other cases stay unpublished until a dispatcher publishes them.
      if ((p.public ?? p.source === 'open311') && !c.public) {
        await tx.query('UPDATE cases SET public = true WHERE id = $1', [c.id]);
        c.public = true;
      }
      return { outcome: row.attached ? ('attached' as const) : ('created' as const), caseId: c.id, reportId, case: c };
    });
  } catch (err) {
    const code = pgCode(err);
    // A concurrent filing of the same incident / key won the race: answer with its result.
    if (code === '23505') {
      const again = await findExisting(db, keys);
      if (again) return again;
    }
    if (code?.startsWith('22') || (code === 'XX000' && /geojson|geometry/i.test(String((err as Error).message)))) {
      throw new AppError('invalid_input', 'invalid_geometry', `几何无效 / invalid polygon: ${(err as Error).message}`);
    }
    if (code === '23514' && /geom_valid|ST_IsValid/i.test(String((err as Error).message))) {
      throw new AppError('invalid_input', 'invalid_geometry', `几何无效 / invalid polygon`);
    }
    if (code === '23503') {
      throw new AppError(
        'invalid_input',
        'unknown_reference',
        `引用不存在 / unknown incident ${p.incidentId ?? ''} or department`,
      );
    }
    throw err;
  }
}

async function findExisting(
  q: Queryable,
  keys: { incidentId: string | null; idempotencyKey: string | null },
): Promise<FileCaseResult | null> {
  if (!keys.incidentId && !keys.idempotencyKey) return null;
  const r = await q.query<{ id: string; case_id: string }>(
    'SELECT id, case_id FROM case_reports WHERE incident_id = $1 OR idempotency_key = $2 LIMIT 1',
    [keys.incidentId, keys.idempotencyKey],
  );
  const row = r.rows[0];
  if (!row) return null;
  // A report may since have been merged: follow the case it now belongs to.
  return { outcome: 'existing', caseId: row.case_id, reportId: row.id, case: await getCase(q, row.case_id) };
}

/**
 * The report INSERT as a CTE body whose parameters start after `offset`, and its parameter values — so that a
 * report is written in the same statement (round trip) as its case.
 */
function reportInsertSql(offset: number) {
  const n = (i: number) => `$${offset + i}`;
  return {
    sql: `INSERT INTO case_reports (id, case_id, source, incident_id, idempotency_key, geom, severity, confidence, description,
       reporter, evidence, api_key_id, created_at)
     VALUES (${n(1)}, ${n(2)}, ${n(3)}, ${n(4)}, ${n(5)}, ST_SetSRID(ST_MakePoint(${n(6)}, ${n(7)}), 4326), ${n(8)}, ${n(9)},
       ${n(10)}, ${n(11)}, ${n(12)}, ${n(13)}, ${n(14)})`,
    params: (id: string, caseId: string, p: ReturnType<typeof FileCaseInput.parse>, now: Date): unknown[] => [
      id,
      caseId,
      p.source,
      p.incidentId ?? null,
      p.idempotencyKey ?? null,
      p.point[0],
      p.point[1],
      p.severity,
      p.confidence ?? null,
      p.description ?? null,
      p.reporter ? JSON.stringify(p.reporter) : null,
      p.evidence === undefined ? null : JSON.stringify(p.evidence),
      p.apiKeyId ?? null,
      now,
    ],
  };
}

/** Inserts the routed case row with its deadlines (used by filing and by split). */
export async function createCaseRow(
  q: Queryable,
  caseId: string,
  p: ReturnType<typeof FileCaseInput.parse>,
  now: Date,
  cal: Awaited<ReturnType<typeof loadWorkingCalendar>>,
  reportId?: string,
): Promise<CaseView> {
  const [lon, lat] = p.point;
  // One round trip for the route and the SLA.
  const rs = await q.query<{ chain: unknown; rule: unknown; sla: unknown }>(
    `SELECT ${routeChainSql('$1', '$2')} AS chain, ${routeRuleSql('$3')} AS rule, ${slaPolicySql('$3', '$4')} AS sla`,
    [lon, lat, p.category, p.severity],
  );
  const route = buildRoute(rs.rows[0]!.chain, rs.rows[0]!.rule);
  const policy = toSlaPolicy(p.category, p.severity, rs.rows[0]!.sla);
  const d = computeDeadlines(policy, now, cal);
  const rep = reportId ? reportInsertSql(23) : null;
  const r = await q.query<CaseRow>(
    `WITH c AS (INSERT INTO cases (id, category, state, source, severity, geom, ground_polygon, confidence, incident_id,
       jurisdiction_id, department_id, description, created_at, updated_at, level, handling_jurisdiction_id, grid_code,
       assist_department_ids, evidence, address, accept_due_at, dispatch_due_at, resolve_due_at, resolve_due_estimated)
     VALUES ($1, $2, 'new', $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326),
       CASE WHEN $7::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($7::text), 4326) END,
       $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING *)${rep ? `, r AS (${rep.sql})` : ''}
     SELECT ${CASE_COLUMNS} FROM c`,
    [
      caseId,
      p.category,
      p.source,
      p.severity,
      lon,
      lat,
      p.polygon ? JSON.stringify(p.polygon) : null,
      p.confidence ?? null,
      p.incidentId ?? null,
      route.jurisdictionId,
      route.leadDepartmentId,
      p.description ?? null,
      now,
      route.level,
      route.handlingJurisdictionId,
      route.gridCode,
      route.assistDepartmentIds,
      p.evidence === undefined ? null : JSON.stringify(p.evidence),
      p.address ?? null,
      d.acceptDueAt,
      d.dispatchDueAt,
      d.resolveDueAt,
      d.resolveDueEstimated,
      ...(rep && reportId ? rep.params(reportId, caseId, p, now) : []),
    ],
  );
  return toCaseView(r.rows[0]!);
}

/** A ground polygon from outside must be a valid simple polygon (the reason is given back). */
async function assertValidPolygon(q: Queryable, polygon: unknown): Promise<void> {
  const r = await q.query<{ valid: boolean; reason: string }>(
    'SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_GeomFromGeoJSON($1::text) AS g) t',
    [JSON.stringify(polygon)],
  );
  const row = r.rows[0];
  if (!row?.valid)
    throw new AppError(
      'invalid_input',
      'invalid_geometry',
      `多边形无效 / invalid polygon: ${row?.reason ?? 'unreadable'}`,
    );
}

/**
 * Serialises filings that could be duplicates of each other, and only those: a transaction-scoped advisory lock
 * on each grid cell (of at least the radius) that the report's search square touches, in a fixed order so that
 * two filings never deadlock. Two reports within the radius of each other always share a cell. In the same
 * round trip: an earlier filing of the incident / key, the jurisdictions and routing rule, the SLA policy.
 */
async function lockAndPrepare(
  q: Queryable,
  category: string,
  severity: 'urgent' | 'normal',
  point: [number, number],
  radiusM: number,
  keys: { incidentId: string | null; idempotencyKey: string | null },
): Promise<{ existing: FileCaseResult | null; chain: unknown; rule: unknown; sla: unknown }> {
  const [lon, lat] = point;
  const padLat = radiusM / 111_000;
  const padLon = padLat / Math.cos((Math.min(Math.abs(lat), 60) * Math.PI) / 180);
  const cell = Math.max(0.01, 2 * padLon);
  const cells = new Set<string>();
  for (const x of [lon - padLon, lon + padLon]) {
    for (const y of [lat - padLat, lat + padLat])
      cells.add(`${category}:${Math.floor(x / cell)}:${Math.floor(y / cell)}`);
  }
  // The existing-report check may miss a filing committed while we waited for the lock: the UNIQUE constraints
  // catch that one, and fileCase answers with it.
  const r = await q.query<{ locks: number; existing: unknown; chain: unknown; rule: unknown; sla: unknown }>(
    `SELECT (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(7240810, h)
               FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k) t ORDER BY h) l) AS locks,
            (SELECT row_to_json(x) FROM (SELECT id, case_id FROM case_reports
               WHERE incident_id = $2 OR idempotency_key = $3 LIMIT 1) x) AS existing,
            ${routeChainSql('$4', '$5')} AS chain, ${routeRuleSql('$6')} AS rule, ${slaPolicySql('$6', '$7')} AS sla`,
    [[...cells], keys.incidentId, keys.idempotencyKey, lon, lat, category, severity],
  );
  const row = r.rows[0]!;
  const ex = row.existing;
  if (!ex) return { existing: null, chain: row.chain, rule: row.rule, sla: row.sla };
  const e = (typeof ex === 'string' ? JSON.parse(ex) : ex) as { id: string; case_id: string };
  const existing = {
    outcome: 'existing' as const,
    caseId: e.case_id,
    reportId: e.id,
    case: await getCase(q, e.case_id),
  };
  return { existing, chain: null, rule: null, sla: null };
}

/**
 * One filing after the duplicate locks: attach to the nearest open case within the radius or insert the routed
 * case, with the report, the audit event and the webhook outbox rows — function `case_file_report` of
 * migration 005 (a PL/pgSQL function, so its plan is cached per connection).
 */
const FILE_SQL = `SELECT ${CASE_COLUMNS}, r.out_attached AS attached
  FROM case_file_report(${Array.from({ length: 32 }, (_, k) => `$${k + 1}`).join(', ')}) r
  CROSS JOIN LATERAL (SELECT (r.out_case).*) c`;
