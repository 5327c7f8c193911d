/**
 * Demo mode as `npm start` runs it: the real service on a copy of the embedded test database, the simulator's demo
 * drones (a `xuncha sim` child process, sped up), the patrol seeded and fired by the scheduler.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoDrones } from '@xuncha/simulator';
import { DemoRefusedError } from '../../src/auth/index.ts';
import { fileCase, systemActor, transitionCase } from '../../src/cases/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { DemoDroneLauncher } from '../../src/demo/demo-drones-port.ts';
import { DEMO_SCHEDULE_NAME } from '../../src/demo/demo-patrol.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type RunningService } from '../../src/serve.ts';
import { pgliteTemplateDir, preparePgliteTemplate } from '../../src/testing/test-db.ts';

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('demo mode (npm start on loopback with the embedded database)', () => {
  let dataDir: string;
  let service: RunningService | undefined;
  let launches = 0;
  const launcher: DemoDroneLauncher = (request) => {
    launches++;
    return startDemoDrones(request);
  };
  const env = (more: Record<string, string> = {}) =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', XUNCHA_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...more });
  const appConfig = async () => (await (await fetch(`${service!.url}/app-config.json`)).json()) as { demo: boolean };

  beforeAll(async () => {
    await preparePgliteTemplate();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-demo-'));
    await cp(pgliteTemplateDir, path.join(dataDir, 'pg'), { recursive: true });
  });
  // Each test leaves the data directory free for the next, whatever happened.
  afterEach(async () => {
    await service?.stop().catch(() => {});
    service = undefined;
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts two simulated drones, flies the demo patrol at its first occurrence and re-inspects a resolved case', async () => {
    const cfg = env();
    expect(cfg.demo).toBe(true);
    service = await startService(cfg, createLogger(process.env.DEMO_DEBUG ? 'info' : 'silent'), {
      demoDrones: launcher,
      demoOptions: { speedup: 5, firstDelayMs: 2_000, reinspectionIntervalMs: 60_000 },
      schedulerIntervalMs: 60_000,
    });
    const demo = service.demo!;
    expect(demo).not.toBeNull();
    expect(demo.droneIds).toEqual(['drone_demo_1', 'drone_demo_2']);
    expect(demo.line).toMatch(/^演示模式 \/ demo mode: .*2 simulated drone\(s\) connected.*XUNCHA_DEMO=0/);
    expect(demo.firstAt.getTime() - Date.now()).toBeLessThan(60_000);
    expect(await appConfig()).toMatchObject({ demo: true });

    // The scheduler polls only every minute here: the demo's own kick at the first occurrence fires it.
    const occ = await until(
      () =>
        service!.db.query<{ outcome: string; reason: string | null; sorties: { missionId: string | null }[] | null }>(
          'SELECT outcome, reason, sorties FROM schedule_occurrences WHERE schedule_id = $1',
          [demo.scheduleId],
        ),
      (r) => r.rows.some((o) => o.outcome !== 'pending'),
      'the first occurrence',
    );
    expect(
      occ.rows.map((o) => o.outcome),
      JSON.stringify(occ.rows),
    ).toEqual(['flown']);
    const missionId = occ.rows[0]!.sorties!.find((s) => s.missionId)!.missionId!;
    const mission = await until(
      () =>
        service!.db.query<{ state: string; drone_id: string }>('SELECT state, drone_id FROM missions WHERE id = $1', [
          missionId,
        ]),
      (r) => r.rows[0]?.state !== 'uploading' && r.rows[0]?.state !== 'uploaded',
      'the flight',
    );
    expect(mission.rows[0]).toMatchObject({ state: 'flying' });
    expect(demo.droneIds).toContain(mission.rows[0]!.drone_id);

    // A drone-found case resolved (as the planner UI resolves, without asking for a re-inspection): the demo queues
    // one and the idle demo drone flies it.
    const db = service.db;
    const filed = await fileCase(db, { category: 'straw_burning', point: [119.1105, 28.0603], source: 'drone' });
    for (const a of ['accept', 'dispatch', 'start', 'resolve'] as const)
      await transitionCase(db, filed.caseId, a, systemActor('test'));
    // A pass that finds the link catching its breath (a busy machine) leaves it requested for the next pass.
    const started = await until(
      () => demo.reinspections.tick(),
      (r) => r.length === 1,
      'a re-inspection flight',
    );
    const rei = await db.query<{ state: string }>('SELECT state FROM reinspections WHERE case_id = $1', [filed.caseId]);
    expect(rei.rows).toEqual([{ state: 'planned' }]);
    const flight = await db.query<{ state: string; drone_id: string }>(
      'SELECT state, drone_id FROM missions WHERE id = $1',
      [started[0]],
    );
    expect(flight.rows[0]).toMatchObject({ state: 'flying' });
    expect(demo.droneIds).toContain(flight.rows[0]!.drone_id);
    // Nothing is queued twice.
    expect(await demo.reinspections.tick()).toEqual([]);
  }, 150_000);

  it('XUNCHA_DEMO=0 turns all of it off: no drones, demo accounts disabled, the demo patrol paused, no banner', async () => {
    const before = launches;
    service = await startService(env({ XUNCHA_DEMO: '0' }), createLogger('silent'), { demoDrones: launcher });
    expect(service.demo).toBeNull();
    expect(launches).toBe(before);
    expect(await appConfig()).toMatchObject({ demo: false });
    const users = await service.db.query<{ disabled: boolean }>(
      `SELECT disabled FROM users WHERE username LIKE 'demo-%'`,
    );
    expect(users.rows.length).toBe(4);
    expect(users.rows.every((u) => u.disabled)).toBe(true);
    const s = await service.db.query<{ paused: boolean }>('SELECT paused FROM schedules WHERE name = $1', [
      DEMO_SCHEDULE_NAME,
    ]);
    expect(s.rows).toEqual([{ paused: true }]);
  }, 120_000);

  it('never starts on a non-loopback address: an explicit XUNCHA_DEMO=1 there is refused before anything listens', async () => {
    const before = launches;
    await expect(
      startService(env({ XUNCHA_DEMO: '1', HOST: '0.0.0.0' }), createLogger('silent'), { demoDrones: launcher }),
    ).rejects.toThrow(DemoRefusedError);
    expect(launches).toBe(before);
    // Left to its default, demo mode is simply off there (and with a DATABASE_URL): see demo-allowed.test.ts.
    expect(env({ HOST: '0.0.0.0' }).demo).toBe(false);
  }, 120_000);
});
