import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../http/errors.ts';

export interface WebhookSubscription {
  id: string;
  url: string;
  eventKinds: string[];
  sources: string[];
  active: boolean;
  createdAt: string;
}

/**
 * Subscribes `url` to case events (all, or the given `eventKinds` such as `case.dispatch`, and only cases from
 * `sources` if given). The signing secret is generated and returned once.
 */
export async function createSubscription(
  q: Queryable,
  s: { url: string; eventKinds?: string[]; sources?: string[]; secret?: string },
): Promise<WebhookSubscription & { secret: string }> {
  let u: URL;
  try {
    u = new URL(s.url);
  } catch {
    throw new AppError(400, 'invalid_url', `地址无效 / invalid webhook url ${s.url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new AppError(400, 'invalid_url', `仅支持 http(s) / webhook url must be http or https`);
  }
  const id = `whs_${randomUUID()}`;
  const secret = s.secret ?? randomBytes(32).toString('base64url');
  const r = await q.query<Record<string, unknown>>(
    `INSERT INTO webhook_subscriptions (id, url, secret, event_kinds, sources) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, url, event_kinds, sources, active, created_at`,
    [id, u.toString(), secret, s.eventKinds ?? [], s.sources ?? []],
  );
  return { ...toSub(r.rows[0]!), secret };
}

function toSub(r: Record<string, unknown>): WebhookSubscription {
  return {
    id: r.id as string,
    url: r.url as string,
    eventKinds: (r.event_kinds as string[]) ?? [],
    sources: (r.sources as string[]) ?? [],
    active: Boolean(r.active),
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}

export async function listSubscriptions(q: Queryable): Promise<WebhookSubscription[]> {
  const r = await q.query<Record<string, unknown>>(
    'SELECT id, url, event_kinds, sources, active, created_at FROM webhook_subscriptions ORDER BY created_at, id',
  );
  return r.rows.map(toSub);
}

/** Deactivates a subscription (its delivery log stays). */
export async function deactivateSubscription(q: Queryable, id: string): Promise<void> {
  const r = await q.query('UPDATE webhook_subscriptions SET active = false WHERE id = $1', [id]);
  if (r.affectedRows !== 1) throw new AppError(404, 'not_found', `无此订阅 / no webhook subscription ${id}`);
}

export interface WebhookDelivery {
  id: number;
  subscriptionId: string;
  eventId: string;
  caseId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

/** The delivery log (newest first), optionally of one subscription. */
export async function listDeliveries(q: Queryable, subscriptionId?: string, limit = 200): Promise<WebhookDelivery[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, subscription_id, event_id, case_id, status, attempts, next_attempt_at, last_status, last_error, delivered_at
     FROM webhook_deliveries WHERE ($1::text IS NULL OR subscription_id = $1) ORDER BY id DESC LIMIT $2`,
    [subscriptionId ?? null, limit],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    subscriptionId: x.subscription_id as string,
    eventId: x.event_id as string,
    caseId: x.case_id as string,
    status: x.status as WebhookDelivery['status'],
    attempts: Number(x.attempts),
    nextAttemptAt: new Date(x.next_attempt_at as string).toISOString(),
    lastStatus: x.last_status == null ? null : Number(x.last_status),
    lastError: (x.last_error as string | null) ?? null,
    deliveredAt: x.delivered_at ? new Date(x.delivered_at as string).toISOString() : null,
  }));
}
