import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { exportPlanKml, loadSampleLayers, wgs84ToGcj02, type Plan } from '@xuncha/geodata';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExport } from './export.ts';
import { runImport } from './import.ts';
import { runPlan } from './plan.ts';

const field = {
  type: 'Feature',
  properties: { id: 'field-1', name: '田块一' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [119.13, 28.06],
        [119.134, 28.06],
        [119.134, 28.063],
        [119.13, 28.063],
        [119.13, 28.06],
      ],
    ],
  },
};

let dir: string;
let planFile: string;
let plan: Plan;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-formats-'));
  fs.writeFileSync(path.join(dir, 'areas.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [field] }));
  // A short-lived M3E so that the field takes two sorties.
  fs.writeFileSync(
    path.join(dir, 'presets.json'),
    JSON.stringify({
      drones: [
        {
          name: 'm3e',
          cruiseSpeedMps: 10,
          maxSpeedMps: 15,
          flightTimeS: 420,
          ascentMps: 6,
          descentMps: 6,
          defaultCamera: 'm3e-wide',
        },
      ],
    }),
  );
  planFile = path.join(dir, 'plan.json');
  plan = await runPlan({
    areas: path.join(dir, 'areas.geojson'),
    presets: path.join(dir, 'presets.json'),
    drone: 'm3e',
    altAgl: '70',
    launch: '119.1298,28.0598',
    out: planFile,
  });
});

