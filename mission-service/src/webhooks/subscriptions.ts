import { randomBytes, randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import { assertWebhookTarget, DEFAULT_WEBHOOK_POLICY, type WebhookTargetPolicy } from './target-guard.ts';

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
 * `sources` if given). The target must pass the SSRF policy (target-guard.ts). The signing secret is generated
 * and returned once.
 */
export async function createSubscription(
  q: Queryable,
  s: { url: string; eventKinds?: string[]; sources?: string[]; secret?: string },
  policy: WebhookTargetPolicy = DEFAULT_WEBHOOK_POLICY,
): Promise<WebhookSubscription & { secret: string }> {
  const u = await assertWebhookTarget(policy, s.url);
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

/**
 * Deactivates a subscription: its pending deliveries are cancelled, never sent (its delivery log stays).
 * Returns how many were cancelled.
 */
export async function deactivateSubscription(db: Db, id: string): Promise<number> {
  return db.transaction(async (tx) => {
    const r = await tx.query('UPDATE webhook_subscriptions SET active = false WHERE id = $1', [id]);
    if (r.affectedRows !== 1)
      throw new AppError('not_found', 'not_found', `未找到 / not found: webhook subscription ${id}`);
    const c = await tx.query(
      `UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'subscription deactivated'
        WHERE subscription_id = $1 AND status = 'pending'`,
      [id],
    );
    return c.affectedRows;
  });
}

export interface WebhookDelivery {
  id: number;
  subscriptionId: string;
  eventId: string;
  caseId: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
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
