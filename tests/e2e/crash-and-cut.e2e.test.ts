/**
 * Bad input against `xuncha serve` run as a child process on a temporary data folder (embedded database):
 * - a dock upload cut off halfway: what arrived whole is kept, nothing half-written; a re-upload completes the
 *   batch and nothing is stored twice;
 * - the service killed with SIGKILL in the middle of triage: after a restart every photo is triaged exactly once
 *   (one result, no doubled detections) and no case is lost or doubled.
 */
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../mission-service/src/config.ts';
import { openDb } from '../../mission-service/src/db/open-db.ts';
import { AWAY, OVER_FIRE, shoot, type Shot } from '../../mission-service/test/jobs/sim-photos.ts';
import { deliverPhotos } from '../../simulator/src/index.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import {
  jsonRequest,
  seedDataDir,
  seedTestUsers,
  TEST_PASSWORD,
  TEST_USER_PREFIX,
  writeScarModel,
} from '../support/service-stack.ts';
import { until } from '../support/until.ts';
import { rm } from 'node:fs/promises';

const START = new Date('2026-10-20T03:00:00Z');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Photo {
  name: string;
  bytes: Buffer;
}

/** `n` distinct photos: the four over the demo fire, then shots walking away from it. */
async function photos(n: number, from = 0): Promise<Photo[]> {
  const out: Photo[] = [];
  for (let i = from; i < from + n; i++) {
    const s: Shot =
      i < OVER_FIRE.length
        ? OVER_FIRE[i]!
        : { ...AWAY, dLon: AWAY.dLon + 0.0004 * (i % 7), dLat: AWAY.dLat + 0.0003 * i, t: 20 + 4 * i };
    out.push({ name: `DJI_20261020110000_${String(i + 1).padStart(4, '0')}_V1.JPG`, bytes: await shoot(s, START, i) });
  }
  return out;
}

/** A multipart body of `files` the way the dock sends it. */
async function multipart(files: Photo[]): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([f.bytes], { type: 'image/jpeg' }), f.name);
  const r = new Response(form);
  return { body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! };
}

/** Sends the first `fraction` of a multipart upload, then drops the connection (a dock losing its uplink). */
function cutUpload(url: string, token: string, body: Buffer, contentType: string, fraction: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': String(body.length) },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.write(body.subarray(0, Math.floor(body.length * fraction)), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
  });
}

