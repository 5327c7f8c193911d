/**
 * Issue 19.1–19.3 end to end on a real database with the real triage jobs: photos delivered by the simulator's dock
 * (told their flight) or uploaded with a drone or nothing are attributed to their flights; a flight's progress names
 * the planned shots that never came; a fire the model found waits in the review queue (待研判) until an officer
 * confirms it; photos, thumbnails and crops are served over HTTP with authorisation and caching; two fires 172 m
 * apart are two cases, a second detection 30 m away joins the first; a re-inspection covers every incident of its
 * case; a rejection keeps labelled negatives.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Detector } from '@xuncha/triage';
import { deliverPhotos, DockFlights } from '../../../simulator/src/dock/deliver.ts';
import { startTriageJobs, type TriageJobs } from '../../src/jobs/index.ts';
import { startHarness, type Harness } from '../service/harness.ts';
import { scarDetectorManifest, scarDetectorOnnx } from '../../src/testing/scar-model.ts';
import { AWAY, FIRE, LAT0, LON0, OVER_FIRE, shoot, type Shot } from '../jobs/sim-photos.ts';

const START = new Date('2026-10-20T03:00:00Z');
const END = new Date('2026-10-20T03:15:00Z');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pos = (s: Shot): [number, number] => [LON0 + s.dLon, LAT0 + s.dLat];
/** `metres` east of a point, in degrees of longitude at this latitude. */
const east = (m: number) => m / (111_320 * Math.cos((LAT0 * Math.PI) / 180));

let h: Harness;
let jobs: TriageJobs;
let detector: Detector;
let dataDir: string;
let droneA: string;
let droneB: string;
const FLIGHT_A = 'flight-review-a';
const FLIGHT_B = 'flight-review-b';
const photos: Record<string, Buffer> = {};

