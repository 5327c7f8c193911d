import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncDemoUsers, findUserByUsername, type AuthUser } from '../auth/index.ts';
import { createLogger } from '../logger.ts';
import { getSchedule } from '../schedules/schedule-repository.ts';
import { nextOccurrences } from '../schedules/recurrence.ts';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { ensureDemoFleet } from './demo-fleet.ts';
import { DEMO_AREA_ID, DEMO_PLAN_NAME, DEMO_SCHEDULE_NAME, ensureDemoPatrol, pauseDemoPatrol } from './demo-patrol.ts';

// The demo scenario's take-off point and a box over its planted incidents (simulator/scenarios/demo.json).
const LAUNCH: [number, number] = [119.1114, 28.0607];
const AREA: GeoJSON.Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [119.1068, 28.0587],
      [119.1126, 28.0587],
      [119.1126, 28.0618],
      [119.1068, 28.0618],
      [119.1068, 28.0587],
    ],
  ],
};
const drones = (port: number) => [
  { name: '演示无人机 2 / demo drone 2', sysId: 2, connection: `tcp://127.0.0.1:${port + 10}` },
  { name: '演示无人机 1 / demo drone 1', sysId: 1, connection: `tcp://127.0.0.1:${port}` },
];

describe('demo seeding (drones, patrol area, plan, schedule)', () => {
  let t: TestDb;
  let operator: AuthUser;
  const count = async (table: string) =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  beforeAll(async () => {
    t = await createTestDb();
    await syncDemoUsers(t.db, createLogger('silent'), {
      enabled: true,
      host: '127.0.0.1',
      embedded: true,
      print: () => {},
    });
    const u = (await findUserByUsername(t.db, 'demo-operator'))!;
    operator = { id: u.id, username: u.username, roles: u.roles, departmentId: u.departmentId };
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('creates two drones, an area over the incidents, a survey plan and an hourly schedule armed at firstAt', async () => {
    const [dronesBefore, plansBefore, schedulesBefore] = [
      await count('drones'),
      await count('plans'),
      await count('schedules'),
    ];
    const fleet = await ensureDemoFleet(t.db, operator, drones(41000));
    expect(fleet.created).toBe(2);
    expect(fleet.drones.map((d) => [d.id, d.connection, d.departmentId])).toEqual([
      ['drone_demo_1', 'tcp://127.0.0.1:41000', 'dept-ecology'],
      ['drone_demo_2', 'tcp://127.0.0.1:41010', 'dept-ecology'],
    ]);
    const now = new Date('2026-03-02T02:00:10.400Z');
    const firstAt = new Date(now.getTime() + 40_000);
    const p = await ensureDemoPatrol(t.db, operator, {
      area: AREA,
      launch: LAUNCH,
      droneIds: fleet.drones.map((d) => d.id),
      firstAt,
      now,
    });
    expect(p.created).toEqual({ area: true, plan: true, schedule: true });
    expect(p.areaId).toBe(DEMO_AREA_ID);
    // Whole seconds, never earlier than asked.
    expect(p.firstAt.toISOString()).toBe('2026-03-02T02:00:51.000Z');

    const plan = await t.db.query<{ name: string; sortie_count: number; department_id: string }>(
      `SELECT name, jsonb_array_length(document->'sorties') AS sortie_count, department_id FROM plans WHERE id = $1`,
      [p.planId],
    );
    expect(plan.rows[0]).toMatchObject({ name: DEMO_PLAN_NAME, department_id: 'dept-ecology' });
    expect(plan.rows[0]!.sortie_count).toBeGreaterThanOrEqual(1);

    const s = (await getSchedule(t.db, p.scheduleId))!;
    expect(s).toMatchObject({ name: DEMO_SCHEDULE_NAME, droneIds: ['drone_demo_1', 'drone_demo_2'], paused: false });
    const next = nextOccurrences(s, now, 3).map((d) => d.toISOString());
    expect(next).toEqual(['2026-03-02T02:00:51.000Z', '2026-03-02T03:00:51.000Z', '2026-03-02T04:00:51.000Z']);

    expect(await count('drones')).toBe(dronesBefore + 2);
    expect(await count('plans')).toBe(plansBefore + 1);
    expect(await count('schedules')).toBe(schedulesBefore + 1);
  });

  it('is idempotent: a restart re-points the drones, re-arms the schedule and duplicates nothing', async () => {
    const [d0, a0, p0, s0] = [
      await count('drones'),
      await count('areas'),
      await count('plans'),
      await count('schedules'),
    ];
    await pauseDemoPatrol(t.db); // a start with XUNCHA_DEMO=0 in between
    const fleet = await ensureDemoFleet(t.db, operator, drones(42000));
    expect(fleet.created).toBe(0);
    expect(fleet.drones.map((d) => d.connection)).toEqual(['tcp://127.0.0.1:42000', 'tcp://127.0.0.1:42010']);
    const now = new Date('2026-03-05T08:30:00Z');
    const p = await ensureDemoPatrol(t.db, operator, {
      area: AREA,
      launch: LAUNCH,
      droneIds: fleet.drones.map((d) => d.id),
      firstAt: new Date(now.getTime() + 30_000),
      now,
    });
    expect(p.created).toEqual({ area: false, plan: false, schedule: false });
    const s = (await getSchedule(t.db, p.scheduleId))!;
    expect(s.paused).toBe(false);
    expect(nextOccurrences(s, now, 1)[0]!.toISOString()).toBe('2026-03-05T08:30:30.000Z');
    expect([await count('drones'), await count('areas'), await count('plans'), await count('schedules')]).toEqual([
      d0,
      a0,
      p0,
      s0,
    ]);
  });

  it('pauses the demo patrol when the service starts without demo mode', async () => {
    expect(await pauseDemoPatrol(t.db)).toBe(true);
    const r = await t.db.query<{ paused: boolean }>('SELECT paused FROM schedules WHERE name = $1', [
      DEMO_SCHEDULE_NAME,
    ]);
    expect(r.rows.map((x) => x.paused)).toEqual([true]);
    expect(await pauseDemoPatrol(t.db)).toBe(false);
  });
});
