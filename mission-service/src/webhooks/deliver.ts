import type { Db } from '../db/db.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signPayload } from './signature.ts';

export interface DeliverOptions {
  /** The clock: deliveries due at or before it are sent. */
  now: Date;
  /** Attempts before a delivery is given up (status failed). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at an hour. */
  baseBackoffMs?: number;
  timeoutMs?: number;
  batch?: number;
}

export interface DeliverSummary {
  attempted: number;
  delivered: number;
  failed: number;
  retrying: number;
}

/** Delay before retry number `attempt` (1-based): base · 2^(attempt−1), at most an hour. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

/**
 * Sends the webhook deliveries due at `now`: POST JSON with the HMAC signature and event id headers; 2xx is
 * delivered, anything else (status, timeout, refused connection) is retried with exponential backoff until
 * `maxAttempts`. Rows are claimed with SKIP LOCKED and a lease, so several instances never send one twice
 * at the same time; receivers dedupe repeats by the event id.
 */
export async function deliverDueWebhooks(db: Db, opts: DeliverOptions): Promise<DeliverSummary> {
  const { now } = opts;
  const maxAttempts = opts.maxAttempts ?? 8;
  const base = opts.baseBackoffMs ?? 10_000;
  const claimed = await db.query<{
    id: number;
    url: string;
    secret: string;
    payload: unknown;
    attempts: number;
    event_id: string;
  }>(
    `WITH due AS (
       SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
       ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE webhook_deliveries d SET next_attempt_at = $1::timestamptz + interval '2 minutes'
     FROM due, webhook_subscriptions s WHERE d.id = due.id AND s.id = d.subscription_id
     RETURNING d.id, s.url, s.secret, d.payload, d.attempts, d.event_id`,
    [now, opts.batch ?? 50],
  );
  const summary: DeliverSummary = { attempted: 0, delivered: 0, failed: 0, retrying: 0 };
  for (const d of claimed.rows) {
    summary.attempted += 1;
    const body = JSON.stringify(typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload);
    const attempt = Number(d.attempts) + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signPayload(d.secret, body, Math.floor(now.getTime() / 1000)),
          [EVENT_ID_HEADER]: d.event_id,
          'x-xuncha-delivery-attempt': String(attempt),
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    if (status !== null && status >= 200 && status < 300) {
      summary.delivered += 1;
      await db.query(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = NULL, delivered_at = $4
         WHERE id = $1`,
        [d.id, attempt, status, now],
      );
    } else {
      const giveUp = attempt >= maxAttempts;
      if (giveUp) summary.failed += 1;
      else summary.retrying += 1;
      await db.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = $6
         WHERE id = $1`,
        [
          d.id,
          giveUp ? 'failed' : 'pending',
          attempt,
          status,
          error ?? `HTTP ${status}`,
          new Date(now.getTime() + backoffMs(attempt, base)),
        ],
      );
    }
  }
  return summary;
}
