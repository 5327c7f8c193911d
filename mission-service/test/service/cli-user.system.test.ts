import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findUserByUsername, verifyPassword } from '../../src/auth/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { openDb } from '../../src/db/open-db.ts';
import { createTestDb, pgliteTemplateDir, testBackend, type TestDb } from '../../src/testing/test-db.ts';

/** `xuncha user …` against the same kind of database `serve` uses (embedded copy, or PostgreSQL in CI). */
describe('xuncha user', () => {
  let dataDir: string;
  let t: TestDb | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-cli-'));
    process.env.XUNCHA_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    if (testBackend === 'postgres') {
      t = await createTestDb();
      process.env.DATABASE_URL = t.url;
    } else {
      await cp(pgliteTemplateDir, path.join(dataDir, 'pg'), { recursive: true });
    }
  });
  afterAll(async () => {
    process.env = saved;
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ out: string; err: string }> {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      await buildProgram().parseAsync(['node', 'xuncha', ...args]);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    return { out, err };
  }

  it('adds a user with a one-time password, changes it, lists users and refuses bad roles', async () => {
    const add = await run('user', 'add', 'alice', '--role', 'officer', '--role', 'dispatcher');
    expect(add.out).toMatch(/added alice \(dispatcher, officer\)/);
    const first = /one-time password: (\S+)/.exec(add.err)?.[1];
    expect(first).toBeTruthy();
    const pw = await run('user', 'passwd', 'alice');
    const second = /one-time password: (\S+)/.exec(pw.err)![1]!;
    const list = await run('user', 'list', '--json');
    const users = JSON.parse(list.out) as { username: string; roles: string[]; mustChangePassword: boolean }[];
    expect(users.find((u) => u.username === 'alice')).toMatchObject({ roles: ['dispatcher', 'officer'] });
    expect(list.out).not.toContain('scrypt');
    await expect(run('user', 'add', 'bob', '--role', 'pilot')).rejects.toThrow(/unknown role/);
    const db = await openDb({ dataDir, databaseUrl: process.env.DATABASE_URL });
    try {
      const alice = (await findUserByUsername(db, 'alice'))!;
      expect(await verifyPassword(second, alice.passwordHash)).toBe(true);
      expect(await verifyPassword(first!, alice.passwordHash)).toBe(false);
      expect(alice.mustChangePassword).toBe(true); // the generated password is one-time
      expect(await findUserByUsername(db, 'bob')).toBeNull();
      const audit = await db.query<{ action: string }>(
        "SELECT action FROM audit_log WHERE action LIKE 'user.%' ORDER BY id",
      );
      expect(audit.rows.map((r) => r.action)).toEqual(['user.add', 'user.passwd']);
    } finally {
      await db.close();
    }
    // Each command opens the embedded database once (seconds each on a loaded machine).
  }, 240_000);
});
