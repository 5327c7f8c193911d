/**
 * The triage jobs put together: the queue, the handlers of ingest → triage → merge → file, the runner, and a
 * sweeper that (re)sends the triage job of every photo still waiting — ingest records a photo and then calls
 * `enqueueTriage`, two steps; the sweeper makes the pair durable whatever happens between them.
 */
import os from 'node:os';
import type { ElevationSource } from '@xuncha/geodata';
import { Detector } from '@xuncha/triage';
import type { Db, Queryable } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { runFileJob } from './file-job.ts';
import { JobRunner, type JobEvent } from './job-runner.ts';
import { runMergeJob } from './merge-job.ts';
import { BOSS_SCHEMA, JobQueue, QUEUE_NAMES, QUEUES, type QueueName, type RetryPolicy } from './queue.ts';
import { runTriagePhotoJob, type TriageJobDeps } from './triage-photo-job.ts';

export interface TriageJobsOptions {
  db: Db;
  /** Where evidence crops are written (`<dataDir>/evidence`). */
  dataDir: string;
  /** A loaded model; or `modelManifest`, a manifest file to load. Neither: no detection (metadata + ground only). */
  detector?: Detector | null;
  modelManifest?: string;
  dem?: ElevationSource | null;
  /** Run the jobs in this process (default true); false only sends them (an API instance with separate workers). */
  runWorker?: boolean;
  /** Photos triaged at once in this process (default cores + 1: decoding and inference overlap). */
  concurrency?: number;
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
  mergeDistanceM?: number;
  /** IANA zone of photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
  /** How often waiting photos are (re)sent (default 60 s; 0 = only at start). */
  sweepIntervalMs?: number;
  logger?: Logger;
  onEvent?: (e: JobEvent) => void;
}

/** The running triage jobs. */
export interface TriageJobs {
  queue: JobQueue;
  runner: JobRunner | null;
  detector: Detector | null;
  /** Sends photo `sha256`'s triage job (a no-op when it was sent before); with `tx`, inside that transaction. */
  enqueueTriage(sha256: string, tx?: Queryable): Promise<void>;
  /** Sends the triage job of every photo still queued or processing; returns how many were new. */
  enqueueWaitingPhotos(): Promise<number>;
  /** Resolves when nothing runs here and nothing waits (tests, `xuncha worker --exit-when-idle`). */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** Stops the runner (waiting for the jobs in flight), pg-boss and the model; the database stays open. */
  stop(): Promise<void>;
}

/** Starts the triage jobs on `db`. Throws TriageStartupError when the configured model is unusable. */
export async function startTriageJobs(opts: TriageJobsOptions): Promise<TriageJobs> {
  const { db, logger } = opts;
  const ownDetector = !opts.detector && opts.modelManifest ? await Detector.fromManifestFile(opts.modelManifest) : null;
  const detector = opts.detector ?? ownDetector;
  let queue: JobQueue;
  try {
    queue = await JobQueue.start(db, {
      retry: opts.retry,
      onError: (err) => logger?.warn({ err: err.message }, 'job queue error'),
    });
  } catch (err) {
    await ownDetector?.close();
    throw err;
  }
  const deps: TriageJobDeps = {
    db,
    queue,
    detector,
    dem: opts.dem ?? null,
    dataDir: opts.dataDir,
    mergeDistanceM: opts.mergeDistanceM,
    photoTimeZone: opts.photoTimeZone,
  };
  const enqueueTriage = async (sha256: string, tx?: Queryable) => {
    await queue.send(QUEUES.triage, { sha256 }, { key: sha256, ...(tx ? { tx } : {}) });
  };
  const enqueueWaitingPhotos = async () => {
    const r = await db.query<{ sha256: string }>(
      `SELECT sha256 FROM images WHERE status IN ('queued', 'processing') ORDER BY created_at, sha256 LIMIT 100000`,
    );
    let sent = 0;
    for (const { sha256 } of r.rows) {
      if (await queue.send(QUEUES.triage, { sha256 }, { key: sha256 })) sent++;
    }
    return sent;
  };

  let runner: JobRunner | null = null;
  if (opts.runWorker ?? true) {
    // The embedded database is this process's alone: a job still active is one a crashed run left behind; it is
    // retried now rather than after its expiry. (On PostgreSQL another worker may be running it.)
    if (db.backend === 'pglite') await retryOrphans(db, queue);
    const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    runner = new JobRunner(
      queue,
      {
        [QUEUES.triage]: (job, ctx) => runTriagePhotoJob(deps, job.data.sha256, ctx),
        [QUEUES.merge]: (job, ctx) => runMergeJob(deps, job.data.sha256, ctx),
        [QUEUES.file]: async (job) => runFileJob(db, job.data.incidentId),
      },
      {
        concurrency: { [QUEUES.triage]: opts.concurrency ?? cores + 1, [QUEUES.merge]: 1, [QUEUES.file]: 1 },
        pollMs: opts.pollMs,
        onEvent: (e) => {
          if (e.outcome !== 'completed')
            logger?.warn(
              { queue: e.queue, data: e.job.data, outcome: e.outcome, error: e.error },
              'job attempt failed',
            );
          opts.onEvent?.(e);
        },
        onError: (err) => logger?.warn({ err: err.message }, 'job runner error'),
      },
    );
    runner.start();
  }

  let sweepTimer: NodeJS.Timeout | null = null;
  const sweep = () =>
    enqueueWaitingPhotos().then(
      (n) => {
        if (n) logger?.info({ sent: n }, 'waiting photos sent to triage');
      },
      (err: Error) => logger?.warn({ err: err.message }, 'sweep of waiting photos failed'),
    );
  if (runner) {
    await sweep();
    const every = opts.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      sweepTimer = setInterval(() => void sweep(), every);
      sweepTimer.unref();
    }
  }

  return {
    queue,
    runner,
    detector,
    enqueueTriage,
    enqueueWaitingPhotos,
    async whenIdle(timeoutMs) {
      if (!runner) throw new Error('no worker runs in this process');
      await runner.whenIdle(timeoutMs);
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      await runner?.stop();
      await queue.stop();
      await ownDetector?.close();
    },
  };
}

/** Fails (hence retries, with backoff) the jobs left active in the queues. */
async function retryOrphans(db: Db, queue: JobQueue): Promise<void> {
  const r = await db.query<{ id: string; name: QueueName }>(
    `SELECT id, name FROM ${BOSS_SCHEMA}.job WHERE state = 'active' AND name = ANY($1::text[])`,
    [QUEUE_NAMES],
  );
  for (const j of r.rows)
    await queue.fail(j.name, j.id, new Error('进程重启 / worker restarted while running this job'));
}