describe('the service under a cut upload and a SIGKILL mid-triage', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let serve: ServeProcess | null = null;
  let token: string;
  const api = (method: string, p: string, body?: unknown) =>
    jsonRequest(`${serve!.url}${p}`, method, { authorization: `Bearer ${token}` }, body);
  const login = async (user: string) =>
    (
      await jsonRequest(
        `${serve!.url}/api/auth/login`,
        'POST',
        {},
        { username: `${TEST_USER_PREFIX}${user}`, password: TEST_PASSWORD },
      )
    ).body.token as string;
  const kill = async (signal: NodeJS.Signals) => {
    if (!serve) return;
    serve.child.kill(signal);
    await serve.exited;
    serve = null;
  };

  beforeAll(async () => {
    dataDir = await seedDataDir('xuncha-e2e-crash-');
    await seedTestUsers(dataDir);
    env = { XUNCHA_MODEL: await writeScarModel(dataDir), XUNCHA_DEMO: '0', LOG_LEVEL: 'info' };
    serve = await startServe(dataDir, env);
    token = await login('admin');
    expect((await api('PUT', '/api/categories/straw_burning', { autoFileMinScore: 0.2 })).status).toBe(200);
    token = await login('operator');
  });
  afterAll(async () => {
    await kill('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps what arrived whole of a cut dock upload, and a re-upload completes it without duplicates', async () => {
    const batch = await photos(6);
    const { body, contentType } = await multipart(batch);
    await cutUpload(`${serve!.url}/api/images`, token, body, contentType, 0.55);
    // Whatever the service kept of the cut upload is whole photos of the batch, never a partial file.
    const kept = await api('GET', '/api/images?limit=100');
    expect(kept.status).toBe(200);
    const ours = new Set(batch.map((p) => sha(p.bytes)));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const im of kept.body.items as any[]) expect(ours.has(im.sha256), im.sha256).toBe(true);
    expect(kept.body.items.length).toBeLessThan(batch.length);
    const keptBefore = kept.body.items.length as number;

    const report = await deliverPhotos({
      photos: batch.map((p) => ({ path: p.name, jpeg: p.bytes })) as never,
      to: { url: `${serve!.url}/api/images`, token },
    });
    expect(report.failed).toEqual([]);
    expect(report.delivered).toHaveLength(batch.length);
    const after = await until(
      () => api('GET', '/api/images?limit=100'),
      (r) => r.body?.items?.length === batch.length,
      'the whole batch stored',
      30_000,
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(new Set((after.body.items as any[]).map((x) => x.sha256))).toEqual(ours);
    console.log(`[e2e] cut upload: ${keptBefore} of ${batch.length} photos kept whole before the re-upload`);
    await until(
      () => api('GET', '/api/images?status=queued,processing&limit=1'),
      (r) => r.body?.total === 0,
      'the batch triaged',
      120_000,
    );
  });

  it('after a SIGKILL mid-triage and a restart, triages every photo exactly once and files each case once', async () => {
    const batch = await photos(36, 6);
    // One dock upload of the whole batch; the service is killed as soon as triage has taken some of it and not
    // all (photos were still arriving or waiting). Waiting for the upload's answer first was a race: triage kept
    // pace with ingest and sometimes nothing was left to kill it over.
    const { body, contentType } = await multipart(batch);
    const upload = fetch(`${serve!.url}/api/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    }).catch(() => null); // cut by the kill
    const mid = await until(
      () => api('GET', '/api/images?status=done,unlocated&limit=1'),
      (r) => r.body?.total > 6 && r.body.total < 42,
      'triage under way',
      120_000,
      20,
    );
    await kill('SIGKILL');
    await upload;
    console.log(`[e2e] SIGKILL with ${mid.body.total} of 42 photos triaged`);

    serve = await startServe(dataDir, env);
    token = await login('operator');
    // The dock sends again what it holds no acknowledgement for: the whole batch (what arrived is a duplicate).
    const again = await deliverPhotos({
      photos: batch.map((p) => ({ path: p.name, jpeg: p.bytes })) as never,
      to: { url: `${serve!.url}/api/images`, token },
    });
    expect(again.failed).toEqual([]);
    await until(
      () => api('GET', '/api/images?status=queued,processing&limit=1'),
      (r) => r.body?.total === 0,
      'every photo triaged after the restart',
      240_000,
    );
    await kill('SIGTERM');

    const db = await openDb(loadConfig({ XUNCHA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), 'e2e-check');
    try {
      const q = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
      const images = await q(`SELECT sha256, status, triaged_at FROM images`);
      expect(images).toHaveLength(42);
      for (const im of images) {
        expect(['done', 'unlocated'], JSON.stringify(im)).toContain(im.status);
        expect(im.triaged_at).toBeTruthy();
      }
      // One triage result per photo: no detection stored twice.
      expect(
        await q(`SELECT image_sha256, bbox_px, count(*) FROM detections GROUP BY 1, 2 HAVING count(*) > 1`),
      ).toEqual([]);
      // The fire the first four photos see is one incident and one case; every filed incident has one case report.
      const fires = await q(`SELECT id FROM incidents WHERE class = 'straw_burning' AND confidence >= 0.2`);
      expect(fires).toHaveLength(1);
      expect(await q(`SELECT incident_id, count(*) FROM case_reports GROUP BY 1 HAVING count(*) > 1`)).toEqual([]);
      const cases = await q(
        `SELECT c.id FROM cases c JOIN case_reports r ON r.case_id = c.id WHERE r.incident_id = '${fires[0]!.id}'`,
      );
      expect(cases).toHaveLength(1);
      expect(await q(`SELECT id FROM cases`)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
