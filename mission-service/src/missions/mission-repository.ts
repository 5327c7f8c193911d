import type { AuthUser } from '../auth/index.ts';
import type { Queryable } from '../db/db.ts';
import { scopeSql } from '../auth/scope-sql.ts';
import type { Mission, MissionState } from '../contract/missions.ts';
import type { PlanMissionItem } from '../drones/link-port.ts';
import { statesBefore } from './state-machine.ts';

export interface MissionRecord extends Mission {
  items: PlanMissionItem[];
}

interface Row {
  id: string;
  plan_id: string | null;
  sortie_index: number;
  drone_id: string | null;
  state: MissionState;
  items: PlanMissionItem[];
  last_reached_seq: number | null;
  progress: Record<string, unknown>;
  flight_id: string | null;
  schedule_id: string | null;
  department_id: string | null;
  error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const toRecord = (r: Row): MissionRecord => ({
  id: r.id,
  planId: r.plan_id,
  sortieIndex: r.sortie_index,
  droneId: r.drone_id,
  state: r.state,
  items: r.items,
  itemCount: r.items.length,
  lastReachedSeq: r.last_reached_seq,
  progress: r.progress,
  flightId: r.flight_id,
  scheduleId: r.schedule_id,
  departmentId: r.department_id,
  error: r.error,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The API view (items omitted: they are in the plan). */
export function missionView(m: MissionRecord): Mission {
  const { items: _items, ...rest } = m;
  return rest;
}

export async function getMission(db: Queryable, id: string): Promise<MissionRecord | null> {
  const r = await db.query<Row>('SELECT * FROM missions WHERE id = $1', [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** Missions the user may see, newest first: `limit + 1` rows from `offset` (the extra one says there is more). */
export async function listMissions(
  db: Queryable,
  q: { droneId?: string; state?: MissionState; limit: number; offset: number; user: AuthUser },
): Promise<{ rows: MissionRecord[]; total: number }> {
  const params: unknown[] = [q.droneId ?? null, q.state ?? null];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const scope = scopeSql(q.user, 'department_id', p);
  const where = `WHERE ($1::text IS NULL OR drone_id = $1) AND ($2::text IS NULL OR state = $2)${scope ? ` AND ${scope}` : ''}`;
  const total = await db.query<{ n: string }>(`SELECT count(*) AS n FROM missions ${where}`, params);
  const r = await db.query<Row>(
    `SELECT * FROM missions ${where} ORDER BY created_at DESC, id LIMIT ${p(q.limit + 1)} OFFSET ${p(q.offset)}`,
    params,
  );
  return { rows: r.rows.map(toRecord), total: Number(total.rows[0]?.n ?? 0) };
}

export async function insertMission(
  db: Queryable,
  m: {
    id: string;
    planId: string;
    sortieIndex: number;
    droneId: string;
    items: PlanMissionItem[];
    departmentId: string | null;
    scheduleId: string | null;
    /** [lon, lat] of each shot the sortie takes, in order. */
    expectedShots?: [number, number][];
  },
): Promise<void> {
  await db.query(
    `INSERT INTO missions (id, plan_id, sortie_index, drone_id, state, items, department_id, schedule_id, expected_shots)
     VALUES ($1, $2, $3, $4, 'planned', $5, $6, $7, $8)`,
    [
      m.id,
      m.planId,
      m.sortieIndex,
      m.droneId,
      JSON.stringify(m.items),
      m.departmentId,
      m.scheduleId,
      m.expectedShots ? JSON.stringify(m.expectedShots) : null,
    ],
  );
}

/**
 * Moves a mission to `to` only from a state that allows it (one conditional UPDATE, so two concurrent
 * requests cannot both win). Returns false when the mission was not in such a state.
 */
export async function transition(
  db: Queryable,
  id: string,
  to: MissionState,
  extra: { error?: string | null; progress?: Record<string, unknown>; flightId?: string } = {},
): Promise<boolean> {
  const r = await db.query(
    `UPDATE missions SET state = $2, updated_at = now(),
            error = CASE WHEN $4::boolean THEN $5 ELSE error END,
            progress = CASE WHEN $6::text IS NULL THEN progress ELSE progress || $6::jsonb END,
            flight_id = COALESCE($7, flight_id)
      WHERE id = $1 AND state = ANY($3)`,
    [
      id,
      to,
      statesBefore(to),
      extra.error !== undefined,
      extra.error ?? null,
      extra.progress ? JSON.stringify(extra.progress) : null,
      extra.flightId ?? null,
    ],
  );
  return r.affectedRows === 1;
}

/** Records progress; `last_reached_seq` only moves forward. */
export async function recordProgress(
  db: Queryable,
  id: string,
  lastReached: number | null,
  progress: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `UPDATE missions SET progress = progress || $3::jsonb, updated_at = now(),
            last_reached_seq = CASE WHEN $2::int IS NULL THEN last_reached_seq ELSE GREATEST(COALESCE(last_reached_seq, -1), $2::int) END
      WHERE id = $1`,
    [id, lastReached, JSON.stringify(progress)],
  );
}
