/**
 * Mission items on the vehicle: which commands each mission type accepts, frame checks the way
 * ArduPilot (or PX4) refuses them, and conversion between MISSION_ITEM (float degrees) and the
 * stored MISSION_ITEM_INT form.
 */
import { MAV_CMD, MAV_FRAME, MAV_MISSION_RESULT, MAV_MISSION_TYPE, isGlobalFrame, plainFrame } from './mav.ts';
import type { MissionItemState, Personality } from './types.ts';

/** Navigation commands (they move the vehicle and get MISSION_ITEM_REACHED). */
export const NAV_COMMANDS: ReadonlySet<number> = new Set([
  MAV_CMD.NAV_WAYPOINT,
  MAV_CMD.NAV_LOITER_UNLIM,
  MAV_CMD.NAV_LOITER_TURNS,
  MAV_CMD.NAV_LOITER_TIME,
  MAV_CMD.NAV_RETURN_TO_LAUNCH,
  MAV_CMD.NAV_LAND,
  MAV_CMD.NAV_TAKEOFF,
  MAV_CMD.NAV_SPLINE_WAYPOINT,
  MAV_CMD.NAV_DELAY,
]);

/** Commands accepted in a MISSION (type 0) upload that are not navigation. */
const DO_COMMANDS: ReadonlySet<number> = new Set([
  MAV_CMD.CONDITION_DELAY,
  MAV_CMD.CONDITION_DISTANCE,
  MAV_CMD.CONDITION_YAW,
  MAV_CMD.DO_JUMP,
  MAV_CMD.DO_CHANGE_SPEED,
  MAV_CMD.DO_SET_HOME,
  MAV_CMD.DO_SET_RELAY,
  MAV_CMD.DO_SET_SERVO,
  MAV_CMD.DO_SET_ROI_LOCATION,
  MAV_CMD.DO_SET_ROI_NONE,
  MAV_CMD.DO_SET_ROI,
  MAV_CMD.DO_DIGICAM_CONFIGURE,
  MAV_CMD.DO_DIGICAM_CONTROL,
  MAV_CMD.DO_MOUNT_CONTROL,
  MAV_CMD.DO_SET_CAM_TRIGG_DIST,
  MAV_CMD.DO_FENCE_ENABLE,
  MAV_CMD.DO_GIMBAL_MANAGER_PITCHYAW,
  MAV_CMD.IMAGE_START_CAPTURE,
  MAV_CMD.IMAGE_STOP_CAPTURE,
]);

const FENCE_COMMANDS: ReadonlySet<number> = new Set([
  MAV_CMD.NAV_FENCE_RETURN_POINT,
  MAV_CMD.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
  MAV_CMD.NAV_FENCE_POLYGON_VERTEX_EXCLUSION,
  MAV_CMD.NAV_FENCE_CIRCLE_INCLUSION,
  MAV_CMD.NAV_FENCE_CIRCLE_EXCLUSION,
]);

/** Commands whose x/y carry a latitude/longitude. */
const LOCATION_COMMANDS: ReadonlySet<number> = new Set([
  MAV_CMD.NAV_WAYPOINT,
  MAV_CMD.NAV_LOITER_UNLIM,
  MAV_CMD.NAV_LOITER_TURNS,
  MAV_CMD.NAV_LOITER_TIME,
  MAV_CMD.NAV_LAND,
  MAV_CMD.NAV_TAKEOFF,
  MAV_CMD.NAV_SPLINE_WAYPOINT,
  MAV_CMD.DO_SET_HOME,
  MAV_CMD.DO_SET_ROI,
  MAV_CMD.DO_SET_ROI_LOCATION,
  ...FENCE_COMMANDS,
  MAV_CMD.NAV_RALLY_POINT,
]);

/** Whether a command's x/y are latitude/longitude. */
export function hasLocation(command: number): boolean {
  return LOCATION_COMMANDS.has(command);
}

/** Whether a command is a navigation command. */
export function isNavCommand(command: number): boolean {
  return NAV_COMMANDS.has(command);
}

/** Raw fields of an incoming MISSION_ITEM or MISSION_ITEM_INT. */
export interface WireItem {
  seq: number;
  frame: number;
  command: number;
  current: number;
  autocontinue: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
  missionType: number;
}

/**
 * Checks an item and converts it to the stored form. `isInt` says whether x/y are degE7 already
 * (MISSION_ITEM_INT) or float degrees (MISSION_ITEM). Returns a MAV_MISSION_RESULT on refusal.
 */
export function acceptItem(
  wire: WireItem,
  isInt: boolean,
  personality: Personality,
): { item: MissionItemState } | { result: number } {
  const cmd = wire.command;
  const type = wire.missionType;
  const allowed =
    type === MAV_MISSION_TYPE.MISSION
      ? NAV_COMMANDS.has(cmd) || DO_COMMANDS.has(cmd)
      : type === MAV_MISSION_TYPE.FENCE
        ? FENCE_COMMANDS.has(cmd)
        : type === MAV_MISSION_TYPE.RALLY
          ? cmd === MAV_CMD.NAV_RALLY_POINT
          : false;
  if (!allowed) return { result: MAV_MISSION_RESULT.UNSUPPORTED };

  let x = wire.x;
  let y = wire.y;
  const located = hasLocation(cmd);
  if (located) {
    const frameOk =
      personality === 'px4'
        ? wire.frame === MAV_FRAME.GLOBAL ||
          wire.frame === MAV_FRAME.GLOBAL_INT ||
          wire.frame === MAV_FRAME.GLOBAL_RELATIVE_ALT ||
          wire.frame === MAV_FRAME.GLOBAL_RELATIVE_ALT_INT
        : isGlobalFrame(wire.frame) || wire.frame === MAV_FRAME.MISSION;
    if (!frameOk) return { result: MAV_MISSION_RESULT.UNSUPPORTED_FRAME };
    const latDeg = isInt ? x / 1e7 : x;
    const lonDeg = isInt ? y / 1e7 : y;
    if (!Number.isFinite(latDeg) || Math.abs(latDeg) > 90) return { result: MAV_MISSION_RESULT.INVALID_PARAM5_X };
    if (!Number.isFinite(lonDeg) || Math.abs(lonDeg) > 180) return { result: MAV_MISSION_RESULT.INVALID_PARAM6_Y };
    if (!isInt) {
      x = Math.round(latDeg * 1e7);
      y = Math.round(lonDeg * 1e7);
    }
  } else if (!isInt) {
    // Non-location commands carry plain numbers in x/y (e.g. DO_DIGICAM_CONTROL's shoot flag).
    x = Math.trunc(Number.isFinite(x) ? x : 0);
    y = Math.trunc(Number.isFinite(y) ? y : 0);
  }
  if (!Number.isFinite(wire.z) && located && cmd !== MAV_CMD.NAV_RETURN_TO_LAUNCH) {
    return { result: MAV_MISSION_RESULT.INVALID };
  }
  return {
    item: {
      seq: wire.seq,
      frame: personality === 'ardupilot' ? plainFrame(wire.frame) : wire.frame,
      command: cmd,
      current: 0,
      autocontinue: wire.autocontinue,
      param1: wire.param1,
      param2: wire.param2,
      param3: wire.param3,
      param4: wire.param4,
      x,
      y,
      z: wire.z,
    },
  };
}

/** x/y of a stored item as MISSION_ITEM (float) carries them. */
export function floatXY(item: MissionItemState): { x: number; y: number } {
  return hasLocation(item.command) ? { x: item.x / 1e7, y: item.y / 1e7 } : { x: item.x, y: item.y };
}
