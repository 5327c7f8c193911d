import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Queryable } from '../db/db.ts';
import type { AuthUser, Role } from './roles.ts';

/** Sessions last a working shift and a bit. */
export const SESSION_TTL_MS = 12 * 3600_000;

/** Only the SHA-256 of a token is stored: a copy of the sessions table grants nothing. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Revocations in this process, for what outlives a request: live streams (SSE) close when their session is
 * revoked (logout, password change, user disabled) or their user's roles change. Other instances notice on
 * their streams' next session check.
 */
export const sessionEvents = new EventEmitter<{
  revoked: [{ tokenHash?: string; userId?: string }];
}>();
sessionEvents.setMaxListeners(0);

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
  const r = await db.query<{
    id: string;
    username: string;
    department_id: string | null;
    must_change_password: boolean;
    roles: Role[] | null;
  }>(
    `SELECT u.id, u.username, u.department_id, u.must_change_password,
            (SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id) AS roles
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash(token)],
  );
  const row = r.rows[0];
  return row
    ? {
        id: row.id,
        username: row.username,
        roles: row.roles ?? [],
        departmentId: row.department_id,
        mustChangePassword: row.must_change_password,
      }
    : null;
}

/** Revokes one token; true when a live session was revoked. Its live streams close. */
export async function revokeSession(db: Queryable, token: string): Promise<boolean> {
  const hash = tokenHash(token);
  const r = await db.query('UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    hash,
  ]);
  sessionEvents.emit('revoked', { tokenHash: hash });
  return r.affectedRows > 0;
}

/**
 * Ends a user's sessions ('revoke': every token stops working) or only their live streams ('streams': after a
 * role change, so that nothing keeps streaming under the old roles).
 */
export async function revokeUserSessions(
  db: Queryable,
  userId: string,
  what: 'revoke' | 'streams' = 'revoke',
): Promise<void> {
  if (what === 'revoke') {
    await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }
  // Emitted before the transaction commits: a stream closed a moment early is harmless, one left open is not.
  sessionEvents.emit('revoked', { userId });
}
