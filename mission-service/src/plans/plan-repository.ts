import type { Queryable } from '../db/db.ts';
import type { PlanSummary } from '../contract/plans.ts';
import type { PlanDocument } from './planner.ts';

export interface PlanRecord extends PlanSummary {
  document: PlanDocument;
}

interface PlanRow {
  id: string;
  name: string;
  pattern: PlanSummary['pattern'];
  area_ids: string[];
  params: Record<string, unknown>;
  drone_id: string | null;
  department_id: string | null;
  revision: number;
  stale_reason: string | null;
  stats: Record<string, unknown> | null;
  sortie_count: number;
  archived_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  document?: PlanDocument;
}

const SUMMARY = `id, name, pattern, area_ids, params, drone_id, department_id, revision, stale_reason,
  document->'stats' AS stats, COALESCE(jsonb_array_length(document->'sorties'), 0) AS sortie_count, archived_at, created_at, updated_at`;

function toSummary(r: PlanRow): PlanSummary {
  return {
    id: r.id,
    name: r.name,
    pattern: r.pattern,
    areaIds: r.area_ids,
    params: r.params,
    droneId: r.drone_id,
    departmentId: r.department_id,
    revision: r.revision,
    staleReason: r.stale_reason,
    stats: r.stats,
    sortieCount: Number(r.sortie_count),
    archivedAt: r.archived_at ? new Date(r.archived_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** 2-D MultiLineString of all sorties' routes (indexed for bbox queries). */
export function routeGeometry(doc: PlanDocument): GeoJSON.MultiLineString | null {
  const lines = doc.sorties.map((s) => s.route.coordinates.map((c) => [c[0]!, c[1]!]));
  return lines.length ? { type: 'MultiLineString', coordinates: lines } : null;
}

export interface NewPlan {
  id: string;
  name: string;
  pattern: PlanSummary['pattern'];
  areaIds: string[];
  params: Record<string, unknown>;
  droneId: string | null;
  departmentId: string | null;
  createdBy: string | null;
  document: PlanDocument;
}

/** Stores a new plan with its route. */
export async function insertPlan(db: Queryable, p: NewPlan): Promise<void> {
  const route = routeGeometry(p.document);
  await db.query(
    `INSERT INTO plans (id, name, pattern, area_ids, params, document, route, created_by, drone_id, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($7), 4326) END, $8, $9, $10)`,
    [
      p.id,
      p.name,
      p.pattern,
      p.areaIds,
      JSON.stringify(p.params),
      JSON.stringify(p.document),
      route ? JSON.stringify(route) : null,
      p.createdBy,
      p.droneId,
      p.departmentId,
    ],
  );
}

/** Replaces a plan's document (a re-plan): bumps the revision and clears the stale mark. */
export async function updatePlanDocument(
  db: Queryable,
  id: string,
  doc: PlanDocument,
  fields?: { name: string; areaIds: string[]; params: Record<string, unknown>; droneId: string | null },
): Promise<void> {
  const route = routeGeometry(doc);
  await db.query(
    `UPDATE plans SET document = $2,
            route = CASE WHEN $3::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) END,
            revision = revision + 1, stale_reason = NULL, updated_at = now(),
            name = COALESCE($4, name), area_ids = COALESCE($5, area_ids), params = COALESCE($6, params),
            drone_id = CASE WHEN $7::boolean THEN $8 ELSE drone_id END
      WHERE id = $1`,
    [
      id,
      JSON.stringify(doc),
      route ? JSON.stringify(route) : null,
      fields?.name ?? null,
      fields?.areaIds ?? null,
      fields ? JSON.stringify(fields.params) : null,
      fields !== undefined,
      fields?.droneId ?? null,
    ],
  );
}

/** Marks a plan as needing a re-plan (an area changed and re-planning failed). */
export async function markPlanStale(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query('UPDATE plans SET stale_reason = $2, updated_at = now() WHERE id = $1', [id, reason]);
}

/** One plan with its document, or null. */
export async function getPlan(db: Queryable, id: string): Promise<PlanRecord | null> {
  const r = await db.query<PlanRow>(`SELECT ${SUMMARY}, document FROM plans WHERE id = $1`, [id]);
  const row = r.rows[0];
  return row ? { ...toSummary(row), document: row.document! } : null;
}

/** Plan summaries (no document), optionally those whose route meets a bbox; newest first. */
export async function listPlans(
  db: Queryable,
  q: {
    bbox?: [number, number, number, number];
    limit: number;
    offset: number;
    departmentIds?: (string | null)[] | 'all';
  },
): Promise<{ rows: PlanSummary[]; total: number }> {
  const params: unknown[] = [];
  const where: string[] = ['archived_at IS NULL'];
  if (q.bbox) {
    params.push(...q.bbox);
    where.push('route && ST_MakeEnvelope($1, $2, $3, $4, 4326)');
  }
  if (q.departmentIds && q.departmentIds !== 'all') {
    params.push(q.departmentIds.filter((d) => d !== null));
    where.push(`(department_id IS NULL OR department_id = ANY($${params.length}))`);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: string }>(`SELECT count(*) AS n FROM plans ${filter}`, params);
  params.push(q.limit, q.offset);
  const r = await db.query<PlanRow>(
    `SELECT ${SUMMARY} FROM plans ${filter}
      ORDER BY created_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows: r.rows.map(toSummary), total: Number(total.rows[0]?.n ?? 0) };
}

/** Ids of plans covering an area. */
export async function plansUsingArea(db: Queryable, areaId: string): Promise<string[]> {
  return (
    await db.query<{ id: string }>('SELECT id FROM plans WHERE $1 = ANY(area_ids) ORDER BY id', [areaId])
  ).rows.map((r) => r.id);
}
