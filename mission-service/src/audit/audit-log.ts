import type { Queryable } from '../db/db.ts';

export interface AuditEntry {
  /** Who; null for anonymous callers (refused floods, summed up per source: limits/refusal-tally.ts). */
  actor: { id: string; username: string; roles: readonly string[] } | null;
  /** What was attempted: `POST /areas/{id}`, `user.disable`, … */
  action: string;
  objectKind?: string | null;
  objectId?: string | null;
  /** Outcome as an HTTP status (200 done, 403 refused, …). */
  status: number;
  code?: string | null;
  sourceIp?: string | null;
  details?: unknown;
}

export interface AuditRecord extends Omit<AuditEntry, 'actor'> {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRoles: string[];
}

/** Appends one row to the access audit log (append-only table, migration 007). */
export async function writeAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_id, actor_name, actor_roles, action, object_kind, object_id, status, code, source_ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.actor?.id ?? null,
      e.actor?.username ?? null,
      [...(e.actor?.roles ?? [])],
      e.action.slice(0, 200),
      e.objectKind ?? null,
      e.objectId?.slice(0, 200) ?? null,
      e.status,
      e.code ?? null,
      e.sourceIp ?? null,
      e.details === undefined ? null : JSON.stringify(e.details),
    ],
  );
}

/**
 * A change a use case records itself, with what it changed or removed (the values before): a delete, an archive,
 * an admin edit. Written in the change's own transaction, so the row and the change commit together. (The mount
 * also records every change request with its outcome; this row carries the details.)
 */
export async function auditChange(
  q: Queryable,
  actor: NonNullable<AuditEntry['actor']>,
  action: string,
  objectKind: string,
  objectId: string,
  details?: unknown,
): Promise<void> {
  await writeAudit(q, { actor, action, objectKind, objectId, status: 200, details });
}

/** How many audit rows match (the total of the list's pages). */
export async function countAudit(
  q: Queryable,
  f: { objectKind?: string; objectId?: string; actorId?: string },
): Promise<number> {
  const r = await q.query<{ n: string }>(
    `SELECT count(*) AS n FROM audit_log
      WHERE ($1::text IS NULL OR object_kind = $1) AND ($2::text IS NULL OR object_id = $2)
        AND ($3::text IS NULL OR actor_id = $3)`,
    [f.objectKind ?? null, f.objectId ?? null, f.actorId ?? null],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** The newest audit rows (optionally of one object), newest first. */
export async function listAudit(
  q: Queryable,
  f: { objectKind?: string; objectId?: string; actorId?: string; limit?: number; before?: number },
): Promise<AuditRecord[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, at, actor_id, actor_name, actor_roles, action, object_kind, object_id, status, code, source_ip, details
       FROM audit_log
      WHERE ($1::text IS NULL OR object_kind = $1) AND ($2::text IS NULL OR object_id = $2)
        AND ($3::text IS NULL OR actor_id = $3) AND ($4::bigint IS NULL OR id < $4)
      ORDER BY id DESC LIMIT $5`,
    [f.objectKind ?? null, f.objectId ?? null, f.actorId ?? null, f.before ?? null, f.limit ?? 100],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    at: new Date(x.at as string).toISOString(),
    actorId: (x.actor_id as string | null) ?? null,
    actorName: (x.actor_name as string | null) ?? null,
    actorRoles: (x.actor_roles as string[]) ?? [],
    action: x.action as string,
    objectKind: (x.object_kind as string | null) ?? null,
    objectId: (x.object_id as string | null) ?? null,
    status: Number(x.status),
    code: (x.code as string | null) ?? null,
    sourceIp: (x.source_ip as string | null) ?? null,
    details: x.details ?? null,
  }));
}
