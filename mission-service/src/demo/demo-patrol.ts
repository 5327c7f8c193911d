import type { AuthUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { createArea } from '../areas/area-service.ts';
import { getArea } from '../areas/area-repository.ts';
import { createPlan } from '../plans/plan-service.ts';
import { toFloating } from '../schedules/recurrence.ts';
import { setPaused } from '../schedules/schedule-repository.ts';
import { changeSchedule, createSchedule } from '../schedules/schedule-service.ts';

export const DEMO_AREA_ID = 'area_demo_patrol';
export const DEMO_PLAN_NAME = '演示巡查：杨岙村农田与龙泉溪 / demo patrol: Yang’ao fields and river bank';
export const DEMO_SCHEDULE_NAME = '演示巡查（每小时）/ demo patrol (hourly)';
/** After its first flight the patrol repeats every hour (from the first occurrence's minute and second). */
export const DEMO_RRULE = 'FREQ=HOURLY';
const TIMEZONE = 'Asia/Shanghai';

/**
 * Survey parameters that keep a demo flight short (a few minutes of simulated flight, a few dozen photos) while the
 * planted fires and outfall still fill many pixels: 100 m above ground, light overlaps.
 */
const DEMO_PLAN_PARAMS = { altAglM: 100, frontOverlap: 0.5, sideOverlap: 0.3 };

export interface DemoPatrol {
  areaId: string;
  planId: string;
  scheduleId: string;
  /** The first occurrence of the schedule, as armed by this start. */
  firstAt: Date;
  /** What this call created (nothing on a restart over the same data). */
  created: { area: boolean; plan: boolean; schedule: boolean };
}

/** `at` as the schedule's local wall-clock start (`YYYY-MM-DDTHH:mm:ss` in Asia/Shanghai). */
function localStart(at: Date): string {
  return toFloating(at, TIMEZONE).toISOString().slice(0, 19);
}

/**
 * The demo patrol, owned by the demo operator: an area over the scene's planted incidents, a survey plan flown by
 * the demo drones from their take-off point, and an hourly schedule whose next occurrence is armed at `firstAt`
 * (whole seconds). Idempotent: a restart over the same data finds the area (fixed id), the plan and schedule (by
 * name) and only re-arms the schedule, so every start shows a patrol within a minute.
 */
export async function ensureDemoPatrol(
  db: Db,
  operator: AuthUser,
  o: { area: GeoJSON.Polygon; launch: [number, number]; droneIds: string[]; firstAt: Date; now: Date },
): Promise<DemoPatrol> {
  const created = { area: false, plan: false, schedule: false };
  if (!(await getArea(db, DEMO_AREA_ID))) {
    await createArea(db, operator, {
      type: 'Feature',
      id: DEMO_AREA_ID,
      geometry: o.area,
      properties: { kind: 'farmland', name: '演示巡查区 / demo patrol area' },
    });
    created.area = true;
  }
  const plans = await db.query<{ id: string }>(
    'SELECT id FROM plans WHERE name = $1 AND archived_at IS NULL ORDER BY created_at LIMIT 1',
    [DEMO_PLAN_NAME],
  );
  let planId = plans.rows[0]?.id;
  if (!planId) {
    const plan = await createPlan(db, operator, {
      name: DEMO_PLAN_NAME,
      pattern: 'survey',
      areaIds: [DEMO_AREA_ID],
      params: { ...DEMO_PLAN_PARAMS, launch: o.launch },
      droneId: o.droneIds[0],
    });
    planId = plan.id;
    created.plan = true;
  }
  const firstAt = new Date(Math.ceil(o.firstAt.getTime() / 1000) * 1000);
  const body = {
    name: DEMO_SCHEDULE_NAME,
    planId,
    rrule: DEMO_RRULE,
    dtstart: localStart(firstAt),
    timezone: TIMEZONE,
    droneIds: o.droneIds,
  };
  const schedules = await db.query<{ id: string }>(
    'SELECT id FROM schedules WHERE name = $1 AND archived_at IS NULL ORDER BY created_at LIMIT 1',
    [DEMO_SCHEDULE_NAME],
  );
  let scheduleId = schedules.rows[0]?.id;
  if (scheduleId) {
    await changeSchedule(db, operator, scheduleId, body, o.now);
    await setPaused(db, scheduleId, false);
  } else {
    scheduleId = (await createSchedule(db, operator, body, o.now)).id;
    created.schedule = true;
  }
  return { areaId: DEMO_AREA_ID, planId, scheduleId, firstAt, created };
}

/** Outside demo mode the demo patrol is paused: its drones are not there, so every occurrence would be skipped. */
export async function pauseDemoPatrol(db: Db): Promise<boolean> {
  const r = await db.query(
    'UPDATE schedules SET paused = true WHERE name = $1 AND NOT paused AND archived_at IS NULL',
    [DEMO_SCHEDULE_NAME],
  );
  return r.affectedRows > 0;
}
