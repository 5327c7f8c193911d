import { Worker } from 'node:worker_threads';
import { type Db, type QueryResult, type Tx } from './db.ts';
import { assertUsableDataDir, cannotOpen } from './pglite-db.ts';

/**
 * The embedded PostgreSQL + PostGIS under `dataDir`, run on a worker thread (`pglite-thread.worker.mjs`), so
 * that a slow query never stalls the service's HTTP answers, live streams and drone links. Same `Db` contract as
 * the in-process `openPgliteDb`: results and driver errors (with their SQLSTATE `code`) come back as they would.
 */
export async function openPgliteThreadDb(dataDir: string): Promise<Db> {
  await assertUsableDataDir(dataDir);
  const thread = new DbThread();
  try {
    await thread.call('open', { dataDir });
  } catch (err) {
    await thread.stop();
    throw cannotOpen(dataDir, err);
  }
  const queryable = (tx?: number): Tx => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await thread.call('query', { sql, params, tx })) as QueryResult<T>;
    },
    async exec(sql) {
      await thread.call('exec', { sql, tx });
    },
  });
  const base = queryable();
  return {
    backend: 'pglite',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const tx = thread.nextId();
      await thread.call('begin', {}, tx);
      let result;
      try {
        result = await fn(queryable(tx));
      } catch (err) {
        await thread.call('rollback', { tx }).catch(() => {});
        throw err;
      }
      await thread.call('commit', { tx });
      return result;
    },
    async close() {
      try {
        await thread.call('close', {});
      } finally {
        await thread.stop();
      }
    },
  };
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: Record<string, string>;
}

/** The worker and its calls in flight: each message carries an id, each answer names it. */
class DbThread {
  private readonly worker = new Worker(new URL('./pglite-thread.worker.mjs', import.meta.url));
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private lastId = 0;
  private stopped: Error | null = null;

  constructor() {
    this.worker.on('message', (r: Reply) => this.settle(r));
    // A thread that dies (out of memory, a crash in the WebAssembly) fails what waits on it and what comes after.
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`嵌入式数据库线程已退出 / the embedded database thread exited (code ${code})`)),
    );
    // Idle, the thread does not hold the process open (as an in-process database would not).
    this.worker.unref();
  }

  nextId(): number {
    return ++this.lastId;
  }

  call(op: string, args: Record<string, unknown>, id = this.nextId()): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...args });
    });
  }

  async stop(): Promise<void> {
    this.stopped ??= new Error('嵌入式数据库已关闭 / the embedded database is closed');
    await this.worker.terminate();
  }

  private settle(r: Reply): void {
    const call = this.pending.get(r.id);
    if (!call) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if (r.ok) call.resolve(r.value);
    else call.reject(Object.assign(new Error(r.error?.message), r.error));
  }

  private fail(err: Error): void {
    this.stopped ??= err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}
