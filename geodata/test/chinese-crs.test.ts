import { distance } from '@turf/turf';
import fc from 'fast-check';
import type { Feature, FeatureCollection, LineString, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bd09ToWgs84,
  convertToWgs84,
  gcj02ToWgs84,
  isInMainlandChina,
  wgs84ToBd09,
  wgs84ToGcj02,
} from '../src/formats/chinese-crs.ts';
import { checkCrsOffset } from '../src/formats/crs-offset-check.ts';
import { loadSampleLayers } from '../src/sample-data.ts';

const m = (a: [number, number], b: [number, number]) => distance(a, b, { units: 'meters' });

/**
 * Published reference pairs of the GCJ-02 / BD-09 algorithms, as the widely used implementations test them:
 * coordtransform (npm, Wang Sijie's README) and eviltransform / Hutool CoordinateUtilTest (Beijing 116.404,
 * 39.915 — the canonical vector), Shanghai from coordtransform's README.
 */
const WGS_TO_GCJ: Array<[[number, number], [number, number]]> = [
  [
    [116.404, 39.915],
    [116.41024449916938, 39.91640428150164],
  ],
  [
    [121.431863, 31.027647],
    [121.43647333299322, 31.025684130869397],
  ],
];
const GCJ_TO_BD: Array<[[number, number], [number, number]]> = [
  [
    [116.404, 39.915],
    [116.41036949371029, 39.92133699351021],
  ],
  [
    [121.436466, 31.025677],
    [121.44286883589297, 31.03203364007244],
  ],
];
/** coordtransform-rs reference triple: WGS84 (116.404, 39.915) → BD-09. */
const WGS_TO_BD: [[number, number], [number, number]] = [
  [116.404, 39.915],
  [116.41662724378733, 39.922699552216216],
];

describe('GCJ-02 / BD-09 ↔ WGS84', () => {
  it('matches the published reference points to 1e-9° (0.1 mm)', () => {
    for (const [wgs, gcj] of WGS_TO_GCJ) {
      const g = wgs84ToGcj02(wgs);
      expect(Math.abs(g[0] - gcj[0])).toBeLessThan(1e-9);
      expect(Math.abs(g[1] - gcj[1])).toBeLessThan(1e-9);
      // The inverse recovers the WGS84 point to the centimetre of the algorithm (here: under a millimetre).
      expect(m(gcj02ToWgs84(gcj), wgs)).toBeLessThan(1e-3);
    }
    for (const [gcj, bd] of GCJ_TO_BD) {
      const b = wgs84ToBd09(gcj02ToWgs84(gcj));
      expect(Math.abs(b[0] - bd[0])).toBeLessThan(1e-9);
      expect(Math.abs(b[1] - bd[1])).toBeLessThan(1e-9);
    }
    const b = wgs84ToBd09(WGS_TO_BD[0]);
    expect(Math.abs(b[0] - WGS_TO_BD[1][0])).toBeLessThan(1e-9);
    expect(Math.abs(b[1] - WGS_TO_BD[1][1])).toBeLessThan(1e-9);
    expect(m(bd09ToWgs84(WGS_TO_BD[1]), WGS_TO_BD[0])).toBeLessThan(1e-3);
  });

  it('round-trips any mainland point to under a millimetre; the offsets are hundreds of metres', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 98, max: 122, noNaN: true }),
        fc.double({ min: 22, max: 42, noNaN: true }),
        (lon, lat) => {
          fc.pre(isInMainlandChina(lon, lat));
          const p: [number, number] = [lon, lat];
          const g = wgs84ToGcj02(p);
          const offset = m(p, g);
          expect(offset).toBeGreaterThan(10);
          expect(offset).toBeLessThan(1000);
          expect(m(gcj02ToWgs84(g), p)).toBeLessThan(1e-3);
          expect(m(bd09ToWgs84(wgs84ToBd09(p)), p)).toBeLessThan(1e-3);
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });

  it('knows mainland China from Hong Kong, Taiwan and abroad', () => {
    expect(isInMainlandChina(119.14, 28.07)).toBe(true); // Longquan
    expect(isInMainlandChina(87.6, 43.8)).toBe(true); // Ürümqi
    expect(isInMainlandChina(114.17, 22.3)).toBe(false); // Hong Kong
    expect(isInMainlandChina(121.5, 25.03)).toBe(false); // Taipei
    expect(isInMainlandChina(126.98, 37.57)).toBe(false); // Seoul, inside the usual bounding-box test
    expect(isInMainlandChina(2.35, 48.85)).toBe(false);
  });
});

