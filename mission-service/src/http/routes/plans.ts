import { Router } from 'express';
import { currentUser, hasAnyRole, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import { PlanExportQuerySchema, PlanListQuerySchema } from '../../contract/plans.ts';
import type { Db } from '../../db/db.ts';
import { toGeoJson, toQgcPlan } from '../../plans/export.ts';
import { deleteOrArchivePlan } from '../../plans/plan-deletion.ts';
import { listPlans } from '../../plans/plan-repository.ts';
import { assertPlanLive, changePlan, createPlan, loadPlan, replan } from '../../plans/plan-service.ts';
import { AppError } from '../errors.ts';

/** `/api/plans`: plan, re-plan, list, read, export (.plan / GeoJSON), delete. Operators write; all logged-in read. */
export function planRoutes(db: Db): Router {
  const router = Router();
  const writers = requireRoles('operator');

  router.get('/plans', requireRoles(), async (req, res) => {
    const q = PlanListQuerySchema.parse(req.query);
    const user = currentUser(res);
    const all = hasAnyRole(user, ['dispatcher']);
    const plans = await listPlans(db, { ...q, departmentIds: all ? 'all' : [user.departmentId] });
    res.json({ plans });
  });
  router.get('/plans/:id', requireRoles(), async (req, res) => {
    res.json(await loadPlan(db, currentUser(res), IdSchema.parse(req.params.id)));
  });
  router.get('/plans/:id/export', requireRoles(), async (req, res) => {
    const plan = await loadPlan(db, currentUser(res), IdSchema.parse(req.params.id));
    const q = PlanExportQuerySchema.parse(req.query);
    const safeName = plan.id.replace(/[^\w.-]/g, '_');
    if (q.format === 'geojson') {
      res.setHeader('content-disposition', `attachment; filename="${safeName}.geojson"`);
      res.type('application/geo+json').json(toGeoJson(plan));
      return;
    }
    const qgc = toQgcPlan(plan, q.sortie);
    if (!qgc) throw new AppError(404, 'not_found', `没有第 ${q.sortie} 架次 / plan has no sortie ${q.sortie}`);
    res.setHeader('content-disposition', `attachment; filename="${safeName}-${q.sortie}.plan"`);
    res.type('application/json').send(qgc);
  });
  router.post('/plans', writers, async (req, res) => {
    res.status(201).json(await createPlan(db, currentUser(res), req.body));
  });
  router.put('/plans/:id', writers, async (req, res) => {
    res.json(await changePlan(db, currentUser(res), IdSchema.parse(req.params.id), req.body));
  });
  router.post('/plans/:id/replan', writers, async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    assertPlanLive(await loadPlan(db, currentUser(res), id));
    await replan(db, id);
    res.json(await loadPlan(db, currentUser(res), id));
  });
  // 409 while live schedules fly it; archived (200 with it) when it has history; else deleted (204). Audited.
  router.delete('/plans/:id', writers, async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    const user = currentUser(res);
    if ((await deleteOrArchivePlan(db, user, id)) === 'deleted') return void res.status(204).end();
    res.json(await loadPlan(db, user, id));
  });
  return router;
}
