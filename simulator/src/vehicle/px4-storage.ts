/**
 * What PX4 keeps of a mission item (mavlink_mission.cpp: parse_mavlink_mission_item / format_mavlink_mission_item):
 * items with a position keep only the parameters its `mission_item_s` has a field for (yaw wrapped to [0, 360),
 * NaN stays NaN), items in MAV_FRAME_MISSION keep all seven as floats. Read from PX4's source: no PX4 SITL was
 * available to check it against, unlike the ArduPilot rules.
 */
import { MavCmd, MavFrame, plainFrame } from './mav.ts';
import type { MissionItemState } from './types.ts';

const yaw = (v: number): number => (Number.isNaN(v) ? v : Math.fround(((v % 360) + 360) % 360));
const flag = (v: number): number => (v > 0 ? 1 : 0);

/** The item as PX4 reads it back. */
export function px4Store(item: MissionItemState): MissionItemState {
  if (plainFrame(item.frame) === MavFrame.MISSION) {
    if (item.command !== MavCmd.DO_JUMP) return { ...item };
    return { ...item, param1: Math.trunc(item.param1) & 0xffff, param2: Math.trunc(item.param2) & 0xffff };
  }
  const out: MissionItemState = { ...item, param1: 0, param2: 0, param3: 0, param4: 0 };
  switch (item.command) {
    case MavCmd.NAV_WAYPOINT:
      return { ...out, param1: item.param1, param2: item.param2, param4: yaw(item.param4) };
    case MavCmd.NAV_LOITER_UNLIM:
      return { ...out, param3: item.param3, param4: yaw(item.param4) };
    case MavCmd.NAV_LOITER_TIME:
      return { ...out, param1: item.param1, param2: flag(item.param2), param3: item.param3, param4: flag(item.param4) };
    case MavCmd.NAV_LAND:
      return { ...out, param2: item.param2, param4: yaw(item.param4) };
    case MavCmd.NAV_TAKEOFF:
    case MavCmd.NAV_VTOL_TAKEOFF:
    case MavCmd.NAV_VTOL_LAND:
      return { ...out, param4: yaw(item.param4) };
    case MavCmd.NAV_LOITER_TO_ALT:
      return { ...out, param1: flag(item.param1), param2: item.param2, param4: flag(item.param4) };
    case MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION:
    case MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION:
      return { ...out, param1: Math.floor(item.param1 + 0.5) };
    case MavCmd.NAV_FENCE_CIRCLE_INCLUSION:
    case MavCmd.NAV_FENCE_CIRCLE_EXCLUSION:
      return { ...out, param1: item.param1 };
    default:
      return out;
  }
}
