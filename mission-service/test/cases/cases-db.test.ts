import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escalateCaseLevel,
  escalateOverdue,
  fileCase,
  getCase,
  listCaseEvents,
  listCaseReports,
  listCases,
  listNotifications,
  listReinspections,
  mergeCases,
  reassignCase,
  recordReinspectionResult,
  replayStates,
  splitCase,
  startCaseTimers,
  transitionCase,
  type CaseActor,
} from '../../src/cases/index.ts';
import { publishCalendarYear } from '../../src/cases/deadline-recount.ts';
import type { Db } from '../../src/db/db.ts';
import {
  createSubscription,
  deactivateSubscription,
  deliverDueWebhooks,
  listDeliveries,
  verifySignature,
} from '../../src/webhooks/index.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';
import type { WebhookTargetPolicy } from '../../src/webhooks/index.ts';

/** The receivers of these tests listen on loopback, which an admin must allow-list (SSRF policy). */
const LOOPBACK: WebhookTargetPolicy = { allow: ['127.0.0.1/32'] };
import { getCaseStats, statsToCsv } from '../../src/stats/index.ts';

const dispatcher: CaseActor = { id: 'u-dispatcher', roles: ['dispatcher'], departmentId: null };
const ecologyOfficer: CaseActor = { id: 'u-eco', roles: ['officer'], departmentId: 'dept-ecology' };
const waterOfficer: CaseActor = { id: 'u-water', roles: ['officer'], departmentId: 'dept-water' };
const BEIJING: [number, number] = [116.4, 39.9];

let t: TestDb;
let db: Db;
/** A point inside each sample jurisdiction. */
const inside: Record<string, [number, number]> = {};
let incidentSeq = 0;

async function incident(point: [number, number], cls = 'sewage_outfall'): Promise<string> {
  const id = `inc-test-${++incidentSeq}`;
  await db.query(
    `INSERT INTO incidents (id, class, geom, confidence) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), 0.9)`,
    [id, cls, point[0], point[1]],
  );
  return id;
}

/** A point `m` metres east of `p`. */
const east = (p: [number, number], m: number): [number, number] => [
  p[0] + m / (111_320 * Math.cos((p[1] * Math.PI) / 180)),
  p[1],
];

async function count(sql: string): Promise<number> {
  return Number((await db.query<{ n: number }>(sql)).rows[0]!.n);
}

async function assertLogsReplay(): Promise<void> {
  const cases = await db.query<{ id: string; state: string }>('SELECT id, state FROM cases');
  for (const c of cases.rows) {
    const events = await listCaseEvents(db, c.id);
    expect(replayStates(events), `log of ${c.id}`).toBe(c.state);
  }
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  const r = await db.query<{ id: string; lon: number; lat: number }>(
    `SELECT id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE kind = 'jurisdiction'`,
  );
  for (const row of r.rows) inside[row.id] = [Number(row.lon), Number(row.lat)];
});
afterAll(async () => {
  await t?.dispose();
});

