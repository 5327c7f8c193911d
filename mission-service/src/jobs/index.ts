/**
 * Durable triage jobs (pg-boss on our database, PostgreSQL or the embedded PGlite): ingest → `triage-photo` →
 * `triage-merge` → `triage-file`, with retries and idempotent results; and the per-flight progress.
 */
export { startTriageJobs, type TriageJobs, type TriageJobsOptions } from './triage-jobs.ts';
export {
  JobQueue,
  QUEUES,
  QUEUE_NAMES,
  DEFAULT_RETRY,
  BOSS_SCHEMA,
  type QueueName,
  type JobPayloads,
  type QueuedJob,
  type RetryPolicy,
} from './queue.ts';
export { JobRunner, type JobEvent, type JobHandler, type JobContext, type JobRunnerOptions } from './job-runner.ts';
export { runTriagePhotoJob, type TriageJobDeps, type TriagePhotoOutput } from './triage-photo-job.ts';
export { runMergeJob, DEFAULT_MERGE_DISTANCE_M, type MergeOutput } from './merge-job.ts';
export { runFileJob, type FileOutput } from './file-job.ts';
export { flightProgress, type FlightProgress } from './flight-progress.ts';
export { stableUuid, stableId } from './job-ids.ts';
export { bossDb, bossTx } from './boss-db.ts';
