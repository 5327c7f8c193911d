/**
 * A pool of ONNX Runtime sessions for one model, sized to the cores. On small machines several
 * single-threaded sessions (one photo each) keep both cores busy better than one multi-threaded one.
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';

/** Options of {@link SessionPool.create}. */
export interface SessionPoolOptions {
  /** Number of sessions; default: cores (at least 1, at most 8). */
  size?: number;
  /** Intra-op threads per session; default: 1 when several sessions share the cores. */
  intraOpThreads?: number;
}

/** A fixed set of sessions handed out one caller at a time. */
export class SessionPool {
  private readonly free: ort.InferenceSession[];
  private readonly waiters: ((s: ort.InferenceSession) => void)[] = [];

  private constructor(readonly sessions: ort.InferenceSession[]) {
    this.free = [...sessions];
  }

  /** Creates `size` sessions from the model bytes. Throws what ORT throws (callers wrap it), releasing any made. */
  static async create(model: Uint8Array, options: SessionPoolOptions = {}): Promise<SessionPool> {
    const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    const size = Math.max(1, Math.min(8, options.size ?? cores));
    const intraOpNumThreads = options.intraOpThreads ?? Math.max(1, Math.floor(cores / size));
    const sessions: ort.InferenceSession[] = [];
    try {
      for (let i = 0; i < size; i++) {
        sessions.push(
          await ort.InferenceSession.create(model, {
            intraOpNumThreads,
            interOpNumThreads: 1,
            executionMode: 'sequential',
            graphOptimizationLevel: 'all',
          }),
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
  async use<T>(fn: (s: ort.InferenceSession) => Promise<T>): Promise<T> {
    const s = this.free.pop() ?? (await new Promise<ort.InferenceSession>((r) => this.waiters.push(r)));
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