describe('filing and routing', () => {
  it('routes a drone sewage case to ecology (lead) + water (assist) at the village level', async () => {
    const p = inside['jur-xijie-gongtou']!;
    const r = await fileCase(db, {
      category: 'sewage_outfall',
      point: p,
      confidence: 0.8,
      severity: 'normal',
      source: 'drone',
      incidentId: await incident(p),
    });
    expect(r.outcome).toBe('created');
    expect(r.case).toMatchObject({
      state: 'new',
      source: 'drone',
      departmentId: 'dept-ecology',
      assistDepartmentIds: ['dept-water'],
      jurisdictionId: 'jur-xijie-gongtou',
      level: 'village',
      gridCode: 'LQ-XJ-01',
    });
    const events = await listCaseEvents(db, r.caseId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'file',
      fromState: null,
      toState: 'new',
      level: 'village',
      actor: 'system:drone',
    });
  });

  it('routes straw burning to the township office at the township level, exposed slopes to natural resources', async () => {
    const straw = await fileCase(db, {
      category: 'straw_burning',
      point: inside['jur-tashi-anfu']!,
      source: 'hotline',
      description: '烟很大',
    });
    expect(straw.case).toMatchObject({
      departmentId: 'dept-township',
      level: 'township',
      handlingJurisdictionId: 'jur-tashi',
      jurisdictionId: 'jur-tashi-anfu',
    });
    expect(straw.case.assistDepartmentIds).toEqual(['dept-ecology']);
    const slope = await fileCase(db, {
      category: 'exposed_slope',
      point: inside['jur-jianchi-wudu']!,
      source: 'grid_worker',
    });
    expect(slope.case).toMatchObject({
      departmentId: 'dept-natural-resources',
      level: 'village',
      source: 'grid_worker',
    });
  });

  it("puts a point outside every jurisdiction in the centre's own queue", async () => {
    const r = await fileCase(db, { category: 'exposed_slope', point: BEIJING, source: 'citizen' });
    expect(r.case).toMatchObject({ level: 'centre', departmentId: null, jurisdictionId: null });
  });

  it('files a triage incident exactly once, even when delivered twice at the same time', async () => {
    const p = inside['jur-tashi-xiazhang']!;
    const inc = await incident(p, 'exposed_slope');
    const input = { category: 'exposed_slope', point: p, source: 'drone' as const, incidentId: inc, confidence: 0.7 };
    const [a, b] = await Promise.all([fileCase(db, input), fileCase(db, input)]);
    expect(new Set([a.outcome, b.outcome])).toEqual(new Set(['created', 'existing']));
    expect(a.caseId).toBe(b.caseId);
    const again = await fileCase(db, input);
    expect(again).toMatchObject({ outcome: 'existing', caseId: a.caseId });
    expect(await count(`SELECT count(*) AS n FROM case_reports WHERE incident_id = '${inc}'`)).toBe(1);
  });

  it('honours an idempotency key for API reports', async () => {
    const input = {
      category: 'straw_burning',
      point: inside['jur-longyuan-chengnan']!,
      source: 'citizen' as const,
      idempotencyKey: 'citizen-42',
    };
    const a = await fileCase(db, input);
    const b = await fileCase(db, input);
    expect(b).toMatchObject({ outcome: 'existing', caseId: a.caseId, reportId: a.reportId });
  });

  it('attaches a report within 250 m of an open case of the same category (重复诉求并单), not farther or other categories', async () => {
    const p = inside['jur-longyuan-xinhua']!;
    const first = await fileCase(db, {
      category: 'sewage_outfall',
      point: p,
      source: 'hotline',
      description: '河里有污水',
    });
    const near = await fileCase(db, {
      category: 'sewage_outfall',
      point: east(p, 120),
      source: 'citizen',
      description: '排污口',
    });
    expect(near).toMatchObject({ outcome: 'attached', caseId: first.caseId });
    expect(near.case.reportCount).toBe(2);
    const far = await fileCase(db, { category: 'sewage_outfall', point: east(p, 400), source: 'citizen' });
    expect(far.outcome).toBe('created');
    const other = await fileCase(db, { category: 'exposed_slope', point: east(p, 10), source: 'citizen' });
    expect(other.outcome).toBe('created');
    const events = await listCaseEvents(db, first.caseId);
    expect(events.map((e) => e.kind)).toEqual(['file', 'attach']);
    expect((await listCaseReports(db, first.caseId)).map((r) => r.source)).toEqual(['hotline', 'citizen']);
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM cases');
    const events = await count('SELECT count(*) AS n FROM case_events');
    await expect(
      fileCase(db, { category: 'littering', point: inside['jur-tashi']!, source: 'citizen' }),
    ).rejects.toThrow(/unknown category/);
    await expect(fileCase(db, { category: 'straw_burning', point: [151.2, -33.9], source: 'citizen' })).rejects.toThrow(
      /outside China/,
    );
    await expect(
      fileCase(db, {
        category: 'straw_burning',
        point: inside['jur-tashi']!,
        source: 'drone',
        incidentId: 'no-such-incident',
      }),
    ).rejects.toMatchObject({ kind: 'invalid_input', code: 'unknown_reference' });
    await expect(
      fileCase(db, {
        category: 'straw_burning',
        point: east(inside['jur-tashi']!, 5000),
        source: 'drone',
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [119.2, 28.05],
              [119.21, 28.06],
              [119.21, 28.05],
              [119.2, 28.06],
              [119.2, 28.05],
            ],
          ],
        },
      }),
    ).rejects.toMatchObject({ kind: 'invalid_input' });
    expect(await count('SELECT count(*) AS n FROM cases')).toBe(before);
    expect(await count('SELECT count(*) AS n FROM case_events')).toBe(events);
  });
});

