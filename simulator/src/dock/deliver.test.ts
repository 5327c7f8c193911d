import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCamera, type PhotoRecord } from '../camera/camera.ts';
import { DEMO_ORIGIN, demoLayers } from '../scene/demo-world.ts';
import { deliverPhotos, DockFlights } from './deliver.ts';
import { testCamera } from '../camera/test-camera.ts';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'xuncha-dock-'));
  dirs.push(d);
  return d;
};

let photos: PhotoRecord[] = [];
let imagesDir = '';

beforeAll(async () => {
  imagesDir = await tmp();
  const camera = createCamera({
    layers: demoLayers(),
    incidents: [],
    imagesDir,
    camera: testCamera(96, 72, 't'),
  });
  for (let index = 0; index < 3; index++)
    photos.push(
      await camera.capture({
        sysId: 3,
        index,
        time: new Date(Date.UTC(2025, 9, 20, 2, 0, index)),
        lon: DEMO_ORIGIN[0] + index * 1e-4,
        lat: DEMO_ORIGIN[1],
        altAmslM: 290,
        altRelM: 100,
        headingDeg: 90,
        gimbalPitchDeg: -90,
      }),
    );
});

afterAll(async () => {
  photos = [];
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A tiny ingest endpoint: parses multipart bodies with the platform's FormData parser. */
async function ingestServer(status = 201): Promise<{
  url: string;
  received: { name: string; bytes: Buffer; auth: string | undefined; path: string }[];
  close: () => Promise<void>;
}> {
  const received: { name: string; bytes: Buffer; auth: string | undefined; path: string }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
    for (const f of form.getAll('files'))
      if (typeof f !== 'string')
        received.push({
          name: f.name,
          bytes: Buffer.from(await f.arrayBuffer()),
          auth: req.headers.authorization,
          path: req.url ?? '',
        });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/flights/f-1/images`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('deliverPhotos', () => {
  it('copies photos and their sidecars to a folder, from memory or from the images folder', async () => {
    const out = await tmp();
    const report = await deliverPhotos({ photos, to: { dir: out } });
    expect(report).toEqual({ mode: 'dir', delivered: photos.map((p) => p.groundTruth.photo), failed: [] });
    const files = (await readdir(out)).sort();
    expect(files.filter((f) => f.endsWith('.JPG'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
    expect(await readFile(path.join(out, photos[0]!.groundTruth.photo))).toEqual(photos[0]!.jpeg);

    const out2 = await tmp();
    const fromDir = await deliverPhotos({ photos: imagesDir, to: { dir: out2 } });
    expect(fromDir.delivered).toHaveLength(3);
    expect((await readdir(out2)).sort()).toEqual(files);
  });

  it('POSTs the JPEGs as multipart `files` with the token, in batches', async () => {
    const srv = await ingestServer();
    try {
      const report = await deliverPhotos({ photos, to: { url: srv.url, token: 's3cret', batchSize: 2 } });
      expect(report.failed).toEqual([]);
      expect(report.delivered).toHaveLength(3);
      expect(srv.received.map((r) => r.name).sort()).toEqual(photos.map((p) => p.groundTruth.photo).sort());
      for (const r of srv.received) {
        expect(r.auth).toBe('Bearer s3cret');
        expect(r.path).toBe('/api/flights/f-1/images');
        expect(r.bytes).toEqual(photos.find((p) => p.groundTruth.photo === r.name)!.jpeg);
      }
      // Ground truth never reaches the service.
      expect(srv.received.some((r) => r.name.endsWith('.json'))).toBe(false);
    } finally {
      await srv.close();
    }
  });

  it('reports HTTP errors and unreachable services as failures, and refuses bad targets', async () => {
    const srv = await ingestServer(413);
    try {
      const report = await deliverPhotos({ photos: imagesDir, to: { url: srv.url } });
      expect(report.delivered).toEqual([]);
      expect(report.failed).toHaveLength(3);
      expect(report.failed[0]!.reason).toMatch(/HTTP 413/);
    } finally {
      await srv.close();
    }
    const dead = await deliverPhotos({ photos: photos.slice(0, 1), to: { url: srv.url, timeoutMs: 2000 } });
    expect(dead.failed[0]!.reason).toMatch(/upload failed/);
    await expect(deliverPhotos({ photos, to: { url: 'ftp://x/y' } })).rejects.toThrow(/http/);
    await expect(deliverPhotos({ photos, to: { url: 'not a url' } })).rejects.toThrow(/invalid upload url/);
  });

  it('names the flight it was told for each vehicle, once; untold, it names none', async () => {
    const srv = await ingestServer();
    try {
      const other = photos.map((p) => ({
        ...p,
        groundTruth: {
          ...p.groundTruth,
          pose: { ...p.groundTruth.pose, sysId: 4 },
          photo: p.groundTruth.photo.replace('_V3', '_V4'),
        },
      }));
      const flights = new DockFlights();
      flights.tell(3, { flightId: 'flight-a' });
      flights.tell(4, { droneId: 'drone-b' });
      const report = await deliverPhotos({ photos: [...photos, ...other], to: { url: srv.url, flights } });
      expect(report.failed).toEqual([]);
      expect(report.flights).toEqual([
        { sysId: 3, flightId: 'flight-a' },
        { sysId: 4, droneId: 'drone-b' },
      ]);
      const paths = new Map(srv.received.map((r) => [r.name, r.path]));
      for (const p of photos) expect(paths.get(p.groundTruth.photo)).toBe('/api/flights/f-1/images?flightId=flight-a');
      for (const p of other) expect(paths.get(p.groundTruth.photo)).toBe('/api/flights/f-1/images?droneId=drone-b');
      // one landing, one flight: the next delivery of vehicle 3 was not told a flight and names none
      expect(flights.peek(3)).toBeUndefined();
      srv.received.length = 0;
      await deliverPhotos({ photos: photos.slice(0, 1), to: { url: srv.url, flights } });
      expect(srv.received[0]!.path).toBe('/api/flights/f-1/images');
      // a flight given by the caller wins
      srv.received.length = 0;
      await deliverPhotos({ photos: photos.slice(0, 1), to: { url: srv.url }, flight: { flightId: 'flight-c' } });
      expect(srv.received[0]!.path).toBe('/api/flights/f-1/images?flightId=flight-c');
      expect(() => flights.tell(3, {})).toThrow(/flightId or a droneId/);
    } finally {
      await srv.close();
    }
  });
});
