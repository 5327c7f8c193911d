import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulation } from '@xuncha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../../src/auth/index.ts';
import { createLogger } from '../../src/logger.ts';
import { MavlinkLink } from '../../src/link/index.ts';
import { getMission } from '../../src/missions/mission-repository.ts';
import { startMissionRuntime, type MissionRuntime } from '../../src/missions/runtime.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';

type Sim = Awaited<ReturnType<typeof startSimulation>>;

const logger = createLogger('silent');
const admin: AuthUser = { id: 'u-admin', username: 'recovery-admin', roles: ['admin'], departmentId: null };
const HOME = { lon: 119.14, lat: 28.07 };

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Take-off, waypoints north of home every `stepM`, return to launch (MISSION_ITEM_INT fields). */
function missionItems(waypoints: number, stepM: number) {
  const at = (northM: number) => ({
    x: Math.round((HOME.lat + northM / 111_320) * 1e7),
    y: Math.round(HOME.lon * 1e7),
  });
  const item = (command: number, frame: number, pos: { x: number; y: number }, z: number) => ({
    frame,
    command,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    ...pos,
    z,
  });
  return [
    item(22, 3, at(0), 30),
    ...Array.from({ length: waypoints }, (_, i) => item(16, 3, at(stepM * (i + 1)), 30)),
    item(20, 2, { x: 0, y: 0 }, 0),
  ];
}

/**
 * A service restart in the middle of flights, against the simulator: the new runtime reconnects, resumes
 * tracking a mission still flying (and sees it complete), marks one whose drone landed meanwhile interrupted
 * at its last reached item, and fails an upload the crash cut short.
 */
describe('missions are reconciled after a restart', () => {
  let sim: Sim;
  let t: TestDb;
  let dataDir: string;
  const runtimes: MissionRuntime[] = [];

  beforeAll(async () => {
    sim = await startSimulation({
      drones: 2,
      speedup: 30,
      basePort: 0,
      host: '127.0.0.1',
      personality: 'ardupilot',
      seed: 11,
      bootDelayS: 0,
    });
    t = await createTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'xuncha-recovery-'));
    for (const [i, v] of sim.vehicles.entries()) {
      await t.db.query(
        `INSERT INTO drones (id, name, model, camera, connection) VALUES ($1, $1, 'm3e', 'm3e-wide', $2)`,
        [`rec-${i}`, v.connection],
      );
    }
    await t.db.query(`INSERT INTO plans (id, name, pattern, document) VALUES ('rec-plan', 'rec', 'survey', $1)`, [
      JSON.stringify({ version: 1, sorties: [{ items: missionItems(6, 250) }], launch: HOME }),
    ]);
  });
  afterAll(async () => {
    for (const r of runtimes) await r.stop().catch(() => undefined);
    await sim?.stop();
    await t?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => {
    const r = startMissionRuntime(t.db, logger, { dataDir, schedulerIntervalMs: 3600_000, recoveryDeadlineMs: 20_000 });
    runtimes.push(r);
    return r;
  };
  const connected = (r: MissionRuntime, droneId: string) =>
    until(
      () => r.deps.links!.get(droneId)?.status(),
      (s) => Boolean(s?.connected && s.position && s.batteryPct !== undefined),
      `${droneId} connected`,
    );

  it('resumes tracking a flying mission, interrupts a landed one at its last reached item, fails a cut upload', async () => {
    const first = start();
    await connected(first, 'rec-0');
    await connected(first, 'rec-1');
    const mc = first.deps.missions!;
    const ids: string[] = [];
    for (const droneId of ['rec-0', 'rec-1']) {
      const m = await mc.create(admin, { planId: 'rec-plan', droneId });
      expect((await mc.act(admin, m.id, 'upload')).state).toBe('uploaded');
      expect((await mc.act(admin, m.id, 'start')).state).toBe('flying');
      ids.push(m.id);
    }
    const [flyingId, landedId] = ids as [string, string];
    for (const id of ids) {
      await until(
        () => getMission(t.db, id),
        (m) => (m?.lastReachedSeq ?? -1) >= 1,
        `${id} item 1 reached`,
      );
    }
    // A crash while uploading leaves a mission in `uploading`.
    await t.db.query(
      `INSERT INTO missions (id, plan_id, drone_id, state, items) VALUES ('rec-cut-upload', 'rec-plan', 'rec-1', 'uploading', '[]')`,
    );
    await first.stop();
    runtimes.length = 0;
    const before = (await getMission(t.db, landedId))!;
    expect(before.state).toBe('flying');

    // While the service is down, someone brings drone 1 home; it lands and disarms.
    const link = await MavlinkLink.connect(sim.vehicles[1]!.connection);
    try {
      const v = await link.waitForVehicle({ deadlineMs: 10_000 });
      await v.action.returnToLaunch();
      await until(
        () => sim.vehicles[1]!.state(),
        (s) => !s.armed,
        'drone 1 landed and disarmed',
        60_000,
      );
    } finally {
      await link.close();
    }

    const second = start();
    const outcomes = await second.recovered;
    const byId = new Map(outcomes.map((o) => [o.missionId, o]));
    expect(byId.get(flyingId)?.outcome, JSON.stringify(outcomes)).toBe('tracking');
    expect(byId.get(landedId)?.outcome).toBe('interrupted');
    expect(byId.get('rec-cut-upload')?.outcome).toBe('failed');

    const cut = (await getMission(t.db, 'rec-cut-upload'))!;
    expect(cut.state).toBe('failed');
    expect(cut.error).toMatch(/never verified/);

    const landed = (await getMission(t.db, landedId))!;
    expect(landed.state).toBe('interrupted');
    expect(landed.lastReachedSeq).toBeGreaterThanOrEqual(before.lastReachedSeq!);
    expect(landed.progress).toMatchObject({ interruptedBy: 'restart', paused: false });
    expect(landed.error).toMatch(/landed and disarmed/);

    const done = await until(
      () => getMission(t.db, flyingId),
      (m) => m?.state === 'completed' || m?.state === 'failed' || m?.state === 'interrupted',
      'the resumed mission to end',
      90_000,
    );
    expect(done!.state, JSON.stringify(done)).toBe('completed');
    expect(done!.lastReachedSeq).toBeGreaterThanOrEqual(5);
  }, 150_000);
});
