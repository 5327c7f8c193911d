/**
 * Runs the jobs of the queues with a bounded number in flight per queue. A thin loop over pg-boss's fetch /
 * complete / fail: unlike `boss.work()` (pg-boss 10 waits a polling interval after every batch and completes a
 * batch as a whole) it fetches as soon as a slot frees up and settles each job on its own.
 */
import type { Queryable } from '../db/db.ts';
import type { JobQueue, QueueName, QueuedJob } from './queue.ts';

/** What a handler gets besides the job: `complete(tx)` completes the job inside the handler's own transaction. */
export interface JobContext {
  /** Completes the job within `tx` (exactly once with the results written there). */
  complete(tx: Queryable, output?: object): Promise<void>;
  /** This is the last attempt: a failure now is final. */
  lastAttempt: boolean;
}

/**
 * A queue's handler. Resolves with the job's output (it is completed then, unless it completed itself in a
 * transaction); throws to fail the attempt (retried with backoff until the limit).
 */
export type JobHandler<Q extends QueueName = QueueName> = (
  job: QueuedJob<Q>,
  ctx: JobContext,
) => Promise<object | void>;

/** One settled attempt. */
export interface JobEvent {
  queue: QueueName;
  job: QueuedJob;
  outcome: 'completed' | 'retry' | 'failed';
  output?: object;
  error?: string;
  ms: number;
}

export interface JobRunnerOptions {
  /** Jobs in flight per queue (default 1). */
  concurrency?: Partial<Record<QueueName, number>>;
  /** How long to wait before looking again when a queue is empty (default 1000 ms). */
  pollMs?: number;
  onEvent?: (e: JobEvent) => void;
  onError?: (err: Error) => void;
}

/** The runner: `start()`, `stop()` (waits for the jobs in flight), `whenIdle()`. */
export class JobRunner {
  private stopping = false;
  private readonly inFlight = new Map<QueueName, Set<Promise<void>>>();
  private readonly wakers = new Map<QueueName, () => void>();
  private readonly woken = new Set<QueueName>();
  private loops: Promise<void>[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: { [Q in QueueName]?: JobHandler<Q> },
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** Starts one fetch loop per queue that has a handler. */
  start(): void {
    this.unsubscribe = this.queue.onSend((q) => this.wake(q));
    for (const name of Object.keys(this.handlers) as QueueName[]) {
      this.inFlight.set(name, new Set());
      this.loops.push(this.loop(name));
    }
  }

  /** Jobs running now in this process. */
  get running(): number {
    let n = 0;
    for (const s of this.inFlight.values()) n += s.size;
    return n;
  }

  private async loop(name: QueueName): Promise<void> {
    const slots = Math.max(1, this.options.concurrency?.[name] ?? 1);
    const running = this.inFlight.get(name)!;
    const pollMs = this.options.pollMs ?? 1000;
    while (!this.stopping) {
      let fetched = 0;
      const free = slots - running.size;
      if (free > 0) {
        try {
          const jobs = await this.queue.fetch(name, free);
          fetched = jobs.length;
          for (const job of jobs) {
            const p: Promise<void> = this.run(name, job).finally(() => {
              running.delete(p);
              this.wake(name);
            });
            running.add(p);
          }
        } catch (err) {
          this.options.onError?.(err as Error);
        }
      }
      // Fetch again at once while the queue gives all we asked for; otherwise wait for a slot, a send or the poll.
      if (fetched === 0 || fetched < free || running.size >= slots) await this.sleep(name, pollMs);
    }
    await Promise.allSettled([...running]);
  }

  private sleep(name: QueueName, ms: number): Promise<void> {
    // A wake-up that came while the loop was fetching is not lost: the loop goes round at once.
    if (this.woken.delete(name)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const wakers = this.wakers;
      function done() {
        clearTimeout(t);
        wakers.delete(name);
        resolve();
      }
      this.wakers.set(name, done);
    });
  }

  private wake(name: QueueName): void {
    const w = this.wakers.get(name);
    if (w) w();
    else this.woken.add(name);
  }

  private async run(name: QueueName, job: QueuedJob): Promise<void> {
    const t0 = performance.now();
    let completedInTx = false;
    const ctx: JobContext = {
      lastAttempt: job.retryCount >= job.retryLimit,
      complete: async (tx, output = {}) => {
        await this.queue.complete(name, job.id, output, tx);
        completedInTx = true;
      },
    };
    const handler = this.handlers[name] as JobHandler | undefined;
    try {
      const output = (await handler!(job, ctx)) ?? {};
      if (!completedInTx) await this.queue.complete(name, job.id, output);
      this.options.onEvent?.({ queue: name, job, outcome: 'completed', output, ms: performance.now() - t0 });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      try {
        await this.queue.fail(name, job.id, err);
      } catch (e) {
        // The job stays active; pg-boss's maintenance expires and retries it.
        this.options.onError?.(e as Error);
      }
      this.options.onEvent?.({
        queue: name,
        job,
        outcome: ctx.lastAttempt ? 'failed' : 'retry',
        error,
        ms: performance.now() - t0,
      });
    }
  }

  /**
   * Resolves once nothing is running here and no job is waiting in any queue (including retries not yet due),
   * or rejects after `timeoutMs`.
   */
  async whenIdle(timeoutMs = 60_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.running === 0) {
        let waiting = 0;
        for (const q of this.inFlight.keys()) waiting += await this.queue.waiting(q);
        if (waiting === 0 && this.running === 0) return;
      }
      if (Date.now() > deadline) throw new Error(`jobs not idle after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Stops fetching and waits for the jobs in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const name of this.inFlight.keys()) this.wake(name);
    await Promise.allSettled(this.loops);
    this.loops = [];
  }
}
