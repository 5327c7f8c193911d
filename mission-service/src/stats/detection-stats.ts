import type { DetectionStats, DetectionStatsRow } from '../contract/stats.ts';
import type { Queryable } from '../db/db.ts';
import { CHINA_OFFSET_MS, DAY_MS } from '../time/china-time.ts';

export type { DetectionStats, DetectionStatsRow };

/** The China-time dates from the day of `from` to the day of the last instant before `to`, in order. */
export function chinaDays(from: Date, to: Date): string[] {
  const first = Math.floor((from.getTime() + CHINA_OFFSET_MS) / DAY_MS);
  const last = Math.floor((to.getTime() - 1 + CHINA_OFFSET_MS) / DAY_MS);
  const out: string[] = [];
  for (let d = first; d <= last; d++) out.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  return out;
}

/**
 * Detections by class per China-time day over [from, to): when the photo was taken (its EXIF time), else when
 * triage stored the detection; the class is the one now (after an officer's correction). Counted with the review
 * outcome of their incident, so the chart tells findings from confirmed cases and false positives.
 */
export async function getDetectionStats(q: Queryable, from: Date, to: Date): Promise<DetectionStats> {
  const r = await q.query<{ day: string; class: DetectionStatsRow['class']; n: string; c: string; x: string }>(
    `SELECT to_char(((coalesce(im.taken_at, d.created_at) AT TIME ZONE 'UTC') + interval '8 hours'), 'YYYY-MM-DD') AS day,
            d.class,
            count(*) AS n,
            count(*) FILTER (WHERE i.review_state IN ('confirmed', 'auto_filed')) AS c,
            count(*) FILTER (WHERE i.review_state = 'rejected') AS x
       FROM detections d
       JOIN images im ON im.sha256 = d.image_sha256
       LEFT JOIN incidents i ON i.id = d.incident_id
      WHERE coalesce(im.taken_at, d.created_at) >= $1 AND coalesce(im.taken_at, d.created_at) < $2
      -- China time is UTC+8 all year (CHINA_OFFSET_MS; as case_stats_day_no in migration 005).
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    [from, to],
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    days: chinaDays(from, to),
    rows: r.rows.map((x) => ({
      day: x.day,
      class: x.class,
      detections: Number(x.n),
      confirmed: Number(x.c),
      rejected: Number(x.x),
    })),
  };
}
