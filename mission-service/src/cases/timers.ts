import type { Db } from '../db/db.ts';
import { deliverDueWebhooks } from '../webhooks/deliver.ts';
import type { WebhookTargetPolicy } from '../webhooks/target-guard.ts';
import { escalateOverdue } from './escalation.ts';

export interface CaseTimersOptions {
  db: Db;
  /** The clock (injectable for tests); defaults to the wall clock. */
  clock?: () => Date;
  /** How often to sweep; default 30 s. */
  intervalMs?: number;
  /** Called with any error of a sweep (the timer keeps running). */
  onError?: (err: unknown) => void;
  /** Where webhooks may go (default: public addresses only). */
  webhookPolicy?: WebhookTargetPolicy;
}

export interface CaseTimers {
  /** Runs one sweep now (escalation, then webhook deliveries); resolves when done. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the periodic work of the cases module: overdue escalation (督办 → 催办 → 通报) and webhook delivery
 * with retries. One sweep at a time; safe to run on several instances (both steps are idempotent by design).
 */
export function startCaseTimers(opts: CaseTimersOptions): CaseTimers {
  const clock = opts.clock ?? (() => new Date());
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      try {
        const now = clock();
        await escalateOverdue(opts.db, now);
        await deliverDueWebhooks(opts.db, { now, policy: opts.webhookPolicy });
      } catch (err) {
        opts.onError?.(err);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, opts.intervalMs ?? 30_000);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
