/**
 * Mission items on the vehicle: which commands each mission type accepts, frame checks the way
 * ArduPilot (or PX4) refuses them, and conversion between MISSION_ITEM (float degrees) and the
 * stored MISSION_ITEM_INT form.
 */
import { MavCmd, MavFrame, MavMissionResult, MavMissionType, isGlobalFrame } from './mav.ts';
import { arduPilotStore } from './ardupilot-storage.ts';
import { px4Store } from './px4-storage.ts';
import type { MissionItemState, Personality } from './types.ts';

/** Navigation commands (they move the vehicle and get MISSION_ITEM_REACHED). */
export const NAV_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.NAV_WAYPOINT,
  MavCmd.NAV_LOITER_UNLIM,
  MavCmd.NAV_LOITER_TURNS,
  MavCmd.NAV_LOITER_TIME,
  MavCmd.NAV_RETURN_TO_LAUNCH,
  MavCmd.NAV_LAND,
  MavCmd.NAV_TAKEOFF,
  MavCmd.NAV_SPLINE_WAYPOINT,
  MavCmd.NAV_DELAY,
]);

/** Commands accepted in a MISSION (type 0) upload that are not navigation. */
const DO_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.CONDITION_DELAY,
  MavCmd.CONDITION_DISTANCE,
  MavCmd.CONDITION_YAW,
  MavCmd.DO_JUMP,
  MavCmd.DO_CHANGE_SPEED,
  MavCmd.DO_SET_HOME,
  MavCmd.DO_SET_RELAY,
  MavCmd.DO_SET_SERVO,
  MavCmd.DO_SET_ROI_LOCATION,
  MavCmd.DO_SET_ROI_NONE,
  MavCmd.DO_SET_ROI,
  MavCmd.DO_DIGICAM_CONFIGURE,
  MavCmd.DO_DIGICAM_CONTROL,
  MavCmd.DO_MOUNT_CONTROL,
  MavCmd.DO_SET_CAM_TRIGG_DIST,
  MavCmd.DO_FENCE_ENABLE,
  MavCmd.DO_GIMBAL_MANAGER_PITCHYAW,
  MavCmd.IMAGE_START_CAPTURE,
  MavCmd.IMAGE_STOP_CAPTURE,
]);

const FENCE_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.NAV_FENCE_RETURN_POINT,
  MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
  MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_INCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_EXCLUSION,
]);

/** Commands whose x/y carry a latitude/longitude. */
const LOCATION_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.NAV_WAYPOINT,
  MavCmd.NAV_LOITER_UNLIM,
  MavCmd.NAV_LOITER_TURNS,
  MavCmd.NAV_LOITER_TIME,
  MavCmd.NAV_LAND,
  MavCmd.NAV_TAKEOFF,
  MavCmd.NAV_SPLINE_WAYPOINT,
  MavCmd.DO_SET_HOME,
  MavCmd.DO_SET_ROI,
  MavCmd.DO_SET_ROI_LOCATION,
  ...FENCE_COMMANDS,
  MavCmd.NAV_RALLY_POINT,
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
 * (MISSION_ITEM_INT) or float degrees (MISSION_ITEM). Returns a MavMissionResult on refusal.
 */
export function acceptItem(
  wire: WireItem,
  isInt: boolean,
  personality: Personality,
): { item: MissionItemState } | { result: number } {
  if (personality === 'ardupilot') {
    const { missionType, ...item } = wire;
    const stored = arduPilotStore(missionType, item, isInt);
    return typeof stored === 'number' ? { result: stored } : { item: stored };
  }
  const cmd = wire.command;
  const type = wire.missionType;
  const allowed =
    type === MavMissionType.MISSION
      ? NAV_COMMANDS.has(cmd) || DO_COMMANDS.has(cmd)
      : type === MavMissionType.FENCE
        ? FENCE_COMMANDS.has(cmd)
        : type === MavMissionType.RALLY
          ? cmd === MavCmd.NAV_RALLY_POINT
          : false;
  if (!allowed) return { result: MavMissionResult.UNSUPPORTED };

  let x = wire.x;
  let y = wire.y;
  const located = hasLocation(cmd);
  if (located) {
    const frameOk =
      personality === 'px4'
        ? wire.frame === MavFrame.GLOBAL ||
          wire.frame === MavFrame.GLOBAL_INT ||
          wire.frame === MavFrame.GLOBAL_RELATIVE_ALT ||
          wire.frame === MavFrame.GLOBAL_RELATIVE_ALT_INT
        : isGlobalFrame(wire.frame) || wire.frame === MavFrame.MISSION;
    if (!frameOk) return { result: MavMissionResult.UNSUPPORTED_FRAME };
    const latDeg = isInt ? x / 1e7 : x;
    const lonDeg = isInt ? y / 1e7 : y;
    if (!Number.isFinite(latDeg) || Math.abs(latDeg) > 90) return { result: MavMissionResult.INVALID_PARAM5_X };
    if (!Number.isFinite(lonDeg) || Math.abs(lonDeg) > 180) return { result: MavMissionResult.INVALID_PARAM6_Y };
    if (!isInt) {
      x = Math.round(latDeg * 1e7);
      y = Math.round(lonDeg * 1e7);
    }
  } else if (!isInt) {
    // Non-location commands carry plain numbers in x/y (e.g. DO_DIGICAM_CONTROL's shoot flag).
    x = Math.trunc(Number.isFinite(x) ? x : 0);
    y = Math.trunc(Number.isFinite(y) ? y : 0);
  }
  if (!Number.isFinite(wire.z) && located && cmd !== MavCmd.NAV_RETURN_TO_LAUNCH) {
    return { result: MavMissionResult.INVALID };
  }
  return {
    item: px4Store({
      seq: wire.seq,
      frame: wire.frame,
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
    }),
  };
}

/** x/y of a stored item as MISSION_ITEM (float) carries them. */
export function floatXY(item: MissionItemState): { x: number; y: number } {
  return hasLocation(item.command) ? { x: item.x / 1e7, y: item.y / 1e7 } : { x: item.x, y: item.y };
}
