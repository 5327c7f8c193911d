import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { createTestDb, testBackends, type TestDb } from '../src/testing/test-db.ts';

describe.each(testBackends)(`health and layers over HTTP on %s`, (backend) => {
  let t: TestDb;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    t = await createTestDb(backend);
    server = createApp({ db: t.db, logger: createLogger('silent') }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await t?.dispose();
  });

  it('reports the backend, the PostGIS version and the migrations', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      db: { backend: string; postgisVersion: string; migrations: { version: number }[] };
    };
    expect(body.status).toBe('ok');
    expect(body.db.backend).toBe(backend);
    expect(body.db.postgisVersion).toMatch(/^3\.\d+/);
    expect(body.db.migrations[0]!.version).toBe(1);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it.each(['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'])(
    'serves the %s layer as GeoJSON',
    async (kind) => {
      const res = await fetch(`${base}/api/layers/${kind}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
      const fc = (await res.json()) as GeoJSON.FeatureCollection;
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.length).toBeGreaterThan(0);
      for (const f of fc.features) {
        expect(f.properties!.kind).toBe(kind);
        expect(typeof f.properties!.name).toBe('string');
        expect(['Polygon', 'MultiPolygon', 'LineString', 'MultiLineString']).toContain(f.geometry.type);
      }
    },
  );

  it('filters a layer by bbox', async () => {
    const all = (await (await fetch(`${base}/api/layers/farmland`)).json()) as GeoJSON.FeatureCollection;
    const far = (await (
      await fetch(`${base}/api/layers/farmland?bbox=100,20,100.1,20.1`)
    ).json()) as GeoJSON.FeatureCollection;
    expect(far.features).toHaveLength(0);
    const first = all.features[0]!;
    const ring = (first.geometry as GeoJSON.Polygon).coordinates[0]!;
    const [lon, lat] = ring[0]!;
    const near = (await (
      await fetch(`${base}/api/layers/farmland?bbox=${lon! - 0.001},${lat! - 0.001},${lon! + 0.001},${lat! + 0.001}`)
    ).json()) as GeoJSON.FeatureCollection;
    expect(near.features.map((f) => f.id)).toContain(first.id);
    expect(near.features.length).toBeLessThan(all.features.length);
  });

  it('answers an unknown layer and a malformed bbox with a clear 4xx', async () => {
    const unknown = await fetch(`${base}/api/layers/volcano`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/unknown layer/);
    const bad = await fetch(`${base}/api/layers/farmland?bbox=1,2,x`);
    expect(bad.status).toBe(400);
    const inverted = await fetch(`${base}/api/layers/farmland?bbox=120,28,119,29`);
    expect(inverted.status).toBe(400);
    const noRoute = await fetch(`${base}/api/nothing-here`);
    expect(noRoute.status).toBe(404);
  });
});
