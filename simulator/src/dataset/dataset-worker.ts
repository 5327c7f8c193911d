/**
 * Child process of `render:dataset`: renders the jobs its parent sends over IPC, one at a time, and
 * answers each with the photo's manifest entry (or the error). Exits when the parent disconnects.
 */
import { writeSample, type SampleJob } from './write-sample.ts';

interface JobMessage {
  outDir: string;
  job: SampleJob;
}

process.on('message', (msg: JobMessage) => {
  writeSample(msg.outDir, msg.job).then(
    (entry) => process.send?.({ ok: true, index: msg.job.index, split: msg.job.split, entry }),
    (err: unknown) =>
      process.send?.({
        ok: false,
        index: msg.job.index,
        split: msg.job.split,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
