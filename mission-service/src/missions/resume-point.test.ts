import { expect, test } from 'vitest';
import { MAV_CMD, planSurvey } from '@xuncha/geodata';
import { resumePoint } from './resume-point.ts';

const WP = { command: MAV_CMD.NAV_WAYPOINT };
const on = { command: MAV_CMD.DO_SET_CAM_TRIGG_DIST, param1: 12.5, param3: 1 };
const off = { command: MAV_CMD.DO_SET_CAM_TRIGG_DIST, param1: 0, param3: 1 };
// 0 takeoff, 1 speed, 2 lane start, 3 on, 4 mid-lane, 5 mid-lane, 6 lane end, 7 off, 8 next lane start, 9 on,
// 10 lane end, 11 off, 12 RTL
const items = [
  { command: MAV_CMD.NAV_TAKEOFF },
  { command: MAV_CMD.DO_CHANGE_SPEED },
  WP,
  on,
  WP,
  WP,
  WP,
  off,
  WP,
  on,
  WP,
  off,
  { command: MAV_CMD.NAV_RETURN_TO_LAUNCH },
];

test('a lane left halfway is flown again from its first waypoint, with the trigger', () => {
  expect(resumePoint(items, 4)).toBe(2);
  expect(resumePoint(items, 5)).toBe(2);
  expect(resumePoint(items, 2)).toBe(2);
  expect(resumePoint(items, 8)).toBe(8);
});

test("an imported mission's loiter inside a lane is a navigation item too", () => {
  // 0 takeoff, 1 lane start, 2 on, 3 loiter 5 s (NAV_LOITER_TIME), 4 lane end, 5 off
  const imported = [{ command: MAV_CMD.NAV_TAKEOFF }, WP, on, { command: 19 }, WP, off];
  expect(resumePoint(imported, 3)).toBe(1);
  expect(resumePoint(imported, 4)).toBe(4);
});

test('between lanes and before any lane, the flight goes on from the last reached waypoint', () => {
  expect(resumePoint(items, 0)).toBe(0);
  expect(resumePoint(items, 6)).toBe(6);
  expect(resumePoint(items, 10)).toBe(10);
});

test('a reached index outside the mission is clamped, never past its end', () => {
  expect(resumePoint(items, -1)).toBe(0);
  expect(resumePoint(items, 99)).toBe(items.length - 1);
});

test('a planned survey: from any reached item, resuming never skips a photographed stretch', () => {
  const lon = 119.1;
  const lat = 28.07;
  const d = 0.002;
  const ring = [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ];
  const its = planSurvey({ type: 'Polygon', coordinates: [ring] }, { altAglM: 60, launch: [lon - d, lat] }).sorties[0]!
    .items;
  const trig = its.filter((it) => it.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST);
  expect(trig.length).toBeGreaterThan(4);
  const nav = [MAV_CMD.NAV_WAYPOINT, MAV_CMD.NAV_TAKEOFF, MAV_CMD.NAV_RETURN_TO_LAUNCH] as number[];
  // A drone reports navigation items reached, never DO items.
  for (let k = 0; k < its.length; k++) {
    if (!nav.includes(its[k]!.command)) continue;
    const r = resumePoint(its, k);
    expect(r).toBeLessThanOrEqual(k);
    // The resume point is a navigation item, and no trigger switches off between it and k.
    expect(nav).toContain(its[r]!.command);
    for (let j = r + 1; j <= k; j++)
      if (its[j]!.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST) expect(its[j]!.param1).toBeGreaterThan(0);
  }
});
