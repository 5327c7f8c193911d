import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the timestamp defeats replays). */
export const SIGNATURE_HEADER = 'x-xuncha-signature';
/** Header carrying the event id: the same event delivered twice has the same id, so receivers can drop repeats. */
export const EVENT_ID_HEADER = 'x-xuncha-event-id';

/** The signature header value of `body` sent at `atS` (unix seconds). */
export function signPayload(secret: string, body: string, atS: number): string {
  const mac = createHmac('sha256', secret).update(`${atS}.${body}`).digest('hex');
  return `t=${atS},v1=${mac}`;
}

/**
 * Checks a received signature header against `body` (what a receiver does). `toleranceS` bounds the age of the
 * timestamp relative to `nowS`.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined | null,
  nowS: number,
  toleranceS = 300,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isFinite(t) || !v1 || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!, 'hex');
  const got = Buffer.from(v1, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
