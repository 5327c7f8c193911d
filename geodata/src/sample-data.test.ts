import { existsSync } from 'node:fs';
import { area, bbox, booleanPointInPolygon, convex, featureCollection } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDem, type Dem } from './dem/index.ts';
import { checkLayerConsistency, outsideAreaM2, overlapAreaM2, type LayerSet } from './layers/index.ts';
import { loadSampleLayers, sampleDataDir, sampleDemPath, sampleLayerPath } from './sample-data.ts';

const STUDY_BBOX = [119.03, 28.0, 119.25, 28.13];
const HAN = /\p{Script=Han}/u;
const LATIN = /^[A-Za-z0-9' ()-]+(?: [A-Za-z0-9' ()-]+)*$/;

let layers: LayerSet;
let dem: Dem;
beforeAll(async () => {
  layers = await loadSampleLayers();
  dem = await openDem(sampleDemPath);
});

const geometryLayers = () =>
  [layers.rivers, layers.farmland, layers.hillsides, layers.nofly, layers.jurisdictions].map((l) => l.features);
const allFeatures = () => geometryLayers().flat();
const jurisdictions = (level: string) => layers.jurisdictions.features.filter((f) => f.properties.level === level);

/** Slopes (degrees) at points of a ~30 m grid inside a polygon. */
function slopesInside(f: Feature<Polygon | MultiPolygon>): number[] {
  const [w, s, e, n] = bbox(f);
  const out: number[] = [];
  for (let lon = w; lon <= e; lon += 0.0003) {
    for (let lat = s; lat <= n; lat += 0.0003) {
      if (booleanPointInPolygon([lon, lat], f)) out.push(dem.slopeDegAt(lon, lat)!);
    }
  }
  return out;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sample data files', () => {
  it('lives in geodata/data/longquan with every file present', () => {
    expect(sampleDataDir.endsWith('geodata/data/longquan')).toBe(true);
    for (const name of ['rivers', 'farmland', 'hillsides', 'nofly', 'jurisdictions', 'departments'] as const) {
      expect(existsSync(sampleLayerPath(name))).toBe(true);
    }
    expect(existsSync(sampleDemPath)).toBe(true);
  });

  it('names every feature in Chinese, pinyin and English, with unique ids', () => {
    const ids = new Set<string>();
    for (const f of allFeatures()) {
      const p = f.properties;
      expect(p.name, p.id).toMatch(HAN);
      expect(p.namePinyin, p.id).toMatch(LATIN);
      expect(p.nameEn, p.id).toMatch(LATIN);
      expect(ids.has(p.id), p.id).toBe(false);
      ids.add(p.id);
    }
  });

  it('has the required counts', () => {
    expect(layers.rivers.features.length).toBeGreaterThanOrEqual(2);
    expect(layers.farmland.features.length).toBeGreaterThanOrEqual(15);
    expect(layers.hillsides.features).toHaveLength(5);
    expect(layers.nofly.features).toHaveLength(2);
    expect(jurisdictions('city')).toHaveLength(1);
    const townships = jurisdictions('township');
    expect(townships.map((t) => t.properties.name)).toEqual(
      expect.arrayContaining(['龙渊街道', '剑池街道', '西街街道', '塔石街道']),
    );
    for (const t of townships) {
      const villages = jurisdictions('village').filter((v) => v.properties.parentId === t.properties.id);
      expect(villages.length, t.properties.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('stays inside the study area', () => {
    for (const layer of geometryLayers()) {
      const [w, s, e, n] = bbox(featureCollection(layer as Feature[]));
      expect(w).toBeGreaterThanOrEqual(STUDY_BBOX[0]!);
      expect(s).toBeGreaterThanOrEqual(STUDY_BBOX[1]!);
      expect(e).toBeLessThanOrEqual(STUDY_BBOX[2]!);
      expect(n).toBeLessThanOrEqual(STUDY_BBOX[3]!);
    }
  });

  it('passes every cross-layer consistency rule', () => {
    expect(checkLayerConsistency(layers)).toEqual([]);
  });

  it('tiles the city with townships and keeps villages inside their township, apart from siblings', () => {
    const city = jurisdictions('city')[0]!;
    const townships = jurisdictions('township');
    const sum = townships.reduce((acc, t) => acc + area(t), 0);
    expect(Math.abs(sum - area(city)) / area(city)).toBeLessThan(1e-4);
    for (const t of townships) expect(outsideAreaM2(t, city)).toBeLessThan(1);
    for (const v of jurisdictions('village')) {
      const parent = townships.find((t) => t.properties.id === v.properties.parentId)!;
      expect(outsideAreaM2(v, parent), v.properties.id).toBeLessThan(1);
      for (const w of jurisdictions('village')) {
        if (w !== v && w.properties.parentId === v.properties.parentId) expect(overlapAreaM2(v, w)).toBeLessThan(1);
      }
    }
  });

  it('has farmland of realistic sizes, some concave, one with a hole, none in a no-fly zone', () => {
    const farms = layers.farmland.features;
    for (const f of farms) {
      const ha = area(f) / 1e4;
      expect(ha, f.properties.id).toBeGreaterThanOrEqual(2);
      expect(ha, f.properties.id).toBeLessThanOrEqual(40);
      for (const z of layers.nofly.features) expect(overlapAreaM2(f, z)).toBe(0);
    }
    const concave = farms.filter((f) => area(convex(f)!) > 1.05 * area(f));
    expect(concave.length).toBeGreaterThanOrEqual(2);
    expect(farms.some((f) => f.geometry.type === 'Polygon' && f.geometry.coordinates.length > 1)).toBe(true);
    for (const h of layers.hillsides.features) {
      const ha = area(h) / 1e4;
      expect(ha).toBeGreaterThanOrEqual(20);
      expect(ha).toBeLessThanOrEqual(80);
    }
  });

  it('routes the three categories as the county does', () => {
    const rules = Object.fromEntries(layers.departments.routing.map((r) => [r.category, r]));
    expect(rules.straw_burning).toMatchObject({ lead: 'township', assist: ['dept-ecology'] });
    expect(rules.sewage_outfall).toMatchObject({ lead: 'dept-ecology', assist: ['dept-water'] });
    expect(rules.exposed_slope).toMatchObject({ lead: 'dept-natural-resources' });
  });
});

describe('sample DEM', () => {
  it('is a 30 m-class EPSG:4326 raster covering every layer', () => {
    expect(dem.resolutionDeg).toBeCloseTo(0.0003, 9);
    for (const layer of geometryLayers()) expect(dem.covers(featureCollection(layer as Feature[]))).toBe(true);
    let max = -Infinity;
    for (const v of dem.grid.values) max = Math.max(max, v);
    expect(max).toBeGreaterThan(600);
    expect(max).toBeLessThan(1100);
  });

  it('is flat on farmland and sloped on hillsides', () => {
    const farmMeans = layers.farmland.features.map((f) => mean(slopesInside(f)));
    const hillMeans = layers.hillsides.features.map((f) => mean(slopesInside(f)));
    for (const m of farmMeans) expect(m).toBeLessThan(2);
    for (const m of hillMeans) {
      expect(m).toBeGreaterThan(10);
      expect(m).toBeLessThan(35);
    }
    expect(Math.min(...hillMeans)).toBeGreaterThan(5 * Math.max(...farmMeans));
  });

  it('drops along every river from source to mouth, with the main valley floor at 185–225 m', () => {
    for (const r of layers.rivers.features) {
      if (r.geometry.type !== 'LineString') throw new Error('sample rivers are LineStrings');
      const prof = dem.sampleLine(r.geometry.coordinates, 200).map((p) => ({ d: p.distanceM, z: p.elevationM! }));
      // least-squares gradient of elevation against distance downstream
      const md = mean(prof.map((p) => p.d));
      const mz = mean(prof.map((p) => p.z));
      const num = prof.reduce((a, p) => a + (p.d - md) * (p.z - mz), 0);
      const den = prof.reduce((a, p) => a + (p.d - md) ** 2, 0);
      expect(num / den, r.properties.id).toBeLessThan(0);
      const third = Math.floor(prof.length / 3);
      expect(mean(prof.slice(0, third).map((p) => p.z))).toBeGreaterThan(mean(prof.slice(-third).map((p) => p.z)));
    }
    const main = layers.rivers.features.find((r) => r.properties.id === 'river-longquanxi')!;
    for (const p of dem.sampleLine(main.geometry.coordinates as number[][], 500)) {
      expect(p.elevationM).toBeGreaterThan(185);
      expect(p.elevationM).toBeLessThan(225);
    }
  });
});
