import type { Queryable } from '../db/db.ts';
import type { Occurrence } from '../contract/schedules.ts';

export interface ScheduleRecord {
  id: string;
  name: string;
  planId: string;
  rrule: string;
  timezone: string;
  startsAt: Date;
  activeFrom: Date;
  droneIds: string[];
  maxWindMps: number | null;
  paused: boolean;
  departmentId: string | null;
  createdAt: Date;
  /** Set when the schedule was deleted after it had fired: it never fires again, its history stays. */
  archivedAt?: Date | null;
}

interface Row {
  id: string;
  name: string;
  plan_id: string;
  rrule: string;
  timezone: string;
  starts_at: Date | string;
  active_from: Date | string;
  drone_ids: string[];
  max_wind_mps: number | null;
  paused: boolean;
  department_id: string | null;
  created_at: Date | string;
  archived_at?: Date | string | null;
}

const toRecord = (r: Row): ScheduleRecord => ({
  id: r.id,
  name: r.name,
  planId: r.plan_id,
  rrule: r.rrule,
  timezone: r.timezone,
  startsAt: new Date(r.starts_at),
  activeFrom: new Date(r.active_from),
  droneIds: r.drone_ids,
  maxWindMps: r.max_wind_mps === null ? null : Number(r.max_wind_mps),
  paused: r.paused,
  departmentId: r.department_id,
  createdAt: new Date(r.created_at),
  archivedAt: r.archived_at ? new Date(r.archived_at) : null,
});

/** The live schedules (archived ones never fire and are not listed). */
export async function listSchedules(db: Queryable): Promise<ScheduleRecord[]> {
  return (await db.query<Row>('SELECT * FROM schedules WHERE archived_at IS NULL ORDER BY created_at, id')).rows.map(
    toRecord,
  );
}

export async function getSchedule(db: Queryable, id: string): Promise<ScheduleRecord | null> {
  const r = await db.query<Row>('SELECT * FROM schedules WHERE id = $1', [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

export async function insertSchedule(db: Queryable, s: Omit<ScheduleRecord, 'createdAt' | 'paused'>): Promise<void> {
  await db.query(
    `INSERT INTO schedules (id, name, plan_id, rrule, timezone, starts_at, active_from, drone_ids, max_wind_mps, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [s.id, s.name, s.planId, s.rrule, s.timezone, s.startsAt, s.activeFrom, s.droneIds, s.maxWindMps, s.departmentId],
  );
}

export async function updateSchedule(
  db: Queryable,
  s: Omit<ScheduleRecord, 'createdAt' | 'paused' | 'activeFrom' | 'departmentId'>,
): Promise<void> {
  await db.query(
    `UPDATE schedules SET name = $2, plan_id = $3, rrule = $4, timezone = $5, starts_at = $6, drone_ids = $7, max_wind_mps = $8
      WHERE id = $1`,
    [s.id, s.name, s.planId, s.rrule, s.timezone, s.startsAt, s.droneIds, s.maxWindMps],
  );
}

export async function setPaused(db: Queryable, id: string, paused: boolean): Promise<void> {
  await db.query('UPDATE schedules SET paused = $2 WHERE id = $1', [id, paused]);
}

interface OccRow {
  schedule_id: string;
  occurs_at: Date | string;
  fired_at: Date | string;
  outcome: Occurrence['outcome'];
  reason: string | null;
  mission_id: string | null;
  drone_id: string | null;
}

export const toOccurrence = (r: OccRow): Occurrence => ({
  scheduleId: r.schedule_id,
  occursAt: new Date(r.occurs_at).toISOString(),
  firedAt: new Date(r.fired_at).toISOString(),
  outcome: r.outcome,
  reason: r.reason,
  missionId: r.mission_id,
  droneId: r.drone_id,
});

/** Recorded occurrences of a schedule, newest first. */
export async function listOccurrences(db: Queryable, scheduleId: string, limit = 100): Promise<Occurrence[]> {
  const r = await db.query<OccRow>(
    'SELECT * FROM schedule_occurrences WHERE schedule_id = $1 ORDER BY occurs_at DESC LIMIT $2',
    [scheduleId, limit],
  );
  return r.rows.map(toOccurrence);
}
