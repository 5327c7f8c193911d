/**
 * Progress of one flight: photos the plan expected, received and triaged, the shortfall shot by shot, detections so
 * far, incidents and cases — what the API (`GET /api/flights/:id/progress`) and `xuncha worker`'s progress bar show.
 */
import type { Queryable } from '../db/db.ts';
import { matchShots, type LonLat, type ShotMatch } from '../photos/flight-shots.ts';

export interface FlightProgress {
  flightId: string;
  droneId: string | null;
  missionId: string | null;
  startedAt: string;
  endedAt: string | null;
  photos: {
    /** Shots the plan's sortie takes (null: no plan behind the flight). */
    expected: number | null;
    /** Photos attributed to the flight. */
    received: number;
    /** Triaged, whatever the outcome (done + unlocated + failed). */
    triaged: number;
    total: number;
    processed: number;
    done: number;
    unlocated: number;
    failed: number;
    queued: number;
    processing: number;
  };
  shots: ShotMatch;
  detections: number;
  /** Incidents the flight's detections belong to; `new` were first seen on this flight; `toReview` wait for 研判. */
  incidents: { total: number; new: number; toReview: number };
  /** Cases behind those incidents (filed by this flight or earlier). */
  cases: number;
  /** Triaged / expected (or / received without a plan), 0..1; 1 for a flight with nothing expected or received. */
  fraction: number;
}

/** The shots a flight was planned to take: its mission's, else its plan's current sortie; null without a plan. */
export async function plannedShots(q: Queryable, flightId: string): Promise<LonLat[] | null> {
  const r = await q.query<{ expected: unknown; photos: unknown; sortie_index: number | null }>(
    `SELECT m.expected_shots AS expected, m.sortie_index,
            CASE WHEN m.expected_shots IS NULL THEN p.document->'photos' END AS photos
       FROM flights f JOIN missions m ON m.id = f.mission_id LEFT JOIN plans p ON p.id = m.plan_id
      WHERE f.id = $1`,
    [flightId],
  );
  const row = r.rows[0];
  if (!row) return null;
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  if (row.expected != null) return parse(row.expected) as LonLat[];
  const photos = parse(row.photos) as { lon: number; lat: number; sortie: number }[] | null;
  if (!Array.isArray(photos)) return null;
  return photos.filter((p) => p.sortie === (row.sortie_index ?? 0)).map((p) => [p.lon, p.lat] as const);
}

/** The progress of `flightId` (zeros for a flight without photos). Throws nothing for an unknown flight. */
export async function flightProgress(q: Queryable, flightId: string): Promise<FlightProgress> {
  const r = await q.query<Record<string, unknown>>(
    `WITH im AS (SELECT sha256, status FROM images WHERE flight_id = $1),
     det AS (SELECT d.incident_id FROM detections d JOIN im ON im.sha256 = d.image_sha256),
     inc AS (SELECT DISTINCT incident_id AS id FROM det WHERE incident_id IS NOT NULL)
     SELECT
       (SELECT drone_id FROM flights WHERE id = $1) AS drone_id,
       (SELECT mission_id FROM flights WHERE id = $1) AS mission_id,
       (SELECT started_at FROM flights WHERE id = $1) AS started_at,
       (SELECT ended_at FROM flights WHERE id = $1) AS ended_at,
       (SELECT count(*) FROM im) AS total,
       (SELECT count(*) FROM im WHERE status = 'done') AS done,
       (SELECT count(*) FROM im WHERE status = 'unlocated') AS unlocated,
       (SELECT count(*) FROM im WHERE status = 'failed') AS failed,
       (SELECT count(*) FROM im WHERE status = 'queued') AS queued,
       (SELECT count(*) FROM im WHERE status = 'processing') AS processing,
       (SELECT count(*) FROM det) AS detections,
       (SELECT count(*) FROM inc) AS incidents,
       (SELECT count(*) FROM inc JOIN incidents n ON n.id = inc.id WHERE n.review_state = 'to_review') AS to_review,
       (SELECT count(*) FROM inc WHERE (
          SELECT i.flight_id FROM detections d JOIN images i ON i.sha256 = d.image_sha256
          WHERE d.incident_id = inc.id ORDER BY d.created_at, d.id LIMIT 1) = $1) AS new_incidents,
       (SELECT count(DISTINCT r.case_id) FROM case_reports r JOIN inc ON inc.id = r.incident_id) AS cases`,
    [flightId],
  );
  const row = r.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  const processed = n('done') + n('unlocated') + n('failed');
  const planned = await plannedShots(q, flightId);
  const photos = await q.query<{ sha256: string; lon: number | null; lat: number | null }>(
    'SELECT sha256, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM images WHERE flight_id = $1 ORDER BY taken_at, sha256',
    [flightId],
  );
  const shots = matchShots(
    planned,
    photos.rows.map((p) => ({
      sha256: p.sha256,
      position: p.lon === null || p.lat === null ? null : ([Number(p.lon), Number(p.lat)] as const),
    })),
  );
  const denominator = Math.max(planned?.length ?? 0, n('total'));
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  return {
    flightId,
    droneId: (row.drone_id as string | null) ?? null,
    missionId: (row.mission_id as string | null) ?? null,
    startedAt: iso(row.started_at) ?? new Date(0).toISOString(),
    endedAt: iso(row.ended_at),
    photos: {
      expected: planned ? planned.length : null,
      received: n('total'),
      triaged: processed,
      total: n('total'),
      processed,
      done: n('done'),
      unlocated: n('unlocated'),
      failed: n('failed'),
      queued: n('queued'),
      processing: n('processing'),
    },
    shots,
    detections: n('detections'),
    incidents: { total: n('incidents'), new: n('new_incidents'), toReview: n('to_review') },
    cases: n('cases'),
    fraction: denominator === 0 ? 1 : processed / denominator,
  };
}