const square = (lon: number, lat: number, d = 0.002): Feature<Polygon> => ({
  type: 'Feature',
  properties: { name: '田' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [lon, lat, 5],
        [lon + d, lat, 5],
        [lon + d, lat + d, 5],
        [lon, lat + d, 5],
        [lon, lat, 5],
      ],
    ],
  },
});

describe('convertToWgs84 (area import with --crs)', () => {
  it('converts every position, keeps heights and leaves the input alone', () => {
    const input: FeatureCollection = { type: 'FeatureCollection', features: [square(119.14, 28.07)] };
    const before = JSON.stringify(input);
    const out = convertToWgs84(input, 'gcj02');
    expect(JSON.stringify(input)).toBe(before);
    const ring = (out.features[0]!.geometry as Polygon).coordinates[0]!;
    expect(ring[0]).toHaveLength(3);
    expect(ring[0]![2]).toBe(5);
    expect(m(wgs84ToGcj02([ring[1]![0]!, ring[1]![1]!]), [119.142, 28.07])).toBeLessThan(1e-3);
    expect(convertToWgs84(input, 'wgs84')).toBe(input);
  });

  it('refuses positions outside mainland China, naming the feature and position', () => {
    for (const [lon, lat] of [
      [2.35, 48.85],
      [114.17, 22.3],
    ]) {
      const input: FeatureCollection = {
        type: 'FeatureCollection',
        features: [square(119.14, 28.07), square(lon!, lat!)],
      };
      expect(() => convertToWgs84(input, 'gcj02')).toThrow(/feature 2: position .* is outside mainland China.*GCJ-02/);
      expect(() => convertToWgs84(input, 'bd09')).toThrow(/不在中国大陆境内.*BD-09/);
    }
  });
});

describe('checkCrsOffset ("looks offset" against the reference layers)', () => {
  let reference: Feature[];
  let fieldWgs: Feature<Polygon>;
  let riverWgs: Feature<LineString>;
  const shift = <G extends Polygon | LineString>(f: Feature<G>, t: (p: [number, number]) => [number, number]) => {
    const walk = (c: unknown): unknown =>
      typeof (c as unknown[])[0] === 'number' ? t(c as [number, number]) : (c as unknown[]).map(walk);
    return { ...f, geometry: { ...f.geometry, coordinates: walk(f.geometry.coordinates) } } as Feature<G>;
  };
  beforeAll(async () => {
    const layers = await loadSampleLayers();
    reference = [...layers.farmland.features, ...layers.rivers.features, ...layers.hillsides.features];
    fieldWgs = layers.farmland.features[3] as Feature<Polygon>;
    riverWgs = layers.rivers.features[0] as Feature<LineString>;
  });

  it('warns when a field drawn on AMap (GCJ-02) is imported as WGS84, and not once it is declared', () => {
    const drawnOnAmap = shift(fieldWgs, wgs84ToGcj02);
    const w = checkCrsOffset([drawnOnAmap], 'wgs84', reference);
    expect(w).toHaveLength(1);
    expect(w[0]!.code).toBe('crs-looks-offset');
    expect(w[0]!.message).toMatch(
      /按 GCJ-02 解读才与农田吻合.*\/ feature 1 .* fits the farmland layer only when read as GCJ-02.*--crs gcj02/,
    );
    expect(checkCrsOffset([drawnOnAmap], 'gcj02', reference)).toEqual([]);
    expect(checkCrsOffset([shift(fieldWgs, wgs84ToBd09)], 'wgs84', reference)[0]!.message).toMatch(/--crs bd09/);
  });

  it('warns when a WGS84 field is declared GCJ-02 (it would be shifted twice)', () => {
    const w = checkCrsOffset([fieldWgs], 'gcj02', reference);
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/--crs wgs84/);
    expect(checkCrsOffset([fieldWgs], 'wgs84', reference)).toEqual([]);
  });

  it('checks river lines against the rivers', () => {
    const w = checkCrsOffset([shift(riverWgs, wgs84ToGcj02)], 'wgs84', reference);
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/河流.*river layer/);
  });

  it('stays quiet for a new field that fits nothing, and for features outside mainland China', () => {
    expect(checkCrsOffset([square(119.245, 28.125, 0.001)], 'wgs84', reference)).toEqual([]);
    expect(checkCrsOffset([square(2.35, 48.85)], 'wgs84', reference)).toEqual([]);
  });
});
