import { seesAllDepartments } from '../../auth/index.ts';
import {
  PlanExportQuerySchema,
  PlanInputSchema,
  PlanListQuerySchema,
  PlanSchema,
  PlanSummarySchema,
} from '../../contract/plans.ts';
import { pageOf } from '../../contract/paging.ts';
import { exportPlanFile, PER_SORTIE_FORMATS } from '../../plans/export.ts';
import { planAreas } from '../../plans/plan-areas.ts';
import { deleteOrArchivePlan } from '../../plans/plan-deletion.ts';
import { listPlans } from '../../plans/plan-repository.ts';
import { assertPlanLive, changePlan, createPlan, loadPlan, replan } from '../../plans/plan-service.ts';
import { offsetFrom, offsetPage } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/**
 * `/api/plans`: plan, re-plan, list, read, export (QGC, WPL, DJI WPML, KML/KMZ, GeoJSON), delete. Operators write;
 * all signed-in read.
 */
export function planRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/plans',
      summary: '计划列表 / plans',
      tag: 'plans',
      roles: [],
      query: PlanListQuerySchema,
      response: pageOf(PlanSummarySchema),
      async handler({ user, query }) {
        const all = seesAllDepartments(user);
        const { rows, total } = await listPlans(db, {
          ...query,
          limit: query.limit + 1,
          offset: offsetFrom(query.cursor),
          departmentIds: all ? 'all' : [user.departmentId],
        });
        return offsetPage(rows, total, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/plans/{id}',
      summary: '计划 / plan with document',
      tag: 'plans',
      roles: [],
      object: { kind: 'plan' },
      response: PlanSchema,
      handler: ({ object }) => object,
    }),
    defineRoute({
      method: 'get',
      path: '/plans/{id}/export',
      summary: '导出 / export: qgc, wpl, wpml (DJI KMZ), kml, kmz, geojson',
      tag: 'plans',
      roles: [],
      object: { kind: 'plan' },
      query: PlanExportQuerySchema,
      responseType: 'application/octet-stream',
      errors: { 422: '该格式无法表示此计划 / the format cannot carry this plan' },
      async handler({ res, object: plan, query }) {
        const areas = PER_SORTIE_FORMATS.includes(query.format) ? [] : await planAreas(db, plan.areaIds);
        const file = exportPlanFile(plan, query.format, query.sortie, areas);
        res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
        res.type(file.contentType).send(typeof file.body === 'string' ? file.body : Buffer.from(file.body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/plans',
      summary: '规划（大区域在后台线程）/ create a plan (large areas planned off the request thread)',
      tag: 'plans',
      roles: ['operator'],
      body: PlanInputSchema,
      status: 201,
      response: PlanSchema,
      errors: { 422: '无法规划 / cannot plan' },
      handler: ({ user, body }) => createPlan(db, user, body),
    }),
    defineRoute({
      method: 'put',
      path: '/plans/{id}',
      summary: '修改并重新规划 / change and re-plan',
      tag: 'plans',
      roles: ['operator'],
      object: { kind: 'plan' },
      body: PlanInputSchema,
      response: PlanSchema,
      errors: { 422: '无法规划 / cannot plan' },
      handler: ({ user, params, body }) => changePlan(db, user, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/plans/{id}/replan',
      summary: '重新规划 / re-plan',
      tag: 'plans',
      roles: ['operator'],
      object: { kind: 'plan' },
      response: PlanSchema,
      errors: { 422: '无法规划 / cannot plan' },
      async handler({ user, params, object }) {
        assertPlanLive(object);
        await replan(db, params.id);
        return loadPlan(db, user, params.id);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/plans/{id}',
      summary:
        '删除计划：有定期巡查在用时 409；有历史的归档（200，返回计划）/ delete a plan: 409 while schedules fly it; archived (200, the plan) when it has history',
      tag: 'plans',
      roles: ['operator'],
      object: { kind: 'plan' },
      status: 204,
      response: PlanSchema,
      errors: { 200: '已归档 / archived (it has history)', 409: '定期巡查在用 / schedules fly it' },
      async handler({ user, params, setStatus }) {
        if ((await deleteOrArchivePlan(db, user, params.id)) === 'deleted') return undefined;
        setStatus(200);
        return loadPlan(db, user, params.id);
      },
    }),
  ];
}
