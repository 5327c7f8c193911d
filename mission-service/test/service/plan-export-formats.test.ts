import { strFromU8, unzipSync } from 'fflate';
import { loadSampleLayers, wgs84ToBd09, wgs84ToGcj02 } from '@xuncha/geodata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const square = (lon: number, lat: number, d = 0.003): GeoJSON.Polygon => ({
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

describe('plan export formats and area import with crs (API)', () => {
  let h: Harness;
  let planId: string;
  let genericPlanId: string;
  const get = (path: string) => fetch(h.base + path, { headers: { authorization: `Bearer ${h.tokens.officer}` } });

  beforeAll(async () => {
    h = await startHarness();
    const area = await h.call('POST', '/api/areas', {
      token: h.tokens.operator,
      body: { type: 'Feature', geometry: square(119.14, 28.07), properties: { kind: 'farmland', name: '导出测试田' } },
    });
    expect(area.status).toBe(201);
    const mk = async (params: Record<string, unknown>) => {
      const r = await h.call('POST', '/api/plans', {
        token: h.tokens.operator,
        body: { name: '导出', pattern: 'survey', areaIds: [area.body.id], params: { altAglM: 80, ...params } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    planId = await mk({});
    genericPlanId = await mk({ camera: 'generic-1in-20mp' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves every format from one endpoint, with type and file name', async () => {
    const expectations: Array<[string, RegExp, RegExp]> = [
      ['qgc', /application\/json/, /-0\.plan"$/],
      ['plan', /application\/json/, /-0\.plan"$/],
      ['wpl', /text\/plain/, /-0\.waypoints"$/],
      ['wpml', /application\/vnd\.google-earth\.kmz/, /-0\.kmz"$/],
      ['kml', /application\/vnd\.google-earth\.kml\+xml/, /\.kml"$/],
      ['kmz', /application\/vnd\.google-earth\.kmz/, /\.kmz"$/],
      ['geojson', /application\/geo\+json/, /\.geojson"$/],
    ];
    const bodies: Record<string, Uint8Array> = {};
    for (const [format, type, name] of expectations) {
      const r = await get(`/api/plans/${planId}/export?format=${format}`);
      expect(r.status, format).toBe(200);
      expect(r.headers.get('content-type'), format).toMatch(type);
      expect(r.headers.get('content-disposition'), format).toMatch(name);
      bodies[format] = new Uint8Array(await r.arrayBuffer());
    }
    expect(JSON.parse(strFromU8(bodies.qgc!)).fileType).toBe('Plan');
    expect(strFromU8(bodies.wpl!).startsWith('QGC WPL 110\n')).toBe(true);
    const wpml = unzipSync(bodies.wpml!);
    expect(Object.keys(wpml).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
    expect(strFromU8(wpml['wpmz/waylines.wpml']!)).toContain('<wpml:droneEnumValue>77</wpml:droneEnumValue>');
    // The map formats carry the plan's area beside routes and photo positions.
    expect(strFromU8(bodies.kml!)).toContain('导出测试田');
    expect(strFromU8(unzipSync(bodies.kmz!)['doc.kml']!)).toBe(strFromU8(bodies.kml!));
    const gj = JSON.parse(strFromU8(bodies.geojson!)) as GeoJSON.FeatureCollection;
    expect(gj.features[0]!.geometry.type).toBe('LineString');
    const kinds = new Set(gj.features.map((f) => f.properties!.kind));
    for (const k of ['sortie', 'photo', 'area']) expect(kinds.has(k), k).toBe(true);
  });

  it('answers 404 for a missing sortie, 400 for an unknown format, 422 for a plan WPML cannot carry', async () => {
    expect((await get(`/api/plans/${planId}/export?format=wpml&sortie=9`)).status).toBe(404);
    const bad = await get(`/api/plans/${planId}/export?format=dxf`);
    expect(bad.status).toBe(400);
    const r = await get(`/api/plans/${genericPlanId}/export?format=wpml`);
    expect(r.status).toBe(422);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_exportable');
    expect(body.error.message).toMatch(/no DJI WPML enum/);
  });

  describe('POST /api/areas/import?crs=', () => {
    let farm: GeoJSON.Feature<GeoJSON.Polygon>;
    const shifted = (t: (p: [number, number]) => [number, number], name: string) => ({
      type: 'Feature',
      properties: { kind: 'farmland', name },
      geometry: { type: 'Polygon', coordinates: [farm.geometry.coordinates[0]!.map((p) => t([p[0]!, p[1]!]))] },
    });
    beforeAll(async () => {
      farm = (await loadSampleLayers()).farmland.features[3] as GeoJSON.Feature<GeoJSON.Polygon>;
    });
    const post = (query: string, features: unknown[]) =>
      h.call('POST', `/api/areas/import${query}`, {
        token: h.tokens.operator,
        body: { type: 'FeatureCollection', features },
      });

    it('stores GCJ-02 areas in WGS84 and warns when the crs looks forgotten', async () => {
      const r = await post('?crs=gcj02', [shifted(wgs84ToGcj02, '高德画的田')]);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.warnings).toEqual([]);
      const stored = await h.call('GET', `/api/areas/${r.body.ids[0]}`, { token: h.tokens.operator });
      const ring = stored.body.geometry.coordinates[0] as number[][];
      farm.geometry.coordinates[0]!.forEach((p, i) => {
        expect(Math.abs(ring[i]![0]! - p[0]!)).toBeLessThan(2e-7);
        expect(Math.abs(ring[i]![1]! - p[1]!)).toBeLessThan(2e-7);
      });
      const forgot = await post('', [shifted(wgs84ToGcj02, '忘了坐标系的田')]);
      expect(forgot.status).toBe(201);
      expect(forgot.body.warnings.map((w: { code: string }) => w.code)).toEqual(['crs-looks-offset']);
      expect(forgot.body.warnings[0].message).toMatch(/--crs gcj02/);
    });

    it('takes BD-09 KML uploads and refuses positions outside mainland China, storing nothing', async () => {
      const ring = farm.geometry.coordinates[0]!.map((p) => wgs84ToBd09([p[0]!, p[1]!]).join(',')).join(' ');
      const kml = `<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>百度田</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>`;
      const r = await h.call('POST', '/api/areas/import?crs=bd09&kind=farmland', {
        token: h.tokens.operator,
        body: kml,
        headers: { 'content-type': 'application/vnd.google-earth.kml+xml' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.warnings).toEqual([]);
      const before = await h.call('GET', '/api/areas?kind=farmland&limit=500', { token: h.tokens.operator });
      const out = await post('?crs=gcj02', [
        shifted(wgs84ToGcj02, '境内'),
        { ...shifted((p) => p, '巴黎'), geometry: square(2.35, 48.85) },
      ]);
      expect(out.status).toBe(400);
      expect(out.body.error.code).toBe('outside_china');
      expect(out.body.error.message).toMatch(/feature 2: .*outside mainland China/);
      const after = await h.call('GET', '/api/areas?kind=farmland&limit=500', { token: h.tokens.operator });
      expect(after.body.features.length).toBe(before.body.features.length);
      expect((await post('?crs=utm', [shifted(wgs84ToGcj02, 'x')])).status).toBe(400);
    });
  });
});