describe('SLA deadlines on the working-day calendar', () => {
  it('gives a non-urgent case filed Friday 2026-02-13 until 2026-02-25 (调休 + Spring Festival)', async () => {
    const now = new Date('2026-02-13T10:00:00+08:00');
    const r = await fileCase(
      db,
      { category: 'exposed_slope', point: east(inside['jur-tashi-tashi']!, 0), source: 'hotline' },
      { now },
    );
    expect(r.case.acceptDueAt).toBe(new Date('2026-02-13T10:03:00+08:00').toISOString());
    expect(r.case.dispatchDueAt).toBe(new Date('2026-02-13T10:08:00+08:00').toISOString());
    expect(r.case.resolveDueAt).toBe(new Date('2026-02-25T10:00:00+08:00').toISOString());
    expect(r.case.resolveDueEstimated).toBe(false);
    // Accepting later moves the dispatch deadline to 5 minutes after acceptance.
    const acc = await transitionCase(db, r.caseId, 'accept', dispatcher, {
      now: new Date('2026-02-13T10:02:00+08:00'),
    });
    expect(acc.case.dispatchDueAt).toBe(new Date('2026-02-13T10:07:00+08:00').toISOString());
  });

  it('gives an urgent case 24 hours, and crosses National Day 2026 for a non-urgent one', async () => {
    const now = new Date('2026-09-30T15:00:00+08:00');
    const urgent = await fileCase(
      db,
      { category: 'straw_burning', point: east(inside['jur-xijie-dasha']!, 0), source: 'hotline', severity: 'urgent' },
      { now },
    );
    expect(urgent.case.resolveDueAt).toBe(new Date('2026-10-01T15:00:00+08:00').toISOString());
    const normal = await fileCase(
      db,
      { category: 'sewage_outfall', point: inside['jur-jianchi-liuchazhou']!, source: 'hotline' },
      { now },
    );
    // Oct 1–7 holiday; Oct 8 (Thu), 9 (Fri), 10 (Sat, adjusted working day).
    expect(normal.case.resolveDueAt).toBe(new Date('2026-10-10T15:00:00+08:00').toISOString());
  });

  it('flags a deadline in a year with no published schedule', async () => {
    const now = new Date('2031-03-07T09:00:00+08:00'); // Friday
    const r = await fileCase(
      db,
      { category: 'sewage_outfall', point: east(inside['jur-jianchi-hualou']!, 0), source: 'hotline' },
      { now },
    );
    expect(r.case.resolveDueAt).toBe(new Date('2031-03-12T09:00:00+08:00').toISOString());
    expect(r.case.resolveDueEstimated).toBe(true);
  });

  it('counts estimated deadlines again when their year is published: the same working days from the same start', async () => {
    const admin = { id: 'u-cal-admin', username: 'cal-admin', roles: ['admin' as const], departmentId: null };
    // Three categories, so that no filing joins another's case (重复诉求并单) or an earlier test's.
    const file = async (at: string, severity: 'urgent' | 'normal', category: string) => {
      const r = await fileCase(
        db,
        { category, point: east(inside['jur-jianchi-hualou']!, 600), source: 'hotline', severity },
        { now: new Date(at) },
      );
      expect(r.outcome).toBe('created');
      return r;
    };
    // 2033 is not published here: Friday 4 March + 3 working days, Monday to Friday, is Wednesday 9 March.
    const normal = await file('2033-03-04T09:00:00+08:00', 'normal', 'straw_burning');
    expect(normal.case).toMatchObject({ resolveDueAt: '2033-03-09T01:00:00.000Z', resolveDueEstimated: true });
    const urgent = await file('2033-03-04T09:00:00+08:00', 'urgent', 'exposed_slope');
    expect(urgent.case).toMatchObject({ resolveDueAt: '2033-03-05T01:00:00.000Z', resolveDueEstimated: false });
    // Reopened on Monday 7 March at 14:00: counted from there, due Thursday 10 March at 14:00.
    const reopened = await file('2033-03-01T10:00:00+08:00', 'normal', 'sewage_outfall');
    const act = (action: Parameters<typeof transitionCase>[2], at: string, note?: string) =>
      transitionCase(db, reopened.caseId, action, admin, { now: new Date(at), note });
    await act('accept', '2033-03-01T10:01:00+08:00');
    await act('dispatch', '2033-03-01T10:02:00+08:00');
    await act('start', '2033-03-01T11:00:00+08:00');
    await act('resolve', '2033-03-02T11:00:00+08:00');
    const again = await act('reopen', '2033-03-07T14:00:00+08:00', '复查仍有排污');
    expect(again.case).toMatchObject({ resolveDueAt: '2033-03-10T06:00:00.000Z', resolveDueEstimated: true });

    // Published with Tuesday 8 March a holiday: each deadline moves one working day on.
    const year = await publishCalendarYear(
      db,
      2033,
      [{ day: '2033-03-08', isWorkday: false, name: '测试假日' }],
      admin,
    );
    expect(year).toMatchObject({ published: true, source: 'admin' });
    expect((await getCase(db, normal.caseId))!).toMatchObject({
      resolveDueAt: '2033-03-10T01:00:00.000Z',
      resolveDueEstimated: false,
    });
    expect((await getCase(db, reopened.caseId))!).toMatchObject({
      resolveDueAt: '2033-03-11T06:00:00.000Z',
      resolveDueEstimated: false,
    });
    expect((await getCase(db, urgent.caseId))!.resolveDueAt).toBe('2033-03-05T01:00:00.000Z');
    // Each moved deadline is a step in its case's log, by the admin, the state unchanged (the log still replays).
    const log = await listCaseEvents(db, normal.caseId);
    expect(log.at(-1)).toMatchObject({ kind: 'deadline', actor: admin.id, fromState: 'new', toState: 'new' });
    expect(log.at(-1)!.note).toContain('2033-03-09 09:00 → 2033-03-10 09:00');
    expect(replayStates(log)).toBe('new');
    expect((await listCaseEvents(db, reopened.caseId)).at(-1)!.note).toContain('2033-03-10 14:00 → 2033-03-11 14:00');
    expect((await listCaseEvents(db, urgent.caseId)).map((e) => e.kind)).not.toContain('deadline');
    const audit = await db.query<{ object_id: string; details: { before: string; after: string } }>(
      `SELECT object_id, details FROM audit_log WHERE action = 'case.deadline.recount' AND object_id = ANY($1)`,
      [[normal.caseId, reopened.caseId, urgent.caseId]],
    );
    expect(audit.rows.map((r) => [r.object_id, r.details.before, r.details.after]).sort()).toEqual(
      [
        [normal.caseId, '2033-03-09T01:00:00.000Z', '2033-03-10T01:00:00.000Z'],
        [reopened.caseId, '2033-03-10T06:00:00.000Z', '2033-03-11T06:00:00.000Z'],
      ].sort(),
    );
  });
});

