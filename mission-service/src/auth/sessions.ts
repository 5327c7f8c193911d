import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import type { AuthUser, Role } from './roles.ts';

/** Sessions last a working shift and a bit. */
export const SESSION_TTL_MS = 12 * 3600_000;

/** Only the SHA-256 of a token is stored: a copy of the sessions table grants nothing. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opens a server-side session and returns its bearer token (256 random bits, base64url). */
export async function createSession(db: Queryable, userId: string, ttlMs = SESSION_TTL_MS): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [tokenHash(token), userId, ttlMs / 1000],
  );
  return token;
}

/** The user behind a live token (not expired, not revoked, user not disabled), or null. */
export async function userForToken(db: Queryable, token: string): Promise<AuthUser | null> {
  if (!/^[\w-]{20,200}$/.test(token)) return null;
  const r = await db.query<{ id: string; username: string; department_id: string | null; roles: Role[] | null }>(
    `SELECT u.id, u.username, u.department_id,
            (SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id) AS roles
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash(token)],
  );
  const row = r.rows[0];
  return row ? { id: row.id, username: row.username, roles: row.roles ?? [], departmentId: row.department_id } : null;
}

/** Revokes one token; true when a live session was revoked. */
export async function revokeSession(db: Queryable, token: string): Promise<boolean> {
  const r = await db.query('UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash(token),
  ]);
  return r.affectedRows > 0;
}
