// Compatibility suite (`npm run test:compat`): real files from other projects, read from the shared folder
// beside the clone. Sample plans from MAVSDK's test suite and a Fields2Cover field (both BSD-3-Clause), see
// shared/samples/SOURCES.md. The default suite covers the same paths with files built in ./plan-files.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importQgcPlan, PlanFormatError } from '../src/formats/qgc-plan.ts';
import { readWpl, writeWpl } from '../src/formats/wpl.ts';
import { readGmlPolygons } from '../src/formats/areas.ts';
import { planSchema } from '../src/plan-schema.ts';
import { MAV_CMD, MAV_FRAME } from '../src/planning/mavlink.ts';

const samplesDir = path.join(process.env.XUNCHA_SHARED_DIR ?? '', 'samples');
const plans = path.join(samplesDir, 'mavsdk-plans');
const read = (n: string) => fs.readFileSync(path.join(plans, n), 'utf8');

describe('QGroundControl .plan import: MAVSDK sample plans', () => {
  const expected: Record<string, RegExp | number> = {
    'qgroundcontrol_sample.plan': 6,
    'qgroundcontrol_sample_with_digicam_control.plan': 1,
    'qgroundcontrol_sample_with_survey.plan': 13,
    'qgroundcontrol_sample_with_structured_scan.plan': /StructureScan.*not supported/,
    'qgroundcontrol_sample_with_survey_missing_items.plan': /no embedded TransectStyleComplexItem\.Items/,
    'qgroundcontrol_sample_with_survey_wrong_version.plan': /survey version 9 unsupported/,
    'qgroundcontrol_sample_without_mission.plan': /no mission/,
    'qgroundcontrol_sample_wrong_mission_version.plan': /unsupported mission version 7/,
    'qgroundcontrol_sample_wrong_overall_version.plan': /unsupported \.plan version 42/,
  };
  it('covers every sample file', () => {
    expect(
      fs
        .readdirSync(plans)
        .filter((f) => f.endsWith('.plan'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });
  for (const [file, want] of Object.entries(expected)) {
    it(file, () => {
      if (typeof want === 'number') {
        const plan = importQgcPlan(read(file));
        expect(() => planSchema.parse(plan)).not.toThrow();
        expect(plan.sorties[0]!.items.length).toBeGreaterThanOrEqual(want);
      } else {
        expect(() => importQgcPlan(read(file))).toThrow(want);
        expect(() => importQgcPlan(read(file))).toThrow(PlanFormatError);
      }
    });
  }

  it('reads positions, frames and planned home of the plain sample', () => {
    const plan = importQgcPlan(read('qgroundcontrol_sample.plan'));
    const first = plan.sorties[0]!.items[0]!;
    expect(first.command).toBe(MAV_CMD.NAV_TAKEOFF);
    expect(first.frame).toBe(MAV_FRAME.GLOBAL_RELATIVE_ALT_INT);
    expect(first.x).toBe(473977507);
    expect(first.y).toBe(85456075);
    expect(plan.launch.lat).toBeCloseTo(47.3977507, 7);
  });
});

describe('QGC WPL 110: Mission Planner sample', () => {
  it('reads it and writes it back', () => {
    const wpl = readWpl(read('mission_planner_sample.txt'));
    expect(wpl.items).toHaveLength(4);
    expect(wpl.items[0]!.command).toBe(MAV_CMD.NAV_TAKEOFF);
    expect(wpl.items[3]!.command).toBe(MAV_CMD.NAV_RETURN_TO_LAUNCH);
    const again = readWpl(writeWpl({ home: { lat: 47.39, lon: 8.54, altM: 488 }, items: wpl.items }));
    expect(again.items.map((i) => [i.command, i.frame, i.x, i.y, i.z])).toEqual(
      wpl.items.map((i) => [i.command, i.frame, i.x, i.y, i.z]),
    );
  });
});

describe('Fields2Cover GML', () => {
  it('reads the test1.xml field', () => {
    const fc = readGmlPolygons(fs.readFileSync(path.join(samplesDir, 'fields2cover/test1.xml'), 'utf8'));
    expect(fc.features.length).toBeGreaterThanOrEqual(1);
    expect((fc.features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!.length).toBe(13);
  });
});
