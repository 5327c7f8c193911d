/**
 * Deterministic identifiers. Job ids are UUIDs derived from what the job is about, so sending the same job twice
 * is a no-op in pg-boss (its primary key is queue + id); detection and incident ids are derived from their
 * content, so re-running a job writes the same rows.
 */
import { createHash } from 'node:crypto';

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A UUID (version 5 layout, SHA-256 based) for `key`: the same key, the same id. */
export function stableUuid(key: string): string {
  const h = digest(`xuncha:${key}`).slice(0, 32).split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** A short opaque id `prefix_<24 hex>` for `key`. */
export function stableId(prefix: string, key: string): string {
  return `${prefix}_${digest(key).slice(0, 24)}`;
}
