/**
 * A pool of ONNX Runtime sessions for one model, sized to the cores. On small machines several
 * single-threaded sessions (one photo each) keep both cores busy better than one multi-threaded one. Each
 * session runs in a worker thread by default (onnxruntime-node runs synchronously on the caller's thread).
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { WorkerSession, type ModelSession } from './worker-session.ts';

/** Options of {@link SessionPool.create}. */
export interface SessionPoolOptions {
  /** Number of sessions; default: cores (at least 1, at most 8). */
  size?: number;
  /** Intra-op threads per session; default: 1 when several sessions share the cores. */
  intraOpThreads?: number;
  /** Run each session in its own worker thread (default true); false runs them on the calling thread. */
  inWorkers?: boolean;
}

/** A fixed set of sessions handed out one caller at a time. */
export class SessionPool {
  private readonly free: ModelSession[];
  private readonly waiters: ((s: ModelSession) => void)[] = [];

  private constructor(readonly sessions: ModelSession[]) {
    this.free = [...sessions];
  }

  /** Creates `size` sessions from the model bytes. Throws what ORT throws (callers wrap it), releasing any made. */
  static async create(model: Uint8Array, options: SessionPoolOptions = {}): Promise<SessionPool> {
    const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    const size = Math.max(1, Math.min(8, options.size ?? cores));
    const intraOpNumThreads = options.intraOpThreads ?? Math.max(1, Math.floor(cores / size));
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const sessions: ModelSession[] = [];
    try {
      for (let i = 0; i < size; i++) {
        sessions.push(
          options.inWorkers === false
            ? await ort.InferenceSession.create(model, sessionOptions)
            : await WorkerSession.create(model, sessionOptions),
        );
      }
    } catch (e) {
      // Do not leak the sessions made before the one that failed (each holds the model's memory).
      await Promise.allSettled(sessions.map((s) => s.release()));
      throw e;
    }
    return new SessionPool(sessions);
  }

  /** Runs `fn` with a free session, waiting for one if all are busy. */
  async use<T>(fn: (s: ModelSession) => Promise<T>): Promise<T> {
    const s = this.free.pop() ?? (await new Promise<ModelSession>((r) => this.waiters.push(r)));
    try {
      return await fn(s);
    } finally {
      const next = this.waiters.shift();
      if (next) next(s);
      else this.free.push(s);
    }
  }

  /** Releases every session. */
  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
