import type { z } from 'zod';
import { canSee, seesAllDepartments, type AuthUser } from '../../auth/index.ts';
import {
  caseMap,
  escalateCaseLevel,
  fileCase,
  listCaseEvents,
  listCaseReports,
  listCases,
  countCases,
  listNotifications,
  listReinspections,
  mergeCases,
  reassignCase,
  recordReinspectionResult,
  setCasePublicity,
  splitCase,
  transitionCase,
  type CaseActor,
  type CaseReport,
} from '../../cases/index.ts';
import {
  CaseDetailSchema,
  CaseEnvelopeSchema,
  CaseEventSchema,
  CaseListQuerySchema,
  CaseListSchema,
  CaseMapQuerySchema,
  CaseMapSchema,
  CASE_MAP_MAX,
  FileCaseResultSchema,
  MergeBody,
  NoteBody,
  NotificationListQuerySchema,
  NotificationSchema,
  PublicityBody,
  ReassignBody,
  ReinspectionListQuerySchema,
  ReinspectionResultBody,
  ReinspectionResultSchema,
  ReinspectionSchema,
  ReportCaseBody,
  SplitBody,
  SplitResultSchema,
  TransitionBody,
  TransitionResultSchema,
} from '../../contract/cases.ts';
import { listCaseIncidents } from '../../review/case-incidents.ts';
import { IncidentDetailSchema } from '../../contract/review.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { offsetFrom, offsetPage, pageOfArray } from '../paging.ts';
import { casesToCsv, casesToGeoJson } from '../../cases/case-export.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

const actorOf = (user: AuthUser): CaseActor => ({ id: user.id, roles: user.roles, departmentId: user.departmentId });

/**
 * The case list filter of a caller: dispatchers and admins see every case; anyone else the cases their
 * department leads or assists and the centre's unassigned queue (without a department: that queue only).
 */
export function caseScope(user: AuthUser): string | null | undefined {
  return seesAllDepartments(user) ? undefined : user.departmentId;
}

/** The list's and the map's query as a repository filter, within what the caller may see. */
function caseFilter(q: z.output<typeof CaseMapQuerySchema>, user: AuthUser) {
  return {
    bbox: q.bbox as [number, number, number, number] | undefined,
    states: q.state,
    category: q.category,
    departmentId: q.departmentId,
    source: q.source,
    createdFrom: q.from ? new Date(q.from) : undefined,
    createdTo: q.to ? new Date(q.to) : undefined,
    visibleToDepartmentId: caseScope(user),
  };
}

/** Reporter contact data (name, phone, e-mail) is for the roles that call reporters back: dispatchers, admins. */
export function seesReporters(user: AuthUser): boolean {
  return seesAllDepartments(user);
}

function reportsFor(user: AuthUser, reports: CaseReport[]) {
  const full = seesReporters(user);
  return reports.map((r) => ({
    ...r,
    reporter: full ? ((r.reporter as Record<string, string> | null) ?? null) : null,
    reporterRedacted: !full && r.reporter != null,
  }));
}

/**
 * Cases API (all under /api, signed in): report, list, read, transitions, reassign, level escalation, merge,
 * split, publicity, re-inspections, notifications. Every action on a case goes through the same visibility rule
 * as reading it (a hidden case answers 404 and is never returned); roles per action are the state machine's.
 */
