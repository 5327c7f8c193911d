/**
 * Imports never invent an altitude: an item whose altitude is missing or was never computed is refused with its
 * item number and the reason, or computed from a DEM when one is given, with a warning naming the item.
 * The `.plan` files are built here in the shape QGroundControl writes (its own test plan
 * ArduPilotSITL-ArduCopter.plan has such an item 6: AltitudeMode 3 with AMSLAltAboveTerrain null).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openDem } from '../src/dem/open-dem.ts';
import type { Dem } from '../src/dem/dem-grid.ts';
import { importQgcPlan, PlanFormatError } from '../src/formats/qgc-plan.ts';
import { readWpl } from '../src/formats/wpl.ts';
import { MAV_CMD, MAV_FRAME } from '../src/planning/mavlink.ts';
import { sampleDemPath } from '../src/sample-data.ts';

/** Near the Longquan sample DEM's centre (the demo drones' field). */
const LAT = 28.0607;
const LON = 119.1114;

type Item = Record<string, unknown>;
const simple = (command: number, frame: number, alt: number | null, extra: Item = {}, dLat = 0): Item => ({
  type: 'SimpleItem',
  command,
  frame,
  autoContinue: true,
  doJumpId: 1,
  params: [0, 0, 0, null, LAT + dLat, LON, alt],
  ...extra,
});
/** QGC's "calculated above terrain": frame GLOBAL, params[6] = the AMSL it computed (null when it had no terrain). */
const calcAboveTerrain = (aglM: number, amsl: number | null, dLat = 0): Item =>
  simple(MAV_CMD.NAV_WAYPOINT, 0, amsl, { AltitudeMode: 3, Altitude: aglM, AMSLAltAboveTerrain: amsl }, dLat);

function planFile(items: Item[]): string {
  return JSON.stringify({
    fileType: 'Plan',
    version: 1,
    groundStation: 'QGroundControl',
    geoFence: { circles: [], polygons: [], version: 2 },
    rallyPoints: { points: [], version: 2 },
    mission: { version: 2, firmwareType: 3, vehicleType: 2, cruiseSpeed: 15, hoverSpeed: 5, items },
  });
}

/** Items 0–5 fine, item 6 like QGC's ArduPilotSITL-ArduCopter.plan: calculated above terrain, never computed. */
const itemsWithUncomputed = (): Item[] => [
  simple(MAV_CMD.NAV_TAKEOFF, 3, 30, { AltitudeMode: 1, Altitude: 30 }),
  ...[1, 2, 3, 4, 5].map((k) =>
    simple(MAV_CMD.NAV_WAYPOINT, 3, 40, { AltitudeMode: 1, Altitude: 40, AMSLAltAboveTerrain: null }, k * 0.0005),
  ),
  calcAboveTerrain(50, null, 0.003),
];

function refusal(f: () => unknown): PlanFormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PlanFormatError);
    return e as PlanFormatError;
  }
  throw new Error('expected the import to be refused');
}

describe('QGroundControl .plan: altitudes are never invented', () => {
  let dem: Dem;
  beforeAll(async () => {
    dem = await openDem(sampleDemPath);
  });

  it('refuses an AltitudeMode 3 item whose AMSL altitude was never computed, naming the item and the reason', () => {
    const e = refusal(() => importQgcPlan(planFile(itemsWithUncomputed())));
    expect(e.message).toMatch(/item 6: AltitudeMode 3 \(calculated above terrain\)/);
    expect(e.message).toContain('AMSLAltAboveTerrain is null');
    expect(e.message).toContain('--dem');
  });

  it('computes it from a DEM when one is given: ground + altitude above terrain, AMSL frame, a warning naming the item', () => {
    const plan = importQgcPlan(planFile(itemsWithUncomputed()), { dem });
    const items = plan.sorties[0]!.items;
    const ground = dem.elevationAt(LON, LAT + 0.003)!;
    expect(ground).toBeGreaterThan(100);
    expect(items[6]!.frame).toBe(MAV_FRAME.GLOBAL_INT);
    expect(items[6]!.z).toBeCloseTo(ground + 50, 1);
    expect(items.slice(0, 6).every((it) => it.frame === MAV_FRAME.GLOBAL_RELATIVE_ALT_INT)).toBe(true);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]!.code).toBe('altitude_from_dem');
    expect(plan.warnings[0]!.message).toMatch(/item 6: AMSL altitude computed from the DEM: ground [\d.]+ m \+ 50 m/);
  });

  it('takes the AMSL altitude QGC did compute, without a warning', () => {
    const plan = importQgcPlan(planFile([calcAboveTerrain(50, 312.4)]), { dem });
    expect(plan.sorties[0]!.items[0]).toMatchObject({ frame: MAV_FRAME.GLOBAL_INT, z: 312.4 });
    expect(plan.warnings).toEqual([]);
  });

  it('refuses a position with no altitude at all (null params[6]), also inside a survey', () => {
    expect(refusal(() => importQgcPlan(planFile([simple(MAV_CMD.NAV_TAKEOFF, 3, null)]))).message).toMatch(
      /item 0 has no altitude \(params\[6\] is null\)/,
    );
    const survey = {
      type: 'ComplexItem',
      complexItemType: 'survey',
      version: 5,
      TransectStyleComplexItem: {
        Items: [simple(MAV_CMD.NAV_WAYPOINT, 3, 40), simple(MAV_CMD.NAV_WAYPOINT, 3, null, {}, 0.001)],
      },
    };
    const e = refusal(() => importQgcPlan(planFile([simple(MAV_CMD.NAV_TAKEOFF, 3, 30), survey]), { dem }));
    expect(e.message).toMatch(/item 1\.1 has no altitude/);
  });

  it('refuses to compute an item outside the DEM', () => {
    const far = calcAboveTerrain(50, null, 5);
    expect(refusal(() => importQgcPlan(planFile([far]), { dem })).message).toMatch(/item 0 .* lies outside the DEM/);
  });

  it('leaves items without a position alone (their params[6] is no altitude)', () => {
    const speed = { ...simple(MAV_CMD.DO_CHANGE_SPEED, 2, null), params: [1, 8, -1, 0, 0, 0, null] };
    const plan = importQgcPlan(planFile([simple(MAV_CMD.NAV_TAKEOFF, 3, 30), speed]));
    expect(plan.sorties[0]!.items[1]!.z).toBe(0);
  });
});

describe('QGC WPL 110: altitudes are never invented', () => {
  const home = ['0', '1', '0', '16', '0', '0', '0', '0', String(LAT), String(LON), '210', '1'].join('\t');
  const row = (i: number, alt: string) =>
    [String(i), '0', '3', '16', '0', '0', '0', '0', String(LAT + i * 0.001), String(LON), alt, '1'].join('\t');

  it('refuses a row whose altitude is not a number, naming the line and the column', () => {
    for (const alt of ['nan', '-', 'NaN']) {
      expect(() => readWpl(`QGC WPL 110\n${home}\n${row(1, '40')}\n${row(2, alt)}\n`)).toThrow(
        new RegExp(`line 4: expected 12 numbers, alt \\(column 11\\) is "${alt}"; refusing to guess an altitude`),
      );
    }
  });

  it('reads rows that carry their altitude, with no warnings', () => {
    const wpl = readWpl(`QGC WPL 110\n${home}\n${row(1, '40')}\n${row(2, '45.5')}\n`);
    expect(wpl.items.map((i) => i.z)).toEqual([40, 45.5]);
    expect(wpl.warnings).toEqual([]);
  });
});