async function upload(token: string, files: { name: string; bytes: Buffer }[], query = '') {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.bytes)], { type: 'image/jpeg' }), f.name);
  const res = await fetch(`${h.base}/api/images${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { results: Record<string, unknown>[]; error?: unknown } };
}

async function get(token: string | null, url: string, headers: Record<string, string> = {}) {
  return fetch(`${h.base}${url}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-review-'));
  detector = await Detector.create(
    scarDetectorManifest(256),
    scarDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 8 }),
    { size: 1 },
  );
  let enqueue: (sha256: string) => Promise<void> = async () => {};
  h = await startHarness(undefined, { dataDir, enqueueTriage: (s) => enqueue(s) });
  jobs = await startTriageJobs({ db: h.t.db, dataDir, detector, concurrency: 2, pollMs: 100, sweepIntervalMs: 0 });
  enqueue = (s) => jobs.enqueueTriage(s);
  const mk = async (token: string, name: string, port: number) => {
    const r = await h.call('POST', '/api/drones', {
      token,
      body: { name, model: 'm3e', camera: 'm3e-wide', connection: `tcp://127.0.0.1:${port}` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  droneA = await mk(h.tokens.operator, '研判-A', 27901);
  droneB = await mk(h.tokens.otherOperator, '研判-B', 27902);
  // A's sortie was planned with six shots: the three over the fire, the one away from it, and two never taken.
  const far1: [number, number] = [LON0 + 0.003, LAT0];
  const far2: [number, number] = [LON0 + 0.0035, LAT0];
  const planned = [...OVER_FIRE.slice(0, 3).map(pos), pos(AWAY), far1, far2];
  await h.t.db.query(
    `INSERT INTO missions (id, drone_id, state, items, department_id, flight_id, expected_shots)
     VALUES ('mission-review-a', $1, 'completed', '[]', $2, $3, $4)`,
    [droneA, h.departments[0], FLIGHT_A, JSON.stringify(planned)],
  );
  await h.t.db.query(
    `INSERT INTO flights (id, mission_id, drone_id, started_at, ended_at) VALUES
       ($1, 'mission-review-a', $2, $3, $4), ($5, NULL, $6, $3, $4)`,
    [FLIGHT_A, droneA, START, END, FLIGHT_B, droneB],
  );
  // Where each drone was: A over the fire, B five kilometres away.
  for (const s of OVER_FIRE) {
    await h.t.db.query(
      `INSERT INTO telemetry (flight_id, t, geom) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326)),
         ($5, $2, ST_SetSRID(ST_MakePoint($3 + 0.05, $4), 4326))`,
      [FLIGHT_A, new Date(START.getTime() + s.t * 1000), ...pos(s), FLIGHT_B],
    );
  }
  for (const [i, s] of OVER_FIRE.entries()) photos[`over${i}`] = await shoot(s, START, i);
  photos.away = await shoot(AWAY, START, 4);
  photos.lost = await shoot({ ...AWAY, t: 0 }, new Date(START.getTime() - 86_400_000), 5);
  photos.ambiguous = await shoot({ ...OVER_FIRE[3]!, t: 13 }, START, 6);
  // Fires are always reviewed here, whatever the model's score.
  const cat = await h.call('PUT', '/api/categories/straw_burning', {
    token: h.tokens.admin,
    body: { autoFileMinScore: null },
  });
  expect(cat.status, JSON.stringify(cat.body)).toBe(200);
  expect(cat.body).toMatchObject({ autoFileMinScore: null, droneAttachRadiusM: 50, duplicateRadiusM: 250 });
});

afterAll(async () => {
  await jobs?.stop();
  await detector?.close();
  await h?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('photos belong to flights (19.1)', () => {
  it('the dock, told the flight, delivers onto it; a flight of another department is refused, nothing stored', async () => {
    const before = (await h.t.db.query('SELECT count(*)::int AS n FROM images')).rows[0]!.n;
    const refused = await upload(
      h.tokens.otherOperator,
      [{ name: 'x.JPG', bytes: photos.over0! }],
      `?flightId=${FLIGHT_A}`,
    );
    // another department's flight is not there for them
    expect(refused.status).toBe(404);
    expect(
      (await upload(h.tokens.operator, [{ name: 'x.JPG', bytes: photos.over0! }], '?flightId=nowhere')).status,
    ).toBe(404);
    expect((await h.t.db.query('SELECT count(*)::int AS n FROM images')).rows[0]!.n).toBe(before);

    const dockDir = await mkdtemp(path.join(dataDir, 'dock-'));
    for (const i of [0, 1])
      await writeFile(path.join(dockDir, `DJI_20261020110000_000${i + 1}_V1.JPG`), photos[`over${i}`]!);
    const flights = new DockFlights();
    flights.tell(1, { flightId: FLIGHT_A });
    const report = await deliverPhotos({
      photos: dockDir,
      to: { url: `${h.base}/api/images`, token: h.tokens.operator, flights },
    });
    expect(report.failed).toEqual([]);
    expect(report.flights).toEqual([{ sysId: 1, flightId: FLIGHT_A }]);
    const rows = await h.t.db.query<{ flight_id: string; attribution: string; department_id: string }>(
      'SELECT flight_id, attribution, department_id FROM images WHERE sha256 = ANY($1::text[])',
      [[sha(photos.over0!), sha(photos.over1!)]],
    );
    expect(rows.rows).toEqual([
      { flight_id: FLIGHT_A, attribution: 'given', department_id: h.departments[0] },
      { flight_id: FLIGHT_A, attribution: 'given', department_id: h.departments[0] },
    ]);
  });

  it('without a flight: matched by drone and capture time, or by time and track; else kept unattributed and listed', async () => {
    const byDrone = await upload(h.tokens.operator, [{ name: 'o2.JPG', bytes: photos.over2! }], `?droneId=${droneA}`);
    expect(byDrone.body.results[0]).toMatchObject({ status: 'accepted', flightId: FLIGHT_A, attribution: 'matched' });
    // the operator sees only A's flight at that time: the capture time alone is enough
    const byTime = await upload(h.tokens.operator, [{ name: 'away.JPG', bytes: photos.away! }]);
    expect(byTime.body.results[0]).toMatchObject({ flightId: FLIGHT_A, attribution: 'matched' });
    // the admin sees both flights in the air: the track that passed over the photo decides
    const byTrack = await upload(h.tokens.admin, [{ name: 'amb.JPG', bytes: photos.ambiguous! }]);
    expect(byTrack.body.results[0]).toMatchObject({ flightId: FLIGHT_A, attribution: 'matched' });
    // taken a day before any flight
    const lost = await upload(h.tokens.operator, [{ name: 'lost.JPG', bytes: photos.lost! }]);
    expect(lost.body.results[0]).toMatchObject({ status: 'accepted', flightId: null, attribution: 'none' });

    const list = await h.call('GET', '/api/images?attribution=none', { token: h.tokens.operator });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, nextCursor: null });
    expect(list.body.items[0]).toMatchObject({ sha256: sha(photos.lost!), flightId: null, attribution: 'none' });
    expect(list.body.items[0].urls.file).toBe(`/api/images/${sha(photos.lost!)}/file`);
    // another department does not see it
    const other = await h.call('GET', '/api/images?attribution=none', { token: h.tokens.otherOfficer });
    expect(other.body.total).toBe(0);
    const bad = await h.call('GET', '/api/images?attribution=nobody', { token: h.tokens.operator });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject([{ field: 'attribution', in: 'query' }]);
  });

  it("names the shots a flight's plan expected and did not receive", async () => {
    await jobs.whenIdle(120_000);
    const p = await h.call('GET', `/api/flights/${FLIGHT_A}/progress`, { token: h.tokens.operator });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      flightId: FLIGHT_A,
      droneId: droneA,
      missionId: 'mission-review-a',
      // five photos came: four at planned shots, one (taken between shots) at none
      photos: { expected: 6, received: 5, triaged: 5 },
      shots: { planned: 6, received: 4, unmatched: 1, missing: 2, missingShots: [5, 6], missingRanges: '5–6' },
    });
    expect(p.body.shots.summary).toContain('6 planned, 4 received: shots 5–6 missing');
    expect(p.body.incidents.toReview).toBe(1);
  });
});

