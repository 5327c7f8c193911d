import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { openPostgresDb } from '../../src/db/pg-db.ts';
import { createLogger } from '../../src/logger.ts';
import { nextOccurrences, occurrencesBetween, localToUtc } from '../../src/schedules/recurrence.ts';
import { insertSchedule } from '../../src/schedules/schedule-repository.ts';
import { Scheduler, type LaunchPatrol } from '../../src/schedules/scheduler.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';
import { StatusOnlyLinks } from './fake-links.ts';

const logger = createLogger('silent');
const HOUR = 3600_000;
const TZ = 'Asia/Shanghai';

describe('recurrence in Asia/Shanghai', () => {
  it('puts weekly occurrences at local 09:00 = 01:00 UTC all year (no DST)', () => {
    const r = {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      timezone: TZ,
      startsAt: localToUtc('2026-01-05T09:00', TZ),
    };
    const next = nextOccurrences(r, new Date('2026-03-01T00:00Z'), 60);
    expect(next).toHaveLength(60);
    for (const d of next) {
      expect(d.getUTCHours()).toBe(1);
      expect(d.getUTCMinutes()).toBe(0);
      expect([1, 3, 5]).toContain(d.getUTCDay());
    }
    // Monday 2026-03-02 09:00 local is 2026-03-02T01:00Z.
    expect(next[0]!.toISOString()).toBe('2026-03-02T01:00:00.000Z');
    const week = occurrencesBetween(r, new Date('2026-03-01T16:00Z'), new Date('2026-03-08T16:00Z'));
    expect(week.map((d) => d.toISOString())).toEqual([
      '2026-03-02T01:00:00.000Z',
      '2026-03-04T01:00:00.000Z',
      '2026-03-06T01:00:00.000Z',
    ]);
  });

  it('handles a local-midnight occurrence that falls on the previous UTC day', () => {
    const r = {
      rrule: 'FREQ=WEEKLY;BYDAY=TU;BYHOUR=0;BYMINUTE=30;BYSECOND=0',
      timezone: TZ,
      startsAt: localToUtc('2026-03-03T00:30', TZ),
    };
    const [first] = nextOccurrences(r, new Date('2026-03-01T00:00Z'), 1);
    expect(first!.toISOString()).toBe('2026-03-02T16:30:00.000Z');
  });
});