export function caseRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'post',
      path: '/cases',
      summary: '登记诉求（热线、市民、网格员）/ report a case (hotline, citizen, grid worker)',
      tag: 'cases',
      roles: ['dispatcher', 'officer', 'operator'],
      body: ReportCaseBody,
      status: 201,
      response: FileCaseResultSchema,
      async handler({ req, user, body, setStatus }) {
        const headerKey = req.header('idempotency-key');
        const { position, ...rest } = body;
        const r = await fileCase(
          db,
          { ...rest, point: position.coordinates, idempotencyKey: body.idempotencyKey ?? headerKey ?? null },
          { actor: actorOf(user) },
        );
        setStatus(r.outcome === 'created' ? 201 : 200);
        // A report that joined another department's case: the caller learns the id, not the case.
        return canSee(user, r.case) ? r : { outcome: r.outcome, caseId: r.caseId, reportId: r.reportId };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases',
      summary: '案件列表（按部门可见）/ cases the caller’s department may see',
      tag: 'cases',
      roles: [],
      query: CaseListQuerySchema,
      response: CaseListSchema,
      async handler({ req, res, user, query: q }) {
        const filter = caseFilter(q, user);
        const offset = offsetFrom(q.cursor);
        const [rows, total] = await Promise.all([
          listCases(db, { ...filter, limit: q.limit + 1, offset }),
          countCases(db, filter),
        ]);
        const page = offsetPage(rows, total, q);
        // The same page for the map (GeoJSON) and the spreadsheet (CSV): by `format`, else by the Accept header.
        const format =
          q.format ?? (req.accepts(['application/json', 'application/geo+json', 'text/csv']) || 'application/json');
        if (format === 'geojson' || format === 'application/geo+json') {
          res.type('application/geo+json').send(JSON.stringify(casesToGeoJson(page)));
          return;
        }
        if (format === 'csv' || format === 'text/csv') {
          if (page.nextCursor) res.setHeader('x-next-cursor', page.nextCursor);
          res.setHeader('x-total-count', String(page.total));
          res.type('text/csv; charset=utf-8').attachment('cases.csv').send(casesToCsv(page.items));
          return;
        }
        return page;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/map',
      summary:
        '案件地图：筛选出的全部案件（仅位置、状态、类别、时限），列式 / every case of the filter for the map, as columns',
      tag: 'cases',
      roles: [],
      query: CaseMapQuerySchema,
      response: CaseMapSchema,
      // Before /cases/{id}, which would take "map" for an id.
      handler: ({ user, query: q }) => caseMap(db, { ...caseFilter(q, user), text: q.text, ids: q.ids }, CASE_MAP_MAX),
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{id}',
      summary: '案件详情（举报人联系方式仅调度员可见）/ a case, its log and reports (reporter contacts: dispatchers)',
      tag: 'cases',
      roles: [],
      object: { kind: 'case' },
      response: CaseDetailSchema,
      async handler({ user, object: c }) {
        return {
          case: c,
          events: await listCaseEvents(db, c.id),
          reports: reportsFor(user, await listCaseReports(db, c.id)),
          incidents: await listCaseIncidents(db, c.id),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{id}/incidents',
      summary: '案件的全部事件（位置、检测框、证据）/ every incident of a case: positions, boxes, evidence',
      tag: 'cases',
      roles: [],
      object: { kind: 'case' },
      query: PageQuerySchema,
      response: pageOf(IncidentDetailSchema),
      handler: async ({ object: c, query }) => pageOfArray(await listCaseIncidents(db, c.id, 200), query),
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{id}/events',
      summary: '案件日志 / the case log',
      tag: 'cases',
      roles: [],
      object: { kind: 'case' },
      query: PageQuerySchema,
      response: pageOf(CaseEventSchema),
      async handler({ object: c, query }) {
        return pageOfArray(await listCaseEvents(db, c.id), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/transitions',
      summary: '状态转换（受理、派遣、办结…）/ move the case (accept, dispatch, resolve, …)',
      tag: 'cases',
      roles: [],
      object: { kind: 'case', write: 'visible' },
      body: TransitionBody,
      response: TransitionResultSchema,
      errors: { 409: '非法转换或状态已变 / illegal transition, or the case changed meanwhile' },
      handler: ({ user, params, body: b }) =>
        transitionCase(db, params.id, b.action, actorOf(user), {
          note: b.note,
          evidence: b.evidence,
          expectedState: b.expectedState,
          requestReinspection: b.requestReinspection,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/reassign',
      summary: '改派 / reassign to another department',
      tag: 'cases',
      roles: ['dispatcher'],
      object: { kind: 'case', write: 'visible' },
      body: ReassignBody,
      response: CaseEnvelopeSchema,
      async handler({ user, params, body: b }) {
        return { case: await reassignCase(db, params.id, b.departmentId, actorOf(user), { note: b.note }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/escalate-level',
      summary: '逐级上报 / escalate one level up',
      tag: 'cases',
      roles: ['dispatcher', 'officer'],
      object: { kind: 'case', write: 'visible' },
      body: NoteBody,
      response: CaseEnvelopeSchema,
      async handler({ user, params, body: b }) {
        return { case: await escalateCaseLevel(db, params.id, actorOf(user), { note: b.note }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/merge',
      summary: '并单 / merge into another case',
      tag: 'cases',
      roles: ['dispatcher'],
      object: { kind: 'case', write: 'visible' },
      body: MergeBody,
      response: CaseEnvelopeSchema,
      async handler({ user, params, body: b }) {
        return { case: await mergeCases(db, params.id, b.intoCaseId, actorOf(user), { note: b.note }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/split',
      summary: '拆单 / split a report off into a new case',
      tag: 'cases',
      roles: ['dispatcher'],
      object: { kind: 'case', write: 'visible' },
      body: SplitBody,
      response: SplitResultSchema,
      handler: ({ user, params, body: b }) => splitCase(db, params.id, b.reportId, actorOf(user), { note: b.note }),
    }),
    defineRoute({
      method: 'post',
      path: '/cases/{id}/publicity',
      summary: '在 Open311 公开或撤回 / publish in, or withdraw from, the public Open311 feed',
      tag: 'cases',
      roles: ['dispatcher'],
      object: { kind: 'case', write: 'visible' },
      body: PublicityBody,
      response: CaseEnvelopeSchema,
      async handler({ user, params, body: b }) {
        return { case: await setCasePublicity(db, params.id, b.public, actorOf(user), { note: b.note }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reinspections',
      summary: '复飞核查（按部门可见）/ re-inspections (of cases the caller may see)',
      tag: 'cases',
      roles: [],
      query: ReinspectionListQuerySchema,
      response: pageOf(ReinspectionSchema),
      async handler({ user, query }) {
        return pageOfArray(await listReinspections(db, query.state, caseScope(user)), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/reinspections/{id}/result',
      summary: '复飞结果 / record a re-inspection result',
      tag: 'cases',
      roles: ['operator', 'officer', 'dispatcher'],
      object: { kind: 'reinspection', write: 'visible' },
      body: ReinspectionResultBody,
      response: ReinspectionResultSchema,
      errors: { 409: '结果已记录 / result already recorded' },
      handler: ({ user, params, body: b }) =>
        recordReinspectionResult(db, params.id, b.found, actorOf(user), { note: b.note }),
    }),
    defineRoute({
      method: 'get',
      path: '/notifications',
      summary: '督办通知 / notifications for the caller’s role and department',
      tag: 'cases',
      roles: [],
      query: NotificationListQuerySchema,
      response: pageOf(NotificationSchema),
      async handler({ user, query }) {
        const unreadOnly = query.unread === 'true' || query.unread === '1';
        const all = await listNotifications(db, {
          roles: user.roles,
          departmentId: user.departmentId,
          unreadOnly,
          limit: 10_000,
        });
        return pageOfArray(all, query);
      },
    }),
  ];
}
