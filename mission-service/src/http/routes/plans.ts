import { Router } from 'express';
import { currentUser, hasAnyRole, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import { PlanExportQuerySchema, PlanListQuerySchema } from '../../contract/plans.ts';
import type { Db } from '../../db/db.ts';
import { exportPlanFile, PER_SORTIE_FORMATS } from '../../plans/export.ts';
import { planAreas } from '../../plans/plan-areas.ts';
import { deletePlan, listPlans } from '../../plans/plan-repository.ts';
import { changePlan, createPlan, loadPlan, replan } from '../../plans/plan-service.ts';

/** `/api/plans`: plan, re-plan, list, read, export (QGC, WPL, DJI WPML, KML/KMZ, GeoJSON), delete. Operators write; all logged-in read. */
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
    const areas = PER_SORTIE_FORMATS.includes(q.format) ? [] : await planAreas(db, plan.areaIds);
    const file = exportPlanFile(plan, q.format, q.sortie, areas);
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    res.type(file.contentType).send(typeof file.body === 'string' ? file.body : Buffer.from(file.body));
  });
  router.post('/plans', writers, async (req, res) => {
    res.status(201).json(await createPlan(db, currentUser(res), req.body));
  });
  router.put('/plans/:id', writers, async (req, res) => {
    res.json(await changePlan(db, currentUser(res), IdSchema.parse(req.params.id), req.body));
  });
  router.post('/plans/:id/replan', writers, async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    await loadPlan(db, currentUser(res), id);
    await replan(db, id);
    res.json(await loadPlan(db, currentUser(res), id));
  });
  router.delete('/plans/:id', writers, async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    await loadPlan(db, currentUser(res), id);
    await deletePlan(db, id);
    res.status(204).end();
  });
  return router;
}
