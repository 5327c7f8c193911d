/**
 * Child process of `render:dataset` and `render:gallery`: runs the jobs its parent sends over IPC,
 * one at a time, and answers each with its result (or the error). Exits when the parent disconnects.
 */
import { runJob, type Job } from './jobs.ts';

process.on('message', (job: Job) => {
  runJob(job).then(
    (result) => process.send?.({ ok: true, result }),
    (err: unknown) =>
      process.send?.({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
