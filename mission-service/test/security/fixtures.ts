import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { insertArea } from '../../src/areas/area-repository.ts';
import { createSession, createUser, type Role } from '../../src/auth/index.ts';
import { fileCase } from '../../src/cases/file-case.ts';
import type { Db } from '../../src/db/db.ts';
import { insertDrone } from '../../src/drones/drone-repository.ts';
import { createApp, type AppDeps, type RouteTables } from '../../src/http/app.ts';
import type { ObjectKind } from '../../src/http/object-kinds.ts';
import { DEFAULT_SECURITY } from '../../src/http/security-options.ts';
import { createLogger } from '../../src/logger.ts';
import { insertMission } from '../../src/missions/mission-repository.ts';
import { insertPlan } from '../../src/plans/plan-repository.ts';
import type { PlanDocument } from '../../src/plans/planner.ts';
import { insertSchedule } from '../../src/schedules/schedule-repository.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';
import { StatusOnlyLinks } from '../service/fake-links.ts';

/** The password of every world user. */
export const WORLD_PASSWORD = 'Security-Pw-7xq!kz';

export const ROLE_NAMES: Role[] = ['operator', 'officer', 'dispatcher', 'admin'];
export const VARIANTS = ['own', 'other', 'none'] as const;
export type Variant = (typeof VARIANTS)[number];

/** A point inside the sample jurisdictions (Longquan). */
export const LONGQUAN: [number, number] = [119.14, 28.07];

const square = (lon: number, lat: number, d = 0.001): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});

let jpegPath: Promise<string> | undefined;
/** A 64×48 JPEG written once per test process. */
function fixtureJpeg(): Promise<string> {
  jpegPath ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-fixture-'));
    const file = path.join(dir, 'fixture.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#806040' } })
      .jpeg()
      .toFile(file);
    return file;
  })();
  return jpegPath;
}

const EMPTY_PLAN: PlanDocument = { version: 1, pattern: 'survey', sorties: [], stats: {}, warnings: [] };

/**
 * Makes objects of every kind owned by one department, straight through the repositories (fast and free of the
 * rules under test). Each call makes a fresh one, so a route that deletes or changes it leaves others intact.
 */
