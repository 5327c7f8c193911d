/**
 * Seed of the review-queue bench: a county's worth of drone findings in one SQL batch — 2 departments, 4 drones,
 * 200 flights over ~2 months, 25 photos per flight (5,000) and one incident per finding with its best detection
 * (`INCIDENTS`, default 10,000), spread over Longquan around each flight's patrol area, with mixed classes, review
 * states and scores. Deterministic (positions and mixes from multiplicative hashing of the index, no random()).
 * Every row's id starts with `bench-` so a rerun (and the cleanup) finds them.
 */
import type { Db } from '../db/db.ts';

export const BENCH_FLIGHTS = 200;
const PHOTOS_PER_FLIGHT = 25;
// Longquan-sized extent (as the area bench).
export const EXTENT = { west: 118.8, south: 27.7, span: 0.7 } as const;

/** The centre of bench flight `f`'s patrol area (the same hashing as the SQL below). */
export function flightCentre(f: number): [number, number] {
  const { west, south, span } = EXTENT;
  return [west + (((f * 7919) % 1009) / 1009) * span, south + (((f * 104729) % 1013) / 1013) * span];
}

/** Removes every bench row of the review queue (children first). */
export async function clearReviewSeed(db: Db): Promise<void> {
  await db.exec(`
    DELETE FROM detections WHERE id LIKE 'bench-%';
    DELETE FROM incidents WHERE id LIKE 'bench-%';
    DELETE FROM images WHERE flight_id LIKE 'bench-%' OR stored_path LIKE '/nonexistent/bench/%';
    DELETE FROM flights WHERE id LIKE 'bench-%';
    DELETE FROM drones WHERE id LIKE 'bench-%';
    DELETE FROM users WHERE department_id LIKE 'bench-%';
    DELETE FROM departments WHERE id LIKE 'bench-%';`);
}

