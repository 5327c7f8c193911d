/** Mission items the way the planner writes them (plan schema: seq, null = unset), near a home point. */
import { MavCmd, MavFrame } from '../../../mission-service/src/link/mavlink/enums.ts';

export type PlanItem = Record<string, number | null>;

/** Takeoff, `n − 2` waypoints on a lawnmower pattern about 10 m apart, RTL. */
export function missionItems(n: number, home: { lat: number; lon: number }, altRelM = 30): PlanItem[] {
  const base = {
    frame: MavFrame.GLOBAL_RELATIVE_ALT_INT,
    current: 0,
    autocontinue: 1,
    param2: null,
    param3: null,
    param4: null,
  };
  const e7 = (d: number) => Math.round(d * 1e7);
  const items: PlanItem[] = [
    { ...base, seq: 0, command: MavCmd.NAV_TAKEOFF, param1: 0, x: e7(home.lat), y: e7(home.lon), z: altRelM },
  ];
  for (let i = 1; i < n - 1; i++) {
    const row = Math.floor((i - 1) / 20);
    const col = (i - 1) % 20;
    items.push({
      ...base,
      seq: i,
      command: MavCmd.NAV_WAYPOINT,
      param1: 0,
      x: e7(home.lat + 0.0001 * row),
      y: e7(home.lon + 0.0001 * (row % 2 ? 19 - col : col)),
      z: altRelM + (i % 7) * 0.37,
    });
  }
  items.push({
    ...base,
    frame: MavFrame.MISSION,
    seq: n - 1,
    command: MavCmd.NAV_RETURN_TO_LAUNCH,
    param1: null,
    x: 0,
    y: 0,
    z: 0,
  });
  return items;
}
