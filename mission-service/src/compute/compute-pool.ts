import { Worker } from 'node:worker_threads';
import { AppError, type ErrorKind } from '../app-error.ts';
import { runTask, type TaskName, type Tasks } from './tasks.ts';

/** Work below this many vertices runs inline: a worker round trip costs more than the check. */
export const INLINE_MAX_VERTICES = 1_000;
/** Longest a task may run before its worker is stopped and the request answered 422. */
const TASK_TIMEOUT_MS = 60_000;
/** Most tasks waiting for the worker; more answer 503 with Retry-After (heavy requests shed, others unaffected). */
const MAX_QUEUE = 16;

interface Job {
  id: number;
  task: TaskName;
  input: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Rebuilds an error that crossed the thread boundary (AppError keeps its kind, code and details). */
function revive(e: { name?: string; message: string; kind?: ErrorKind; code?: string; details?: unknown }): Error {
  if (e.name === 'AppError' && e.kind) return new AppError(e.kind, e.code ?? 'error', e.message, e.details);
  return Object.assign(new Error(e.message), e);
}

/**
 * One worker thread for heavy, pure work (geometry validation, route planning), started on first use, so that a
 * 10,000-vertex polygon never stalls the requests of others on the event loop. Jobs run one at a time in order.
 */
class ComputePool {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  run(task: TaskName, input: unknown): Promise<unknown> {
    if (this.queue.length >= MAX_QUEUE) {
      return Promise.reject(
        new AppError(
          'unavailable',
          'compute_busy',
          '计算繁忙，请稍后重试 / too much heavy work queued: retry shortly',
          {
            retryAfterS: 5,
          },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, input, resolve, reject });
      this.pump();
    });
  }

  private start(): Promise<void> {
    // workerData must be an object: geotiff's web-worker shim treats a thread without one as its own worker.
    const w = new Worker(new URL('./compute-worker.mjs', import.meta.url), { execArgv: [], workerData: {} });
    w.unref();
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.on('message', (m: { ready?: boolean; id?: number; ok?: boolean; value?: unknown; error?: never }) => {
        if (m.ready) return resolve();
        const job = this.running;
        if (!job || job.id !== m.id) return;
        this.finish();
        if (m.ok) job.resolve(m.value);
        else job.reject(revive(m.error!));
      });
    });
    w.on('error', (err) => this.fail(err));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    return this.ready;
  }

  private finish(): void {
    clearTimeout(this.timer);
    this.running = undefined;
    this.pump();
  }

  private fail(err: unknown): void {
    const job = this.running;
    this.worker = undefined;
    if (job) {
      this.finish();
      job.reject(err);
    }
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    const job = this.queue.shift()!;
    this.running = job;
    const go = async () => {
      if (!this.worker) await this.start();
      this.timer = setTimeout(() => {
        const w = this.worker;
        this.worker = undefined;
        void w?.terminate();
        this.fail(
          new AppError(
            'unprocessable',
            'too_complex',
            `计算超时 / the geometry is too complex to process within ${TASK_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, TASK_TIMEOUT_MS);
      this.worker!.postMessage({ id: job.id, task: job.task, input: job.input });
    };
    go().catch((err) => this.fail(err));
  }
}

let pool: ComputePool | undefined;

/**
 * Runs a heavy task: inline when `weight` (vertices) is small, else on the compute worker thread. Either way
 * the result and the errors are the same.
 */
export function compute<K extends TaskName>(
  task: K,
  input: Parameters<Tasks[K]>[0],
  weight: number,
): Promise<Awaited<ReturnType<Tasks[K]>>> {
  if (weight <= INLINE_MAX_VERTICES) return runTask(task, input);
  pool ??= new ComputePool();
  return pool.run(task, input) as Promise<Awaited<ReturnType<Tasks[K]>>>;
}
