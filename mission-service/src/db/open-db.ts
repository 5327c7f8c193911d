import path from 'node:path';
import type { Db } from './db.ts';
import { openPgliteDb } from './pglite-db.ts';
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

/** Opens the database the configuration names. */
export function openDb(cfg: DbConfig): Promise<Db> {
  return cfg.databaseUrl ? openPostgresDb(cfg.databaseUrl) : openPgliteDb(embeddedDbDir(cfg.dataDir));
}
