import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from './support/serve-process.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

describe('xuncha serve on a fresh data directory (embedded database)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('creates the database, loads the sample data, logs its config and answers health and layers', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-serve-'));
    const { child, url, logs } = await startServe(dataDir);
    cleanup.push(async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    });
    expect(logs.some((l) => l.includes('effective configuration') && l.includes(dataDir))).toBe(true);
    const health = (await (await fetch(`${url}/api/health`)).json()) as {
      db: { backend: string; migrations: unknown[] };
    };
    expect(health.db.backend).toBe('pglite');
    expect(health.db.migrations.length).toBeGreaterThan(0);
    const farmland = (await (await fetch(`${url}/api/layers/farmland`)).json()) as GeoJSON.FeatureCollection;
    expect(farmland.features.length).toBeGreaterThanOrEqual(15);
    // Creating the embedded PostGIS takes ~15 s on an idle machine; a loaded CI runner may need several times that.
  }, 240_000);

  it('stops with one clear line when DATABASE_URL does not answer', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/xuncha.mjs'), 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).not.toBe(0);
    const lines = stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^xuncha: .*cannot reach the database/);
  });
});
