import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { localToUtc } from '../../src/schedules/recurrence.ts';
import { insertSchedule } from '../../src/schedules/schedule-repository.ts';
import { Scheduler, type LaunchPatrol, type PreparePatrol, type SortieEntry } from '../../src/schedules/scheduler.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';
import { StatusOnlyLinks } from './fake-links.ts';

const logger = createLogger('silent');
const TZ = 'Asia/Shanghai';

/** A multi-sortie patrol plan fired by the scheduler with a controllable clock (pre-flight from set statuses). */
describe('scheduler flies every sortie of a patrol plan', () => {
  let t: TestDb;
  const links = new StatusOnlyLinks();

  beforeAll(async () => {
    t = await createTestDb();
    const sortie = { items: [] };
    await t.db.query(`INSERT INTO plans (id, name, pattern, document) VALUES ('p3', 'three', 'survey', $1)`, [
      JSON.stringify({ version: 1, sorties: [sortie, sortie, sortie], launch: { lon: 119.14, lat: 28.08 } }),
    ]);
    for (const id of ['s1', 's2']) {
      await t.db.query(
        `INSERT INTO drones (id, name, model, camera, connection) VALUES ($1, $1, 'm3e', 'm3e-wide', 'tcp://127.0.0.1:1')`,
        [id],
      );
      links.set(id, { connected: true, batteryPct: 95 });
    }
  });
  afterAll(async () => {
    await t?.dispose();
  });

  /** Launch/prepare hooks that write mission rows like MissionControl (flying / planned). */
  function hooks() {
    const launched: { droneId: string; sortieIndex: number; missionId: string }[] = [];
    let n = 0;
    const insert = async (droneId: string, sortieIndex: number, scheduleId: string, state: string) => {
      const id = `m-${scheduleId}-${sortieIndex}-${n++}`;
      await t.db.query(
        `INSERT INTO missions (id, plan_id, sortie_index, drone_id, state, schedule_id) VALUES ($1, 'p3', $2, $3, $4, $5)`,
        [id, sortieIndex, droneId, state, scheduleId],
      );
      return id;
    };
    const launch: LaunchPatrol = async ({ schedule, droneId, sortieIndex, missionId }) => {
      const id = missionId ?? (await insert(droneId, sortieIndex, schedule.id, 'flying'));
      if (missionId) await t.db.query(`UPDATE missions SET state = 'flying' WHERE id = $1`, [missionId]);
      launched.push({ droneId, sortieIndex, missionId: id });
      return { missionId: id };
    };
    const prepare: PreparePatrol = async ({ schedule, droneId, sortieIndex }) => ({
      missionId: await insert(droneId, sortieIndex, schedule.id, 'planned'),
    });
    return { launched, launch, prepare };
  }

  async function occurrence(scheduleId: string) {
    const r = await t.db.query<{ outcome: string; reason: string | null; sorties: SortieEntry[] | null }>(
      'SELECT outcome, reason, sorties FROM schedule_occurrences WHERE schedule_id = $1 ORDER BY occurs_at',
      [scheduleId],
    );
    return r.rows;
  }

  const setState = (id: string, state: string) =>
    t.db.query('UPDATE missions SET state = $2 WHERE id = $1', [id, state]);

  async function addSchedule(id: string, droneIds: string[], from: Date) {
    // Each test has the drones to itself: earlier schedules pause, earlier flights are over.
    await t.db.query('UPDATE schedules SET paused = true');
    await t.db.query(`UPDATE missions SET state = 'completed' WHERE state IN ('flying', 'planned')`);
    await insertSchedule(t.db, {
      id,
      name: id,
      planId: 'p3',
      rrule: 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      timezone: TZ,
      startsAt: localToUtc('2026-07-01T09:00', TZ),
      activeFrom: from,
      droneIds,
      maxWindMps: null,
      departmentId: null,
    });
  }

  it('assigns sorties round-robin over the pool, queues the rest on the same drone, and records flown', async () => {
    const from = new Date('2026-07-01T00:00Z');
    await addSchedule('rr', ['s1', 's2'], from);
    const { launched, launch, prepare } = hooks();
    let now = new Date('2026-07-01T01:01Z');
    const s = new Scheduler({ db: t.db, logger, links, launch, prepare, clock: () => now, instanceId: 'R' });
    await s.tick();
    // Sorties 0 and 1 fly at once on s1 and s2; sortie 2 waits (planned) behind sortie 0 on s1.
    expect(launched.map((l) => [l.sortieIndex, l.droneId])).toEqual([
      [0, 's1'],
      [1, 's2'],
    ]);
    let [occ] = await occurrence('rr');
    expect(occ!.outcome).toBe('pending');
    expect(occ!.sorties!.map((e) => [e.sortieIndex, e.droneId, e.status])).toEqual([
      [0, 's1', 'launched'],
      [1, 's2', 'launched'],
      [2, 's1', 'queued'],
    ]);
    const queuedId = occ!.sorties![2]!.missionId!;
    expect(
      (await t.db.query<{ state: string }>('SELECT state FROM missions WHERE id = $1', [queuedId])).rows[0]!.state,
    ).toBe('planned');
    // Still flying: nothing more starts.
    now = new Date('2026-07-01T01:10Z');
    await s.tick();
    expect(launched).toHaveLength(2);
    // Sortie 0 done, but the drone's battery is low: pre-flight holds the queued sortie back.
    await setState(launched[0]!.missionId, 'completed');
    links.set('s1', { connected: true, batteryPct: 40 });
    now = new Date('2026-07-01T01:20Z');
    await s.tick();
    expect(launched).toHaveLength(2);
    [occ] = await occurrence('rr');
    expect(occ!.outcome).toBe('pending');
    expect(occ!.sorties![2]!.reason).toMatch(/battery too low/);
    // Battery swapped: the queued sortie launches on s1 and the occurrence is flown.
    links.set('s1', { connected: true, batteryPct: 100 });
    now = new Date('2026-07-01T01:30Z');
    await s.tick();
    expect(launched.map((l) => [l.sortieIndex, l.droneId, l.missionId])).toEqual([
      [0, 's1', launched[0]!.missionId],
      [1, 's2', launched[1]!.missionId],
      [2, 's1', queuedId],
    ]);
    [occ] = await occurrence('rr');
    expect(occ!.outcome).toBe('flown');
    expect(occ!.reason).toBeNull();
    expect(occ!.sorties!.every((e) => e.status === 'launched')).toBe(true);
    // A second instance ticking later launches nothing twice.
    const other = new Scheduler({ db: t.db, logger, links, launch, prepare, clock: () => now, instanceId: 'R2' });
    await other.tick();
    expect(launched).toHaveLength(3);
  });

  it('flies all sorties one after another on a single drone, and fails the rest with per-sortie reasons when one fails', async () => {
    const from = new Date('2026-08-01T00:00Z');
    await addSchedule('solo', ['s2'], from);
    const { launched, launch, prepare } = hooks();
    let now = new Date('2026-08-01T01:01Z');
    const s = new Scheduler({ db: t.db, logger, links, launch, prepare, clock: () => now, instanceId: 'S' });
    await s.tick();
    expect(launched.map((l) => l.sortieIndex)).toEqual([0]);
    let [occ] = await occurrence('solo');
    expect(occ!.sorties!.map((e) => e.status)).toEqual(['launched', 'queued', 'queued']);
    await setState(launched[0]!.missionId, 'completed');
    now = new Date('2026-08-01T01:30Z');
    await s.tick();
    expect(launched.map((l) => l.sortieIndex)).toEqual([0, 1]);
    // Sortie 1 fails in the air: sortie 2, queued behind it, fails; the occurrence is failed, naming sortie 2.
    await setState(launched[1]!.missionId, 'failed');
    now = new Date('2026-08-01T02:00Z');
    await s.tick();
    [occ] = await occurrence('solo');
    expect(occ!.outcome).toBe('failed');
    expect(occ!.sorties!.map((e) => e.status)).toEqual(['launched', 'launched', 'failed']);
    expect(occ!.reason).toMatch(/sortie 2 \(s2\).*previous sortie on s2 failed/);
    expect(occ!.reason).not.toMatch(/sortie 0/);
    const planned = await t.db.query<{ state: string }>('SELECT state FROM missions WHERE id = $1', [
      occ!.sorties![2]!.missionId,
    ]);
    expect(planned.rows[0]!.state).toBe('failed');
    expect(launched).toHaveLength(2);
  });

  it('records a launch failure per sortie and flies the others', async () => {
    const from = new Date('2026-09-01T00:00Z');
    await addSchedule('partial', ['s1', 's2'], from);
    const { launched, launch: ok, prepare } = hooks();
    const launch: LaunchPatrol = async (o) => {
      if (o.droneId === 's2') throw new Error('upload timeout');
      return ok(o);
    };
    for (const id of ['s1', 's2']) links.set(id, { connected: true, batteryPct: 95 });
    const now = new Date('2026-09-01T01:01Z');
    const s = new Scheduler({ db: t.db, logger, links, launch, prepare, clock: () => now, instanceId: 'P' });
    await s.tick();
    const [occ] = await occurrence('partial');
    // s2 took sortie 1 and failed; sortie 2 queued on s1 behind sortie 0.
    expect(occ!.sorties!.map((e) => [e.droneId, e.status])).toEqual([
      ['s1', 'launched'],
      ['s2', 'failed'],
      ['s1', 'queued'],
    ]);
    expect(launched.map((l) => l.sortieIndex)).toEqual([0]);
    expect(occ!.outcome).toBe('pending');
  });
});