describe('transitions and the audit log', () => {
  it('runs the whole life of a case, each step an event with who, level and note', async () => {
    const p = east(inside['jur-longyuan-shuinan']!, 0);
    const { caseId } = await fileCase(db, {
      category: 'sewage_outfall',
      point: p,
      source: 'drone',
      incidentId: await incident(p),
    });
    await transitionCase(db, caseId, 'accept', dispatcher);
    await transitionCase(db, caseId, 'dispatch', dispatcher, { note: '请生态环境局处置' });
    await expect(transitionCase(db, caseId, 'start', waterOfficer)).rejects.toMatchObject({ kind: 'forbidden' });
    await transitionCase(db, caseId, 'start', ecologyOfficer);
    const res = await transitionCase(db, caseId, 'resolve', ecologyOfficer, {
      note: '已封堵',
      evidence: { photos: ['a.jpg'] },
      requestReinspection: true,
    });
    expect(res.reinspectionId).toMatch(/^rei_/);
    const rei = (await listReinspections(db, 'requested')).find((x) => x.id === res.reinspectionId)!;
    expect(rei.caseId).toBe(caseId);
    expect(rei.surveyPolygon.type).toBe('Polygon');
    // Re-inspection found nothing → verified by the service.
    const after = await recordReinspectionResult(db, rei.id, false, {
      id: 'u-op',
      roles: ['operator'],
      departmentId: null,
    });
    expect(after.case.state).toBe('verified');
    expect(after.reinspection).toMatchObject({ state: 'done', result: 'not_found' });
    await transitionCase(db, caseId, 'close', dispatcher);
    const events = await listCaseEvents(db, caseId);
    expect(events.map((e) => e.toState)).toEqual([
      'new',
      'accepted',
      'dispatched',
      'in_progress',
      'resolved',
      'verified',
      'closed',
    ]);
    expect(events[2]).toMatchObject({ actor: 'u-dispatcher', note: '请生态环境局处置', level: 'village' });
    expect(events[4]!.evidence).toEqual({ photos: ['a.jpg'] });
    expect(events[5]!.actor).toBe('system:reinspection');
    const c = await getCase(db, caseId);
    expect(c.resolvedLevel).toBe('village');
    expect(c.closedAt).not.toBeNull();
  });

  it('refuses an illegal transition with 409 and leaves the log intact', async () => {
    const { caseId } = await fileCase(db, {
      category: 'exposed_slope',
      point: east(inside['jur-tashi-anfu']!, 0),
      source: 'citizen',
    });
    await expect(transitionCase(db, caseId, 'close', dispatcher)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'illegal_transition',
    });
    await expect(transitionCase(db, caseId, 'accept', dispatcher, { expectedState: 'accepted' })).rejects.toMatchObject(
      { kind: 'conflict' },
    );
    await expect(transitionCase(db, caseId, 'reopen', dispatcher)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(transitionCase(db, 'case_nope', 'accept', dispatcher)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await listCaseEvents(db, caseId)).toHaveLength(1);
    // Rejected as a false positive, then reopened with a reason.
    await transitionCase(db, caseId, 'reject', ecologyOfficer, { note: '误报：晒谷场' });
    await expect(transitionCase(db, caseId, 'reopen', dispatcher)).rejects.toMatchObject({
      kind: 'invalid_input',
      code: 'note_required',
    });
    const re = await transitionCase(db, caseId, 'reopen', dispatcher, { note: '群众再次反映' });
    expect(re.case.state).toBe('accepted');
  });

  it('lets one of two racing transitions win (optimistic check)', async () => {
    const { caseId } = await fileCase(db, {
      category: 'exposed_slope',
      point: east(inside['jur-xijie-yangao']!, 0),
      source: 'citizen',
    });
    const results = await Promise.allSettled([
      transitionCase(db, caseId, 'accept', dispatcher),
      transitionCase(db, caseId, 'accept', dispatcher),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await listCaseEvents(db, caseId)).toHaveLength(2);
  });

  it('detects a state written behind the log’s back', async () => {
    const { caseId } = await fileCase(db, {
      category: 'exposed_slope',
      point: east(inside['jur-jianchi-hualou']!, 3000),
      source: 'citizen',
    });
    await db.query(`UPDATE cases SET state = 'dispatched' WHERE id = $1`, [caseId]);
    await expect(transitionCase(db, caseId, 'start', ecologyOfficer)).rejects.toMatchObject({ code: 'audit_mismatch' });
    await db.query(`UPDATE cases SET state = 'new' WHERE id = $1`, [caseId]);
    await expect(db.query('DELETE FROM case_events WHERE case_id = $1', [caseId])).rejects.toThrow(/append-only/);
  });

  it('returns (退单), reassigns (改派) and escalates level by level (逐级化解)', async () => {
    const { caseId } = await fileCase(db, {
      category: 'sewage_outfall',
      point: east(inside['jur-tashi-tashi']!, 2000),
      source: 'hotline',
    });
    await transitionCase(db, caseId, 'accept', dispatcher);
    await transitionCase(db, caseId, 'dispatch', dispatcher);
    await expect(transitionCase(db, caseId, 'return', ecologyOfficer)).rejects.toMatchObject({ code: 'note_required' });
    await transitionCase(db, caseId, 'return', ecologyOfficer, { note: '属水利局职责' });
    await expect(reassignCase(db, caseId, 'dept-water', ecologyOfficer, { note: 'x' })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(reassignCase(db, caseId, 'dept-nope', dispatcher, { note: 'x' })).rejects.toMatchObject({
      kind: 'invalid_input',
    });
    const re = await reassignCase(db, caseId, 'dept-water', dispatcher, { note: '改派水利局' });
    expect(re.departmentId).toBe('dept-water');
    await transitionCase(db, caseId, 'dispatch', dispatcher);
    await transitionCase(db, caseId, 'start', waterOfficer);
    const c0 = await getCase(db, caseId);
    expect(c0.level).toBe('village');
    const up1 = await escalateCaseLevel(db, caseId, waterOfficer, { note: '村级无法处置' });
    expect(up1).toMatchObject({ level: 'township', handlingJurisdictionId: 'jur-tashi' });
    const up2 = await escalateCaseLevel(db, caseId, dispatcher, { note: '乡镇无法处置' });
    expect(up2).toMatchObject({ level: 'city', handlingJurisdictionId: 'jur-longquan' });
    await expect(escalateCaseLevel(db, caseId, dispatcher, { note: 'x' })).rejects.toMatchObject({ kind: 'conflict' });
    await transitionCase(db, caseId, 'resolve', waterOfficer);
    expect((await getCase(db, caseId)).resolvedLevel).toBe('city');
    const levels = (await listCaseEvents(db, caseId)).map((e) => e.level);
    expect(levels).toContain('township');
    expect(levels.at(-1)).toBe('city');
  });

  it('merges two cases and splits a report back out', async () => {
    const p = inside['jur-jianchi-wudu']!;
    const a = await fileCase(db, { category: 'sewage_outfall', point: p, source: 'hotline' });
    const b = await fileCase(db, { category: 'sewage_outfall', point: east(p, 600), source: 'citizen' });
    expect(b.outcome).toBe('created');
    await expect(mergeCases(db, b.caseId, a.caseId, ecologyOfficer)).rejects.toMatchObject({ kind: 'forbidden' });
    const merged = await mergeCases(db, b.caseId, a.caseId, dispatcher, { note: '同一排污口' });
    expect(merged.reportCount).toBe(2);
    const gone = await getCase(db, b.caseId);
    expect(gone).toMatchObject({ state: 'closed', mergedIntoId: a.caseId });
    await expect(transitionCase(db, b.caseId, 'reopen', dispatcher, { note: 'x' })).rejects.toMatchObject({
      code: 'case_merged',
    });
    const reports = await listCaseReports(db, a.caseId);
    await expect(splitCase(db, a.caseId, reports[0]!.id, dispatcher)).rejects.toMatchObject({ kind: 'conflict' });
    const split = await splitCase(db, a.caseId, reports[1]!.id, dispatcher, { note: '不是同一处' });
    expect(split.original.reportCount).toBe(1);
    expect(split.created).toMatchObject({ state: 'new', reportCount: 1, source: 'citizen' });
    expect((await listCaseEvents(db, split.created.id))[0]).toMatchObject({
      kind: 'split',
      fromState: null,
      toState: 'new',
    });
  });

  it('every case log replays to the case’s current state', async () => {
    await assertLogsReplay();
  });
});

describe('overdue escalation with a controllable clock', () => {
  it('escalates 督办 → 催办 → 通报 once each, notifying the supervising roles', async () => {
    const t0 = new Date('2026-03-02T09:00:00+08:00');
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    const { caseId } = await fileCase(
      db,
      { category: 'sewage_outfall', point: east(inside['jur-xijie-gongtou']!, 1500), source: 'hotline' },
      { now: t0 },
    );
    const mine = (recs: { caseId: string }[]) => recs.filter((r) => r.caseId === caseId);
    expect(mine(await escalateOverdue(db, at(2)))).toEqual([]);
    expect(mine(await escalateOverdue(db, at(3)))).toEqual([{ caseId, stage: 'accept', step: 1 }]);
    expect(mine(await escalateOverdue(db, at(4)))).toEqual([]);
    expect(mine(await escalateOverdue(db, at(6)))).toEqual([{ caseId, stage: 'accept', step: 2 }]);
    expect(mine(await escalateOverdue(db, at(9)))).toEqual([{ caseId, stage: 'accept', step: 3 }]);
    expect(mine(await escalateOverdue(db, at(30)))).toEqual([]);
    expect((await getCase(db, caseId)).escalationLevel).toBe(3);
    const forDispatcher = await listNotifications(db, { roles: ['dispatcher'], departmentId: null });
    expect(
      forDispatcher
        .filter((n) => n.caseId === caseId)
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['supervise', 'urge']);
    const forOfficer = await listNotifications(db, { roles: ['officer'], departmentId: 'dept-ecology' });
    expect(forOfficer.filter((n) => n.caseId === caseId).map((n) => n.kind)).toEqual(['urge']);
    const forAdmin = await listNotifications(db, { roles: ['admin'], departmentId: null });
    expect(forAdmin.some((n) => n.caseId === caseId && n.kind === 'bulletin' && n.message.includes('通报'))).toBe(true);
    const overdue = (await listCaseEvents(db, caseId)).filter((e) => e.kind === 'overdue');
    expect(overdue.map((e) => e.action)).toEqual(['supervise', 'urge', 'bulletin']);
    // Accepting starts the dispatch clock; its own overdue steps follow.
    await transitionCase(db, caseId, 'accept', dispatcher, { now: at(31) });
    expect(mine(await escalateOverdue(db, at(36)))).toEqual([{ caseId, stage: 'dispatch', step: 1 }]);
  });

  it('escalates newer overdue cases even behind a batch of fully escalated old ones', async () => {
    const t0 = new Date('2026-05-04T09:00:00+08:00');
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    // Each 1 km or more from the others (and from the other tests' cases): none is a duplicate of another.
    const file = async (min: number, westKm: number) =>
      (
        await fileCase(
          db,
          { category: 'exposed_slope', point: east(inside['jur-tashi-xiazhang']!, -1000 * westKm), source: 'hotline' },
          { now: at(min) },
        )
      ).caseId;
    const old = [await file(0, 1), await file(1, 2)];
    // Both old cases reach their last step (通报).
    await escalateOverdue(db, at(60));
    for (const id of old) expect((await getCase(db, id)).escalationLevel).toBe(3);
    // Everything else in this database is escalated as far as it is due before the newer case is filed.
    await escalateOverdue(db, at(100));
    const newer = await file(100, 3);
    // A batch of two: the old, fully escalated cases must not take the places.
    const recs = await escalateOverdue(db, at(104), { batch: 2 });
    expect(recs.filter((r) => r.caseId === newer)).toEqual([{ caseId: newer, stage: 'accept', step: 1 }]);
    expect(recs.filter((r) => old.includes(r.caseId))).toEqual([]);
  });

  it('runs from startCaseTimers on its clock', async () => {
    let now = new Date('2026-04-01T09:00:00+08:00');
    const { caseId } = await fileCase(
      db,
      { category: 'exposed_slope', point: east(inside['jur-tashi-xiazhang']!, 2500), source: 'hotline' },
      { now },
    );
    const timers = startCaseTimers({ db, clock: () => now, intervalMs: 3_600_000 });
    now = new Date(now.getTime() + 4 * 60_000);
    await timers.tick();
    await timers.stop();
    expect((await getCase(db, caseId)).escalationLevel).toBe(1);
  });
});

describe('webhooks', () => {
  let server: Server;
  let url: string;
  const received: { eventId: string; body: string; signature: string }[] = [];
  let failuresLeft = 2;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(503).end('busy');
          return;
        }
        received.push({
          eventId: String(req.headers['x-xuncha-event-id']),
          body,
          signature: String(req.headers['x-xuncha-signature']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('retries with backoff until delivered, signed, once per event', async () => {
    const sub = await createSubscription(db, { url, sources: ['grid_worker'] }, LOOPBACK);
    const now0 = new Date('2026-05-11T09:00:00+08:00');
    const { caseId } = await fileCase(
      db,
      { category: 'exposed_slope', point: east(inside['jur-longyuan-chengnan']!, 2000), source: 'grid_worker' },
      { now: now0 },
    );
    // Another source's case is not for this subscription.
    await fileCase(
      db,
      { category: 'exposed_slope', point: BEIJING.map((v) => v + 1) as [number, number], source: 'hotline' },
      { now: now0 },
    );
    const base = 1000;
    const s1 = await deliverDueWebhooks(db, { policy: LOOPBACK, now: now0, baseBackoffMs: base });
    expect(s1).toMatchObject({ attempted: 1, retrying: 1 });
    // Not due yet: the backoff holds it back.
    expect(
      (await deliverDueWebhooks(db, { policy: LOOPBACK, now: new Date(now0.getTime() + 500), baseBackoffMs: base }))
        .attempted,
    ).toBe(0);
    const s2 = await deliverDueWebhooks(db, {
      policy: LOOPBACK,
      now: new Date(now0.getTime() + 1000),
      baseBackoffMs: base,
    });
    expect(s2).toMatchObject({ attempted: 1, retrying: 1 });
    expect(
      (await deliverDueWebhooks(db, { policy: LOOPBACK, now: new Date(now0.getTime() + 2500), baseBackoffMs: base }))
        .attempted,
    ).toBe(0);
    const s3 = await deliverDueWebhooks(db, {
      policy: LOOPBACK,
      now: new Date(now0.getTime() + 3000),
      baseBackoffMs: base,
    });
    expect(s3).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const got = received[0]!;
    const payload = JSON.parse(got.body) as { eventId: string; caseId: string; type: string; to: string };
    expect(payload).toMatchObject({ caseId, type: 'case.file', to: 'new' });
    expect(got.eventId).toBe(payload.eventId);
    expect(verifySignature(sub.secret, got.body, got.signature, Math.floor(now0.getTime() / 1000) + 3)).toBe(true);
    expect(verifySignature('wrong', got.body, got.signature, Math.floor(now0.getTime() / 1000) + 3)).toBe(false);
    // Enqueueing the same event again is a no-op (UNIQUE subscription+event).
    const before = (await listDeliveries(db, sub.id)).length;
    await db.query(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, case_id, payload, next_attempt_at)
       VALUES ($1, $2, $3, '{}', now()) ON CONFLICT DO NOTHING`,
      [sub.id, payload.eventId, caseId],
    );
    expect(await listDeliveries(db, sub.id)).toHaveLength(before);
    const log = await listDeliveries(db, sub.id);
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
  });

  it('gives up after maxAttempts against a dead receiver', async () => {
    const sub = await createSubscription(db, { url: 'http://127.0.0.1:9/none', sources: ['citizen'] }, LOOPBACK);
    const now0 = new Date('2026-05-12T09:00:00+08:00');
    await fileCase(
      db,
      { category: 'exposed_slope', point: east(inside['jur-longyuan-chengnan']!, 4000), source: 'citizen' },
      { now: now0 },
    );
    let now = now0;
    for (let i = 0; i < 3; i++) {
      await deliverDueWebhooks(db, { policy: LOOPBACK, now, maxAttempts: 3, baseBackoffMs: 10, timeoutMs: 2000 });
      now = new Date(now.getTime() + 60_000);
    }
    const log = await listDeliveries(db, sub.id);
    expect(log[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(log[0]!.lastError).toBeTruthy();
  });

  it('queues the file and attach events of a filing in its transaction, with the payload of every event', async () => {
    const sub = await createSubscription(
      db,
      { url: 'http://127.0.0.1:9/none', eventKinds: ['case.file', 'case.attach'], sources: ['manual'] },
      LOOPBACK,
    );
    const now0 = new Date('2026-05-13T09:00:00+08:00');
    const p = east(inside['jur-longyuan-chengnan']!, 6000);
    const first = await fileCase(
      db,
      { category: 'sewage_outfall', point: p, source: 'manual', description: '排污' },
      { now: now0 },
    );
    const dup = await fileCase(
      db,
      { category: 'sewage_outfall', point: east(p, 80), source: 'citizen' },
      { now: now0 },
    );
    expect(dup).toMatchObject({ outcome: 'attached', caseId: first.caseId });
    const events = await listCaseEvents(db, first.caseId);
    expect(events.map((e) => [e.kind, e.fromState, e.toState, e.actor])).toEqual([
      ['file', null, 'new', 'system:manual'],
      ['attach', 'new', 'new', 'system:citizen'],
    ]);
    expect(events[1]!.note).toMatch(new RegExp(`duplicate citizen report ${dup.reportId} attached \\(8\\d m\\)`));
    const rows = await db.query<{ event_id: string; case_id: string; payload: unknown }>(
      'SELECT event_id, case_id, payload FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY id',
      [sub.id],
    );
    const payloads = rows.rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
    const c = first.case;
    expect(payloads).toEqual([
      {
        type: 'case.file',
        at: now0.toISOString(),
        caseId: c.id,
        category: 'sewage_outfall',
        source: 'manual',
        from: null,
        to: 'new',
        level: c.level,
        departmentId: c.departmentId,
        note: '排污',
        eventId: `evt-${events[0]!.id}`,
      },
      {
        type: 'case.attach',
        at: now0.toISOString(),
        caseId: c.id,
        category: 'sewage_outfall',
        source: 'manual',
        from: 'new',
        to: 'new',
        level: c.level,
        departmentId: c.departmentId,
        note: events[1]!.note,
        eventId: `evt-${events[1]!.id}`,
      },
    ]);
    expect(rows.rows.map((r) => r.event_id)).toEqual(events.map((e) => `evt-${e.id}`));
    await deactivateSubscription(db, sub.id);
  });
});

describe('statistics', () => {
  it('computes closure, on-time and grassroots rates per department and category over a period', async () => {
    const t0 = new Date('2027-06-07T09:00:00+08:00'); // Monday
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    const eco = inside['jur-jianchi-hualou']!;
    // 1: sewage, resolved on time at the village level.
    const a = await fileCase(
      db,
      { category: 'sewage_outfall', point: east(eco, 5000), source: 'hotline' },
      { now: t0 },
    );
    await transitionCase(db, a.caseId, 'accept', dispatcher, { now: at(1) });
    await transitionCase(db, a.caseId, 'dispatch', dispatcher, { now: at(2) });
    await transitionCase(db, a.caseId, 'start', ecologyOfficer, { now: at(10) });
    await transitionCase(db, a.caseId, 'resolve', ecologyOfficer, { now: at(60) });
    // 2: sewage, accepted late (5 min > 3), still open.
    const b = await fileCase(
      db,
      { category: 'sewage_outfall', point: east(eco, 7000), source: 'hotline' },
      { now: t0 },
    );
    await transitionCase(db, b.caseId, 'accept', dispatcher, { now: at(5) });
    // 3: exposed slope, rejected.
    const c = await fileCase(db, { category: 'exposed_slope', point: east(eco, 9000), source: 'drone' }, { now: t0 });
    await transitionCase(db, c.caseId, 'reject', dispatcher, { now: at(1) });
    const s = await getCaseStats(db, new Date('2027-06-01T00:00:00+08:00'), new Date('2027-07-01T00:00:00+08:00'));
    expect(s.overall).toMatchObject({
      filed: 3,
      rejected: 1,
      resolved: 1,
      open: 1,
      closureRate: 0.5,
      acceptOnTimeRate: 0.5,
    });
    expect(s.overall).toMatchObject({ dispatchOnTimeRate: 1, resolveOnTimeRate: 1, grassrootsShare: 1 });
    // The same figures counted from the cases themselves: a period of part of one day has no whole day of the rollup.
    const partial = await getCaseStats(db, at(-1), at(120));
    expect(partial.overall).toMatchObject({
      filed: 3,
      rejected: 1,
      resolved: 1,
      open: 1,
      closureRate: 0.5,
      acceptOnTimeRate: 0.5,
      dispatchOnTimeRate: 1,
      resolveOnTimeRate: 1,
      grassrootsShare: 1,
    });
    const sewage = s.byCategory.find((r) => r.key === 'sewage_outfall')!;
    expect(sewage).toMatchObject({ filed: 2, resolved: 1, closureRate: 0.5 });
    expect(s.byDepartment.find((r) => r.key === 'dept-ecology')).toMatchObject({ filed: 2 });
    expect(s.byDepartment.find((r) => r.key === 'dept-natural-resources')).toMatchObject({
      filed: 1,
      rejected: 1,
      closureRate: null,
    });
    const csv = statsToCsv(s);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2 + 1 + s.byDepartment.length + s.byCategory.length);
    // An empty period has no rates rather than zeros.
    const none = await getCaseStats(db, new Date('2040-01-01T00:00:00Z'), new Date('2040-02-01T00:00:00Z'));
    expect(none.overall).toMatchObject({ filed: 0, closureRate: null });
  });
  it('keeps the daily rollup equal to a count over the cases, after every kind of change', async () => {
    // By now the file has filed, attached, transitioned, returned, reassigned, merged, split and reopened cases.
    const direct = async (from: Date, to: Date) => {
      const r = await db.query<Record<string, unknown>>(
        // The rule itself (case_stats_measures, migration 012) over the cases, without the rollup.
        `SELECT coalesce(c.department_id, '') AS dept, c.category, sum(m.filed) AS filed, sum(m.rejected) AS rejected,
           sum(m.resolved) AS resolved, sum(m.open) AS open, sum(m.accepted) AS accepted,
           sum(m.accepted_on_time) AS accepted_on_time, sum(m.dispatched_on_time) AS dispatched_on_time,
           sum(m.resolved_on_time) AS resolved_on_time, sum(m.resolved_any) AS resolved_any,
           sum(m.grassroots) AS grassroots
         FROM cases c, case_stats_measures(c) m
         WHERE c.created_at >= $1 AND c.created_at < $2 AND c.merged_into_id IS NULL GROUP BY 1, 2`,
        [from, to],
      );
      return r.rows;
    };
    const sum = (rows: Record<string, unknown>[], k: string, f: (r: Record<string, unknown>) => boolean = () => true) =>
      rows.filter(f).reduce((a, r) => a + Number(r[k]), 0);
    const bounds = await db.query<{ lo: Date; hi: Date }>(
      'SELECT min(created_at) AS lo, max(created_at) AS hi FROM cases',
    );
    const lo = new Date(bounds.rows[0]!.lo).getTime();
    const hi = new Date(bounds.rows[0]!.hi).getTime();
    expect(await count('SELECT count(*) AS n FROM cases WHERE merged_into_id IS NOT NULL')).toBeGreaterThan(0);
    const periods: [Date, Date][] = [
      [new Date('2000-01-01T00:00:00+08:00'), new Date('2100-01-01T00:00:00+08:00')],
      [new Date(lo + 7 * 60_000), new Date(hi - 3 * 3_600_000)], // partial days at both ends
      [new Date(lo - 60_000), new Date(lo + 60_000)], // inside one day
      [new Date('2027-06-07T00:00:00+08:00'), new Date('2027-06-08T00:00:00+08:00')], // one whole China day
    ];
    for (const [from, to] of periods) {
      const want = await direct(from, to);
      const got = await getCaseStats(db, from, to);
      const label = `${from.toISOString()} – ${to.toISOString()}`;
      expect(got.overall.filed, label).toBe(sum(want, 'filed'));
      expect(got.overall.rejected, label).toBe(sum(want, 'rejected'));
      expect(got.overall.resolved, label).toBe(sum(want, 'resolved'));
      expect(got.overall.open, label).toBe(sum(want, 'open'));
      const rate = (n: number, d: number) => (d > 0 ? n / d : null);
      expect(got.overall.acceptOnTimeRate, label).toBe(rate(sum(want, 'accepted_on_time'), sum(want, 'accepted')));
      for (const row of got.byDepartment) {
        const f = (r: Record<string, unknown>) => r.dept === (row.key ?? '');
        expect(row.filed, `${label} ${row.key}`).toBe(sum(want, 'filed', f));
        expect(row.open, `${label} ${row.key}`).toBe(sum(want, 'open', f));
      }
      expect(got.byDepartment.length, label).toBe(new Set(want.map((r) => r.dept)).size);
      for (const row of got.byCategory) {
        const f = (r: Record<string, unknown>) => r.category === row.key;
        expect(row.filed, `${label} ${row.key}`).toBe(sum(want, 'filed', f));
        expect(row.grassrootsShare, `${label} ${row.key}`).toBe(
          rate(sum(want, 'grassroots', f), sum(want, 'resolved_any', f)),
        );
      }
    }
    // The rollup rows themselves, per China day, department and category.
    const drift = await db.query<{ n: number }>(
      `WITH r AS (SELECT day_no, department_id, category, sum(filed) AS filed, sum(open) AS open,
                    sum(resolved_on_time) AS rot, sum(dispatched) AS dispatched
                  FROM case_stats_daily GROUP BY 1, 2, 3),
            d AS (SELECT case_stats_day_no(created_at) AS day_no, coalesce(department_id, '') AS department_id, category,
                    count(*) AS filed, count(*) FILTER (WHERE state IN ('new', 'accepted', 'dispatched', 'in_progress')) AS open,
                    count(*) FILTER (WHERE resolved_at <= resolve_due_at) AS rot, count(dispatched_at) AS dispatched
                  FROM cases WHERE merged_into_id IS NULL GROUP BY 1, 2, 3)
       SELECT count(*) AS n FROM r FULL JOIN d USING (day_no, department_id, category)
       WHERE (coalesce(r.filed, 0), coalesce(r.open, 0), coalesce(r.rot, 0), coalesce(r.dispatched, 0))
         IS DISTINCT FROM (coalesce(d.filed, 0), coalesce(d.open, 0), coalesce(d.rot, 0), coalesce(d.dispatched, 0))`,
    );
    expect(Number(drift.rows[0]!.n)).toBe(0);
  });
});

describe('bbox list', () => {
  it('pages closed cases in a box newest first, the recent window and the whole table alike', async () => {
    const now = new Date();
    const base: [number, number] = [119.5, 28.9];
    const day = 86_400_000;
    // 5 recent (two at the same instant: the id breaks the tie), 3 older than the window, 1 outside the box.
    const ages = [1, 2, 2, 3, 4, 60, 70, 80];
    const ids: string[] = [];
    for (const [i, age] of ages.entries()) {
      const id = `case_bbox_${i}`;
      ids.push(id);
      await db.query(
        `INSERT INTO cases (id, category, state, source, geom, created_at, updated_at, closed_at)
         VALUES ($1, 'exposed_slope', 'closed', 'manual', ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $4, $4)`,
        [id, base[0] + i * 0.0001, base[1], new Date(now.getTime() - age * day)],
      );
    }
    await db.query(
      `INSERT INTO cases (id, category, state, source, geom, created_at, updated_at)
       VALUES ('case_bbox_out', 'exposed_slope', 'closed', 'manual', ST_SetSRID(ST_MakePoint(119.6, 28.9), 4326), $1, $1)`,
      [now],
    );
    const want = (
      await db.query<{ id: string }>(
        `SELECT id FROM cases WHERE id LIKE 'case_bbox_%' AND id <> 'case_bbox_out' ORDER BY created_at DESC, id`,
      )
    ).rows.map((r) => r.id);
    expect(want).toHaveLength(8);
    let queries = 0;
    const counting = {
      query: <T>(sql: string, params?: readonly unknown[]) => {
        queries++;
        return db.query<T>(sql, params);
      },
    };
    const bbox: [number, number, number, number] = [base[0] - 0.001, base[1] - 0.001, base[0] + 0.002, base[1] + 0.001];
    const page = async (limit: number, offset: number) => {
      queries = 0;
      const r = await listCases(counting, { bbox, states: ['closed'], limit, offset }, now);
      return { ids: r.map((c) => c.id), queries };
    };
    // A full page inside the 30-day window: one query.
    expect(await page(3, 0)).toEqual({ ids: want.slice(0, 3), queries: 1 });
    expect(await page(3, 2)).toEqual({ ids: want.slice(2, 5), queries: 1 });
    // The window holds 5: the plain query answers the rest.
    expect(await page(3, 4)).toEqual({ ids: want.slice(4, 7), queries: 2 });
    expect(await page(100, 0)).toEqual({ ids: want, queries: 2 });
    // Other states take the plain query.
    queries = 0;
    expect(await listCases(counting, { bbox, states: ['rejected'] }, now)).toEqual([]);
    expect(queries).toBe(1);
  });
});
