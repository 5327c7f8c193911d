import pg from 'pg';
import { DatabaseSetupError, type Db, type QueryResult, type Tx } from './db.ts';

// bigint (int8) and numeric come back as strings by default; counts and ids fit in a JS number here.
pg.types.setTypeParser(20, (v) => Number(v));

/** Connects to PostgreSQL + PostGIS at `url`; fails with one actionable line if it does not answer or lacks PostGIS. */
export async function openPostgresDb(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseSetupError(
      `数据库连接失败 / cannot reach the database at ${maskUrl(url)}: ${(err as Error).message}. ` +
        `Check DATABASE_URL, that PostgreSQL is running and accepts connections, or unset DATABASE_URL to use the embedded database.`,
    );
  }
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS postgis');
    await pool.query('SELECT postgis_lib_version()');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseSetupError(
      `数据库缺少 PostGIS / the database at ${maskUrl(url)} has no PostGIS (${(err as Error).message}). ` +
        `Install PostGIS 3.3+ (Debian: apt-get install postgresql-15-postgis-3) or run CREATE EXTENSION postgis as a superuser.`,
    );
  }
  return {
    backend: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return toResult<T>(await pool.query(sql, params as unknown[]));
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Tx = {
          async query<T>(sql: string, params: readonly unknown[] = []) {
            return toResult<T>(await client.query(sql, params as unknown[]));
          },
          async exec(sql) {
            await client.query(sql);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function toResult<T>(r: { rows: unknown[]; rowCount: number | null }): QueryResult<T> {
  return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
}

/** Hides the password of a connection URL for logs and messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