describe('the review queue (19.2)', () => {
  let fire: string;

  it('keeps the fire waiting for review: no case until an officer decides', async () => {
    const q = await h.call('GET', '/api/incidents?state=to_review', { token: h.tokens.officer });
    expect(q.status).toBe(200);
    expect(q.body.total).toBe(1);
    fire = q.body.items[0].id;
    expect(q.body.items[0]).toMatchObject({ class: 'straw_burning', reviewState: 'to_review', caseId: null });
    expect(q.body.items[0].position.type).toBe('Point');
    expect((await h.t.db.query('SELECT id FROM cases')).rows).toEqual([]);
  });

  it('filters by class, score, flight, area, bbox and time, and pages detections with a total and a cursor', async () => {
    const [lon, lat] = [FIRE.lon, FIRE.lat];
    const n = async (qs: string) =>
      (await h.call('GET', `/api/incidents?${qs}`, { token: h.tokens.officer })).body.total;
    expect(await n('class=straw_burning')).toBe(1);
    expect(await n('class=exposed_slope,sewage_outfall')).toBe(0);
    expect(await n(`bbox=${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}`)).toBe(1);
    expect(await n(`bbox=${lon + 0.01},${lat},${lon + 0.02},${lat + 0.01}`)).toBe(0);
    expect(await n(`flightId=${FLIGHT_A}`)).toBe(1);
    expect(await n(`flightId=${FLIGHT_B}`)).toBe(0);
    expect(await n('minScore=0.0001')).toBe(1);
    // Valid scores too small for a `real` column (the fuzz found a 500 here).
    expect(await n('minScore=1.7890946986830323e-206')).toBe(1);
    expect(await n('maxScore=1e-300')).toBe(0);
    const tiny = await h.call('GET', '/api/detections?minScore=1e-206&maxScore=1', { token: h.tokens.officer });
    expect(tiny.status, JSON.stringify(tiny.body)).toBe(200);
    expect(tiny.body.total).toBeGreaterThanOrEqual(3);
    expect(await n('from=2026-10-20&to=2026-10-20')).toBe(1);
    expect(await n('from=2026-10-21')).toBe(0);
    const area = await h.call('POST', '/api/areas', {
      token: h.tokens.operator,
      body: {
        type: 'Feature',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [lon - 0.001, lat - 0.001],
              [lon + 0.001, lat - 0.001],
              [lon + 0.001, lat + 0.001],
              [lon - 0.001, lat + 0.001],
              [lon - 0.001, lat - 0.001],
            ],
          ],
        },
        properties: { kind: 'farmland', name: '研判测试田' },
      },
    });
    expect(await n(`areaId=${area.body.id}`)).toBe(1);
    const bad = await h.call('GET', '/api/incidents?minScore=2', { token: h.tokens.officer });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query parameter minScore');

    const all = await h.call('GET', `/api/detections?incidentId=${fire}&limit=500`, { token: h.tokens.officer });
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.call(
        'GET',
        `/api/detections?incidentId=${fire}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        {
          token: h.tokens.officer,
        },
      );
      expect(page.body.total).toBe(all.body.total);
      seen.push(...page.body.items.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((d: { id: string }) => d.id));
    const badCursor = await h.call('GET', '/api/detections?cursor=bm9wZQ', { token: h.tokens.officer });
    expect(badCursor.status).toBe(400);
    // Right shape, forged time: refused at the edge, never a database cast error.
    for (const key of [
      ['tomorrow', 'det_x'],
      ['2026-13-45 99:99:99+00', 'det_x'],
      ['2026-11-01 10:00:00+00', 5],
    ]) {
      const forged = Buffer.from(JSON.stringify(key)).toString('base64url');
      for (const list of ['detections', 'incidents', 'images']) {
        const r = await h.call('GET', `/api/${list}?cursor=${forged}`, { token: h.tokens.officer });
        expect(r.status, `${list} ${JSON.stringify(key)}`).toBe(400);
        expect(r.body.error.details[0].field).toBe('cursor');
      }
    }
  });

  it('shows an incident with its detections, boxes and URLs, never a path on the server; hidden from other departments', async () => {
    const r = await h.call('GET', `/api/incidents/${fire}`, { token: h.tokens.officer });
    expect(r.status).toBe(200);
    expect(r.body.detections.length).toBeGreaterThanOrEqual(3);
    const d = r.body.detections[0];
    expect(d.bboxPx).toHaveLength(4);
    expect(d).toMatchObject({ imageWidthPx: 800, imageHeightPx: 600, class: 'straw_burning', label: null });
    expect(d.urls).toEqual({
      image: `/api/images/${d.imageSha256}/file`,
      thumbnail: `/api/images/${d.imageSha256}/thumbnail`,
      crop: `/api/detections/${d.id}/crop`,
    });
    expect(JSON.stringify(r.body)).not.toContain(dataDir);
    expect((await h.call('GET', `/api/incidents/${fire}`, { token: h.tokens.otherOfficer })).status).toBe(404);
    const list = await h.call('GET', '/api/incidents', { token: h.tokens.otherOfficer });
    expect(list.body.total).toBe(0);
    expect((await h.call('GET', `/api/incidents/${fire}`)).status).toBe(401);
  });

  it('serves photos, thumbnails and crops with authorisation and caching', async () => {
    const s = sha(photos.over0!);
    const file = await get(h.tokens.officer, `/api/images/${s}/file`);
    expect(file.status).toBe(200);
    expect(sha(new Uint8Array(await file.arrayBuffer()))).toBe(s);
    expect(file.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const thumb = await get(h.tokens.officer, `/api/images/${s}/thumbnail?size=256`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(256);
    const etag = thumb.headers.get('etag')!;
    expect((await get(h.tokens.officer, `/api/images/${s}/thumbnail?size=256`, { 'if-none-match': etag })).status).toBe(
      304,
    );
    expect((await get(h.tokens.officer, `/api/images/${s}/thumbnail?size=300`)).status).toBe(400);
    const det = (await h.call('GET', `/api/detections?imageSha256=${s}`, { token: h.tokens.officer })).body.items[0];
    const crop = await get(h.tokens.officer, det.urls.crop);
    expect(crop.status).toBe(200);
    expect((await sharp(Buffer.from(await crop.arrayBuffer())).metadata()).format).toBe('jpeg');
    for (const url of [`/api/images/${s}/file`, `/api/images/${s}/thumbnail`, det.urls.crop]) {
      expect((await get(h.tokens.otherOfficer, url)).status, url).toBe(404);
      expect((await get(null, url)).status, url).toBe(401);
    }
  });

  it('puts an unattributed photo on its flight by hand, once', async () => {
    const s = sha(photos.lost!);
    const r = await h.call('POST', `/api/images/${s}/attribution`, {
      token: h.tokens.operator,
      body: { flightId: FLIGHT_A },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ flightId: FLIGHT_A, attribution: 'given' });
    const again = await h.call('POST', `/api/images/${s}/attribution`, {
      token: h.tokens.operator,
      body: { flightId: FLIGHT_A },
    });
    expect(again.status).toBe(409);
    const audit = await h.call('GET', `/api/audit?objectKind=image&objectId=${s}`, { token: h.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('image.attribute');
  });

  /** An incident beside the fire, `m` metres east, found on photo over0 (as the merge job would write it). */
  async function incidentBeside(id: string, cls: string, m: number): Promise<void> {
    await h.t.db.query(
      `INSERT INTO incidents (id, class, geom, confidence, best_detection_id, detection_count, photo_count, flight_ids,
                              department_id, first_seen_at, last_seen_at)
       VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), 0.7, $5, 1, 1, $6, $7, $8, $8)`,
      [id, cls, FIRE.lon + east(m), FIRE.lat, `det_${id}`, [FLIGHT_A], h.departments[0], START],
    );
    await h.t.db.query(
      `INSERT INTO detections (id, image_sha256, class, score, bbox_px, geom, incident_id, model)
       VALUES ($1, $2, $3, 0.7, '{10,20,30,40}', ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, 'scar')`,
      [`det_${id}`, sha(photos.over0!), cls, FIRE.lon + east(m), FIRE.lat, id],
    );
  }

  let fireCase: string;

  it('confirm files the case; a fire 172 m away is a second case, one 30 m away joins the first', async () => {
    await incidentBeside('inc_far', 'straw_burning', 172);
    await incidentBeside('inc_near', 'straw_burning', 30);
    expect(
      (await h.call('POST', `/api/incidents/${fire}/confirm`, { token: h.tokens.operator, body: {} })).status,
    ).toBe(403);
    const c1 = await h.call('POST', `/api/incidents/${fire}/confirm`, {
      token: h.tokens.officer,
      body: { note: '确认' },
    });
    expect(c1.status, JSON.stringify(c1.body)).toBe(201);
    expect(c1.body).toMatchObject({ outcome: 'created', incident: { reviewState: 'confirmed' } });
    fireCase = c1.body.caseId;
    const again = await h.call('POST', `/api/incidents/${fire}/confirm`, { token: h.tokens.officer, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_reviewed', details: { caseId: fireCase } });

    const far = await h.call('POST', '/api/incidents/inc_far/confirm', { token: h.tokens.officer, body: {} });
    expect(far.body.outcome).toBe('created');
    expect(far.body.caseId).not.toBe(fireCase);
    const near = await h.call('POST', '/api/incidents/inc_near/confirm', { token: h.tokens.officer, body: {} });
    expect(near.status).toBe(200);
    expect(near.body).toMatchObject({ outcome: 'attached', caseId: fireCase });

    const c = await h.call('GET', `/api/cases/${fireCase}`, { token: h.tokens.dispatcher });
    expect(c.body.incidents.map((i: { id: string }) => i.id)).toEqual([fire, 'inc_near']);
    for (const i of c.body.incidents) {
      expect(i.position.type).toBe('Point');
      expect(i.detections.length).toBeGreaterThan(0);
      expect(i.detections[0].bboxPx).toHaveLength(4);
    }
    expect(c.body.case.evidence.cropUrl).toMatch(/^\/api\/detections\/det_\w+\/crop$/);
    expect(JSON.stringify(c.body)).not.toContain(dataDir);
    const labels = await h.t.db.query<{ label: string }>(
      'SELECT DISTINCT label FROM detection_labels WHERE incident_id = $1',
      [fire],
    );
    expect(labels.rows).toEqual([{ label: 'positive' }]);
  });

  it('a re-inspection covers every incident of the case', async () => {
    const step = async (action: string, extra: Record<string, unknown> = {}) => {
      const r = await h.call('POST', `/api/cases/${fireCase}/transitions`, {
        token: h.tokens.admin,
        body: { action, ...extra },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    await step('accept');
    await step('dispatch');
    await step('start');
    const resolved = await step('resolve', { requestReinspection: true });
    const inside = await h.t.db.query<{ id: string }>(
      `SELECT n.id FROM reinspections r JOIN incidents n ON ST_Contains(r.survey_polygon, n.geom)
        WHERE r.id = $1 ORDER BY n.id`,
      [resolved.reinspectionId],
    );
    expect(inside.rows.map((r) => r.id).sort()).toEqual([fire, 'inc_near'].sort());
  });

  it('change class keeps the model class; reject keeps labelled negatives with the reason', async () => {
    await incidentBeside('inc_outfall', 'sewage_outfall', 600);
    const ch = await h.call('POST', '/api/incidents/inc_outfall/class', {
      token: h.tokens.officer,
      body: { class: 'exposed_slope' },
    });
    expect(ch.status).toBe(200);
    expect(ch.body.incident).toMatchObject({
      class: 'exposed_slope',
      originalClass: 'sewage_outfall',
      reviewState: 'to_review',
    });
    const noReason = await h.call('POST', '/api/incidents/inc_outfall/reject', { token: h.tokens.officer, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toBe('reason');
    const rej = await h.call('POST', '/api/incidents/inc_outfall/reject', {
      token: h.tokens.officer,
      body: { reason: 'false_positive', note: '是阴影 / a shadow' },
    });
    expect(rej.body).toMatchObject({ outcome: 'rejected', incident: { reviewState: 'rejected' } });
    const l = await h.t.db.query(
      'SELECT label, class, model_class, reason FROM detection_labels WHERE incident_id = $1',
      ['inc_outfall'],
    );
    expect(l.rows).toEqual([
      {
        label: 'negative',
        class: 'exposed_slope',
        model_class: 'sewage_outfall',
        reason: 'false_positive: 是阴影 / a shadow',
      },
    ]);
    const d = await h.call('GET', '/api/detections?label=negative', { token: h.tokens.officer });
    expect(d.body.items.map((x: { id: string }) => x.id)).toEqual(['det_inc_outfall']);
    expect(
      (await h.call('POST', '/api/incidents/inc_outfall/confirm', { token: h.tokens.officer, body: {} })).status,
    ).toBe(409);
  });

  it('rejecting a drone case rejects its incidents as labelled negatives too', async () => {
    const far = (await h.call('GET', '/api/incidents/inc_far', { token: h.tokens.officer })).body;
    const r = await h.call('POST', `/api/cases/${far.caseId}/transitions`, {
      token: h.tokens.dispatcher,
      body: { action: 'reject', note: '误报 / not a fire' },
    });
    expect(r.status).toBe(200);
    const after = (await h.call('GET', '/api/incidents/inc_far', { token: h.tokens.officer })).body;
    expect(after.reviewState).toBe('rejected');
    const l = await h.t.db.query('SELECT label FROM detection_labels WHERE incident_id = $1 ORDER BY id', ['inc_far']);
    expect(l.rows.map((x) => x.label)).toEqual(['positive', 'negative']);
  });
});

/**
 * The contract walk: every JSON GET operation of `openapi.json` that this scenario can reach (a path without
 * parameters, or one whose `{id}` / `{sha256}` the list above it names; none with a required query) is called on the live server, and its
 * answer is checked against the response schema the document gives — read back from the document itself.
 */
describe('openapi.json against the live server (19 contract)', () => {
  type Op = {
    parameters?: { in: string; required: boolean }[];
    responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  };
  it('every reachable JSON read answers the shape its document names', async () => {
    const doc = (await (await get(null, '/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, Op>>;
      components: { schemas: Record<string, object> };
    };
    const validator = (s: { $ref?: string }) => {
      const resolved = s.$ref ? doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]! : s;
      return z.fromJSONSchema(resolved as never, { defaultTarget: 'openapi-3.0' });
    };
    const firstIds = new Map<string, string>();
    const checked: string[] = [];
    const mismatches: string[] = [];
    // Lists first (they name the ids of their items), then the reads of one object.
    const paths = Object.keys(doc.paths)
      .filter((p) => p.startsWith('/') && !p.startsWith('/open311'))
      .sort((a, b) => a.split('{').length - b.split('{').length || a.localeCompare(b));
    for (const p of paths) {
      const op = doc.paths[p]!.get;
      const ok = op?.responses['200']?.content;
      const media = ok && Object.keys(ok).find((m) => m === 'application/json' || m === 'application/geo+json');
      // Reads that need a query parameter (a statistics period) are exercised by their own tests.
      if (!op || !ok || !media || op.parameters?.some((x) => x.in === 'query' && x.required)) continue;
      const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      let url = p;
      if (params.length === 1 && (params[0] === 'id' || params[0] === 'sha256')) {
        const id = firstIds.get(p.slice(0, p.indexOf('/{')));
        if (!id) continue;
        url = p.replace(/\{\w+\}/, encodeURIComponent(id));
      } else if (params.length) continue;
      const res = await get(h.tokens.admin, `/api${url}`);
      if (res.status !== 200) {
        mismatches.push(`GET ${url}: status ${res.status}`);
        continue;
      }
      const body = (await res.json()) as { items?: { id?: string; sha256?: string }[] };
      const parsed = validator(ok[media]!.schema).safeParse(body);
      if (!parsed.success)
        mismatches.push(`GET ${url}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.message}`);
      checked.push(`GET ${p}`);
      const first = body.items?.[0];
      if (first && !p.includes('{')) firstIds.set(p, (first.id ?? first.sha256)!);
    }
    expect(mismatches).toEqual([]);
    // The scenario reaches the review queue, photos, flights, cases and the admin lists.
    for (const must of ['/incidents/{id}', '/detections/{id}', '/images/{sha256}', '/cases/{id}', '/drones/{id}'])
      expect(checked).toContain(`GET ${must}`);
    expect(checked.length).toBeGreaterThanOrEqual(30);
  });
});
