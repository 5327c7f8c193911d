import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../src/calendar/index.ts';
import { appliedMigrations, loadMigrations, migrate } from '../src/db/migrate.ts';
import { createTestDb, testBackends, type TestDb } from '../src/testing/test-db.ts';

describe.each(testBackends)(`storage on %s`, (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('has every migration applied and re-running migrate changes nothing', async () => {
    const applied = await appliedMigrations(t.db);
    expect(applied.map((m) => m.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('names a seeded adjusted working day by its holiday alone, also in a database seeded before (migration 15)', async () => {
    await loadWorkingCalendar(t.db);
    const named = await t.db.query<{ name: string; is_workday: boolean }>(
      `SELECT name, is_workday FROM working_calendar WHERE day = '2026-02-14'`,
    );
    expect(named.rows).toEqual([{ name: '春节 / Spring Festival', is_workday: true }]);
    // A row as the seeding wrote it before: the migration's statement turns it into the same form.
    await t.db.query(
      `UPDATE working_calendar SET name = '春节 / Spring Festival 调休上班 / adjusted working day' WHERE day = '2026-02-14'`,
    );
    await t.db.query(loadMigrations().find((m) => m.version === 15)!.sql);
    expect((await t.db.query(`SELECT name FROM working_calendar WHERE day = '2026-02-14'`)).rows).toEqual([
      { name: '春节 / Spring Festival' },
    ]);
  });

  it('creates the core tables with GiST indexes on their geometry', async () => {
    const tables = await t.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const table of [
      'areas',
      'departments',
      'routing_rules',
      'users',
      'user_roles',
      'sessions',
      'drones',
      'plans',
      'schedules',
      'schedule_occurrences',
      'missions',
      'flights',
      'telemetry',
      'images',
      'detections',
      'incidents',
      'cases',
      'case_events',
    ]) {
      expect(names).toContain(table);
    }
    const gist = await t.db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gist%'`,
    );
    const indexed = new Set(gist.rows.map((r) => r.tablename));
    for (const table of ['areas', 'plans', 'flights', 'telemetry', 'images', 'incidents', 'detections', 'cases']) {
      expect(indexed).toContain(table);
    }
  });

  it('finds the village, township and city that contain a point on the river', async () => {
    const river = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
         SELECT ST_LineInterpolatePoint(ST_GeometryN(geom, 1), 0.5) AS p FROM areas WHERE kind = 'river' ORDER BY id LIMIT 1
       ) s`,
    );
    const pt = river.rows[0]!;
    const containing = await t.db.query<{ level: string; parent_id: string | null; id: string }>(
      `SELECT id, level, parent_id FROM areas
        WHERE kind = 'jurisdiction' AND ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
        ORDER BY CASE level WHEN 'city' THEN 0 WHEN 'township' THEN 1 ELSE 2 END`,
      [pt.lon, pt.lat],
    );
    const levels = containing.rows.map((r) => r.level);
    expect(levels.slice(0, 2)).toEqual(['city', 'township']);
    // The township's parent is the city: the hierarchy is consistent.
    expect(containing.rows[1]!.parent_id).toBe(containing.rows[0]!.id);
  });

  it('measures farmland in square metres through UTM 50N and geography, which agree', async () => {
    const r = await t.db.query<{ utm: number; geog: number; n: number }>(
      `SELECT sum(ST_Area(ST_Transform(geom, 32650))) AS utm, sum(ST_Area(geom::geography)) AS geog, count(*) AS n
         FROM areas WHERE kind = 'farmland'`,
    );
    const { utm, geog, n } = r.rows[0]!;
    expect(Number(n)).toBeGreaterThanOrEqual(15);
    expect(utm).toBeGreaterThan(15 * 10_000); // at least 1 ha each on average
    expect(Math.abs(utm - geog) / geog).toBeLessThan(0.01);
  });

  it('refuses an invalid (self-intersecting) geometry', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [119, 28],
          [119.01, 28.01],
          [119.01, 28],
          [119, 28.01],
          [119, 28],
        ],
      ],
    };
    await expect(
      t.db.query(
        `INSERT INTO areas (id, kind, name, geom) VALUES ('bad', 'farmland', 'bad', ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))`,
        [JSON.stringify(bowtie)],
      ),
    ).rejects.toThrow(/areas_geom_valid/);
  });

  it('keeps case_events append-only', async () => {
    await t.db.query(
      `INSERT INTO cases (id, category, geom) VALUES ('case-audit-test', 'straw_burning', ST_SetSRID(ST_MakePoint(119.14, 28.07), 4326))`,
    );
    await t.db.query(
      `INSERT INTO case_events (case_id, actor, from_state, to_state) VALUES ('case-audit-test', 'system', NULL, 'new')`,
    );
    await expect(t.db.query(`UPDATE case_events SET note = 'x' WHERE case_id = 'case-audit-test'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.query(`DELETE FROM case_events WHERE case_id = 'case-audit-test'`)).rejects.toThrow(
      /append-only/,
    );
    const n = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM case_events WHERE case_id = 'case-audit-test'`,
    );
    expect(n.rows[0]!.n).toBe(1);
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO departments (id, name) VALUES ('tx-test', '测试')`);
        await tx.query(`INSERT INTO departments (id, name) VALUES ('tx-test', '重复')`);
      }),
    ).rejects.toThrow();
    const r = await t.db.query(`SELECT 1 FROM departments WHERE id = 'tx-test'`);
    expect(r.rows).toHaveLength(0);
  });

  it('loads the departments and routing rules of the sample data', async () => {
    const rules = await t.db.query<{ category: string; lead_is_township: boolean; lead_department_id: string | null }>(
      'SELECT category, lead_is_township, lead_department_id FROM routing_rules ORDER BY category',
    );
    expect(rules.rows.map((r) => r.category)).toEqual(['exposed_slope', 'sewage_outfall', 'straw_burning']);
    expect(rules.rows.find((r) => r.category === 'straw_burning')!.lead_is_township).toBe(true);
  });
});
