/**
 * Issue 19.6–19.8 through the HTTP API on a real database: nothing deleted by surprise (a plan a schedule flies
 * answers 409, a plan or schedule with history is archived, calendar edits are per day, a whole year needs a flag,
 * every delete is audited); the admin endpoints (users, departments, routing rules, category settings, camera and
 * drone presets — a drone's camera must be one, and its plans use it); errors a person can act on (a dead drone
 * address answers 502/504 with the reason, statistics take a date, validation names the field).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLinkConnection } from '../../src/drones/link-adapter.ts';
import { SimpleLinkManager } from '../../src/drones/link-port.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
// Real drone links that give up on a silent address quickly (1.5 s instead of 15 s).
const links = new SimpleLinkManager((d) => openLinkConnection(d, { vehicleDeadlineMs: 1500 }));
const square = (lon: number, lat: number, d = 0.002): GeoJSON.Polygon => ({
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

beforeAll(async () => {
  h = await startHarness(undefined, { links });
});
afterAll(async () => {
  await links.closeAll();
  await h?.close();
});

/** The detailed audit rows of an object (what the use case wrote), newest first; not the mount's request rows. */
const audit = async (objectKind: string, objectId: string) =>
  (
    (await h.call('GET', `/api/audit?objectKind=${objectKind}&objectId=${objectId}`, { token: h.tokens.admin })).body
      .items as { action: string; actorId: string; details: Record<string, unknown> }[]
  ).filter((e) => !/^(POST|PUT|PATCH|DELETE) \//.test(e.action));

describe('presets, drones and plans (19.7)', () => {
  let droneId: string;

  it("a drone's camera must be a known preset; admins add their own", async () => {
    const bad = await h.call('POST', '/api/drones', {
      token: h.tokens.operator,
      body: { name: '相机测试', model: 'm3e', camera: 'no-such-cam', connection: 'tcp://127.0.0.1:27911' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'unknown_camera', details: [{ field: 'camera', in: 'body' }] });
    expect(bad.body.error.message).toContain('m3e-wide');
    const list = await h.call('GET', '/api/presets/cameras', { token: h.tokens.officer });
    expect(list.body.items.map((c: { spec: { name: string } }) => c.spec.name)).toContain('m3e-wide');
    const spec = {
      name: 'h20-wide',
      label: 'Zenmuse H20 广角',
      sensorWidthMm: 6.17,
      sensorHeightMm: 4.55,
      focalLengthMm: 4.5,
      imageWidthPx: 4056,
      imageHeightPx: 3040,
    };
    expect(
      (await h.call('PUT', '/api/presets/cameras/h20-wide', { token: h.tokens.operator, body: spec })).status,
    ).toBe(403);
    const put = await h.call('PUT', '/api/presets/cameras/h20-wide', { token: h.tokens.admin, body: spec });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ source: 'admin', spec: { name: 'h20-wide', minTriggerIntervalS: 1 } });
    const mismatch = await h.call('PUT', '/api/presets/cameras/other', { token: h.tokens.admin, body: spec });
    expect(mismatch.body.error.details).toMatchObject([{ field: 'name', in: 'body' }]);
    const ok = await h.call('POST', '/api/drones', {
      token: h.tokens.operator,
      body: { name: '相机测试', model: 'm300', camera: 'h20-wide', connection: 'tcp://127.0.0.1:27911' },
    });
    expect(ok.status).toBe(201);
    droneId = ok.body.id;
    const inUse = await h.call('DELETE', '/api/presets/cameras/h20-wide', { token: h.tokens.admin });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.details.droneIds).toEqual([droneId]);
    expect((await h.call('DELETE', '/api/presets/cameras/m3e-wide', { token: h.tokens.admin })).status).toBe(409);
  });

  it("a plan flown by a drone is planned with the drone's camera, and refuses another", async () => {
    const a = await h.call('POST', '/api/areas', {
      token: h.tokens.operator,
      body: { type: 'Feature', geometry: square(119.15, 28.08), properties: { kind: 'farmland', name: '预设田' } },
    });
    const p = await h.call('POST', '/api/plans', {
      token: h.tokens.operator,
      body: { name: '预设计划', pattern: 'survey', areaIds: [a.body.id], params: { altAglM: 60 }, droneId },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.params.camera).toBe('h20-wide');
    expect(p.body.document.camera).toBe('h20-wide');
    const wrong = await h.call('POST', '/api/plans', {
      token: h.tokens.operator,
      body: { name: 'x', pattern: 'survey', areaIds: [a.body.id], params: { camera: 'm3e-wide' }, droneId },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'camera_mismatch', details: [{ field: 'params.camera' }] });
  });
});

