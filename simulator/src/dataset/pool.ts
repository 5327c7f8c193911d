/**
 * Runs render jobs on child processes (each a `dataset-worker.ts` under tsx), one job at a time per
 * child, and returns the results in job order. With one worker the jobs run in this process. Results
 * never depend on which child rendered what: every job is a pure function of its description.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runJob, type Job, type JobResult } from './jobs.ts';

export interface PoolOptions {
  workers: number;
  /** Called after each finished job. */
  onProgress?: (done: number, total: number) => void;
}

/** Run `jobs`; rejects with the first failure (naming the job) and stops the children. */
export async function runPool(jobs: readonly Job[], opts: PoolOptions): Promise<JobResult[]> {
  const results: JobResult[] = new Array(jobs.length);
  if (opts.workers <= 1 || jobs.length <= 1) {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = await runJob(jobs[i] as Job);
      opts.onProgress?.(i + 1, jobs.length);
    }
    return results;
  }
  const script = fileURLToPath(new URL('./dataset-worker.ts', import.meta.url));
  const children: ChildProcess[] = [];
  const current = new Map<ChildProcess, number>();
  let next = 0;
  let done = 0;
  return new Promise<JobResult[]>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      for (const c of children) if (c.connected) c.disconnect();
      if (err) reject(err);
      else resolve(results);
    };
    const feed = (child: ChildProcess): void => {
      if (settled) return;
      if (next >= jobs.length) {
        if (child.connected) child.disconnect();
        return;
      }
      const k = next++;
      current.set(child, k);
      child.send(jobs[k] as Job);
    };
    const workers = Math.min(opts.workers, jobs.length);
    for (let w = 0; w < workers; w++) {
      const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      child.on('message', (msg: { ok: true; result: JobResult } | { ok: false; error: string }) => {
        const k = current.get(child) as number;
        if (!msg.ok) {
          finish(new Error(`渲染失败 / rendering job ${describe(jobs[k] as Job)} failed: ${msg.error}`));
          return;
        }
        results[k] = msg.result;
        done++;
        opts.onProgress?.(done, jobs.length);
        if (done === jobs.length) finish();
        else feed(child);
      });
      child.on('exit', (code) => {
        if (!settled && done < jobs.length && code !== 0)
          finish(new Error(`渲染子进程异常退出 / a render worker exited with code ${code}`));
      });
      feed(child);
    }
  });
}

function describe(job: Job): string {
  return job.type === 'sample' ? `${job.job.split}/${job.job.index}` : job.outFile;
}
