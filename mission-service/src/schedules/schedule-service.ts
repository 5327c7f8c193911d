import { randomUUID } from 'node:crypto';
import { mapConstraintError } from '../areas/db-errors.ts';
import { assertCanChange, canSee, type AuthUser } from '../auth/index.ts';
import { ScheduleInputSchema, type Schedule } from '../contract/schedules.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';
import { assertPlanLive, loadPlan } from '../plans/plan-service.ts';
import { isTimeZone, localToUtc, nextOccurrences, normaliseRule } from './recurrence.ts';
import { getSchedule, insertSchedule, updateSchedule, type ScheduleRecord } from './schedule-repository.ts';

/** The API view, with the next occurrences after `now`. */
export function scheduleView(s: ScheduleRecord, now: Date, count = 5): Schedule {
  return {
    id: s.id,
    name: s.name,
    planId: s.planId,
    rrule: s.rrule,
    timezone: s.timezone,
    startsAt: s.startsAt.toISOString(),
    droneIds: s.droneIds,
    maxWindMps: s.maxWindMps,
    paused: s.paused,
    departmentId: s.departmentId,
    createdAt: s.createdAt.toISOString(),
    archivedAt: s.archivedAt ? s.archivedAt.toISOString() : null,
    next:
      s.paused || s.archivedAt
        ? []
        : nextOccurrences(s, new Date(Math.max(now.getTime(), s.activeFrom.getTime())), count).map((d) =>
            d.toISOString(),
          ),
  };
}

/** 409 for an archived schedule: kept for its history, never changed or resumed. */
export function assertScheduleLive(s: ScheduleRecord): void {
  if (s.archivedAt)
    throw new AppError(
      'conflict',
      'schedule_archived',
      `巡查已归档 / schedule ${s.id} is archived: it cannot be changed`,
    );
}

/** A schedule the user may see, or 404 (also when it belongs to another department). */
export async function loadSchedule(db: Db, user: AuthUser, id: string): Promise<ScheduleRecord> {
  const s = await getSchedule(db, id);
  if (!s || !canSee(user, s)) throw notFound(`schedule ${id}`);
  return s;
}

async function validated(db: Db, user: AuthUser, body: unknown, now: Date) {
  const input = ScheduleInputSchema.parse(body);
  if (!isTimeZone(input.timezone))
    throw new AppError('invalid_input', 'invalid_input', `未知时区 / unknown timezone: ${input.timezone}`);
  const rrule = normaliseRule(input.rrule);
  const plan = await loadPlan(db, user, input.planId);
  assertPlanLive(plan);
  const drones = await db.query<{ id: string; department_id: string | null }>(
    'SELECT id, department_id FROM drones WHERE id = ANY($1)',
    [input.droneIds],
  );
  const found = new Map(drones.rows.map((d) => [d.id, d]));
  // Another department's drone is as unknown as a missing one (its existence is not revealed).
  const missing = input.droneIds.filter(
    (d) => !found.has(d) || !canSee(user, { departmentId: found.get(d)!.department_id }),
  );
  if (missing.length)
    throw new AppError('invalid_input', 'unknown_drone', `未知无人机 / unknown drones: ${missing.join(', ')}`, [
      { in: 'body', field: 'droneIds', message: 'unknown drone' },
    ]);
  const startsAt = input.dtstart
    ? localToUtc(input.dtstart, input.timezone)
    : new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const fields = {
    name: input.name,
    planId: input.planId,
    rrule,
    timezone: input.timezone,
    startsAt,
    droneIds: [...new Set(input.droneIds)],
    maxWindMps: input.maxWindMps ?? null,
  };
  if (!nextOccurrences(fields, now, 1).length) {
    throw new AppError(
      'invalid_input',
      'no_occurrences',
      '该规则今后没有任何时刻 / the rule has no occurrence in the future',
    );
  }
  return { fields, plan };
}

/** Creates a weekly (or any RRULE) patrol schedule for a plan and a drone pool. */
export async function createSchedule(db: Db, user: AuthUser, body: unknown, now: Date): Promise<ScheduleRecord> {
  const { fields, plan } = await validated(db, user, body, now);
  const id = `sched_${randomUUID()}`;
  await insertSchedule(db, { id, ...fields, activeFrom: now, departmentId: plan.departmentId }).catch((e) =>
    mapConstraintError(e, 'schedule'),
  );
  return (await getSchedule(db, id))!;
}

/** Replaces a schedule's rule, plan or drones; occurrences already recorded stay. */
export async function changeSchedule(
  db: Db,
  user: AuthUser,
  id: string,
  body: unknown,
  now: Date,
): Promise<ScheduleRecord> {
  const existing = await loadSchedule(db, user, id);
  assertCanChange(user, existing, 'schedule');
  assertScheduleLive(existing);
  const { fields } = await validated(db, user, body, now);
  await updateSchedule(db, { id, ...fields });
  return (await getSchedule(db, id))!;
}
