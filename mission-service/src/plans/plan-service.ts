import { randomUUID } from 'node:crypto';
import { mapConstraintError } from '../areas/db-errors.ts';
import { assertCanChange, canSee, ownerDepartment, type AuthUser } from '../auth/index.ts';
import { PlanInputSchema, type PlanInput, type PlanParams } from '../contract/plans.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';
import {
  getPlan,
  insertPlan,
  markPlanStale,
  plansUsingArea,
  updatePlanDocument,
  type PlanRecord,
} from './plan-repository.ts';
import { countVertices } from '../areas/validate-area.ts';
import { compute } from '../compute/compute-pool.ts';
import { getPreset, presetRegistry } from '../presets/presets.ts';
import type { PlanDocument } from './planner.ts';

/** Which area kinds each pattern covers. */
const KINDS_FOR_PATTERN: Record<PlanInput['pattern'], string[]> = {
  survey: ['farmland', 'hillside', 'jurisdiction'],
  corridor: ['river'],
  hillside: ['hillside'],
};

interface AreaGeomRow {
  id: string;
  kind: string;
  name: string;
  properties: Record<string, unknown>;
  geojson: string;
}

const feature = (r: AreaGeomRow): GeoJSON.Feature => ({
  type: 'Feature',
  id: r.id,
  properties: { ...r.properties, id: r.id, kind: r.kind, name: r.name },
  geometry: JSON.parse(r.geojson) as GeoJSON.Geometry,
});

/** Loads the areas of a plan (all must exist and suit the pattern) and the no-fly zones around them. */
async function planInputs(db: Queryable, pattern: PlanInput['pattern'], areaIds: string[]) {
  const r = await db.query<AreaGeomRow>(
    'SELECT id, kind, name, properties, ST_AsGeoJSON(geom, 8) AS geojson FROM areas WHERE id = ANY($1)',
    [areaIds],
  );
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  const missing = areaIds.filter((id) => !byId.has(id));
  if (missing.length)
    throw new AppError('invalid_input', 'unknown_area', `未知区域 / unknown areas: ${missing.join(', ')}`, { missing });
  const wrong = r.rows.filter((row) => !KINDS_FOR_PATTERN[pattern].includes(row.kind));
  if (wrong.length) {
    throw new AppError(
      'invalid_input',
      'wrong_area_kind',
      `区域类型不适用 / pattern ${pattern} covers ${KINDS_FOR_PATTERN[pattern].join('/')}, not ${wrong.map((w) => `${w.id} (${w.kind})`).join(', ')}`,
    );
  }
  const nofly = await db.query<AreaGeomRow>(
    `SELECT id, kind, name, properties, ST_AsGeoJSON(geom, 8) AS geojson FROM areas
      WHERE kind = 'nofly' AND geom && (SELECT ST_Expand(ST_Collect(geom), 0.05) FROM areas WHERE id = ANY($1))`,
    [areaIds],
  );
  return {
    areas: {
      type: 'FeatureCollection',
      features: areaIds.map((id) => feature(byId.get(id)!)),
    } as GeoJSON.FeatureCollection,
    nofly: { type: 'FeatureCollection', features: nofly.rows.map(feature) } as GeoJSON.FeatureCollection,
  };
}

async function plan(
  db: Queryable,
  pattern: PlanInput['pattern'],
  areaIds: string[],
  params: PlanParams,
): Promise<PlanDocument> {
  const { areas, nofly } = await planInputs(db, pattern, areaIds);
  // Planning a large area takes seconds of CPU: off the request thread, so other requests go on.
  const weight = countVertices(areas.features.map((f) => (f.geometry as { coordinates?: unknown }).coordinates));
  return compute('plan', { pattern, areas, nofly, params, registry: await presetRegistry(db) }, weight);
}

/**
 * A plan flown by a drone plans with the drone's camera (and its model, when that is a drone preset): a camera given
 * in the parameters must be that one (400 naming `params.camera` otherwise).
 */
async function withDroneCamera(
  db: Queryable,
  droneId: string | null | undefined,
  params: PlanParams,
): Promise<PlanParams> {
  if (!droneId) return params;
  const d = await db.query<{ camera: string; model: string }>('SELECT camera, model FROM drones WHERE id = $1', [
    droneId,
  ]);
  const drone = d.rows[0];
  if (!drone) return params;
  if (params.camera && params.camera !== drone.camera)
    throw new AppError(
      'invalid_input',
      'camera_mismatch',
      `相机与无人机不符 / params.camera "${params.camera}" is not the camera of drone ${droneId} ("${drone.camera}"); leave it out to use the drone's`,
      [{ in: 'body', field: 'params.camera', message: `not the camera of drone ${droneId}` }],
    );
  const model = !params.drone && (await getPreset(db, 'drone', drone.model)) ? { drone: drone.model } : {};
  return { ...params, ...model, camera: drone.camera };
}