describe('scheduler with a controllable clock', () => {
  let t: TestDb;
  let second: Db;
  const links = new StatusOnlyLinks();

  beforeAll(async () => {
    t = await createTestDb();
    // A second instance has its own connection pool on PostgreSQL; the embedded database is one process.
    second = t.url ? await openPostgresDb(t.url, { max: 3 }) : t.db;
    await t.db.query(`INSERT INTO plans (id, name, pattern, document) VALUES ('p1', 'plan', 'survey', $1)`, [
      JSON.stringify({ version: 1, sorties: [], launch: { lon: 119.14, lat: 28.08 } }),
    ]);
    for (const id of ['d1', 'd2', 'd3']) {
      await t.db.query(
        `INSERT INTO drones (id, name, model, camera, connection) VALUES ($1, $1, 'm3e', 'm3e-wide', 'udpin://0.0.0.0:14540')`,
        [id],
      );
      links.set(id, { connected: true, batteryPct: 95 });
    }
  });
  afterAll(async () => {
    if (second !== t?.db) await second?.close();
    await t?.dispose();
  });

  async function addSchedule(
    id: string,
    rrule: string,
    dtstart: string,
    activeFrom: Date,
    droneIds = ['d1'],
    maxWindMps: number | null = null,
  ) {
    await insertSchedule(t.db, {
      id,
      name: id,
      planId: 'p1',
      rrule,
      timezone: TZ,
      startsAt: localToUtc(dtstart, TZ),
      activeFrom,
      droneIds,
      maxWindMps,
      departmentId: null,
    });
  }

  function recorder() {
    const calls: { scheduleId: string; droneId: string; occursAt: string }[] = [];
    const launch: LaunchPatrol = async ({ schedule, droneId, occursAt }) => {
      calls.push({ scheduleId: schedule.id, droneId, occursAt: occursAt.toISOString() });
      return { missionId: `m-${schedule.id}-${occursAt.getTime()}` };
    };
    return { calls, launch };
  }

  async function outcomes(scheduleId: string) {
    const r = await t.db.query<{ occurs_at: Date; outcome: string; reason: string | null; drone_id: string | null }>(
      'SELECT occurs_at, outcome, reason, drone_id FROM schedule_occurrences WHERE schedule_id = $1 ORDER BY occurs_at',
      [scheduleId],
    );
    return r.rows.map((x) => ({
      at: new Date(x.occurs_at).toISOString(),
      outcome: x.outcome,
      reason: x.reason,
      drone: x.drone_id,
    }));
  }

  it('fires a weekly schedule once per occurrence across two weeks, through a restart and an outage', async () => {
    const weekStart = new Date('2026-03-01T16:00Z'); // Monday 00:00 local
    await addSchedule(
      'weekly',
      'FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      '2026-03-02T09:00',
      weekStart,
    );
    const { calls, launch } = recorder();
    let now = weekStart;
    const mk = (instanceId: string) => new Scheduler({ db: t.db, logger, launch, links, clock: () => now, instanceId });
    const run = async (s: Scheduler, until: Date, stepMs = 3 * HOUR) => {
      for (; now < until; now = new Date(now.getTime() + stepMs)) await s.tick();
    };
    // Instance A runs Monday to Wednesday 08:50 local, then stops; B starts at 09:05 (within grace).
    await run(mk('A'), new Date('2026-03-04T00:50Z'));
    now = new Date('2026-03-04T01:05Z');
    const b = mk('B');
    // B runs to the next Friday 08:00 local; the service is down until 10:00 (beyond grace): missed.
    await run(b, new Date('2026-03-13T00:00Z'));
    now = new Date('2026-03-13T02:00Z');
    await run(mk('C'), new Date('2026-03-15T16:00Z'));

    const rows = await outcomes('weekly');
    expect(rows.map((r) => r.at)).toEqual([
      '2026-03-02T01:00:00.000Z',
      '2026-03-04T01:00:00.000Z',
      '2026-03-06T01:00:00.000Z',
      '2026-03-09T01:00:00.000Z',
      '2026-03-11T01:00:00.000Z',
      '2026-03-13T01:00:00.000Z',
    ]);
    expect(rows.map((r) => r.outcome)).toEqual(['flown', 'flown', 'flown', 'flown', 'flown', 'skipped']);
    expect(rows[5]!.reason).toMatch(/missed/);
    expect(calls.filter((c) => c.scheduleId === 'weekly').map((c) => c.occursAt)).toEqual(
      rows.slice(0, 5).map((r) => r.at),
    );
  });

  it('with two instances ticking together, fires each occurrence exactly once', async () => {
    const from = new Date('2026-04-01T00:00Z');
    await addSchedule('hourly', 'FREQ=HOURLY;BYMINUTE=15;BYSECOND=0', '2026-04-01T08:15', from, ['d2']);
    const { calls, launch } = recorder();
    let now = from;
    const a = new Scheduler({ db: t.db, logger, launch, links, clock: () => now, instanceId: 'A' });
    const b = new Scheduler({ db: second, logger, launch, links, clock: () => now, instanceId: 'B' });
    const claimedBy = { A: 0, B: 0 };
    for (; now < new Date('2026-04-02T00:00Z'); now = new Date(now.getTime() + 20 * 60_000)) {
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      claimedBy.A += ra.claimed.filter((c) => c.scheduleId === 'hourly').length;
      claimedBy.B += rb.claimed.filter((c) => c.scheduleId === 'hourly').length;
    }
    const rows = await outcomes('hourly');
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.at)).size).toBe(24);
    expect(rows.every((r) => r.outcome === 'flown')).toBe(true);
    const mine = calls.filter((c) => c.scheduleId === 'hourly');
    expect(mine).toHaveLength(24);
    expect(new Set(mine.map((c) => c.occursAt)).size).toBe(24);
    expect(claimedBy.A + claimedBy.B).toBe(24);
  });

  it('runs pre-flight checks over the drone pool and records why it skipped', async () => {
    const from = new Date('2026-05-04T00:00Z');
    await addSchedule('pool', 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0', '2026-05-04T09:00', from, ['d3', 'd1']);
    await addSchedule('windy', 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0', '2026-05-04T09:00', from, ['d1'], 8);
    const { calls, launch } = recorder();
    let now = from;
    const s = new Scheduler({ db: t.db, logger, launch, links, clock: () => now, instanceId: 'P' });
    links.set('d3', { connected: true, batteryPct: 30 });
    now = new Date('2026-05-04T01:01Z');
    await s.tick(); // day 1: d3 battery low → d1 flies; windy: wind unknown → skipped
    links.set('d1', { connected: false });
    now = new Date('2026-05-05T01:01Z');
    await s.tick(); // day 2: d3 low, d1 offline → skipped
    const pool = await outcomes('pool');
    expect(pool.map((r) => [r.outcome, r.drone])).toEqual([
      ['flown', 'd1'],
      ['skipped', null],
    ]);
    expect(pool[1]!.reason).toMatch(/battery too low/);
    expect(pool[1]!.reason).toMatch(/not connected/);
    const windy = await outcomes('windy');
    expect(windy.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(windy[0]!.reason).toMatch(/wind unknown/);
    expect(calls.filter((c) => c.scheduleId === 'pool')).toHaveLength(1);
    links.set('d1', { connected: true, batteryPct: 95 });
  });

  it('records a launch failure and marks claims of a dead instance as failed', async () => {
    const from = new Date('2026-06-01T00:00Z');
    await addSchedule('failing', 'FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0', '2026-06-01T09:00', from, ['d2']);
    await t.db.query(`INSERT INTO schedule_occurrences (schedule_id, occurs_at, fired_at, outcome, instance_id)
                      VALUES ('failing', '2026-05-31T01:00Z', '2026-05-31T01:00Z', 'pending', 'dead')`);
    let now = new Date('2026-06-01T01:02Z');
    const s = new Scheduler({
      db: t.db,
      logger,
      links,
      clock: () => now,
      launch: async () => Promise.reject(new Error('upload timeout')),
    });
    await s.tick();
    const rows = await outcomes('failing');
    expect(rows.map((r) => r.outcome)).toEqual(['failed', 'failed']);
    expect(rows[0]!.reason).toMatch(/stopped before/);
    expect(rows[1]!.reason).toMatch(/upload timeout/);
    now = new Date('2026-06-01T01:30Z');
    expect((await s.tick()).claimed.filter((c) => c.scheduleId === 'failing')).toHaveLength(0);
  });
});
