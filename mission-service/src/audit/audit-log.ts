/**
 * The audit log of everything that is not a case event: deletes, archives and admin changes (who, when, what,
 * which object, details). Append-only (a trigger refuses UPDATE and DELETE, migration 010). Case state changes
 * have their own log (`case_events`).
 */
import type { Queryable } from '../db/db.ts';

export interface AuditActor {
  id: string;
  roles: readonly string[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorRoles: string[];
  action: string;
  objectType: string;
  objectId: string;
  details: unknown;
}

/** Appends one entry; call it inside the transaction of the change it records. */
export async function audit(
  q: Queryable,
  actor: AuditActor,
  action: string,
  objectType: string,
  objectId: string,
  details?: unknown,
): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor, actor_roles, action, object_type, object_id, details) VALUES ($1, $2, $3, $4, $5, $6)`,
    [actor.id, [...actor.roles], action, objectType, objectId, details === undefined ? null : JSON.stringify(details)],
  );
}

export interface AuditQuery {
  objectType?: string;
  objectId?: string;
  action?: string;
  /** Entries with an id below this (paging backwards in time). */
  beforeId?: number;
  limit: number;
}

/** Newest first; `total` counts every entry matching the filter. */
export async function listAudit(q: Queryable, f: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.objectType) where.push(`object_type = ${p(f.objectType)}`);
  if (f.objectId) where.push(`object_id = ${p(f.objectId)}`);
  if (f.action) where.push(`action = ${p(f.action)}`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await q.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log ${filter}`, params);
  const page = f.beforeId ? `${filter ? `${filter} AND` : 'WHERE'} id < ${p(f.beforeId)}` : filter;
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, at, actor, actor_roles, action, object_type, object_id, details FROM audit_log ${page}
     ORDER BY id DESC LIMIT ${p(f.limit)}`,
    params,
  );
  return {
    total: Number(total.rows[0]?.n ?? 0),
    items: r.rows.map((e) => ({
      id: Number(e.id),
      at: new Date(e.at as string).toISOString(),
      actor: e.actor as string,
      actorRoles: (e.actor_roles as string[]) ?? [],
      action: e.action as string,
      objectType: e.object_type as string,
      objectId: e.object_id as string,
      details: e.details ?? null,
    })),
  };
}