describe('xuncha export --format wpml | wpl | kml | kmz | geojson', () => {
  it('writes one DJI KMZ per sortie that imports back to the same waypoints', async () => {
    expect(plan.sorties.length).toBeGreaterThan(1);
    const files = runExport({ plan: planFile, format: 'wpml', out: path.join(dir, 'patrol.kmz') });
    expect(files).toEqual(plan.sorties.map((_, i) => path.join(dir, i ? `patrol-${i + 1}.kmz` : 'patrol.kmz')));
    for (const [i, f] of files.entries()) {
      const zip = unzipSync(fs.readFileSync(f));
      expect(Object.keys(zip).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
      const back = await runImport(f, { out: path.join(dir, `back-${i}.json`) });
      expect(back.kind).toBe('plan');
      if (back.kind !== 'plan') return;
      const nav = (p: Plan, s: number) =>
        p.sorties[s]!.items.filter((x) => x.command === 16).map((x) => [x.x, x.y, x.z]);
      // The transit leg and the first lane start at the same point: WPML keeps one waypoint there.
      const planned = nav(plan, i).filter((p, k, a) => k === 0 || p.join() !== a[k - 1]!.join());
      expect(nav(back.plan, 0)).toEqual(planned);
      expect(JSON.parse(fs.readFileSync(path.join(dir, `back-${i}.json`), 'utf8')).pattern).toBe('imported');
    }
  });

  it('writes QGC WPL 110 per sortie and whole-plan KML, KMZ and GeoJSON with the areas', async () => {
    const wpl = runExport({ plan: planFile, format: 'wpl', out: path.join(dir, 'p.waypoints') });
    expect(wpl).toHaveLength(plan.sorties.length);
    expect(fs.readFileSync(wpl[0]!, 'utf8').startsWith('QGC WPL 110\n')).toBe(true);
    const back = await runImport(wpl[0]!, { out: path.join(dir, 'wpl.json') });
    expect(back.kind === 'plan' && back.plan.sorties[0]!.items.length).toBe(plan.sorties[0]!.items.length);

    const areas = path.join(dir, 'areas.geojson');
    expect(runExport({ plan: planFile, format: 'kml', out: path.join(dir, 'p.kml'), areas })).toEqual([
      path.join(dir, 'p.kml'),
    ]);
    const kml = fs.readFileSync(path.join(dir, 'p.kml'), 'utf8');
    expect(kml).toBe(exportPlanKml(plan, { areas: [field as GeoJSON.Feature], name: 'plan' }));
    expect(kml).toContain('田块一');
    runExport({ plan: planFile, format: 'kmz', out: path.join(dir, 'p.kmz'), areas });
    expect(strFromU8(unzipSync(fs.readFileSync(path.join(dir, 'p.kmz')))['doc.kml']!)).toBe(kml);
    runExport({ plan: planFile, format: 'geojson', out: path.join(dir, 'p.geojson'), areas });
    const gj = JSON.parse(fs.readFileSync(path.join(dir, 'p.geojson'), 'utf8')) as GeoJSON.FeatureCollection;
    const kinds = gj.features.map((f) => f.properties!.kind);
    expect(kinds.filter((k) => k === 'sortie')).toHaveLength(plan.sorties.length);
    expect(kinds.filter((k) => k === 'photo')).toHaveLength(plan.photos.length);
    expect(kinds.filter((k) => k === 'area')).toHaveLength(1);
  });

  it('refuses bad options and plans WPML cannot hold, writing nothing', async () => {
    expect(() => runExport({ plan: planFile, out: path.join(dir, 'x'), format: 'dji' })).toThrow(
      /unsupported --format "dji"/,
    );
    expect(() => runExport({ plan: planFile, out: path.join(dir, 'x.kmz'), format: 'wpml', djiDrone: '77' })).toThrow(
      /give both --dji-drone/,
    );
    const generic = path.join(dir, 'generic.json');
    await runPlan({
      areas: path.join(dir, 'areas.geojson'),
      camera: 'generic-1in-20mp',
      altAgl: '70',
      launch: '119.1298,28.0598',
      out: generic,
    });
    const out = path.join(dir, 'generic.kmz');
    expect(() => runExport({ plan: generic, format: 'wpml', out })).toThrow(/no DJI WPML enum/);
    expect(fs.existsSync(out)).toBe(false);
    expect(runExport({ plan: generic, format: 'wpml', out, djiDrone: '77:0', djiPayload: '66:wide' })).toEqual([out]);
  });
});

describe('xuncha import: areas with --crs gcj02 | bd09', () => {
  let farm: GeoJSON.Feature<GeoJSON.Polygon>;
  let amapKml: string;
  beforeAll(async () => {
    farm = (await loadSampleLayers()).farmland.features[3] as GeoJSON.Feature<GeoJSON.Polygon>;
    // The same field as drawn on AMap: every vertex in GCJ-02.
    const ring = farm.geometry.coordinates[0]!.map((p) => wgs84ToGcj02([p[0]!, p[1]!]).join(',')).join(' ');
    amapKml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>高德田块</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    fs.writeFileSync(path.join(dir, 'amap.kml'), amapKml);
  });

  it('converts GCJ-02 to WGS84 to the millimetre, and warns when --crs was forgotten', async () => {
    const out = path.join(dir, 'amap.geojson');
    const r = await runImport(path.join(dir, 'amap.kml'), { out, crs: 'gcj02', kind: 'farmland' });
    expect(r.kind).toBe('areas');
    expect(r.warnings).toEqual([]);
    const written = JSON.parse(fs.readFileSync(out, 'utf8')) as GeoJSON.FeatureCollection<GeoJSON.Polygon>;
    expect(written.features[0]!.properties).toMatchObject({ name: '高德田块', kind: 'farmland' });
    const got = written.features[0]!.geometry.coordinates[0]!;
    farm.geometry.coordinates[0]!.forEach((p, i) => {
      expect(Math.abs(got[i]![0]! - p[0]!) * 98_000).toBeLessThan(1e-3);
      expect(Math.abs(got[i]![1]! - p[1]!) * 110_900).toBeLessThan(1e-3);
    });
    const forgot = await runImport(path.join(dir, 'amap.kml'), { out, kind: 'farmland' });
    expect(forgot.warnings.map((w) => w.code)).toEqual(['crs-looks-offset']);
    expect(forgot.warnings[0]!.message).toMatch(/--crs gcj02/);
  });

  it('refuses GCJ-02 outside mainland China and --crs on route files', async () => {
    const paris = path.join(dir, 'paris.geojson');
    fs.writeFileSync(paris, JSON.stringify({ ...field, geometry: { type: 'Point', coordinates: [2.35, 48.85] } }));
    await expect(runImport(paris, { out: path.join(dir, 'o.geojson'), crs: 'gcj02' })).rejects.toThrow(
      /outside mainland China/,
    );
    await expect(
      runImport(path.join(dir, 'patrol.kmz'), { out: path.join(dir, 'o.json'), crs: 'bd09' }),
    ).rejects.toThrow(/--crs applies to area files/);
    await expect(runImport(path.join(dir, 'amap.kml'), { out: path.join(dir, 'o.json'), crs: 'utm' })).rejects.toThrow(
      /--crs must be wgs84\|gcj02\|bd09/,
    );
    fs.writeFileSync(path.join(dir, 'junk.txt'), 'hello');
    await expect(runImport(path.join(dir, 'junk.txt'), { out: path.join(dir, 'o.json') })).rejects.toThrow(
      /unrecognised file/,
    );
  });
});
