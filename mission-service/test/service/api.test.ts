import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFolder } from '../../src/cli/commands/ingest.ts';
import { diskImageStore } from '../../src/ingest/image-store.ts';
import { ingestImage } from '../../src/ingest/ingest-image.ts';
import { syntheticPhoto } from '@xuncha/triage/testing';
import { startHarness, type Harness } from './harness.ts';

// DJI-style photos written by triage's test writer: a JPEG with EXIF and drone-dji XMP, and the same as TIFF.
const photo = {
  widthPx: 320,
  heightPx: 240,
  rects: [{ x: 40, y: 30, width: 90, height: 60, colour: '#c0392b' }],
  gps: { lat: 28.0607, lon: 119.1114, altAmslM: 312 },
  pose: { altRelM: 120, gimbalPitchDeg: -90, gimbalYawDeg: 12 },
  dateTimeOriginal: '2026:05:06 10:31:00',
};
const jpeg = await syntheticPhoto(photo);
const tiff = await syntheticPhoto({ ...photo, format: 'tiff' });

const square = (lon: number, lat: number, d = 0.002): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});

describe('mission service API', () => {
  let h: Harness;
  let dataDir: string;
  const triaged: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-api-'));
    h = await startHarness(undefined, { dataDir, enqueueTriage: async (sha) => void triaged.push(sha) });
  });
  afterAll(async () => {
    await h?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('areas', () => {
    it('creates, lists by bbox, and keeps SQL metacharacters as data', async () => {
      const name = `Robert'); DROP TABLE areas;-- 稻田 "x" \\ %`;
      const r = await h.call('POST', '/api/areas', {
        token: h.tokens.operator,
        body: { type: 'Feature', geometry: square(100.5, 20.5), properties: { kind: 'farmland', name, crop: '水稻' } },
      });
      expect(r.status).toBe(201);
      expect(r.body.properties).toMatchObject({ name, kind: 'farmland', departmentId: h.departments[0], crop: '水稻' });
      const near = await h.call('GET', '/api/areas?kind=farmland&bbox=100.4,20.4,100.6,20.6', {
        token: h.tokens.officer,
      });
      expect(near.body.features.map((f: { id: string }) => f.id)).toEqual([r.body.id]);
      const far = await h.call('GET', '/api/areas?bbox=100.7,20.7,100.8,20.8', { token: h.tokens.officer });
      expect(far.body.features).toEqual([]);
      const bad = await h.call('GET', '/api/areas?bbox=1,2,3', { token: h.tokens.officer });
      expect(bad.status).toBe(400);
    });

    it('rejects invalid geometry, wrong kinds, missing fields and huge bodies with a clear 4xx', async () => {
      const post = (body: unknown) => h.call('POST', '/api/areas', { token: h.tokens.operator, body });
      const bowtie = {
        type: 'Polygon',
        coordinates: [
          [
            [100, 20],
            [100.01, 20.01],
            [100.01, 20],
            [100, 20.01],
            [100, 20],
          ],
        ],
      };
      const r1 = await post({ type: 'Feature', geometry: bowtie, properties: { kind: 'farmland', name: 'x' } });
      expect(r1.status).toBe(400);
      expect(r1.body.error.code).toBe('invalid_geometry');
      expect(r1.body.error.message).toMatch(/geometry/);
      const r2 = await post({
        type: 'Feature',
        geometry: square(100, 20),
        properties: { kind: 'river', name: 'x', halfWidthM: 5 },
      });
      expect(r2.body.error.message).toMatch(/LineString/);
      const r3 = await h.call('POST', '/api/areas', {
        token: h.tokens.admin,
        body: { type: 'Feature', geometry: square(100, 20), properties: { kind: 'nofly', name: 'x' } },
      });
      expect(r3.status).toBe(400);
      expect(r3.body.error.message).toMatch(/reason/);
      const r4 = await post({
        type: 'Feature',
        geometry: square(200, 20),
        properties: { kind: 'farmland', name: 'x' },
      });
      expect(r4.status).toBe(400);
      const ring = Array.from({ length: 60_001 }, (_, i) => [100 + Math.cos(i) * 0.01, 20 + Math.sin(i) * 0.01]);
      const r5 = await post({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: { kind: 'farmland', name: 'x' },
      });
      expect(r5.status).toBe(413);
      expect(r5.body.error.code).toBe('too_many_vertices');
      const huge = `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[${'[100.123456,20.123456],'.repeat(300_000)}[1,2]]]}}`;
      const r6 = await h.call('POST', '/api/areas', { token: h.tokens.operator, body: huge });
      expect(r6.status).toBe(413);
      const r7 = await h.call('POST', '/api/areas', { token: h.tokens.operator, body: '{"type":' });
      expect(r7.status).toBe(400);
      const r8 = await post({
        type: 'Feature',
        geometry: square(100, 20),
        properties: { kind: 'jurisdiction', name: 'x' },
      });
      expect(r8.status).toBe(403);
    });

    it('imports all or nothing, and reads KML', async () => {
      const before = (await h.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas')).rows[0]!.n;
      const good = {
        type: 'Feature',
        id: 'imp-ok',
        geometry: square(101, 21),
        properties: { kind: 'hillside', name: '山' },
      };
      const bad = { type: 'Feature', geometry: square(101, 21), properties: { kind: 'hillside' } };
      const r = await h.call('POST', '/api/areas/import', {
        token: h.tokens.operator,
        body: { type: 'FeatureCollection', features: [good, bad] },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/features\[1\]/);
      expect((await h.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas')).rows[0]!.n).toBe(before);
      const kml = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>坡地一</name>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>101.1,21.1 101.102,21.1 101.102,21.102 101.1,21.102 101.1,21.1</coordinates></LinearRing></outerBoundaryIs></Polygon>
        </Placemark></Document></kml>`;
      const k = await h.call('POST', '/api/areas/import?kind=hillside', {
        token: h.tokens.operator,
        body: kml,
        headers: { 'content-type': 'application/vnd.google-earth.kml+xml' },
      });
      expect(k.status, JSON.stringify(k.body)).toBe(201);
      expect(k.body.imported).toBe(1);
      const got = await h.call('GET', `/api/areas/${k.body.ids[0]}`, { token: h.tokens.officer });
      expect(got.body.properties).toMatchObject({ kind: 'hillside', name: '坡地一' });
    });

    it("does not let one department change another's area", async () => {
      const r = await h.call('POST', '/api/areas', {
        token: h.tokens.operator,
        body: { type: 'Feature', geometry: square(102, 22), properties: { kind: 'hillside', name: 'A 部门' } },
      });
      const id = r.body.id as string;
      const body = { type: 'Feature', geometry: square(102, 22.1), properties: { kind: 'hillside', name: 'hijack' } };
      // Another department's area is hidden: 404, as if it did not exist.
      expect((await h.call('PUT', `/api/areas/${id}`, { token: h.tokens.otherOperator, body })).status).toBe(404);
      expect((await h.call('DELETE', `/api/areas/${id}`, { token: h.tokens.otherOperator })).status).toBe(404);
      expect((await h.call('GET', `/api/areas/${id}`, { token: h.tokens.operator })).body.properties.name).toBe(
        'A 部门',
      );
      expect((await h.call('DELETE', `/api/areas/${id}`, { token: h.tokens.admin })).status).toBe(204);
    });
  });

  describe('drones, plans, schedules and missions', () => {
    let droneId: string;
    let planId: string;
    let areaId: string;

    it('registers drones without ever returning the signing key', async () => {
      const key = 'ab'.repeat(32);
      const r = await h.call('POST', '/api/drones', {
        token: h.tokens.operator,
        body: {
          name: '巡查一号',
          model: 'm3e',
          camera: 'm3e-wide',
          connection: 'udpin://127.0.0.1:14541',
          signingKey: key,
        },
      });
      expect(r.status).toBe(201);
      droneId = r.body.id;
      expect(r.body).toMatchObject({
        hasSigningKey: true,
        departmentId: h.departments[0],
        status: { connected: false },
      });
      expect(JSON.stringify(r.body)).not.toContain(key);
      const bad = await h.call('POST', '/api/drones', {
        token: h.tokens.operator,
        body: { name: 'x', model: 'm', camera: 'c', connection: 'http://evil/;rm -rf' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/connection/);
      expect((await h.call('GET', `/api/drones/${droneId}`, { token: h.tokens.otherOperator })).status).toBe(404);
      const list = await h.call('GET', '/api/drones', { token: h.tokens.otherOperator });
      expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(droneId);
      const dup = await h.call('POST', '/api/drones', {
        token: h.tokens.operator,
        body: { name: '巡查一号', model: 'm', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:5760' },
      });
      expect(dup.status).toBe(409);
    });

    it('plans a survey with geodata, exports it, and re-plans when its area changes', async () => {
      const a = await h.call('POST', '/api/areas', {
        token: h.tokens.operator,
        body: {
          type: 'Feature',
          geometry: square(119.14, 28.07, 0.003),
          properties: { kind: 'farmland', name: '测试田' },
        },
      });
      areaId = a.body.id;
      const r = await h.call('POST', '/api/plans', {
        token: h.tokens.operator,
        body: { name: '测试计划', pattern: 'survey', areaIds: [areaId], params: { altAglM: 80 }, droneId },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      planId = r.body.id;
      expect(r.body.sortieCount).toBeGreaterThan(0);
      expect(r.body.document.sorties[0].items.length).toBeGreaterThan(2);
      expect(r.body.revision).toBe(1);
      const plan = await h.call('GET', `/api/plans/${planId}/export?format=plan`, { token: h.tokens.officer });
      expect(plan.status).toBe(200);
      expect(plan.body.fileType).toBe('Plan');
      expect(plan.headers.get('content-disposition')).toMatch(/\.plan"/);
      const gj = await h.call('GET', `/api/plans/${planId}/export?format=geojson`, { token: h.tokens.officer });
      expect(gj.body.features[0].geometry.type).toBe('LineString');
      expect((await h.call('GET', `/api/plans/${planId}`, { token: h.tokens.otherOfficer })).status).toBe(404);
      const wrong = await h.call('POST', '/api/plans', {
        token: h.tokens.operator,
        body: { name: 'x', pattern: 'corridor', areaIds: [areaId] },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('wrong_area_kind');
      const put = await h.call('PUT', `/api/areas/${areaId}`, {
        token: h.tokens.operator,
        body: {
          type: 'Feature',
          geometry: square(119.14, 28.07, 0.004),
          properties: { kind: 'farmland', name: '测试田' },
        },
      });
      expect(put.status).toBe(200);
      const after = await h.call('GET', `/api/plans/${planId}`, { token: h.tokens.operator });
      expect(after.body.revision).toBe(2);
      expect(after.body.staleReason).toBeNull();
      expect((await h.call('DELETE', `/api/areas/${areaId}`, { token: h.tokens.operator })).status).toBe(409);
    });

    it("assigns new drones, areas and plans to the caller's department; only dispatchers and admins name another", async () => {
      const [own, other] = h.departments;
      const drone = (departmentId: string | null) => ({
        name: `部门测试-${departmentId}`,
        model: 'm3e',
        camera: 'm3e-wide',
        connection: 'tcp://127.0.0.1:5761',
        departmentId,
      });
      const area = (departmentId: string | null) => ({
        type: 'Feature',
        geometry: square(119.2, 28.1),
        properties: { kind: 'farmland', name: '部门测试田', departmentId },
      });
      const plan = (departmentId: string | null) => ({
        name: '部门测试',
        pattern: 'survey',
        areaIds: [areaId],
        departmentId,
      });
      for (const [path, body] of [
        ['/api/drones', drone],
        ['/api/areas', area],
        ['/api/plans', plan],
      ] as const) {
        const refused = await h.call('POST', path, { token: h.tokens.operator, body: body(other) });
        expect(refused.status, path).toBe(403);
        expect(refused.body.error.code, path).toBe('forbidden_department');
        expect((await h.call('POST', path, { token: h.tokens.operator, body: body(null) })).status, path).toBe(403);
        const mine = await h.call('POST', path, { token: h.tokens.operator, body: body(own) });
        expect(mine.status, path).toBe(201);
        const dispatched = await h.call('POST', path, { token: h.tokens.admin, body: body(other) });
        expect(dispatched.status, path).toBe(201);
        const ids = [mine.body.id, dispatched.body.id];
        const got = await Promise.all(ids.map((id) => h.call('GET', `${path}/${id}`, { token: h.tokens.admin })));
        const deptOf = (b: { departmentId?: string; properties?: { departmentId?: string } }) =>
          b.departmentId ?? b.properties?.departmentId;
        expect(
          got.map((g) => deptOf(g.body)),
          path,
        ).toEqual([own, other]);
      }
    });

    it('schedules weekly patrols in Asia/Shanghai, pauses and resumes', async () => {
      const post = (body: Record<string, unknown>) =>
        h.call('POST', '/api/schedules', { token: h.tokens.operator, body });
      const base = {
        name: '每周巡查',
        planId,
        droneIds: [droneId],
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
        dtstart: '2030-01-07T09:00',
      };
      const r = await post(base);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.next.slice(0, 2)).toEqual(['2030-01-07T01:00:00.000Z', '2030-01-10T01:00:00.000Z']);
      const id = r.body.id as string;
      const next = await h.call('GET', `/api/schedules/${id}/next?count=4`, { token: h.tokens.officer });
      expect(next.body.next).toHaveLength(4);
      expect((await h.call('POST', `/api/schedules/${id}/pause`, { token: h.tokens.operator })).body.paused).toBe(true);
      expect((await h.call('GET', `/api/schedules/${id}`, { token: h.tokens.operator })).body.next).toEqual([]);
      expect(
        (await h.call('POST', `/api/schedules/${id}/resume`, { token: h.tokens.operator })).body.next,
      ).toHaveLength(5);
      expect((await h.call('POST', `/api/schedules/${id}/pause`, { token: h.tokens.otherOperator })).status).toBe(404);
      for (const [bad, code] of [
        [{ rrule: 'FREQ=SECONDLY' }, 'invalid_rrule'],
        [{ rrule: 'FREQ=WEEKLY;X-EVIL=1' }, 'invalid_rrule'],
        [{ timezone: 'Mars/Olympus' }, 'invalid_input'],
        [{ dtstart: '2030-13-45T99:00' }, 'invalid_input'],
        [{ rrule: 'FREQ=DAILY;COUNT=1', dtstart: '2000-01-01T09:00' }, 'no_occurrences'],
        [{ droneIds: ['nope'] }, 'unknown_drone'],
      ] as const) {
        const res = await post({ ...base, ...bad });
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(res.body.error.code).toBe(code);
      }
    });

    it("lists a calendar week's occurrences however often the rule fires, and refuses a bad window", async () => {
      const r = await h.call('POST', '/api/schedules', {
        token: h.tokens.operator,
        body: {
          name: '每小时巡查',
          planId,
          droneIds: [droneId],
          rrule: 'FREQ=HOURLY;BYMINUTE=40',
          dtstart: '2030-01-01T00:40',
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const next = (query: string) =>
        h.call('GET', `/api/schedules/${r.body.id}/next?${query}`, { token: h.tokens.officer });
      // Dates are China time and both included: Monday 00:00 to Sunday 24:00 (UTC+8) holds 7 × 24 occurrences.
      const week = await next('from=2030-01-07&to=2030-01-13');
      expect(week.status, JSON.stringify(week.body)).toBe(200);
      expect(week.body.truncated).toBe(false);
      expect(week.body.next).toHaveLength(168);
      expect(week.body.next[0]).toBe('2030-01-06T16:40:00.000Z');
      expect(week.body.next.at(-1)).toBe('2030-01-13T15:40:00.000Z');
      // Date-times: `from` included, `to` excluded.
      const hour = await next('from=2030-01-07T08:40:00%2B08:00&to=2030-01-07T10:40:00%2B08:00');
      expect(hour.body.next).toEqual(['2030-01-07T00:40:00.000Z', '2030-01-07T01:40:00.000Z']);
      // Only what is still to come: a window in the past is empty.
      expect((await next('from=2020-01-06&to=2020-01-12')).body.next).toEqual([]);
      // Without a window, `count` as before.
      expect((await next('count=3')).body.next).toHaveLength(3);

      const dense = await h.call('POST', '/api/schedules', {
        token: h.tokens.operator,
        body: {
          name: '半小时',
          planId,
          droneIds: [droneId],
          rrule: 'FREQ=HOURLY;BYMINUTE=0,30',
          dtstart: '2030-01-01T00:00',
        },
      });
      const full = await h.call('GET', `/api/schedules/${dense.body.id}/next?from=2030-01-01&to=2030-02-11`, {
        token: h.tokens.officer,
      });
      expect(full.status, JSON.stringify(full.body)).toBe(200);
      expect(full.body).toMatchObject({ truncated: true });
      expect(full.body.next).toHaveLength(2000);

      for (const [bad, field] of [
        ['from=2030-01-07', 'to'],
        ['to=2030-01-13', 'to'],
        ['from=2030-01-13&to=2030-01-07', 'from'],
        ['from=2030-01-01&to=2030-02-12', 'to'],
        ['from=2030-01-07&to=next-week', 'to'],
        ['form=2030-01-07&to=2030-01-13', ''],
      ] as const) {
        const res = await next(bad);
        expect(res.status, bad).toBe(400);
        expect(res.body.error.code, bad).toBe('invalid_input');
        if (field) expect(JSON.stringify(res.body.error), bad).toContain(field);
      }
    });

    it('instantiates a mission and moves it only through allowed states', async () => {
      const r = await h.call('POST', '/api/missions', {
        token: h.tokens.operator,
        body: { planId, droneId, sortieIndex: 0 },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ state: 'planned', droneId, lastReachedSeq: null });
      const id = r.body.id as string;
      const up = await h.call('POST', `/api/missions/${id}/upload`, { token: h.tokens.operator });
      expect(up.status).toBe(409);
      expect(up.body.error.code).toBe('drone_offline');
      const start = await h.call('POST', `/api/missions/${id}/start`, { token: h.tokens.operator });
      expect(start.body.error?.code, JSON.stringify(start.body)).toBe('invalid_state');
      expect((await h.call('POST', `/api/missions/${id}/dance`, { token: h.tokens.operator })).status).toBe(404);
      expect((await h.call('POST', `/api/missions/${id}/abort`, { token: h.tokens.otherOperator })).status).toBe(404);
      const busy = await h.t.db.query(`UPDATE missions SET state = 'flying' WHERE id = $1`, [id]);
      expect(busy.affectedRows).toBe(1);
      const again = await h.call('POST', '/api/missions', { token: h.tokens.operator, body: { planId, droneId } });
      expect(again.body.error.code).toBe('drone_busy');
      await h.t.db.query(`UPDATE missions SET state = 'planned' WHERE id = $1`, [id]);
      const ab = await h.call('POST', `/api/missions/${id}/abort`, { token: h.tokens.operator });
      expect(ab.body).toMatchObject({ state: 'failed' });
      expect(ab.body.error).toMatch(/aborted by t-operator/);
      expect((await h.call('POST', `/api/missions/${id}/abort`, { token: h.tokens.operator })).status).toBe(409);
    });
  });

  describe('imagery ingest', () => {
    async function upload(files: { name: string; bytes: Uint8Array }[], query = '') {
      const form = new FormData();
      for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
      const res = await fetch(`${h.base}/api/images${query}`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${h.tokens.operator}` },
      });
      return { status: res.status, body: (await res.json()) as Awaited<ReturnType<Harness['call']>>['body'] };
    }

    it('accepts, deduplicates and rejects per file, by content, storing under images/ab/cd', async () => {
      const r = await upload([
        { name: '../../../etc/passwd.jpg', bytes: jpeg },
        { name: 'again.jpg', bytes: jpeg },
        { name: 'photo.jpg', bytes: tiff },
        { name: 'cut.jpg', bytes: jpeg.subarray(0, jpeg.length >> 1) },
        { name: 'fake.jpg', bytes: Buffer.from('<?php system($_GET[1]); ?>') },
      ]);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
        'accepted',
        'duplicate',
        'rejected',
        'rejected',
        'rejected',
      ]);
      expect(r.body.results[0].name).toBe('passwd.jpg');
      expect(r.body.results[2].reason).toMatch(/tiff/);
      expect(r.body.results[3].reason).toMatch(/corrupt/);
      const sha = r.body.results[0].sha256 as string;
      expect(existsSync(path.join(dataDir, 'images', sha.slice(0, 2), sha.slice(2, 4), `${sha}.jpg`))).toBe(true);
      expect(await readdir(dataDir)).toEqual(['images']);
      const row = await h.t.db.query<{ status: string; original_name: string; taken: string }>(
        `SELECT status, original_name, to_char(taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS taken
         FROM images WHERE sha256 = $1`,
        [sha],
      );
      // Shot at 10:31 Beijing time (no EXIF offset: read in the default zone, Asia/Shanghai): 02:31 UTC.
      expect(row.rows).toEqual([{ status: 'queued', original_name: 'passwd.jpg', taken: '2026-05-06T02:31' }]);
      expect(triaged).toEqual([sha]);
      const meta = await h.call('GET', `/api/images/${sha}`, { token: h.tokens.officer });
      expect(meta.body).toMatchObject({ widthPx: expect.any(Number), status: 'queued' });
    });

    it('refuses non-multipart bodies, unknown flights and images over the pixel limit', async () => {
      expect((await h.call('POST', '/api/images', { token: h.tokens.operator, body: { a: 1 } })).status).toBe(415);
      expect((await upload([{ name: 'a.jpg', bytes: jpeg }], '?flightId=nope')).status).toBe(404);
      expect((await upload([{ name: 'a.jpg', bytes: jpeg }], '?flightId=..%2F..%2Fetc')).status).toBe(400);
      const store = diskImageStore(dataDir);
      const r = await ingestImage(
        { db: h.t.db, store, maxPixels: 1000 },
        { name: 'big.jpg', bytes: Buffer.concat([jpeg, Buffer.from([0])]), flightId: null },
      );
      expect(r).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/pixels/) });
    });

    it('imports a folder from the CLI without following links', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-ingest-'));
      await mkdir(path.join(dir, 'sub'));
      await writeFile(path.join(dir, 'sub', 'b.jpg'), Buffer.concat([jpeg, Buffer.from([1, 2])]));
      await writeFile(path.join(dir, 'notes.txt'), 'hello');
      await symlink('/etc/hostname', path.join(dir, 'link.jpg'));
      const results = await ingestFolder(h.t.db, dataDir, dir, null);
      expect(results.map((x) => [x.name, x.status])).toEqual([
        ['notes.txt', 'rejected'],
        [path.join('sub', 'b.jpg'), 'accepted'],
      ]);
      await rm(dir, { recursive: true, force: true });
    });
  });

  it('serves OpenAPI 3 from the contract, a docs page, Prometheus metrics and request ids', async () => {
    const doc = await h.call('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.0.3');
    // Bodies and responses are named schemas of the contract, referenced from components.
    const body = doc.body.paths['/areas'].post.requestBody.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/AreaInput' });
    expect(doc.body.components.schemas.AreaInput.properties.geometry).toBeTruthy();
    const cases = doc.body.paths['/cases'].get.responses['200'].content['application/json'].schema;
    expect(cases).toEqual({ $ref: '#/components/schemas/CaseList' });
    expect(Object.keys(doc.body.components.schemas.CaseList.properties).sort()).toEqual([
      'items',
      'nextCursor',
      'total',
    ]);
    expect(doc.body.components.schemas.ErrorResponse.properties.error).toBeTruthy();
    expect(doc.body.paths['/users'].get['x-roles']).toEqual(['admin']);
    expect(doc.body.paths['/schedules'].post.responses['403']).toBeTruthy();
    const page = await fetch(`${h.base}/api/docs`);
    expect(await page.text()).toContain('openapi.json');
    expect((await fetch(`${h.base}/api/metrics`)).status).toBe(401);
    const m = await fetch(`${h.base}/api/metrics`, { headers: { authorization: `Bearer ${h.tokens.admin}` } });
    const text = await m.text();
    expect(text).toMatch(/xuncha_http_requests_total\{method="GET",route="\/areas",status="200"\} \d+/);
    const r = await fetch(`${h.base}/api/health`, { headers: { 'x-request-id': 'req-123' } });
    expect(r.headers.get('x-request-id')).toBe('req-123');
  });
});
