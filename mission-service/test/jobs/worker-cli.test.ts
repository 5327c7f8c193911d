/**
 * `xuncha worker`: its help and refusal on the embedded database (in process), its progress line, and — on
 * PostgreSQL (TEST_DATABASE_URL, as in CI) — a real separate worker process that triages what an API instance queued.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine, registerWorkerCommand } from '../../src/cli/commands/worker.ts';
import { diskImageStore } from '../../src/ingest/image-store.ts';
import { ingestImage } from '../../src/ingest/ingest-image.ts';
import { flightProgress, startTriageJobs } from '../../src/jobs/index.ts';
import { createTestDb, testBackends, type TestDb } from '../../src/testing/test-db.ts';
import { scarDetectorManifest, scarDetectorOnnx } from '../../src/testing/scar-model.ts';
import { AWAY, OVER_FIRE, shoot } from './sim-photos.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function program(): { p: Command; out: () => string } {
  let out = '';
  const p = new Command('xuncha').exitOverride().configureOutput({
    writeOut: (s) => void (out += s),
    writeErr: (s) => void (out += s),
  });
  registerWorkerCommand(p);
  return { p, out: () => out };
}

describe('xuncha worker (in process)', () => {
  it('--help says the embedded database runs its worker inside serve, and how to give a model', async () => {
    const { p, out } = program();
    await expect(p.parseAsync(['worker', '--help'], { from: 'user' })).rejects.toThrow();
    expect(out()).toContain('xuncha serve');
    expect(out()).toContain('DATABASE_URL');
    expect(out()).toContain('XUNCHA_MODEL');
  });

  it('refuses to start without DATABASE_URL, pointing at serve', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const { p } = program();
      await expect(p.parseAsync(['worker'], { from: 'user' })).rejects.toThrow(/xuncha serve/);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('draws a flight progress line', () => {
    const line = progressLine(
      {
        flightId: 'f1',
        photos: { total: 10, processed: 5, done: 4, unlocated: 0, failed: 1, queued: 3, processing: 2 },
        detections: 7,
        incidents: { total: 2, new: 1 },
        cases: 1,
        fraction: 0.5,
      },
      10,
    );
    expect(line).toBe(
      '航班 flight f1 [█████░░░░░] 5/10 照片 photos · 1 失败 failed · 7 检测 detections · 2 事件 incidents (1 新 new) · 1 案件 cases',
    );
  });
});

// A separate worker process needs a database two processes can open: PostgreSQL (the embedded one cannot).
if (testBackends.includes('postgres')) {
  describe('xuncha worker as a separate process on PostgreSQL', () => {
    let t: TestDb;
    let dataDir: string;

    beforeAll(async () => {
      t = await createTestDb('postgres');
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-worker-'));
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('takes the jobs an API instance queued and files the case', async () => {
      await writeFile(path.join(dataDir, 'scar.onnx'), scarDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 8 }));
      await writeFile(path.join(dataDir, 'scar.json'), JSON.stringify(scarDetectorManifest(256)));
      await t.db.query(`INSERT INTO flights (id) VALUES ('flt_worker')`);
      // a fire files itself at any score here (the review queue is tested in test/review)
      await t.db.query(`UPDATE case_categories SET auto_file_min_score = 0 WHERE category = 'straw_burning'`);
      // the API side: it only sends jobs
      const api = await startTriageJobs({ db: t.db, dataDir, runWorker: false });
      const start = new Date('2026-10-20T03:00:00Z');
      for (const [i, s] of [OVER_FIRE[0]!, OVER_FIRE[1]!, AWAY].entries()) {
        const bytes = await shoot(s, start, i);
        const r = await ingestImage(
          { db: t.db, store: diskImageStore(dataDir), enqueueTriage: api.enqueueTriage },
          { name: `W${i}.JPG`, bytes, flightId: 'flt_worker' },
        );
        expect(r.status).toBe('accepted');
      }
      await api.stop();

      const child = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'bin/xuncha.mjs'),
          'worker',
          '--exit-when-idle',
          '--model',
          path.join(dataDir, 'scar.json'),
        ],
        { env: { ...process.env, DATABASE_URL: t.url!, XUNCHA_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/3\/3 照片 photos/);
      const p = await flightProgress(t.db, 'flt_worker');
      expect(p).toMatchObject({ photos: { total: 3, done: 3 }, incidents: { total: 1, new: 1 }, cases: 1 });
    });
  });
}
