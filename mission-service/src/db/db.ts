/** The one small database interface the service is written against; PGlite and PostgreSQL both implement it. */
export interface QueryResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted, where the backend reports it. */
  affectedRows: number;
}

export interface Queryable {
  /** One parameterised statement (`$1`, `$2`, …). Never interpolate values into `sql`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** A transaction: statements with parameters, and parameterless multi-statement scripts. */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

export type DbBackend = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly backend: DbBackend;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Raised when the database cannot be opened or used as configured; the message says what to do. */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}