describe('nothing deleted by surprise (19.6)', () => {
  let planId: string;
  let scheduleId: string;

  it('a plan a schedule flies answers 409 naming it; the schedule with history is archived, the plan too', async () => {
    const a = await h.call('POST', '/api/areas', {
      token: h.tokens.operator,
      body: { type: 'Feature', geometry: square(119.16, 28.09), properties: { kind: 'farmland', name: '归档田' } },
    });
    const drone = await h.call('POST', '/api/drones', {
      token: h.tokens.operator,
      body: { name: '归档机', model: 'm3e', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:27912' },
    });
    const p = await h.call('POST', '/api/plans', {
      token: h.tokens.operator,
      body: { name: '归档计划', pattern: 'survey', areaIds: [a.body.id] },
    });
    planId = p.body.id;
    const s = await h.call('POST', '/api/schedules', {
      token: h.tokens.operator,
      body: { name: '每周巡查', planId, rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0', droneIds: [drone.body.id] },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    scheduleId = s.body.id;
    const del = await h.call('DELETE', `/api/plans/${planId}`, { token: h.tokens.operator });
    expect(del.status).toBe(409);
    expect(del.body.error).toMatchObject({ code: 'plan_in_use', details: { scheduleIds: [scheduleId] } });
    expect((await h.call('GET', `/api/schedules/${scheduleId}`, { token: h.tokens.operator })).status).toBe(200);

    // the schedule fired once: deleting it keeps that history
    await h.t.db.query(
      `INSERT INTO schedule_occurrences (schedule_id, occurs_at, outcome, reason) VALUES ($1, now(), 'skipped', 'test')`,
      [scheduleId],
    );
    const ds = await h.call('DELETE', `/api/schedules/${scheduleId}`, { token: h.tokens.operator });
    expect(ds.status).toBe(200);
    expect(ds.body).toMatchObject({ id: scheduleId, paused: true, next: [] });
    expect(ds.body.archivedAt).toBeTruthy();
    const occ = await h.call('GET', `/api/schedules/${scheduleId}/occurrences`, { token: h.tokens.operator });
    expect(occ.body.items).toHaveLength(1);
    // It never fires again, so it has nothing to come, asked by count or for a calendar's week.
    for (const q of ['count=5', 'from=2030-01-07&to=2030-01-13']) {
      const n = await h.call('GET', `/api/schedules/${scheduleId}/next?${q}`, { token: h.tokens.operator });
      expect(n.status, q).toBe(200);
      expect(n.body, q).toMatchObject({ next: [], truncated: false });
    }
    const listed = await h.call('GET', '/api/schedules', { token: h.tokens.operator });
    expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(scheduleId);
    expect((await h.call('POST', `/api/schedules/${scheduleId}/resume`, { token: h.tokens.operator })).status).toBe(
      409,
    );

    const dp = await h.call('DELETE', `/api/plans/${planId}`, { token: h.tokens.operator });
    expect(dp.status).toBe(200);
    expect(dp.body.archivedAt).toBeTruthy();
    const plans = await h.call('GET', '/api/plans', { token: h.tokens.operator });
    expect(plans.body.items.map((x: { id: string }) => x.id)).not.toContain(planId);
    const fly = await h.call('POST', '/api/missions', {
      token: h.tokens.operator,
      body: { planId, droneId: drone.body.id },
    });
    expect(fly.status).toBe(409);
    expect(fly.body.error.code).toBe('plan_archived');
    expect((await audit('schedule', scheduleId)).map((e) => e.action)).toEqual(['schedule.archive']);
    expect((await audit('plan', planId)).map((e) => e.action)).toEqual(['plan.archive']);
  });

  it('a plan nothing used is deleted, and the delete is audited with what it was', async () => {
    const a = await h.call('POST', '/api/areas', {
      token: h.tokens.operator,
      body: { type: 'Feature', geometry: square(119.17, 28.1), properties: { kind: 'farmland', name: '删除田' } },
    });
    const p = await h.call('POST', '/api/plans', {
      token: h.tokens.operator,
      body: { name: '删除计划', pattern: 'survey', areaIds: [a.body.id] },
    });
    expect((await h.call('DELETE', `/api/plans/${p.body.id}`, { token: h.tokens.operator })).status).toBe(204);
    expect((await h.call('GET', `/api/plans/${p.body.id}`, { token: h.tokens.operator })).status).toBe(404);
    const [entry] = await audit('plan', p.body.id);
    expect(entry).toMatchObject({ action: 'plan.delete', details: { name: '删除计划', areaIds: [a.body.id] } });
    expect((await h.call('DELETE', `/api/areas/${a.body.id}`, { token: h.tokens.operator })).status).toBe(204);
    expect((await audit('area', a.body.id))[0]).toMatchObject({ action: 'area.delete', details: { name: '删除田' } });
    // the log itself cannot be rewritten
    await expect(h.t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('the calendar is edited a day at a time; the rest of the year stays', async () => {
    const before = (await h.call('GET', '/api/calendar/2026', { token: h.tokens.dispatcher })).body.days.length;
    expect(before).toBeGreaterThan(10);
    const day = await h.call('PUT', '/api/calendar/days/2026-11-02', {
      token: h.tokens.admin,
      body: { isWorkday: false, name: '调休测试' },
    });
    expect(day.status).toBe(200);
    expect(day.body).toEqual({
      day: '2026-11-02',
      override: { isWorkday: false, name: '调休测试', source: 'admin' },
      isWorkday: false,
    });
    const year = await h.call('GET', '/api/calendar/2026', { token: h.tokens.dispatcher });
    expect(year.body.days.length).toBe(before + 1);
    expect(
      (await h.call('PUT', '/api/calendar/days/2026-11-03', { token: h.tokens.dispatcher, body: { isWorkday: false } }))
        .status,
    ).toBe(403);
    const bad = await h.call('PUT', '/api/calendar/days/2026-13-40', {
      token: h.tokens.admin,
      body: { isWorkday: false },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject([{ field: 'date', in: 'path' }]);
    const removed = await h.call('DELETE', '/api/calendar/days/2026-11-02', { token: h.tokens.admin });
    expect(removed.body).toEqual({ day: '2026-11-02', override: null, isWorkday: true });
    expect((await h.call('GET', '/api/calendar/2026', { token: h.tokens.dispatcher })).body.days.length).toBe(before);
    expect((await audit('calendar_day', '2026-11-02')).map((e) => e.action)).toEqual([
      'calendar.day.delete',
      'calendar.day.set',
    ]);
  });
});

describe('admin endpoints (19.7)', () => {
  it('reads a user, changes roles and department, disables (ending the sessions), never themselves', async () => {
    const users = await h.call('GET', '/api/users', { token: h.tokens.admin });
    const officer = users.body.items.find((u: { name: string }) => u.name === 't-officer');
    const admin = users.body.items.find((u: { name: string }) => u.name === 't-admin');
    const one = await h.call('GET', `/api/users/${officer.id}`, { token: h.tokens.admin });
    expect(one.body.user).toMatchObject({ name: 't-officer', roles: ['officer'], disabled: false });
    expect((await h.call('GET', `/api/users/${officer.id}`, { token: h.tokens.dispatcher })).status).toBe(403);
    expect((await h.call('GET', '/api/users/nobody', { token: h.tokens.admin })).status).toBe(404);

    const moved = await h.call('PATCH', `/api/users/${officer.id}`, {
      token: h.tokens.admin,
      body: { roles: ['officer', 'dispatcher'], departmentId: h.departments[1] },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.user).toMatchObject({ roles: ['dispatcher', 'officer'], departmentId: h.departments[1] });
    const unknown = await h.call('PATCH', `/api/users/${officer.id}`, {
      token: h.tokens.admin,
      body: { departmentId: 'dept-none' },
    });
    expect(unknown.body.error.details).toMatchObject([{ field: 'departmentId' }]);
    expect((await h.call('GET', '/api/auth/me', { token: h.tokens.officer })).status).toBe(200);
    const off = await h.call('PATCH', `/api/users/${officer.id}`, { token: h.tokens.admin, body: { disabled: true } });
    expect(off.body.user.disabled).toBe(true);
    expect((await h.call('GET', '/api/auth/me', { token: h.tokens.officer })).status).toBe(401);
    const self = await h.call('PATCH', `/api/users/${admin.id}`, {
      token: h.tokens.admin,
      body: { roles: ['officer'] },
    });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('self_lockout');
    expect((await audit('user', officer.id)).map((e) => e.action)).toEqual(['user.disable', 'user.update']);
  });

  it('departments and routing rules: admins change them, a department in use is not deleted', async () => {
    const d = await h.call('POST', '/api/departments', {
      token: h.tokens.admin,
      body: { id: 'dept-test-water', name: '水利局', nameEn: 'Water bureau', categories: ['sewage_outfall'] },
    });
    expect(d.status).toBe(201);
    const rule = await h.call('PUT', '/api/routing-rules/sewage_outfall', {
      token: h.tokens.admin,
      body: { leadDepartmentId: 'dept-test-water', assistDepartmentIds: [h.departments[0]] },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    expect(rule.body).toEqual({
      category: 'sewage_outfall',
      leadDepartmentId: 'dept-test-water',
      leadIsTownship: false,
      assistDepartmentIds: [h.departments[0]],
    });
    const bad = await h.call('PUT', '/api/routing-rules/sewage_outfall', {
      token: h.tokens.admin,
      body: { leadDepartmentId: 'dept-nowhere' },
    });
    expect(bad.body.error).toMatchObject({ code: 'unknown_department', details: [{ field: 'leadDepartmentId' }] });
    const inUse = await h.call('DELETE', '/api/departments/dept-test-water', { token: h.tokens.admin });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.details.uses).toEqual({ 'routing rules': 1 });
    const rules = await h.call('GET', '/api/routing-rules', { token: h.tokens.otherOfficer });
    expect(rules.body.items).toHaveLength(3);
    const cats = await h.call('GET', '/api/categories', { token: h.tokens.otherOfficer });
    expect(cats.body.items.find((c: { category: string }) => c.category === 'sewage_outfall')).toMatchObject({
      droneAttachRadiusM: 30,
      duplicateRadiusM: 250,
      autoFileMinScore: null,
    });
  });
});

describe('errors a person can act on (19.8)', () => {
  it('a dead drone address answers 502 with the reason; an address that never speaks MAVLink 504', async () => {
    // Port 1 (tcpmux) is privileged and nothing on a test machine serves it, so loopback refuses it.
    // A port freed after listen(0) is not dead: other test processes' listen(0) can take it
    // before the link dials it (CI saw that answer 504).
    const dead = 1;
    const silent = net.createServer((c) => c.on('error', () => {})).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    try {
      const mk = async (name: string, port: number) =>
        (
          await h.call('POST', '/api/drones', {
            token: h.tokens.operator,
            body: { name, model: 'm3e', camera: 'm3e-wide', connection: `tcp://127.0.0.1:${port}` },
          })
        ).body.id as string;
      const r1 = await h.call('POST', `/api/drones/${await mk('死机', dead)}/connect`, { token: h.tokens.operator });
      expect(r1.status).toBe(502);
      expect(r1.body.error.code).toBe('link_connection_error');
      expect(r1.body.error.message).toMatch(/ECONNREFUSED/);
      const port = (silent.address() as AddressInfo).port;
      const r2 = await h.call('POST', `/api/drones/${await mk('哑机', port)}/connect`, { token: h.tokens.operator });
      expect(r2.status).toBe(504);
      expect(r2.body.error.code).toBe('link_no_vehicle');
    } finally {
      silent.close();
    }
  });

  it('statistics take a date; validation errors name the parameter or field', async () => {
    const s = await h.call('GET', '/api/stats/cases?from=2026-11-01', { token: h.tokens.dispatcher });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const csv = await h.call('GET', '/api/stats/cases?from=2026-11-01&to=2026-11-30&format=csv', {
      token: h.tokens.dispatcher,
    });
    expect(csv.headers.get('content-disposition')).toContain('case-stats-2026-11-01-2026-11-30.csv');
    const bad = await h.call('GET', '/api/stats/cases?from=2026-11-31x', { token: h.tokens.dispatcher });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject([{ field: 'from', in: 'query' }]);
    expect(bad.body.error.message).toContain('query parameter from');
    const extra = await h.call('GET', '/api/stats/cases?from=2026-11-01&colour=red', { token: h.tokens.dispatcher });
    expect(extra.body.error.details[0].field).toBe('colour');
    const body = await h.call('PUT', '/api/categories/straw_burning', {
      token: h.tokens.admin,
      body: { autoFileMinScore: 2 },
    });
    expect(body.body.error.details).toMatchObject([{ field: 'autoFileMinScore', in: 'body' }]);
    // A valid value too small for the `real` column is stored as the column holds it (0), not a 500.
    const tiny = await h.call('PUT', '/api/categories/sewage_outfall', {
      token: h.tokens.admin,
      body: { autoFileMinScore: 1e-206, duplicateRadiusM: 1e-300 },
    });
    expect(tiny.status, JSON.stringify(tiny.body)).toBe(200);
    expect(tiny.body).toMatchObject({ autoFileMinScore: 0, duplicateRadiusM: 0 });
  });
});
