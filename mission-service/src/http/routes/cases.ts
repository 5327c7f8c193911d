import { Router, type Response } from 'express';
import { BboxQuerySchema } from '../../contract/common.ts';
import { z } from 'zod';
import { currentUser, requireRoles, type AuthUser } from '../../auth/index.ts';
import {
  escalateCaseLevel,
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
  splitCase,
  transitionCase,
  CASE_STATES,
  MergeBody,
  NoteBody,
  ReassignBody,
  ReinspectionResultBody,
  ReportCaseBody,
  SplitBody,
  TransitionBody,
  type CaseActor,
  type CaseView,
} from '../../cases/index.ts';
import type { Db } from '../../db/db.ts';
import { listCaseIncidents } from '../../review/case-incidents.ts';
import { AppError } from '../errors.ts';

const actorOf = (user: AuthUser): CaseActor => ({ id: user.id, roles: user.roles, departmentId: user.departmentId });

/** Officers of a department see what their department leads or assists (and the centre queue); others see all. */
function departmentScope(user: AuthUser): string | undefined {
  if (user.roles.includes('admin') || user.roles.includes('dispatcher')) return undefined;
  return user.roles.includes('officer') && user.departmentId ? user.departmentId : undefined;
}

function assertVisible(user: AuthUser, c: CaseView): void {
  const d = departmentScope(user);
  if (d && c.departmentId && c.departmentId !== d && !c.assistDepartmentIds.includes(d)) {
    throw new AppError(404, 'case_not_found', `案件不存在 / no case ${c.id}`);
  }
}

const Bbox = BboxQuerySchema;

const ListQuery = z
  .object({
    bbox: Bbox.optional(),
    state: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(z.enum(CASE_STATES)))
      .optional(),
    category: z.string().optional(),
    departmentId: z.string().optional(),
    source: z.string().optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

function ok(res: Response, status: number, body: unknown): void {
  res.status(status).json(body);
}

/**
 * Cases API (all under /api, signed in): report, list, read, transitions, reassign, level escalation, merge,
 * split, re-inspections, notifications. Roles per action are the state machine's (cases/state-machine.ts).
 */
export function caseRoutes(db: Db): Router {
  const router = Router();

  router.post('/cases', requireRoles('dispatcher', 'officer', 'operator'), async (req, res) => {
    const user = currentUser(res);
    const body = ReportCaseBody.parse(req.body);
    const headerKey = req.header('idempotency-key');
    const r = await fileCase(
      db,
      { ...body, idempotencyKey: body.idempotencyKey ?? headerKey ?? null },
      { actor: actorOf(user) },
    );
    ok(res, r.outcome === 'created' ? 201 : 200, r);
  });

  router.get('/cases', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const q = ListQuery.parse(req.query);
    const cases = await listCases(db, {
      bbox: q.bbox as [number, number, number, number] | undefined,
      states: q.state,
      category: q.category,
      departmentId: q.departmentId,
      source: q.source,
      createdFrom: q.from ? new Date(q.from) : undefined,
      createdTo: q.to ? new Date(q.to) : undefined,
      visibleToDepartmentId: departmentScope(user),
      limit: q.limit,
      offset: q.offset,
    });
    ok(res, 200, { cases });
  });

  router.get('/cases/:id', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const c = await getCase(db, req.params.id as string);
    assertVisible(user, c);
    ok(res, 200, {
      case: c,
      events: await listCaseEvents(db, c.id),
      reports: await listCaseReports(db, c.id),
      incidents: await listCaseIncidents(db, c.id),
    });
  });

  router.get('/cases/:id/incidents', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const c = await getCase(db, req.params.id as string);
    assertVisible(user, c);
    ok(res, 200, { items: await listCaseIncidents(db, c.id, 200) });
  });

  router.get('/cases/:id/events', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const c = await getCase(db, req.params.id as string);
    assertVisible(user, c);
    ok(res, 200, { events: await listCaseEvents(db, c.id) });
  });

  router.post('/cases/:id/transitions', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const b = TransitionBody.parse(req.body);
    const r = await transitionCase(db, req.params.id as string, b.action, actorOf(user), {
      note: b.note,
      evidence: b.evidence,
      expectedState: b.expectedState,
      requestReinspection: b.requestReinspection,
    });
    ok(res, 200, r);
  });

  router.post('/cases/:id/reassign', requireRoles('dispatcher'), async (req, res) => {
    const b = ReassignBody.parse(req.body);
    ok(res, 200, {
      case: await reassignCase(db, req.params.id as string, b.departmentId, actorOf(currentUser(res)), {
        note: b.note,
      }),
    });
  });

  router.post('/cases/:id/escalate-level', requireRoles('dispatcher', 'officer'), async (req, res) => {
    const b = NoteBody.parse(req.body);
    ok(res, 200, {
      case: await escalateCaseLevel(db, req.params.id as string, actorOf(currentUser(res)), { note: b.note }),
    });
  });

  router.post('/cases/:id/merge', requireRoles('dispatcher'), async (req, res) => {
    const b = MergeBody.parse(req.body);
    ok(res, 200, {
      case: await mergeCases(db, req.params.id as string, b.intoCaseId, actorOf(currentUser(res)), { note: b.note }),
    });
  });

  router.post('/cases/:id/split', requireRoles('dispatcher'), async (req, res) => {
    const b = SplitBody.parse(req.body);
    ok(res, 200, await splitCase(db, req.params.id as string, b.reportId, actorOf(currentUser(res)), { note: b.note }));
  });

  router.get('/reinspections', requireRoles(), async (req, res) => {
    const state = z.enum(['requested', 'planned', 'done']).optional().parse(req.query.state);
    ok(res, 200, { reinspections: await listReinspections(db, state) });
  });

  router.post('/reinspections/:id/result', requireRoles('operator', 'officer', 'dispatcher'), async (req, res) => {
    const b = ReinspectionResultBody.parse(req.body);
    ok(
      res,
      200,
      await recordReinspectionResult(db, req.params.id as string, b.found, actorOf(currentUser(res)), { note: b.note }),
    );
  });

  router.get('/notifications', requireRoles(), async (req, res) => {
    const user = currentUser(res);
    const unreadOnly = req.query.unread === 'true' || req.query.unread === '1';
    ok(res, 200, {
      notifications: await listNotifications(db, { roles: user.roles, departmentId: user.departmentId, unreadOnly }),
    });
  });

  return router;
}
