/**
 * The durable queue of the triage jobs: pg-boss 10 (the newest major on Node 20) on our own database connection,
 * PostgreSQL or the embedded PGlite alike. Jobs are sent with ids derived from what they are about (sending twice
 * is a no-op), retried with exponential backoff, and can be sent or completed inside the transaction that writes
 * the rows they are about.
 */
import PgBoss from 'pg-boss';
import type { Db, Queryable } from '../db/db.ts';
import { bossDb, bossTx } from './boss-db.ts';
import { stableUuid } from './job-ids.ts';

/** The queues, in pipeline order: a photo is triaged, its detections merged into incidents, new incidents filed. */
export const QUEUES = {
  triage: 'triage-photo',
  merge: 'triage-merge',
  file: 'triage-file',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/** What each queue's jobs carry. */
export interface JobPayloads {
  'triage-photo': { sha256: string };
  'triage-merge': { sha256: string };
  'triage-file': { incidentId: string };
}

/** A fetched job with pg-boss's bookkeeping (attempt number, limit). */
export type QueuedJob<Q extends QueueName = QueueName> = PgBoss.JobWithMetadata<JobPayloads[Q]>;

/** Retries of every queue: `retryLimit` more attempts after the first, the n-th after ~delay·2ⁿ s (±50 %). */
export interface RetryPolicy {
  retryLimit: number;
  retryDelayS: number;
  /** A job running longer than this is failed by pg-boss's maintenance and retried (a crashed worker). */
  expireInS: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryLimit: 4, retryDelayS: 5, expireInS: 5 * 60 };

export interface JobQueueOptions {
  retry?: Partial<RetryPolicy>;
  /** How often pg-boss's maintenance (expiry of stuck jobs, archiving) runs; default 60 s. */
  maintenanceIntervalS?: number;
  onError?: (err: Error) => void;
}

/** pg-boss's schema in our database (its own tables, created and migrated by pg-boss under an advisory lock). */
export const BOSS_SCHEMA = 'pgboss';

/** The queue: a thin, typed face of pg-boss. */
export class JobQueue {
  private readonly listeners = new Set<(queue: QueueName) => void>();

  private constructor(
    readonly boss: PgBoss,
    readonly retry: RetryPolicy,
  ) {}

  /** Starts pg-boss on `db` (creating its schema on first use) and makes sure the queues exist with `retry`. */
  static async start(db: Db, options: JobQueueOptions = {}): Promise<JobQueue> {
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    const boss = new PgBoss({
      db: bossDb(db),
      schema: BOSS_SCHEMA,
      migrate: true,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalS ?? 60,
    });
    boss.on('error', (err: Error) => options.onError?.(err));
    await boss.start();
    for (const name of QUEUE_NAMES) {
      const policy = {
        retryLimit: retry.retryLimit,
        retryDelay: retry.retryDelayS,
        retryBackoff: true,
        expireInSeconds: retry.expireInS,
      };
      await boss.createQueue(name, { name, ...policy });
      await boss.updateQueue(name, { name, ...policy });
    }
    return new JobQueue(boss, retry);
  }

  /**
   * Sends a job. With `key`, its id is derived from queue + key: a second send of the same key is a no-op while
   * the first is kept (pg-boss keeps jobs for days). With `tx`, it is part of that transaction.
   * Returns the job id, or null when it was already there.
   */
  async send<Q extends QueueName>(
    queue: Q,
    data: JobPayloads[Q],
    opts: { key?: string; tx?: Queryable } = {},
  ): Promise<string | null> {
    const id = await this.boss.send(queue, data, {
      ...(opts.key ? { id: stableUuid(`${queue}:${opts.key}`) } : {}),
      ...(opts.tx ? { db: bossTx(opts.tx) } : {}),
    });
    // A local worker waits for work: wake it (after the commit when in a transaction, harmless before).
    for (const l of this.listeners) l(queue);
    return id;
  }

  /** Up to `n` jobs of `queue` that are due, now marked active. */
  fetch<Q extends QueueName>(queue: Q, n: number): Promise<QueuedJob<Q>[]> {
    return this.boss.fetch<JobPayloads[Q]>(queue, { batchSize: n, includeMetadata: true });
  }

  /** Marks a job done, optionally inside the transaction that wrote its results. */
  async complete(queue: QueueName, id: string, output: object = {}, tx?: Queryable): Promise<void> {
    await this.boss.complete(queue, id, output, tx ? { db: bossTx(tx) } : {});
  }

  /** Marks an attempt failed: pg-boss retries it after the backoff, or marks it failed after the last attempt. */
  async fail(queue: QueueName, id: string, err: unknown): Promise<void> {
    const e = err instanceof Error ? { name: err.name, message: err.message.slice(0, 2000) } : { message: String(err) };
    await this.boss.fail(queue, id, e);
  }

  /** Jobs waiting (created or waiting for a retry) in `queue`. */
  waiting(queue: QueueName): Promise<number> {
    return this.boss.getQueueSize(queue);
  }

  /** The job with this id, wherever it is in its life (tests, diagnostics). */
  getJob(queue: QueueName, id: string): Promise<PgBoss.JobWithMetadata<unknown> | null> {
    return this.boss.getJobById(queue, id, { includeArchive: true });
  }

  /** Called on every local send. Returns the unsubscribe function. */
  onSend(listener: (queue: QueueName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops pg-boss's timers; the database stays open (it is the caller's). */
  async stop(): Promise<void> {
    this.listeners.clear();
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }
}
