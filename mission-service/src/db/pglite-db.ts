import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { DatabaseSetupError, type Db, type QueryResult, type Tx } from './db.ts';

/**
 * Opens (or creates) the embedded PostgreSQL + PostGIS under `dataDir`.
 * An existing directory that is not a PGlite cluster is reported, never initialised over.
 */
export async function openPgliteDb(dataDir: string): Promise<Db> {
  await assertUsableDataDir(dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir, extensions: { postgis } });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis;');
  } catch (err) {
    throw cannotOpen(dataDir, err);
  }
  return wrap(pg);
}

export function cannotOpen(dataDir: string, err: unknown): DatabaseSetupError {
  return new DatabaseSetupError(
    `嵌入式数据库无法打开 / the embedded database in ${dataDir} cannot be opened (${(err as Error).message}). ` +
      `It may be damaged: move it aside and restart to create a new one, or restore it from a backup.`,
  );
}

export async function assertUsableDataDir(dataDir: string): Promise<void> {
  if (!existsSync(dataDir)) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return;
  }
  const entries = readdirSync(dataDir);
  if (entries.length === 0) return;
  if (!entries.includes('PG_VERSION')) {
    throw new DatabaseSetupError(
      `数据目录不是数据库 / ${dataDir} is not empty and holds no database (no PG_VERSION). ` +
        `Point XUNCHA_DATA_DIR at another folder, or move these files away; Xuncha never writes over them.`,
    );
  }
}

function toResult<T>(r: { rows: unknown[]; affectedRows?: number }): QueryResult<T> {
  return { rows: r.rows as T[], affectedRows: r.affectedRows ?? 0 };
}

function queryable(target: PGlite | Transaction): Tx {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return toResult<T>(await target.query(sql, params as unknown[]));
    },
    async exec(sql) {
      await target.exec(sql);
    },
  };
}

function wrap(pg: PGlite): Db {
  const base = queryable(pg);
  return {
    backend: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction(fn) {
      return pg.transaction((tx) => fn(queryable(tx)));
    },
    async close() {
      await pg.close();
    },
  };
}
