import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCorridor } from '../src/planning/corridor.ts';
import { planHillside, type DemLike } from '../src/planning/hillside.ts';
import { MAV_CMD, MAV_FRAME } from '../src/planning/mavlink.ts';
import { planSchema } from '../src/plan-schema.ts';
import { makeProjection } from '../src/planning/projection.ts';
import { dronePresets } from '../src/camera/presets.ts';
import { openDem } from '../src/dem/index.ts';
import { sampleDemPath } from '../src/sample-data.ts';
import { lonLat, polygonM } from './helpers.ts';

const river = {
  type: 'Feature' as const,
  properties: { id: 'river-a' },
  geometry: {
    type: 'LineString' as const,
    coordinates: Array.from({ length: 21 }, (_, i) => lonLat(i * 150, 80 * Math.sin(i / 3))),
  },
};

describe('planCorridor', () => {
  it('covers the corridor with enough passes and photographs reversed passes the same way', () => {
    const plan = planCorridor(river, { halfWidthM: 50, altAglM: 60, launch: lonLat(-50, -50) });
    expect(() => planSchema.parse(plan)).not.toThrow();
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
    const passes = Math.ceil(100 / plan.stats.laneSpacingM);
    // Photos on forward and reversed passes: both directions are present, spaced by the trigger distance.
    const headings = new Set(plan.photos.map((p) => Math.round(((p.headingDeg + 360) % 360) / 90) % 4));
    expect(headings.size).toBeGreaterThanOrEqual(2);
    const trig = plan.sorties
      .flatMap((s) => s.items)
      .filter((i) => i.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST && i.param1! > 0);
    expect(trig.length).toBeGreaterThanOrEqual(passes);
    expect(trig.every((t) => t.param3 === 1)).toBe(true);
  });

  it('splits a long river across sorties, each back at its launch site', () => {
    const drone = { ...dronePresets.m3e!, flightTimeS: 900 };
    const plan = planCorridor(river, { halfWidthM: 50, altAglM: 60, launch: lonLat(-50, -50), drone });
    expect(plan.stats.sortieCount).toBeGreaterThan(1);
    for (const s of plan.sorties) expect(s.durationS).toBeLessThanOrEqual(900 * 0.75 + 1e-6);
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
  });

  it('rejects a line with one point and a missing half-width, naming feature and field', () => {
    expect(() => planCorridor({ type: 'LineString', coordinates: [[119, 28]] }, { halfWidthM: 10 })).toThrow(
      /line-1.*at least 2 positions/,
    );
    expect(() => planCorridor(river, {})).toThrow(/river-a.*halfWidthM/);
  });
});

/** A synthetic hill: a 35% slope northwards plus ripples. */
const hill: DemLike = {
  elevationAt: (lon, lat) =>
    lon < 119.12 || lon > 119.16 || lat < 28.05 || lat > 28.08
      ? null
      : 300 + (lat - 28.06) * 110_950 * 0.35 + 15 * Math.sin(lon * 4000),
};

function aglDeviation(plan: ReturnType<typeof planHillside>, dem: DemLike, target: number): number {
  let worst = 0;
  const base = plan.launch.altAmslM!;
  for (const s of plan.sorties) {
    const c = s.route.coordinates;
    // Skip the takeoff climb and the landing at each end.
    for (let i = 2; i < c.length - 1; i++) {
      const a = c[i - 1]!;
      const b = c[i]!;
      for (let k = 0; k <= 8; k++) {
        const t = k / 8;
        const lon = a[0]! + (b[0]! - a[0]!) * t;
        const lat = a[1]! + (b[1]! - a[1]!) * t;
        const agl = base + a[2]! + (b[2]! - a[2]!) * t - dem.elevationAt(lon, lat)!;
        worst = Math.max(worst, Math.abs(agl - target) / target);
      }
    }
  }
  return worst;
}

describe('planHillside', () => {
  const area = polygonM(
    [
      [
        [0, 0],
        [400, 0],
        [400, 400],
        [0, 400],
      ],
    ],
    { id: 'slope-1' },
  );

  it('keeps height above ground within ±10%, AMSL in the global frame, lanes along the contours', () => {
    const plan = planHillside(area, { dem: hill, altAglM: 80, launch: lonLat(-30, -30) });
    expect(plan.altitudeMode).toBe('amsl');
    const nav = plan.sorties[0]!.items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT);
    expect(nav.every((i) => i.frame === MAV_FRAME.GLOBAL_INT)).toBe(true);
    expect(aglDeviation(plan, hill, 80)).toBeLessThanOrEqual(0.1);
    // The slope rises northwards: contour lanes run east-west.
    const lanePhotos = plan.photos.map((p) => p.headingDeg % 180);
    const eastWest = lanePhotos.filter((h) => Math.abs(h - 90) < 10).length;
    expect(eastWest / lanePhotos.length).toBeGreaterThan(0.9);
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
  });

  it('offers the ArduPilot terrain frame as an option', () => {
    const plan = planHillside(area, { dem: hill, altAglM: 80, launch: lonLat(-30, -30), altitudeFrame: 'terrain' });
    const nav = plan.sorties[0]!.items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT);
    expect(nav.every((i) => i.frame === MAV_FRAME.GLOBAL_TERRAIN_ALT && i.z === 80)).toBe(true);
  });

  it('rejects a DEM that does not cover the area, naming the feature', () => {
    const far = polygonM(
      [
        [
          [0, 0],
          [400, 0],
          [400, 400],
          [0, 400],
        ],
      ],
      { id: 'far-hill' },
    );
    (far.geometry as { coordinates: number[][][] }).coordinates[0] = (
      far.geometry as { coordinates: number[][][] }
    ).coordinates[0]!.map((c) => [c[0]! + 1, c[1]!]);
    expect(() => planHillside(far, { dem: hill, altAglM: 80, launch: lonLat(-30, -30) })).toThrow(
      /far-hill.*dem.*does not cover/,
    );
  });

  it.runIf(fs.existsSync(sampleDemPath))('plans a sample hillside on the Longquan DEM', async () => {
    const dem = await openDem(sampleDemPath);
    const hills = JSON.parse(fs.readFileSync(path.join(path.dirname(sampleDemPath), 'hillsides.geojson'), 'utf8'));
    const first = hills.features[0];
    const c =
      first.geometry.type === 'Polygon' ? first.geometry.coordinates[0][0] : first.geometry.coordinates[0][0][0];
    const plan = planHillside(first, { dem, altAglM: 80, launch: [c[0], c[1]], drone: 'm350' });
    expect(aglDeviation(plan, dem, 80)).toBeLessThanOrEqual(0.1);
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.99);
    expect(makeProjection(c[0], c[1]).epsg).toBe('EPSG:32650');
  });
});
