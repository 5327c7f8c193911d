/**
 * pg-boss talks to the database through `{ executeSql(text, values) }`: this adapter runs it on our `Db` (pg Pool
 * or the embedded PGlite), or on a transaction `Tx` so that a job is sent or completed atomically with the rows
 * that caused it.
 */
import type PgBoss from 'pg-boss';
import type { Db, Queryable } from '../db/db.ts';

// pg-boss passes `undefined` for options it leaves unset; pg maps them to NULL, PGlite wants null.
const nulls = (values: readonly unknown[]) => values.map((v) => (v === undefined ? null : v));

/**
 * The adapter over the database. pg-boss's schema and maintenance statements are parameterless scripts that carry
 * their own `BEGIN … COMMIT` and advisory lock: they run inside `db.transaction` so that a failure is rolled back
 * on the same connection (a bare script would leave a pooled connection, or PGlite's only one, in an aborted
 * transaction).
 */
export function bossDb(db: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return db.query(text, nulls(values));
      if (isScript(text)) {
        await db.transaction((tx) => tx.exec(text));
        return { rows: [] };
      }
      return db.query(text);
    },
  };
}

/** The adapter over a transaction (or any single-statement `Queryable`): for `send`/`complete` with `{ db }`. */
export function bossTx(q: Queryable): PgBoss.Db {
  return {
    executeSql: (text: string, values?: unknown[]) => q.query(text, nulls(values ?? [])),
  };
}

/** More than one statement (a `;` followed by more SQL). */
function isScript(text: string): boolean {
  return /;\s*\S/.test(text.trim());
}
