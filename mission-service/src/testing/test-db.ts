/**
 * Test databases. Creating an embedded PostGIS takes ~15 s and ~1 GB, so the global set-up prepares one template
 * (migrated, sample data loaded) and each test file gets a private copy: a copied data directory on PGlite, or
 * `CREATE DATABASE … TEMPLATE` on PostgreSQL when TEST_DATABASE_URL is set (that is how CI runs both backends).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from '../db/db.ts';
import { migrate, migrationsDir } from '../db/migrate.ts';
import { openPgliteDb } from '../db/pglite-db.ts';
import { openPostgresDb } from '../db/pg-db.ts';
import { loadSampleDataOnce } from '../db/seed-sample-data.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A template is reused only while the migrations and the sample data it was built from are unchanged. */
function templateKey(): string {
  const h = createHash('sha256');
  for (const dir of [migrationsDir, path.join(repoRoot, 'geodata', 'data', 'longquan')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort()) {
      h.update(f);
      h.update(readFileSync(path.join(dir, f)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

export const pgliteTemplateDir = path.join(repoRoot, '.test-cache', `pglite-template-${templateKey()}`);
const TEMPLATE_DB = 'xuncha_test_template';

export type TestBackend = 'pglite' | 'postgres';

/** The backend most tests run on: PostgreSQL when TEST_DATABASE_URL is set (CI), else the embedded one. */
export const testBackend: TestBackend = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Every backend available here: storage tests run on each (both in CI). */
export const testBackends: TestBackend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Global set-up: build the template once per test run (both backends when TEST_DATABASE_URL is set). */
export async function prepareTestTemplates(): Promise<void> {
  await preparePgliteTemplate();
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await adminQuery(`CREATE DATABASE ${TEMPLATE_DB}`);
    const db = await openPostgresDb(withDatabase(url, TEMPLATE_DB), { max: 2 });
    await migrate(db);
    await loadSampleDataOnce(db);
    await db.close();
  }
}

/**
 * The embedded template only, built when missing: what a test that copies `pgliteTemplateDir` itself calls. It
 * never touches the PostgreSQL template, which other test files are copying at the same time.
 */
export async function preparePgliteTemplate(): Promise<void> {
  if (!existsSync(path.join(pgliteTemplateDir, 'PG_VERSION'))) {
    const building = `${pgliteTemplateDir}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    const db = await openPgliteDb(building);
    await migrate(db);
    await loadSampleDataOnce(db);
    await db.close();
    await rm(pgliteTemplateDir, { recursive: true, force: true });
    await cp(building, pgliteTemplateDir, { recursive: true });
    await rm(building, { recursive: true, force: true });
  }
}

export interface TestDb {
  db: Db;
  /** For PostgreSQL: the URL of this private database (e.g. to start a second service instance on it). */
  url?: string;
  /** For PGlite: the private data directory. */
  dataDir?: string;
  dispose(): Promise<void>;
}

/**
 * A private, migrated database with the sample data, for one test file. Call once in `beforeAll`,
 * dispose in `afterAll`. Migrations in the template may lag the code while developing: they are re-applied here.
 */
export async function createTestDb(backend: TestBackend = testBackend): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (backend === 'postgres') {
    if (!url) throw new Error('TEST_DATABASE_URL is not set: no PostgreSQL to test against');
    const name = `xuncha_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
    const dbUrl = withDatabase(url, name);
    const db = await openPostgresDb(dbUrl, { max: 5 });
    await migrate(db);
    return {
      db,
      url: dbUrl,
      async dispose() {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  await preparePgliteTemplate();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-test-db-'));
  await cp(pgliteTemplateDir, dataDir, { recursive: true });
  const db = await openPgliteDb(dataDir);
  await migrate(db);
  return {
    db,
    dataDir,
    async dispose() {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
