import { randomUUID } from 'node:crypto';
import type { DroneLiveStatus } from '../contract/drones.ts';
import type { Queryable } from '../db/db.ts';

export interface DownsampleOptions {
  /** Keep a point at least this often while moving. Default 2 s. */
  minIntervalMs?: number;
  /** …or when the drone moved at least this far since the last kept point. Default 15 m. */
  minDistanceM?: number;
  /** Never more often than this. Default 200 ms. */
  floorIntervalMs?: number;
}

/** Rough metres between two lon/lat points (equirectangular; fine for a downsampling threshold). */
function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const k = 111_320;
  const dx = (b.lon - a.lon) * k * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  const dy = (b.lat - a.lat) * k;
  return Math.hypot(dx, dy);
}

/** Opens a flight (one take-off to landing of a mission) and returns its id. */
export async function startFlight(
  db: Queryable,
  missionId: string | null,
  droneId: string,
  at = new Date(),
): Promise<string> {
  const id = `flight_${randomUUID()}`;
  await db.query('INSERT INTO flights (id, mission_id, drone_id, started_at) VALUES ($1, $2, $3, $4)', [
    id,
    missionId,
    droneId,
    at,
  ]);
  return id;
}

/** Closes a flight: end time and its track line from the stored points. */
export async function endFlight(db: Queryable, flightId: string, at = new Date()): Promise<void> {
  await db.query(
    `UPDATE flights SET ended_at = COALESCE(ended_at, $2),
            track = (SELECT CASE WHEN count(*) >= 2 THEN ST_MakeLine(geom ORDER BY t) END FROM telemetry WHERE flight_id = $1)
      WHERE id = $1`,
    [flightId, at],
  );
}

/**
 * Stores a flight's telemetry downsampled: a point when enough time passed or the drone moved far enough.
 * The live stream stays full-rate (SSE); only the track is thinned.
 */
export class FlightRecorder {
  private last: { t: number; lon: number; lat: number } | undefined;
  private queue: Promise<void> = Promise.resolve();
  kept = 0;

  constructor(
    private readonly db: Queryable,
    readonly flightId: string,
    private readonly o: DownsampleOptions = {},
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Offers one status sample; returns whether it was kept. */
  push(s: DroneLiveStatus): boolean {
    const c = s.position?.coordinates;
    const p = c ? { lon: c[0], lat: c[1] } : undefined;
    if (!p || !Number.isFinite(p.lon) || !Number.isFinite(p.lat)) return false;
    const t = this.clock().getTime();
    if (this.last) {
      const dt = t - this.last.t;
      if (dt < (this.o.floorIntervalMs ?? 200)) return false;
      if (dt < (this.o.minIntervalMs ?? 2000) && distanceM(this.last, p) < (this.o.minDistanceM ?? 15)) return false;
    }
    this.last = { t, lon: p.lon, lat: p.lat };
    this.kept++;
    this.queue = this.queue
      .then(async () => {
        await this.db.query(
          `INSERT INTO telemetry (flight_id, t, geom, alt_rel_m, speed_mps, heading_deg, battery_pct)
           VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          [
            this.flightId,
            new Date(t),
            p.lon,
            p.lat,
            s.altRelM ?? null,
            s.speedMps ?? null,
            s.headingDeg ?? null,
            s.batteryPct ?? null,
          ],
        );
      })
      .catch(() => undefined);
    return true;
  }

  /** Waits for the points queued so far to be written. */
  flush(): Promise<void> {
    return this.queue;
  }
}

/** A flight's stored track as a GeoJSON LineString feature ([lon, lat, altRelM], times in `coordTimes`). */
export async function flightTrack(db: Queryable, flightId: string): Promise<GeoJSON.Feature | null> {
  const f = await db.query<{
    id: string;
    mission_id: string | null;
    drone_id: string | null;
    started_at: Date;
    ended_at: Date | null;
  }>('SELECT id, mission_id, drone_id, started_at, ended_at FROM flights WHERE id = $1', [flightId]);
  const flight = f.rows[0];
  if (!flight) return null;
  const pts = await db.query<{ t: Date | string; lon: number; lat: number; alt: number | null }>(
    'SELECT t, ST_X(geom) AS lon, ST_Y(geom) AS lat, alt_rel_m AS alt FROM telemetry WHERE flight_id = $1 ORDER BY t',
    [flightId],
  );
  return {
    type: 'Feature',
    id: flight.id,
    geometry: {
      type: 'LineString',
      coordinates: pts.rows.map((p) => [Number(p.lon), Number(p.lat), p.alt === null ? 0 : Number(p.alt)]),
    },
    properties: {
      flightId: flight.id,
      missionId: flight.mission_id,
      droneId: flight.drone_id,
      startedAt: new Date(flight.started_at).toISOString(),
      endedAt: flight.ended_at ? new Date(flight.ended_at).toISOString() : null,
      pointCount: pts.rows.length,
      coordTimes: pts.rows.map((p) => new Date(p.t).toISOString()),
    },
  };
}
