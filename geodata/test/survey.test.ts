import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { planSurvey } from '../src/planning/survey.ts';
import { planSchema } from '../src/plan-schema.ts';
import { MAV_CMD, MAV_FRAME } from '../src/planning/mavlink.ts';
import { referenceLawnmower } from '../src/planning/reference.ts';
import { makeProjection } from '../src/planning/projection.ts';
import { openRing } from '../src/planning/geom.ts';
import { normalizeOrientation } from '../src/planning/clip.ts';
import { planFixture } from './fixture-runner.ts';
import { expectGolden, goldenOf, lonLat, polygonM, testDir, workLengthM } from './helpers.ts';

const fixturesDir = path.join(testDir, 'fixtures');
const cases = fs.readdirSync(fixturesDir).filter((d) => fs.existsSync(path.join(fixturesDir, d, 'in.geojson')));

describe('planner fixtures (in.geojson → out.geojson, UPDATE=1 to regenerate)', () => {
  for (const name of cases) {
    it(name, () => {
      const input = JSON.parse(
        fs.readFileSync(path.join(fixturesDir, name, 'in.geojson'), 'utf8'),
      ) as FeatureCollection;
      const plan = planFixture(input);
      expect(() => planSchema.parse(plan)).not.toThrow();
      expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
      const { expected, actual } = expectGolden(path.join(fixturesDir, name), goldenOf(input, plan));
      expect(actual).toEqual(expected);
    });
  }
});

function metric(f: ReturnType<typeof polygonM>) {
  const proj = makeProjection(119.13, 28.06);
  const g = f.geometry as { coordinates: number[][][] };
  return normalizeOrientation(g.coordinates.map((r) => openRing(r.map((c) => proj.forward(c)))));
}

describe('planSurvey', () => {
  const square = polygonM(
    [
      [
        [0, 0],
        [400, 0],
        [400, 300],
        [0, 300],
      ],
    ],
    { id: 'sq' },
  );

  it('makes a valid plan: takeoff first, trigger on/off around lanes, RTL last', () => {
    const plan = planSurvey(square, { launch: lonLat(-30, -30), altAglM: 80 });
    const items = plan.sorties[0]!.items;
    expect(items[0]!.command).toBe(MAV_CMD.NAV_TAKEOFF);
    expect(items[0]!.frame).toBe(MAV_FRAME.GLOBAL_RELATIVE_ALT_INT);
    expect(items.at(-1)!.command).toBe(MAV_CMD.NAV_RETURN_TO_LAUNCH);
    const trig = items.filter((i) => i.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST);
    expect(trig.length % 2).toBe(0);
    expect(trig.filter((t) => t.param1 === 0).length).toBe(trig.length / 2);
    expect(items.map((i) => i.seq)).toEqual(items.map((_, i) => i));
    expect(plan.photos.length).toBe(plan.stats.photoCount);
  });

  it('enters at the corner nearest the launch point', () => {
    for (const [lx, ly] of [
      [-30, -30],
      [430, 330],
      [430, -30],
    ] as const) {
      const plan = planSurvey(square, { launch: lonLat(lx, ly), altAglM: 80 });
      const first = plan.photos[0]!;
      const proj = makeProjection(119.13, 28.06);
      const p = proj.forward([first.lon, first.lat]);
      const l = proj.forward(lonLat(lx, ly));
      // The first photo is in the quadrant of the block facing the launch point.
      expect(Math.abs(p[0] - l[0])).toBeLessThan(260);
      expect(Math.abs(p[1] - l[1])).toBeLessThan(260);
    }
  });

  it('flies an L-shape as pieces, shorter than the best single-heading lawnmower', () => {
    const L = polygonM(
      [
        [
          [0, 0],
          [900, 0],
          [900, 200],
          [200, 200],
          [200, 800],
          [0, 800],
        ],
      ],
      { id: 'L' },
    );
    const plan = planSurvey(L, { launch: lonLat(-30, -30), altAglM: 80, turnaroundM: 10 });
    const whole = planSurvey(L, { launch: lonLat(-30, -30), altAglM: 80, turnaroundM: 10, decompose: false });
    expect(plan.stats.lengthM).toBeLessThan(whole.stats.lengthM);
    const ref = referenceLawnmower(metric(L), plan.stats.laneSpacingM, 10);
    // Work length (without the transits from / to launch) beats the reference.
    expect(workLengthM(plan)).toBeLessThan(ref.lengthM);
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
  });

  it('stays within 8% of the reference lawnmower on a convex block', () => {
    const poly = polygonM(
      [
        [
          [0, 0],
          [600, 80],
          [650, 500],
          [50, 420],
        ],
      ],
      { id: 'convex' },
    );
    const plan = planSurvey(poly, { launch: lonLat(0, 0), altAglM: 80 });
    const ref = referenceLawnmower(metric(poly), plan.stats.laneSpacingM, 10);
    expect(workLengthM(plan)).toBeLessThan(ref.lengthM * 1.08);
  });

  it('does not mutate its input and accepts a bare geometry', () => {
    const copy = JSON.parse(JSON.stringify(square));
    const a = planSurvey(square, { launch: lonLat(-30, -30) });
    expect(square).toEqual(copy);
    const b = planSurvey(square.geometry, { launch: lonLat(-30, -30) });
    expect(b.stats.lengthM).toBe(a.stats.lengthM);
  });

  it('reports the Fields2Cover test1 field area close to 17.2581 ha', () => {
    const input = JSON.parse(
      fs.readFileSync(path.join(fixturesDir, 'f2c-test1', 'in.geojson'), 'utf8'),
    ) as FeatureCollection;
    const plan = planFixture(input);
    expect(plan.stats.areaM2 / 1e4).toBeGreaterThan(17.2581 * 0.99);
    expect(plan.stats.areaM2 / 1e4).toBeLessThan(17.2581 * 1.01);
    // turf's spherical area differs by ~0.4% from the planar UTM area F2C reports.
    expect(Math.abs(turf.area(input.features[0]!) / 1e4 - 17.2581)).toBeLessThan(0.1);
  });
});

