import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.ts';

describe('loadMigrations', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xuncha-migrations-')) + path.sep;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NNN_name.sql in order and refuses two files with one number', () => {
    writeFileSync(path.join(dir, '002_second.sql'), 'SELECT 2;');
    writeFileSync(path.join(dir, '001_first.sql'), 'SELECT 1;');
    writeFileSync(path.join(dir, 'notes.md'), 'not a migration');
    expect(loadMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    writeFileSync(path.join(dir, '002_other_branch.sql'), 'SELECT 3;');
    expect(() => loadMigrations(dir)).toThrow(/two migrations numbered 002: other_branch and second/);
  });

  it('the project migrations have distinct numbers', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
  });
});