export async function seedReviewQueue(db: Db, incidents: number): Promise<void> {
  await clearReviewSeed(db);
  const { west, south, span } = EXTENT;
  const photos = BENCH_FLIGHTS * PHOTOS_PER_FLIGHT;
  const centre = (f: string) =>
    `${west} + ((${f}::bigint * 7919) % 1009) / 1009.0 * ${span} AS cx, ${south} + ((${f}::bigint * 104729) % 1013) / 1013.0 * ${span} AS cy`;
  const sha = (j: string) => `encode(sha256(convert_to('bench-' || ${j}, 'UTF8')), 'hex')`;
  await db.transaction(async (tx) => {
    await tx.exec(`
      INSERT INTO departments (id, name, name_en, categories) VALUES
        ('bench-dept-a', '基准执法中队', 'bench enforcement', '{straw_burning,exposed_slope}'),
        ('bench-dept-b', '基准环保所', 'bench environment', '{sewage_outfall}');
      INSERT INTO drones (id, name, model, camera, connection, department_id)
      SELECT 'bench-drone-' || d, 'bench-drone-' || d, 'M3T', 'bench', 'udp:127.0.0.1:' || (14550 + d),
             CASE WHEN d <= 2 THEN 'bench-dept-a' ELSE 'bench-dept-b' END
        FROM generate_series(1, 4) d;
      -- One flight every 7 hours, back from now; flight f flies drone 1 + f % 4.
      INSERT INTO flights (id, drone_id, started_at, ended_at)
      SELECT 'bench-flight-' || f, 'bench-drone-' || (1 + f % 4), now() - make_interval(hours => f * 7),
             now() - make_interval(hours => f * 7) + interval '35 minutes'
        FROM generate_series(1, ${BENCH_FLIGHTS}) f;
      -- 25 photos a flight, one a minute, within ±0.01° (~1 km) of the flight's centre.
      INSERT INTO images (sha256, flight_id, original_name, stored_path, byte_size, width_px, height_px, taken_at, geom,
                          status, attribution, drone_id, department_id)
      SELECT ${sha('j')}, 'bench-flight-' || f, 'DJI_' || lpad(j::text, 4, '0') || '.JPG',
             '/nonexistent/bench/' || j || '.jpg', 8000000, 4000, 3000,
             now() - make_interval(hours => f * 7) + make_interval(mins => (j % ${PHOTOS_PER_FLIGHT})::int),
             ST_SetSRID(ST_MakePoint(cx + ((j::bigint * 37) % 101) / 101.0 * 0.02 - 0.01,
                                     cy + ((j::bigint * 53) % 103) / 103.0 * 0.02 - 0.01), 4326),
             'done', 'given', 'bench-drone-' || (1 + f % 4), CASE WHEN f % 4 < 2 THEN 'bench-dept-a' ELSE 'bench-dept-b' END
        FROM (SELECT j, 1 + (j - 1) / ${PHOTOS_PER_FLIGHT} AS f FROM generate_series(1, ${photos}) j) s,
             LATERAL (SELECT ${centre('f')}) c;
      -- Incidents: 50% straw burning, 30% outfalls, 20% slopes; 60% to review, 15% confirmed, 15% rejected,
      -- 10% auto-filed; confidence 0.30–0.99; within ±0.002° (~200 m) of the photo that found them.
      INSERT INTO incidents (id, class, geom, confidence, first_seen_at, last_seen_at, best_detection_id,
                             detection_count, photo_count, flight_ids, review_state, department_id, reviewed_by,
                             reviewed_at, review_note)
      SELECT 'bench-inc-' || i, cls,
             ST_SetSRID(ST_MakePoint(ST_X(im.geom) + ((i::bigint * 13) % 97) / 97.0 * 0.004 - 0.002,
                                     ST_Y(im.geom) + ((i::bigint * 29) % 89) / 89.0 * 0.004 - 0.002), 4326),
             0.30 + ((i::bigint * 7) % 1000) / 1000.0 * 0.69, im.taken_at, im.taken_at + make_interval(hours => (i % 3) * 7),
             'bench-det-' || i, 1 + i % 3, 1 + i % 3, ARRAY[im.flight_id], st, im.department_id,
             CASE WHEN st IN ('confirmed', 'rejected') THEN 'bench-officer' END,
             CASE WHEN st IN ('confirmed', 'rejected') THEN im.taken_at + interval '1 day' END,
             CASE WHEN st = 'rejected' THEN '烟囱蒸汽 / chimney steam' END
        FROM (SELECT i,
                     (ARRAY['straw_burning','straw_burning','straw_burning','straw_burning','straw_burning',
                            'sewage_outfall','sewage_outfall','sewage_outfall','exposed_slope','exposed_slope'])[1 + (i * 31) % 10] AS cls,
                     CASE WHEN (i * 17) % 20 < 12 THEN 'to_review' WHEN (i * 17) % 20 < 15 THEN 'confirmed'
                          WHEN (i * 17) % 20 < 18 THEN 'rejected' ELSE 'auto_filed' END AS st,
                     ${sha(`(1 + (i::bigint * 7) % ${photos})`)} AS sha
                FROM generate_series(1, ${incidents}) i) s
        JOIN images im ON im.sha256 = s.sha;
      -- Each incident's best detection, on its photo, with a box in the photo's pixel frame.
      INSERT INTO detections (id, image_sha256, class, score, bbox_px, geom, incident_id, model, created_at)
      SELECT 'bench-det-' || substr(n.id, 11), ${sha(`(1 + (substr(n.id, 11)::bigint * 7) % ${photos})`)}, n.class,
             n.confidence, ARRAY[(length(n.id) * 331) % 3800, (ST_X(n.geom) * 1e6)::bigint % 2800, 64, 48]::real[],
             n.geom, n.id, 'bench-model', n.first_seen_at
        FROM incidents n WHERE n.id LIKE 'bench-inc-%';`);
  });
  await db.exec(
    'ANALYZE departments; ANALYZE drones; ANALYZE flights; ANALYZE images; ANALYZE incidents; ANALYZE detections;',
  );
}
