import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { pgCode } from '../cases/file-case.ts';

/** SHA-256 hex of an API key: the only form stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Issues an Open311 API key for `name`. Returns the key itself once: only its hash is stored, so a lost key
 * is replaced by a new one, never recovered.
 */
export async function addApiKey(q: Queryable, name: string): Promise<{ id: string; name: string; key: string }> {
  const trimmed = name.trim();
  if (!/^[\p{L}\p{N}_.\- ]{1,100}$/u.test(trimmed)) {
    throw new Error(`名称无效 / invalid key name "${name}": 1–100 letters, digits, space, _ . -`);
  }
  const key = `x311_${randomBytes(24).toString('base64url')}`;
  const id = `key_${randomUUID()}`;
  try {
    await q.query('INSERT INTO api_keys (id, name, key_hash) VALUES ($1, $2, $3)', [id, trimmed, hashApiKey(key)]);
  } catch (err) {
    if (pgCode(err) === '23505') throw new Error(`名称已存在 / an API key named "${trimmed}" already exists`);
    throw err;
  }
  return { id, name: trimmed, key };
}

/** The key's id if `key` is a live API key, else null. */
export async function verifyApiKey(
  q: Queryable,
  key: string | undefined | null,
): Promise<{ id: string; name: string } | null> {
  if (!key || key.length > 200) return null;
  const r = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return r.rows[0] ?? null;
}

/** Revokes the key named `name`; false if there is none. */
export async function revokeApiKey(q: Queryable, name: string): Promise<boolean> {
  const r = await q.query('UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name]);
  return r.affectedRows === 1;
}
