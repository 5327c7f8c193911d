import { kml as kmlToGeoJson } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import type { Feature, LineString, Point } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { readKml } from '../src/formats/areas.ts';
import { exportPlanGeoJson } from '../src/formats/route-geojson.ts';
import { exportPlanKml, exportPlanKmz } from '../src/formats/route-kml.ts';
import { planHillside, type DemLike } from '../src/planning/hillside.ts';
import { planSurvey } from '../src/planning/survey.ts';
import type { Plan } from '../src/plan-schema.ts';
import { lonLat, polygonM } from './helpers.ts';

const field = polygonM(
  [
    [
      [0, 0],
      [300, 0],
      [300, 200],
      [0, 200],
    ],
  ],
  {
    id: 'field-1',
    kind: 'farmland',
    name: '田块 <A&B> "东"\u0007',
  },
);
const launch = lonLat(-40, -40);
const hill: DemLike = {
  elevationAt: (lon, lat) =>
    lon < 119.12 || lon > 119.16 || lat < 28.05 || lat > 28.08 ? null : 300 + (lat - 28.06) * 110_950 * 0.35,
};

let flat: Plan;
let slope: Plan;
beforeAll(() => {
  flat = planSurvey(field, { altAglM: 70, launch });
  slope = planHillside(field, { dem: hill, altAglM: 80, launch });
});

const parse = (text: string) => new DOMParser().parseFromString(text, 'text/xml');

describe('KML / KMZ export of routes, photo positions and areas', () => {
  it('writes KML 2.2 that a KML reader turns back into the same routes, photos and areas', () => {
    const text = exportPlanKml(flat, { areas: [field], name: '测试 / test' });
    const dom = parse(text);
    expect(dom.documentElement!.namespaceURI).toBe('http://www.opengis.net/kml/2.2');
    const fc = kmlToGeoJson(dom as unknown as Parameters<typeof kmlToGeoJson>[0]);
    const lines = fc.features.filter((f) => f.geometry?.type === 'LineString') as Feature<LineString>[];
    const points = fc.features.filter((f) => f.geometry?.type === 'Point') as Feature<Point>[];
    const polys = fc.features.filter((f) => f.geometry?.type === 'Polygon');
    expect(lines).toHaveLength(flat.sorties.length);
    expect(points).toHaveLength(flat.photos.length);
    expect(polys).toHaveLength(1);
    // Routes: same vertices to 1e-8°, heights above takeoff over the ground (no launch elevation known).
    const route = flat.sorties[0]!.route.coordinates;
    lines[0]!.geometry.coordinates.forEach((c, i) => {
      expect(c[0]).toBeCloseTo(route[i]![0]!, 8);
      expect(c[1]).toBeCloseTo(route[i]![1]!, 8);
      expect(c[2]).toBeCloseTo(route[i]![2]!, 2);
    });
    expect(text).toContain('<altitudeMode>relativeToGround</altitudeMode>');
    expect(points[5]!.geometry.coordinates[0]).toBeCloseTo(flat.photos[5]!.lon, 8);
    expect(Number(points[5]!.properties!.headingDeg)).toBeCloseTo(flat.photos[5]!.headingDeg, 2);
    // The name is escaped, the control character dropped; the area reads back with the project's KML reader.
    expect(polys[0]!.properties!.name).toBe('田块 <A&B> "东"');
    const areas = readKml(text);
    expect(areas.features.filter((f) => f.geometry.type === 'Polygon')).toHaveLength(1);
  });

  it('writes absolute (mean sea level) heights when the launch elevation is known', () => {
    const text = exportPlanKml(slope);
    expect(text).toContain('<altitudeMode>absolute</altitudeMode>');
    expect(text).not.toContain('relativeToGround');
    const fc = kmlToGeoJson(parse(text) as unknown as Parameters<typeof kmlToGeoJson>[0]);
    const line = fc.features.find((f) => f.geometry?.type === 'LineString') as Feature<LineString>;
    const route = slope.sorties[0]!.route.coordinates;
    line.geometry.coordinates.forEach((c, i) => expect(c[2]).toBeCloseTo(slope.launch.altAmslM! + route[i]![2]!, 2));
  });

  it('zips the same document as doc.kml in a KMZ', () => {
    const now = new Date('2025-05-01T00:00:00Z');
    const files = unzipSync(exportPlanKmz(flat, { areas: [field], now }));
    expect(Object.keys(files)).toEqual(['doc.kml']);
    expect(strFromU8(files['doc.kml']!)).toBe(exportPlanKml(flat, { areas: [field] }));
  });
});

describe('GeoJSON export of routes, photo positions and areas', () => {
  it('writes 2D RFC 7946 features with heights in properties', () => {
    const fc = exportPlanGeoJson(flat, { areas: [field], planId: 'p1' });
    const kinds = fc.features.map((f) => f.properties!.kind);
    expect(kinds.filter((k) => k === 'sortie')).toHaveLength(flat.sorties.length);
    expect(kinds.filter((k) => k === 'photo')).toHaveLength(flat.photos.length);
    expect(kinds.filter((k) => k === 'area')).toHaveLength(1);
    const route = fc.features[0]!;
    expect(route.geometry.type).toBe('LineString');
    const coords = (route.geometry as LineString).coordinates;
    expect(coords.every((c) => c.length === 2)).toBe(true);
    expect(route.properties!.altRelM).toEqual(flat.sorties[0]!.route.coordinates.map((c) => Number(c[2]!.toFixed(3))));
    expect(route.properties!.altAmslM).toBeUndefined();
    expect(route.properties!.planId).toBe('p1');
    const area = fc.features.find((f) => f.properties!.kind === 'area')!;
    expect(area.properties!.areaKind).toBe('farmland');
    expect(area.geometry).toEqual(field.geometry);
  });

  it('adds mean-sea-level heights when known, and footprints on request', () => {
    const fc = exportPlanGeoJson(slope, { footprints: true });
    const photo = fc.features.find((f) => f.properties!.kind === 'photo')!;
    expect(photo.properties!.altAmslM).toBeCloseTo(slope.launch.altAmslM! + slope.photos[0]!.altRel, 3);
    expect(fc.features.filter((f) => f.properties!.kind === 'footprint')).toHaveLength(slope.photos.length);
    // Input never mutated.
    expect(slope.photos[0]!.footprint.type).toBe('Polygon');
  });
});