export function objectFactory(db: Db, departmentId: string | null) {
  const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
  const drone = async () => {
    const d = id('drone');
    await insertDrone(
      db,
      d,
      { name: d, model: 'm3e', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:5760' },
      departmentId,
    );
    return d;
  };
  const plan = async () => {
    const p = id('plan');
    await insertPlan(db, {
      id: p,
      name: p,
      pattern: 'survey',
      areaIds: [],
      params: {},
      droneId: null,
      departmentId,
      createdBy: null,
      document: EMPTY_PLAN,
    });
    return p;
  };
  const flight = async () => {
    const f = id('flight');
    await db.query('INSERT INTO flights (id, drone_id) VALUES ($1, $2)', [f, await drone()]);
    return f;
  };
  // A real (tiny) JPEG, so that routes serving a photo's bytes, thumbnail or crop have something to serve.
  const image = async () => {
    const sha = randomUUID().replace(/-/g, '').repeat(2);
    await db.query(
      `INSERT INTO images (sha256, flight_id, original_name, stored_path, byte_size, width_px, height_px, department_id,
                           attribution)
       VALUES ($1, $2, 'x.jpg', $3, 1, 64, 48, $4, 'given')`,
      [sha, await flight(), await fixtureJpeg(), departmentId],
    );
    return sha;
  };
  const detection = async (incidentId: string | null) => {
    const det = id('det');
    await db.query(
      `INSERT INTO detections (id, image_sha256, class, score, bbox_px, incident_id)
       VALUES ($1, $2, 'straw_burning', 0.5, '{8,8,16,16}', $3)`,
      [det, await image(), incidentId],
    );
    return det;
  };
  const kase = async () => {
    const r = await fileCase(db, {
      category: 'straw_burning',
      point: LONGQUAN,
      source: 'manual',
      description: 'fixture',
    });
    // Filed cases are routed by place; the fixture's department is set to the one under test.
    await db.query('UPDATE cases SET department_id = $2, assist_department_ids = $3 WHERE id = $1', [
      r.caseId,
      departmentId,
      [],
    ]);
    return r.caseId;
  };
  const make: Record<ObjectKind, () => Promise<string>> = {
    async area() {
      const a = id('area');
      await insertArea(db, { id: a, kind: 'farmland', name: a, geometry: square(...LONGQUAN), departmentId });
      return a;
    },
    drone,
    plan,
    async schedule() {
      const s = id('sched');
      const now = new Date();
      await insertSchedule(db, {
        id: s,
        name: s,
        planId: await plan(),
        rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
        timezone: 'Asia/Shanghai',
        startsAt: now,
        activeFrom: now,
        droneIds: [],
        maxWindMps: null,
        departmentId,
      });
      return s;
    },
    async mission() {
      const m = id('mission');
      await insertMission(db, {
        id: m,
        planId: await plan(),
        sortieIndex: 0,
        droneId: await drone(),
        items: [],
        departmentId,
        scheduleId: null,
      });
      return m;
    },
    flight,
    case: kase,
    async reinspection() {
      const r = id('rei');
      await db.query(
        `INSERT INTO reinspections (id, case_id, survey_polygon, requested_by)
         VALUES ($1, $2, ST_Buffer(ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, 50, 8)::geometry, 'fixture')`,
        [r, await kase(), ...LONGQUAN],
      );
      return r;
    },
    image,
    async incident() {
      const inc = id('inc');
      await db.query(
        `INSERT INTO incidents (id, class, geom, confidence, department_id)
         VALUES ($1, 'straw_burning', ST_SetSRID(ST_MakePoint($2, $3), 4326), 0.5, $4)`,
        [inc, ...LONGQUAN, departmentId],
      );
      await detection(inc);
      return inc;
    },
    detection: () => detection(null),
  };
  return make;
}

export interface SecurityWorld {
  t: TestDb;
  base: string;
  departments: [string, string];
  tables: RouteTables;
  /** A fresh session of a user of `role` whose department is own (A), other (B) or none. */
  session(role: Role, variant: Variant): Promise<string>;
  close(): Promise<void>;
}

/**
 * The service on a private database with users of every role in department A, department B and none, a photo
 * store and status-only drone links. `deps` override the app's (e.g. security options).
 */
export async function startWorld(deps: Partial<AppDeps> = {}): Promise<SecurityWorld> {
  const t = await createTestDb();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-sec-'));
  const depts = await t.db.query<{ id: string }>('SELECT id FROM departments ORDER BY id LIMIT 2');
  const departments = depts.rows.map((r) => r.id) as [string, string];
  const app = createApp({
    db: t.db,
    logger: createLogger('silent'),
    dataDir,
    links: new StatusOnlyLinks(),
    security: {
      ...DEFAULT_SECURITY,
      open311: { anonymousPerMin: 1e6, anonymousTotalPerMin: 1e6, anonymousInFlight: 1e6, keyPerMin: 1e6 },
    },
    ...deps,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  // Longer than any pause between two requests of a test on a loaded machine: a reused connection the server is
  // closing at that moment would be reset.
  server.keepAliveTimeout = 120_000;
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, string>();
  // One real user through createUser; the other eleven share its password hash (scrypt is slow on purpose).
  const first = await createUser(t.db, { username: 'sec-probe', password: WORLD_PASSWORD, roles: ['officer'] });
  const hash = (await t.db.query<{ h: string }>('SELECT password_hash AS h FROM users WHERE id = $1', [first.id]))
    .rows[0]!.h;
  for (const role of ROLE_NAMES) {
    for (const v of VARIANTS) {
      const id = randomUUID();
      await t.db.query('INSERT INTO users (id, username, password_hash, department_id) VALUES ($1, $2, $3, $4)', [
        id,
        `sec-${role}-${v}`,
        hash,
        v === 'own' ? departments[0] : v === 'other' ? departments[1] : null,
      ]);
      await t.db.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
      users.set(`${role}/${v}`, id);
    }
  }
  return {
    t,
    base,
    departments,
    tables: app.locals.routes as RouteTables,
    session: (role, variant) => createSession(t.db, users.get(`${role}/${variant}`)!),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
