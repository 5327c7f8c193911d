/**
 * Where an interrupted survey picks up again. Flying on from the last reached waypoint is right between lanes, but
 * a lane left halfway (a mid-lane terrain-following waypoint) would be finished with the camera off: ArduPilot runs
 * a lane's `DO_SET_CAM_TRIGG_DIST` once, when the lane's first waypoint is reached, and a restart at a later item
 * never runs it. So, as QGroundControl's "resume mission" does, the flight restarts at the waypoint that switched
 * the trigger on, and re-flies the part of that lane it had already photographed.
 */
import { MAV_CMD } from '@xuncha/geodata';
import type { PlanMissionItem } from '../drones/link-port.ts';

// MAVLink's numbering: navigation commands are those up to MAV_CMD_NAV_LAST (95), as ArduPilot's is_nav_cmd reads
// them; an imported mission's loiters and landings count as well as the planner's waypoints.
const MAV_CMD_NAV_LAST = 95;
const isNav = (it: PlanMissionItem | undefined) => it !== undefined && Number(it.command) <= MAV_CMD_NAV_LAST;

/** The item index to resume at, given the index of the last item the drone reached. */
export function resumePoint(items: readonly PlanMissionItem[], lastReached: number): number {
  if (lastReached < 0 || lastReached >= items.length) return Math.max(0, Math.min(lastReached, items.length - 1));
  // The trigger distance in force once `lastReached` was reached: its own DO items (after it, up to the next
  // navigation item) have run too.
  let end = lastReached + 1;
  while (end < items.length && !isNav(items[end])) end++;
  for (let i = end - 1; i >= 0; i--) {
    const it = items[i]!;
    if (Number(it.command) !== MAV_CMD.DO_SET_CAM_TRIGG_DIST) continue;
    if (!(Number(it.param1) > 0)) return lastReached; // the camera was off: nothing to re-fly
    // The trigger went on after the navigation item before it was reached: restart there.
    let nav = i - 1;
    while (nav >= 0 && !isNav(items[nav])) nav--;
    return nav >= 0 ? Math.min(nav, lastReached) : lastReached;
  }
  return lastReached;
}