/** 409 for an archived plan: it is kept for its history, not flown or changed again. */
export function assertPlanLive(p: { id: string; archivedAt: string | null }): void {
  if (p.archivedAt)
    throw new AppError(
      'conflict',
      'plan_archived',
      `计划已归档，不能再使用 / plan ${p.id} is archived: it cannot be flown or changed`,
    );
}

/** A plan the user may see, or 404 (also when it belongs to another department). */
export async function loadPlan(db: Queryable, user: AuthUser, id: string): Promise<PlanRecord> {
  const p = await getPlan(db, id);
  if (!p || !canSee(user, p)) throw notFound(`plan ${id}`);
  return p;
}

async function checkDrone(db: Queryable, user: AuthUser, droneId: string | null | undefined): Promise<void> {
  if (!droneId) return;
  const d = await db.query<{ department_id: string | null }>('SELECT department_id FROM drones WHERE id = $1', [
    droneId,
  ]);
  // Another department's drone is as unknown as a missing one (its existence is not revealed).
  if (!d.rows[0] || !canSee(user, { departmentId: d.rows[0].department_id }))
    throw new AppError('invalid_input', 'unknown_drone', `未知无人机 / unknown drone: ${droneId}`, [
      { in: 'body', field: 'droneId', message: 'unknown drone' },
    ]);
}

/** Plans areas with a pattern and parameters (geodata's planner) and stores the document. */
export async function createPlan(db: Db, user: AuthUser, body: unknown): Promise<PlanRecord> {
  const input = PlanInputSchema.parse(body);
  await checkDrone(db, user, input.droneId);
  const departmentId = ownerDepartment(
    user,
    input.departmentId,
    '不能为其他部门创建 / cannot create plans for another department',
  );
  const params = await withDroneCamera(db, input.droneId, input.params);
  const document = await plan(db, input.pattern, input.areaIds, params);
  const id = `plan_${randomUUID()}`;
  await insertPlan(db, {
    id,
    name: input.name,
    pattern: input.pattern,
    areaIds: input.areaIds,
    params,
    droneId: input.droneId ?? null,
    departmentId,
    createdBy: user.id,
    document,
  }).catch((e) => mapConstraintError(e, `plan ${input.name}`));
  return (await getPlan(db, id))!;
}

/** Changes a plan's name/areas/parameters and re-plans it. */
export async function changePlan(db: Db, user: AuthUser, id: string, body: unknown): Promise<PlanRecord> {
  const existing = await loadPlan(db, user, id);
  assertCanChange(user, existing, 'plan');
  assertPlanLive(existing);
  const input = PlanInputSchema.parse(body);
  if (input.pattern !== existing.pattern) {
    throw new AppError(
      'invalid_input',
      'pattern_fixed',
      '计划类型不可更改 / a plan keeps its pattern; create a new plan instead',
    );
  }
  await checkDrone(db, user, input.droneId);
  const params = await withDroneCamera(db, input.droneId, input.params);
  const document = await plan(db, input.pattern, input.areaIds, params);
  await updatePlanDocument(db, id, document, {
    name: input.name,
    areaIds: input.areaIds,
    params,
    droneId: input.droneId ?? null,
  });
  return (await getPlan(db, id))!;
}

/** Re-plans a stored plan from its current areas and parameters. */
export async function replan(db: Db, id: string): Promise<void> {
  const p = await getPlan(db, id);
  if (!p) throw notFound(`plan ${id}`);
  const document = await plan(db, p.pattern, p.areaIds, p.params as PlanParams);
  await updatePlanDocument(db, id, document);
}

/**
 * AreaChangedHook: re-plans every plan covering the area. A plan that cannot be re-planned (e.g. the area now
 * overlaps a no-fly zone entirely) keeps its old document and is marked stale with the reason.
 */
export async function replanForArea(db: Db, areaId: string): Promise<void> {
  for (const id of await plansUsingArea(db, areaId)) {
    try {
      await replan(db, id);
    } catch (err) {
      await markPlanStale(
        db,
        id,
        `区域 ${areaId} 已修改，重新规划失败 / area ${areaId} changed; re-plan failed: ${(err as Error).message}`,
      );
    }
  }
}
