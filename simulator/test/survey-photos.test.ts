/**
 * A survey planned by geodata flown by the simulated ArduCopter takes the photos it was planned to take. The
 * planner writes each lane as `WP start, DO_SET_CAM_TRIGG_DIST on, WP end, DO_SET_CAM_TRIGG_DIST off`, as
 * QGroundControl does; ArduPilot runs the DO items after a waypoint once that waypoint is reached (the SITL suite
 * counts the photos of the same kind of plan on the real autopilot). Running them when the waypoint *starts* turned
 * the trigger off along every lane: 18 photos of 96.
 */
import { expect, test } from 'vitest';
import { planSurvey } from '@xuncha/geodata';
import { distanceM } from '../src/vehicle/geo.ts';
import { CopterMode, MavCmd, MavMissionResult, MavResult } from '../src/vehicle/mav.ts';
import type { CameraCapture } from '../src/vehicle/types.ts';
import { useSimHarness } from './helpers/sim-harness.ts';
import { TestGcs, until } from './helpers/test-gcs.ts';

const harness = useSimHarness(100);

test('a planned survey takes every planned photo, along the lanes only', async () => {
  const captures: CameraCapture[] = [];
  const { v, g } = await harness.setup({
    camera: async (c) => void captures.push(c),
    scenario: { drones: [], incidents: [], weather: { windMps: 3, windDirDeg: 270 } },
  });
  const h = v.state().home!;
  // A 200 m square field 300 m east of home, surveyed at 60 m.
  const lon = h.lon + 0.003;
  const lat = h.lat;
  const dLat = 100 / 110_574;
  const dLon = 100 / (111_320 * Math.cos((lat * Math.PI) / 180));
  const ring = [
    [lon - dLon, lat - dLat],
    [lon + dLon, lat - dLat],
    [lon + dLon, lat + dLat],
    [lon - dLon, lat + dLat],
    [lon - dLon, lat - dLat],
  ];
  const plan = planSurvey({ type: 'Polygon', coordinates: [ring] }, { altAglM: 60, launch: [h.lon, h.lat] });
  const sortie = plan.sorties[0]!;
  // Item 0 is home (ArduPilot keeps it there); the planner's items follow.
  const items = TestGcs.items([
    { command: MavCmd.NAV_WAYPOINT },
    ...sortie.items.map((it) => ({
      command: it.command,
      frame: it.frame,
      params: [it.param1 ?? 0, it.param2 ?? 0, it.param3 ?? 0, it.param4 ?? 0] as [number, number, number, number],
      lat: it.x / 1e7,
      lon: it.y / 1e7,
      z: it.z,
    })),
  ]);
  expect((await g.upload(items)).result).toBe(MavMissionResult.ACCEPTED);
  expect(await g.setMode(CopterMode.GUIDED)).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.COMPONENT_ARM_DISARM, [1])).toBe(MavResult.ACCEPTED);
  expect(await g.command(MavCmd.MISSION_START)).toBe(MavResult.ACCEPTED);
  await until(() => v.state().missionState === 'complete' && !v.state().armed, 60_000, 'mission complete');

  expect(captures.length).toBe(sortie.photoCount);
  // Every photo over the field (within a trigger distance of its edge), none on the way there or back.
  const trigger = Number(
    sortie.items.find((it) => it.command === MavCmd.DO_SET_CAM_TRIGG_DIST && Number(it.param1) > 0)!.param1,
  );
  const halfDiagonal = Math.hypot(100, 100);
  for (const c of captures) expect(distanceM(c.lon, c.lat, lon, lat)).toBeLessThan(halfDiagonal + trigger);
});