describe('bad input gets a clear error naming feature and field', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'self-intersecting polygon',
      () =>
        planSurvey(
          polygonM(
            [
              [
                [0, 0],
                [100, 100],
                [100, 0],
                [0, 100],
              ],
            ],
            { id: 'bow' },
          ),
        ),
      /"bow".*areas\.geometry\.coordinates.*intersects itself/,
    ],
    ['empty polygon', () => planSurvey({ type: 'Polygon', coordinates: [] }), /empty polygon/],
    [
      'ring too short',
      () =>
        planSurvey({
          type: 'Polygon',
          coordinates: [
            [
              [119, 28],
              [119.1, 28],
              [119, 28],
            ],
          ],
        }),
      /fewer than 4/,
    ],
    [
      '10,000 km² area',
      () =>
        planSurvey(
          polygonM(
            [
              [
                [0, 0],
                [100_000, 0],
                [100_000, 100_000],
                [0, 100_000],
              ],
            ],
            { id: 'huge' },
          ),
        ),
      /"huge".*area too large/,
    ],
    [
      'unreachable GSD',
      () =>
        planSurvey(
          polygonM([
            [
              [0, 0],
              [100, 0],
              [100, 100],
            ],
          ]),
          { gsdCm: 20 },
        ),
      /gsdCm.*cannot reach/,
    ],
    [
      'overlap ≥ 1',
      () =>
        planSurvey(
          polygonM([
            [
              [0, 0],
              [100, 0],
              [100, 100],
            ],
          ]),
          { sideOverlap: 1 },
        ),
      /sideOverlap.*\[0, 1\)/,
    ],
    [
      'unknown camera',
      () =>
        planSurvey(
          polygonM([
            [
              [0, 0],
              [100, 0],
              [100, 100],
            ],
          ]),
          { camera: 'leica' },
        ),
      /camera.*unknown camera/,
    ],
    ['not GeoJSON', () => planSurvey(42 as never), /not GeoJSON/],
    [
      'launch inside no-fly',
      () =>
        planSurvey(
          polygonM([
            [
              [0, 0],
              [100, 0],
              [100, 100],
            ],
          ]),
          {
            launch: lonLat(500, 500),
            nofly: polygonM(
              [
                [
                  [400, 400],
                  [600, 400],
                  [600, 600],
                  [400, 600],
                ],
              ],
              { id: 'nf' },
            ),
          },
        ),
      /launch.*no-fly zone nf/,
    ],
  ];
  for (const [name, fn, re] of cases) {
    it(name, () => {
      expect(fn).toThrow(re);
      try {
        fn();
      } catch (e) {
        expect((e as Error).name).toBe('PlanInputError');
      }
    });
  }
});
