import path from 'node:path';
import type { Db } from './db.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { openPgliteThreadDb } from './pglite-thread-db.ts';
import { openPostgresDb } from './pg-db.ts';

export interface DbConfig {
  /** PostgreSQL + PostGIS when set; otherwise the embedded database under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
}

/** The embedded database lives in `<dataDir>/pg`; photos and other files sit beside it. */
export function embeddedDbDir(dataDir: string): string {
  return path.join(dataDir, 'pg');
}

/**
 * Opens the database the configuration names. The embedded one runs on a thread of its own and is opened only under the data directory's lock
 * (one process at a time: `purpose` says who holds it, e.g. 'serve' or 'user add'); the lock is released when
 * the database is closed.
 */
export async function openDb(cfg: DbConfig, purpose = 'serve'): Promise<Db> {
  if (cfg.databaseUrl) return openPostgresDb(cfg.databaseUrl);
  const lock = lockDataDir(cfg.dataDir, purpose);
  let db: Db;
  try {
    db = await openPgliteThreadDb(embeddedDbDir(cfg.dataDir));
  } catch (err) {
    lock.release();
    throw err;
  }
  return {
    ...db,
    backend: db.backend,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    transaction: db.transaction.bind(db),
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
