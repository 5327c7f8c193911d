import fc from 'fast-check';
import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { checkLayerConsistency } from './consistency.ts';
import { departmentsFileSchema } from './departments.ts';
import { LayerValidationError, formatLayerIssue } from './issues.ts';
import { assertLayer, parseLayer } from './parse-layer.ts';
import { ringSignedArea, validateGeometry } from './validate-geometry.ts';

const square = (lon: number, lat: number, d: number): Position[] => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];
const poly = (...rings: Position[][]): Polygon => ({ type: 'Polygon', coordinates: rings });
const named = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `田块${id}`,
  namePinyin: `Tiankuai ${id}`,
  nameEn: `Field ${id}`,
  ...extra,
});
const farm = (id: string, coords: Position[][]) => ({
  type: 'Feature',
  properties: named(id, { kind: 'farmland' }),
  geometry: { type: 'Polygon', coordinates: coords },
});

describe('validateGeometry', () => {
  it('accepts a counter-clockwise square with a clockwise hole', () => {
    const hole = square(119.101, 28.001, 0.002).reverse();
    expect(validateGeometry(poly(square(119.1, 28, 0.01), hole))).toEqual([]);
  });

  it('reports an unclosed ring with its path', () => {
    const ring = square(119.1, 28, 0.01).slice(0, 4);
    ring.push([119.1, 28.005]);
    const issues = validateGeometry(poly(ring));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('geometry.coordinates[0]');
    expect(issues[0]!.message).toMatch(/not closed/);
  });

  it('reports rings with fewer than 4 positions', () => {
    const issues = validateGeometry(
      poly([
        [119, 28],
        [119.1, 28],
        [119, 28],
      ]),
    );
    expect(issues[0]!.message).toMatch(/at least 4 positions/);
  });

  it('reports clockwise outer rings and counter-clockwise holes unless winding is ignored', () => {
    const cw = poly(square(119.1, 28, 0.01).reverse());
    expect(validateGeometry(cw)[0]!.message).toMatch(/counter-clockwise/);
    expect(validateGeometry(cw, { winding: 'ignore' })).toEqual([]);
    const badHole = poly(square(119.1, 28, 0.01), square(119.101, 28.001, 0.002));
    expect(validateGeometry(badHole)).toEqual([
      expect.objectContaining({
        field: 'geometry.coordinates[1]',
        message: expect.stringMatching(/hole must be clockwise/),
      }),
    ]);
  });

  it('reports self-intersections (bow tie)', () => {
    const bowtie = poly([
      [119, 28],
      [119.01, 28.01],
      [119.01, 28],
      [119, 28.01],
      [119, 28],
    ]);
    expect(validateGeometry(bowtie, { winding: 'ignore' }).map((i) => i.message)).toEqual([
      expect.stringMatching(/self-intersects/),
    ]);
  });

  it('reports holes outside the outer ring and coordinates out of range', () => {
    const outside = poly(square(119.1, 28, 0.01), square(119.2, 28.2, 0.001).reverse());
    expect(validateGeometry(outside)[0]!.message).toMatch(/outside the outer ring/);
    const swapped = poly(square(28, 119.1, 0.01));
    expect(validateGeometry(swapped)[0]).toMatchObject({ field: 'geometry.coordinates[0][0]' });
    expect(validateGeometry(swapped)[0]!.message).toMatch(/out of range/);
  });

  it('checks every part of a MultiPolygon and lines', () => {
    const issues = validateGeometry({
      type: 'MultiPolygon',
      coordinates: [[square(119.1, 28, 0.01)], [square(119.2, 28, 0.01).reverse()]],
    });
    expect(issues.map((i) => i.field)).toEqual(['geometry.coordinates[1][0]']);
    expect(validateGeometry({ type: 'LineString', coordinates: [[119, 28]] })[0]!.message).toMatch(/at least 2/);
  });

  it('property: star-shaped polygons built counter-clockwise are valid, reversed ones are not, input untouched', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.2, max: 1, noNaN: true }), { minLength: 3, maxLength: 40 }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: -80, max: 80, noNaN: true }),
        (radii, lon, lat) => {
          const ring: Position[] = radii.map((r, i) => {
            const a = (2 * Math.PI * i) / radii.length;
            return [lon + 0.01 * r * Math.cos(a), lat + 0.01 * r * Math.sin(a)];
          });
          ring.push([...ring[0]!]);
          fc.pre(ringSignedArea(ring) > 1e-12);
          const g = poly(ring);
          const before = JSON.stringify(g);
          expect(validateGeometry(g)).toEqual([]);
          expect(JSON.stringify(g)).toBe(before);
          const reversed = poly([...ring].reverse());
          expect(validateGeometry(reversed).map((i) => i.message)).toEqual([
            expect.stringMatching(/counter-clockwise/),
          ]);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('parseLayer', () => {
  it('names the feature and the field of a schema error', () => {
    const bad = farm('f1', [square(119.1, 28, 0.01)]);
    delete (bad.properties as Record<string, unknown>).nameEn;
    const r = parseLayer('farmland', {
      type: 'FeatureCollection',
      features: [farm('f0', [square(119.2, 28, 0.01)]), bad],
    });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([
      expect.objectContaining({
        layer: 'farmland',
        featureIndex: 1,
        featureId: 'f1',
        featureName: '田块f1',
        field: 'properties.nameEn',
      }),
    ]);
    expect(formatLayerIssue(r.issues[0]!)).toContain('farmland #1 f1 (田块f1) properties.nameEn');
  });

  it('reports geometry problems and duplicate ids after the schema passes', () => {
    const r = parseLayer('farmland', {
      type: 'FeatureCollection',
      features: [farm('a', [square(119.1, 28, 0.01).reverse()]), farm('a', [square(119.2, 28, 0.01)])],
    });
    expect(r.issues.map((i) => [i.featureIndex, i.field])).toEqual([
      [0, 'geometry.coordinates[0]'],
      [1, 'properties.id'],
    ]);
  });

  it('rejects wrong kinds and non-collections; assertLayer throws a LayerValidationError listing issues', () => {
    const wrongKind = {
      type: 'FeatureCollection',
      features: [{ ...farm('x', [square(119, 28, 0.01)]), properties: named('x', { kind: 'hillside' }) }],
    };
    expect(parseLayer('farmland', wrongKind).issues[0]!.field).toBe('properties.kind');
    expect(parseLayer('rivers', 'nonsense').ok).toBe(false);
    expect(() =>
      assertLayer('nofly', { type: 'FeatureCollection', features: [farm('n', [square(119, 28, 0.01)])] }),
    ).toThrow(LayerValidationError);
    try {
      assertLayer('nofly', { type: 'FeatureCollection', features: [farm('n', [square(119, 28, 0.01)])] });
    } catch (e) {
      expect((e as LayerValidationError).issues.map((i) => i.field).sort()).toEqual([
        'properties.kind',
        'properties.reason',
      ]);
    }
  });
});

describe('departmentsFileSchema', () => {
  it('rejects routing rules that point at unknown departments', () => {
    const r = departmentsFileSchema.safeParse({
      departments: [{ id: 'd1', name: '部门', nameEn: 'Dept', categories: ['straw_burning'] }],
      routing: [
        { category: 'straw_burning', lead: 'township', assist: ['d1'] },
        { category: 'exposed_slope', lead: 'd9', assist: ['d8'] },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['routing.1.lead', 'routing.1.assist.0']);
  });
});

describe('checkLayerConsistency', () => {
  const jur = (id: string, level: string, parentId: string | null, ring: Position[]) => ({
    type: 'Feature' as const,
    properties: {
      ...named(id),
      kind: 'jurisdiction' as const,
      level: level as 'city',
      parentId,
      gridCode: id,
      gridName: id,
    },
    geometry: { type: 'Polygon' as const, coordinates: [ring] },
  });

  it('finds overlapping farmland, farmland in no-fly zones, children outside parents and overlapping siblings', () => {
    const farmland = assertLayer('farmland', {
      type: 'FeatureCollection',
      features: [farm('a', [square(119.1, 28, 0.01)]), farm('b', [square(119.105, 28.005, 0.01)])],
    });
    const nofly = assertLayer('nofly', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: named('n', { kind: 'nofly', reason: '医院 / hospital' }),
          geometry: poly(square(119.108, 28.0, 0.001)),
        },
      ],
    });
    const jurisdictions = assertLayer('jurisdictions', {
      type: 'FeatureCollection',
      features: [
        jur('c', 'city', null, square(119, 28, 0.1)),
        jur('t1', 'township', 'c', square(119, 28, 0.05)),
        jur('t2', 'township', 'c', square(119.04, 28, 0.05)),
        jur('v1', 'village', 't1', square(119.09, 28.09, 0.02)),
        jur('v2', 'village', 'nope', square(119, 28, 0.01)),
      ],
    });
    const issues = checkLayerConsistency({ farmland, nofly, jurisdictions });
    const summary = issues.map((i) => `${i.featureId}:${i.message.split(' / ')[1]}`);
    expect(summary).toEqual([
      expect.stringMatching(/^b:overlaps another farmland/),
      expect.stringMatching(/^a:overlaps a no-fly zone/),
      expect.stringMatching(/^v1:extends outside its parent/),
      expect.stringMatching(/^v2:parent jurisdiction "nope" not found/),
      expect.stringMatching(/^t2:overlaps a sibling/),
    ]);
  });

  it('accepts edge-sharing siblings', () => {
    const jurisdictions = assertLayer('jurisdictions', {
      type: 'FeatureCollection',
      features: [
        jur('c', 'city', null, square(119, 28, 0.1)),
        jur('t1', 'township', 'c', square(119, 28, 0.05)),
        jur('t2', 'township', 'c', square(119.05, 28, 0.05)),
      ],
    });
    expect(checkLayerConsistency({ jurisdictions })).toEqual([]);
  });
});
