import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The versioned SQL files `NNN_name.sql`, in order. Two files with one number are refused: the second would be
 * taken as applied and silently skipped (branches merged with clashing numbers).
 */
export function loadMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(dir + f, 'utf8') }));
  const clash = migrations.find((m, i) => i > 0 && migrations[i - 1]!.version === m.version);
  if (clash) {
    const first = migrations.find((m) => m.version === clash.version)!;
    throw new Error(
      `迁移编号重复 / two migrations numbered ${String(clash.version).padStart(3, '0')}: ${first.name} and ${clash.name}; renumber one`,
    );
  }
  return migrations;
}

// Arbitrary constant: the advisory lock that serialises migrations across service instances.
const MIGRATION_LOCK = 7_240_001;

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock so that two
 * instances starting together on one PostgreSQL do not race. Returns the versions applied now.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (didApply) applied.push(m.version);
  }
  return applied;
}

/** Migrations recorded as applied, oldest first. */
export async function appliedMigrations(db: Db): Promise<{ version: number; name: string }[]> {
  const r = await db.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  return r.rows;
}
