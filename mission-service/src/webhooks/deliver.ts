import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Db } from '../db/db.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signPayload } from './signature.ts';
import { DEFAULT_WEBHOOK_POLICY, resolveAllowedAddresses, type WebhookTargetPolicy } from './target-guard.ts';

export interface DeliverOptions {
  /** The clock: deliveries due at or before it are sent. */
  now: Date;
  /** Attempts before a delivery is given up (status failed). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at an hour. */
  baseBackoffMs?: number;
  timeoutMs?: number;
  batch?: number;
  /** Where deliveries may go (checked again at every attempt: DNS answers change). */
  policy?: WebhookTargetPolicy;
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

/** What a failed attempt records: coarse on purpose, so the delivery log is no port scanner. */
export const DELIVERY_ERRORS = {
  blocked: 'blocked: target address not allowed',
  network: 'network error: no answer from the receiver',
  redirect: 'redirect not followed',
} as const;

/**
 * One POST to a webhook receiver: the connection goes only to an address the policy allows (checked at connect
 * time, so a DNS answer cannot change under the check), redirects are not followed (3xx is a failed attempt),
 * the answer is read up to 64 KiB and dropped. Resolves with the HTTP status, rejects with a DELIVERY_ERRORS text.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: WebhookTargetPolicy,
  timeoutMs: number,
): Promise<number> {
  const u = new URL(url);
  // An IP literal never goes through `lookup`: check it before connecting.
  if (isIP(u.hostname.replace(/^\[|\]$/g, ''))) {
    await resolveAllowedAddresses(policy, u.hostname).catch(() => {
      throw new Error(DELIVERY_ERRORS.blocked);
    });
  }
  let blockedTarget = false;
  const lookup: LookupFunction = (hostname, options, cb) => {
    resolveAllowedAddresses(policy, hostname).then(
      (addrs) => {
        const all = (options as { all?: boolean }).all;
        if (all) (cb as (e: null, a: typeof addrs) => void)(null, addrs);
        else cb(null, addrs[0]!.address, addrs[0]!.family);
      },
      (err: unknown) => {
        blockedTarget = true;
        cb(err as NodeJS.ErrnoException, '', 4);
      },
    );
  };
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read > 64 * 1024) res.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => reject(new Error(blockedTarget ? DELIVERY_ERRORS.blocked : DELIVERY_ERRORS.network)));
    req.end(body);
  });
}

/**
 * Sends the webhook deliveries due at `now`: POST JSON with the HMAC signature and event id headers; 2xx is
 * delivered, anything else (status, redirect, timeout, refused connection, a blocked target) is retried with exponential backoff until
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
       SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND s.active
       ORDER BY d.next_attempt_at, d.id LIMIT $2 FOR UPDATE OF d SKIP LOCKED)
     UPDATE webhook_deliveries d SET next_attempt_at = $1::timestamptz + interval '2 minutes'
     FROM due, webhook_subscriptions s WHERE d.id = due.id AND s.id = d.subscription_id AND s.active
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
      status = await postWebhook(
        d.url,
        body,
        {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signPayload(d.secret, body, Math.floor(now.getTime() / 1000)),
          [EVENT_ID_HEADER]: d.event_id,
          'x-xuncha-delivery-attempt': String(attempt),
        },
        opts.policy ?? DEFAULT_WEBHOOK_POLICY,
        opts.timeoutMs ?? 10_000,
      );
      if (status >= 300 && status < 400) error = DELIVERY_ERRORS.redirect;
    } catch (err) {
      error = (err as Error).message;
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
