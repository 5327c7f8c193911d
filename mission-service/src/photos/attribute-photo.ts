/**
 * Which flight a photo belongs to. The upload may name it (the dock was told the flight it delivers); otherwise it
 * is matched by drone and capture time within a flight's window (take-off to landing, with a slack for camera
 * clocks); two flights that both fit (two drones in the air, no drone named) are told apart by where the photo was
 * taken against each flight's recorded track. A photo no flight fits is kept unattributed, and listed as such.
 */
import type { AuthUser } from '../auth/index.ts';
import type { Queryable } from '../db/db.ts';
import { notFound } from '../app-error.ts';
import { inScope, scopeSql } from '../auth/scope-sql.ts';

/** Camera clocks drift and photos are written just before landing: a flight's window is widened by this. */
export const FLIGHT_WINDOW_SLACK_S = 120;
/** A track point this close in time to a photo tells where the drone was when it took it. */
const TRACK_TIME_S = 30;
/** …and the photo must lie this close to it (a camera sees a few hundred metres at most). */
const TRACK_DISTANCE_M = 500;

export type AttributionKind = 'given' | 'matched' | 'none';

export interface PhotoAttribution {
  flightId: string | null;
  droneId: string | null;
  departmentId: string | null;
  attribution: AttributionKind;
}

export interface AttributionInput {
  flightId?: string | null;
  droneId?: string | null;
  takenAt: Date | null;
  lon: number | null;
  lat: number | null;
}

interface FlightRow {
  id: string;
  drone_id: string | null;
  department_id: string | null;
  inside: boolean;
}

/** The flight `flightId` as the uploader may use it: 404 when missing or its drone is another department's. */
export async function flightForUpload(
  q: Queryable,
  user: AuthUser | null,
  flightId: string,
): Promise<PhotoAttribution> {
  const r = await q.query<{ drone_id: string | null; department_id: string | null }>(
    `SELECT f.drone_id, d.department_id FROM flights f LEFT JOIN drones d ON d.id = f.drone_id WHERE f.id = $1`,
    [flightId],
  );
  const f = r.rows[0];
  if (!f || (user && !inScope(user, f.department_id))) throw notFound(`flight ${flightId}`);
  return { flightId, droneId: f.drone_id, departmentId: f.department_id, attribution: 'given' };
}

/**
 * Attributes one photo. `user` limits the flights considered to those of drones the uploader may see (null: the
 * service itself, e.g. `xuncha ingest`). Never throws for a photo that fits no flight: it comes back unattributed.
 */
export async function attributePhoto(
  q: Queryable,
  user: AuthUser | null,
  input: AttributionInput,
): Promise<PhotoAttribution> {
  if (input.flightId) return flightForUpload(q, user, input.flightId);
  const droneDepartment = input.droneId ? await droneDepartmentOf(q, user, input.droneId) : undefined;
  const fallback: PhotoAttribution = {
    flightId: null,
    droneId: input.droneId ?? null,
    departmentId: droneDepartment !== undefined ? droneDepartment : (user?.departmentId ?? null),
    attribution: 'none',
  };
  if (!input.takenAt) return fallback;
  const params: unknown[] = [input.takenAt, FLIGHT_WINDOW_SLACK_S];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const where = [
    'f.started_at <= $1::timestamptz + make_interval(secs => $2)',
    'COALESCE(f.ended_at, now()) >= $1::timestamptz - make_interval(secs => $2)',
  ];
  if (input.droneId) where.push(`f.drone_id = ${p(input.droneId)}`);
  const scope = user ? scopeSql(user, 'd.department_id', p) : null;
  if (scope) where.push(scope);
  const r = await q.query<FlightRow>(
    `SELECT f.id, f.drone_id, d.department_id,
            ($1::timestamptz BETWEEN f.started_at AND COALESCE(f.ended_at, now())) AS inside
       FROM flights f LEFT JOIN drones d ON d.id = f.drone_id
      WHERE ${where.join(' AND ')}
      ORDER BY f.started_at DESC, f.id LIMIT 20`,
    params,
  );
  let candidates = r.rows;
  // A photo inside one flight's own window belongs to it rather than to a neighbour reached only by the slack.
  if (candidates.length > 1 && candidates.some((c) => c.inside)) candidates = candidates.filter((c) => c.inside);
  if (candidates.length > 1) candidates = await nearestTrack(q, candidates, input);
  if (candidates.length !== 1) return fallback;
  const f = candidates[0]!;
  return { flightId: f.id, droneId: f.drone_id, departmentId: f.department_id, attribution: 'matched' };
}

async function droneDepartmentOf(q: Queryable, user: AuthUser | null, droneId: string): Promise<string | null> {
  const d = await q.query<{ department_id: string | null }>('SELECT department_id FROM drones WHERE id = $1', [
    droneId,
  ]);
  const row = d.rows[0];
  if (!row || (user && !inScope(user, row.department_id))) throw notFound(`drone ${droneId}`);
  return row.department_id;
}

/** Of several flights, the one whose track passed nearest the photo around its capture time (if clearly one). */
async function nearestTrack(q: Queryable, flights: FlightRow[], input: AttributionInput): Promise<FlightRow[]> {
  if (input.lon === null || input.lat === null || !input.takenAt) return flights;
  const r = await q.query<{ flight_id: string; distance_m: number }>(
    `SELECT t.flight_id, min(ST_Distance(t.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) AS distance_m
       FROM telemetry t
      WHERE t.flight_id = ANY($1::text[]) AND t.t BETWEEN $4::timestamptz - make_interval(secs => $5)
                                                    AND $4::timestamptz + make_interval(secs => $5)
      GROUP BY t.flight_id ORDER BY distance_m`,
    [flights.map((f) => f.id), input.lon, input.lat, input.takenAt, TRACK_TIME_S],
  );
  const near = r.rows.filter((x) => Number(x.distance_m) <= TRACK_DISTANCE_M);
  if (near.length === 0) return flights;
  // Clearly one: the nearest track is the only one within reach, or at least twice as near as the next.
  if (near.length > 1 && Number(near[1]!.distance_m) < 2 * Number(near[0]!.distance_m)) return flights;
  return flights.filter((f) => f.id === near[0]!.flight_id);
}
