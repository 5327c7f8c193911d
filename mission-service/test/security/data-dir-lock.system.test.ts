/**
 * Issue 12.4: one process per XUNCHA_DATA_DIR. The embedded database is opened only under the directory's lock,
 * so a second `xuncha serve` — or `xuncha user add` while serve runs — refuses with one line instead of writing to
 * a copy that is then lost. Also 12 (Low): the directory is created owner-only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir, lockFilePath } from '../../src/db/data-dir-lock.ts';
import { DatabaseSetupError } from '../../src/db/db.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'xuncha-lock-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs the real CLI on a data directory; resolves with its exit code and stderr lines (npm noise dropped). */
function xuncha(args: string[], dataDir: string): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/xuncha.mjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, XUNCHA_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) =>
      resolve({
        code,
        lines: err
          .trim()
          .split('\n')
          .filter((l) => l && !l.startsWith('npm warn')),
      }),
    ),
  );
}

describe('data directory lock', () => {
  it('is exclusive, says who holds it, and is free again once released', async () => {
    const dir = path.join(await tmp(), 'data');
    const first = lockDataDir(dir, 'serve');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(lockFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(() => lockDataDir(dir, 'user add')).toThrow(DatabaseSetupError);
    expect(() => lockDataDir(dir, 'user add')).toThrow(
      new RegExp(`in use by \`xuncha serve\` \\(pid ${process.pid} on `),
    );
    first.release();
    expect(existsSync(lockFilePath(dir))).toBe(false);
    lockDataDir(dir, 'user add').release();
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = await tmp();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(
      lockFilePath(dir),
      JSON.stringify({ pid: Number(gone), hostname: os.hostname(), purpose: 'serve', since: '2026-01-01T00:00:00Z' }),
    );
    const lock = lockDataDir(dir, 'serve');
    expect(JSON.parse(readFileSync(lockFilePath(dir), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('makes a second `xuncha serve` and `xuncha user add` refuse with one line while serve holds it', async () => {
    const dir = await tmp();
    // This test process stands in for the running `xuncha serve`.
    const held = lockDataDir(dir, 'serve');
    try {
      const [serve, add] = await Promise.all([
        xuncha(['serve'], dir),
        xuncha(['user', 'add', 'late', '--role', 'officer'], dir),
      ]);
      for (const r of [serve, add]) {
        expect(r.code).not.toBe(0);
        expect(r.lines).toHaveLength(1);
        expect(r.lines[0]).toMatch(/^xuncha: .*XUNCHA_DATA_DIR .* is in use by `xuncha serve` \(pid \d+/);
      }
      // Nothing was created beside the lock: no database copy to lose.
      expect(existsSync(path.join(dir, 'pg'))).toBe(false);
    } finally {
      held.release();
    }
  }, 120_000);
});
