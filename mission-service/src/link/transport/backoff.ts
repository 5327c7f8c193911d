/** Reconnect delays: start small, double up to a ceiling. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 5000 };

/** Delay before attempt `n` (0-based). */
export function backoffDelay(n: number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(o.maxMs, o.initialMs * 2 ** Math.min(n, 20));
}
