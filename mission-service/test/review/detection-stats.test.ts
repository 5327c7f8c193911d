/**
 * `GET /api/stats/detections`: detections by class per China-time day, by when the photo was taken (else when triage
 * stored them), with the review outcome of their incident; the edges of the period and of China's day hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDays } from '../../src/stats/index.ts';
import { startHarness, type Harness } from '../service/harness.ts';

let h: Harness;
const hex = (n: number) => n.toString(16).padStart(64, '0');

async function photo(n: number, takenAt: string | null): Promise<string> {
  const sha = hex(n);
  await h.t.db.query(
    `INSERT INTO images (sha256, stored_path, byte_size, taken_at, status, created_at)
     VALUES ($1, $2, 1, $3, 'done', '2026-11-20T12:00:00Z')`,
    [sha, `x/${sha}.jpg`, takenAt],
  );
  return sha;
}
async function incident(id: string, cls: string, state: string): Promise<void> {
  await h.t.db.query(
    `INSERT INTO incidents (id, class, geom, confidence, review_state)
     VALUES ($1, $2, ST_SetSRID(ST_MakePoint(119.14, 28.07), 4326), 0.9, $3)`,
    [id, cls, state],
  );
}
let det = 0;
async function detection(sha: string, cls: string, incidentId: string | null): Promise<void> {
  await h.t.db.query(
    `INSERT INTO detections (id, image_sha256, class, score, bbox_px, incident_id, created_at)
     VALUES ($1, $2, $3, 0.8, '{1,2,3,4}', $4, '2026-11-20T12:00:00Z')`,
    [`det-stats-${++det}`, sha, cls, incidentId],
  );
}

beforeAll(async () => {
  h = await startHarness();
  await incident('inc-stats-ok', 'straw_burning', 'confirmed');
  await incident('inc-stats-no', 'straw_burning', 'rejected');
  await incident('inc-stats-wait', 'sewage_outfall', 'to_review');
  // 2026-11-02 15:59 UTC is 23:59 in China (Nov 2); 16:00 UTC is already Nov 3 there.
  const a = await photo(1, '2026-11-02T15:59:00Z');
  const b = await photo(2, '2026-11-02T16:00:00Z');
  const c = await photo(3, null); // no EXIF time: counted on the day triage stored it (Nov 20)
  const d = await photo(4, '2026-10-31T15:59:00Z'); // Oct 31 in China: before the period
  await detection(a, 'straw_burning', 'inc-stats-ok');
  await detection(a, 'straw_burning', 'inc-stats-no');
  await detection(a, 'sewage_outfall', 'inc-stats-wait');
  await detection(b, 'straw_burning', 'inc-stats-ok');
  await detection(c, 'exposed_slope', null);
  await detection(d, 'straw_burning', 'inc-stats-ok');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('detections by class over time', () => {
  it('counts per China-time day and class, with confirmed and rejected', async () => {
    const r = await h.call('GET', '/api/stats/detections?from=2026-11-01&to=2026-11-30', { token: h.tokens.officer });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.days).toHaveLength(30);
    expect(r.body.days[0]).toBe('2026-11-01');
    expect(r.body.days[29]).toBe('2026-11-30');
    expect(r.body.rows).toEqual([
      { day: '2026-11-02', class: 'sewage_outfall', detections: 1, confirmed: 0, rejected: 0 },
      { day: '2026-11-02', class: 'straw_burning', detections: 2, confirmed: 1, rejected: 1 },
      { day: '2026-11-03', class: 'straw_burning', detections: 1, confirmed: 1, rejected: 0 },
      { day: '2026-11-20', class: 'exposed_slope', detections: 1, confirmed: 0, rejected: 0 },
    ]);
  });

  it('is for dispatchers and officers, and refuses a backwards or over-long period', async () => {
    const q = 'from=2026-11-01&to=2026-11-30';
    expect((await h.call('GET', `/api/stats/detections?${q}`, { token: h.tokens.dispatcher })).status).toBe(200);
    expect((await h.call('GET', `/api/stats/detections?${q}`, { token: h.tokens.operator })).status).toBe(403);
    expect((await h.call('GET', `/api/stats/detections?${q}`)).status).toBe(401);
    const back = await h.call('GET', '/api/stats/detections?from=2026-11-30&to=2026-11-01', {
      token: h.tokens.officer,
    });
    expect(back.status).toBe(400);
    const long = await h.call('GET', '/api/stats/detections?from=2024-01-01&to=2026-01-01', {
      token: h.tokens.officer,
    });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('400 days');
  });

  it('lists the China-time days of a period whose edges fall mid-day', () => {
    expect(chinaDays(new Date('2026-11-01T15:00:00Z'), new Date('2026-11-02T16:00:00Z'))).toEqual([
      '2026-11-01',
      '2026-11-02',
    ]);
    expect(chinaDays(new Date('2026-11-01T16:00:00Z'), new Date('2026-11-01T16:00:01Z'))).toEqual(['2026-11-02']);
  });
});
