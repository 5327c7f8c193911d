import { describe, expect, it } from 'vitest';
import { DEFAULT_RIVER_HALF_WIDTH_M, GeoJsonFileError, geoJsonFeatures } from './geojson-file.ts';

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [119, 28],
      [119.01, 28],
      [119.01, 28.01],
      [119, 28],
    ],
  ],
};

describe('a GeoJSON area file for the import route', () => {
  it('gives every feature a kind and a name, keeping the ones it has', () => {
    const fc = geoJsonFeatures(
      '\uFEFF' +
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', geometry: square, properties: { name: '东坪畈' } },
            { type: 'Feature', geometry: square, properties: { kind: 'hillside', NAME: '西山' } },
            { type: 'Feature', geometry: square, properties: null },
          ],
        }),
      '龙泉农田.geojson',
      'farmland',
    );
    expect(fc.features.map((f) => (f as { properties: unknown }).properties)).toEqual([
      { name: '东坪畈', kind: 'farmland' },
      { kind: 'hillside', NAME: '西山', name: '西山' },
      { kind: 'farmland', name: '龙泉农田 3' },
    ]);
  });

  it('takes a lone Feature or geometry, and gives a river its default half width', () => {
    const line = {
      type: 'LineString',
      coordinates: [
        [119, 28],
        [119.01, 28.01],
      ],
    };
    const one = geoJsonFeatures(JSON.stringify(line), 'creek.json', 'river');
    expect(one.features).toEqual([
      {
        type: 'Feature',
        geometry: line,
        properties: { kind: 'river', halfWidthM: DEFAULT_RIVER_HALF_WIDTH_M, name: 'creek' },
      },
    ]);
    const f = geoJsonFeatures(
      JSON.stringify({ type: 'Feature', geometry: square, properties: {} }),
      'a.geojson',
      'farmland',
    );
    expect(f.features).toHaveLength(1);
  });

  it('explains a file that is not GeoJSON before anything is sent', () => {
    expect(() => geoJsonFeatures('<kml/>', 'x.geojson', 'farmland')).toThrow(GeoJsonFileError);
    expect(() => geoJsonFeatures('{"type":"FeatureCollection","features":[]}', 'x.geojson', 'farmland')).toThrow(
      /没有要素/,
    );
    expect(() => geoJsonFeatures('[1,2]', 'x.geojson', 'farmland')).toThrow(/no GeoJSON feature/);
  });
});
