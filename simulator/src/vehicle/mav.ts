/**
 * The MAVLink numbers the vehicle uses, from node-mavlink's generated enums (one source shared with the drone
 * link; no hand-written tables), plus frame helpers.
 */
import { ardupilotmega, common, minimal, standard } from 'node-mavlink';

export const MavCmd = common.MavCmd;
export type MavCmd = common.MavCmd;
/** ArduPilot's own commands (ardupilotmega.xml). */
export const ArduPilotMavCmd = ardupilotmega.MavCmd;
export const MavFrame = common.MavFrame;
export type MavFrame = common.MavFrame;
export const MavMissionType = common.MavMissionType;
export const MavMissionResult = common.MavMissionResult;
export type MavMissionResult = common.MavMissionResult;
export const MavResult = common.MavResult;
export type MavResult = common.MavResult;
export const MavSeverity = common.MavSeverity;
export const MavModeFlag = minimal.MavModeFlag;
export const MavState = minimal.MavState;
export const MavType = minimal.MavType;
export const MavAutopilot = minimal.MavAutopilot;
export const CopterMode = ardupilotmega.CopterMode;
/** @deprecated old spelling kept for tests that still import it; use MavResult. */
export const MAV_RESULT = MavResult;

/** Message ids the vehicle streams or answers (from the generated message classes). */
export const MSG_ID = {
  HEARTBEAT: minimal.Heartbeat.MSG_ID,
  SYS_STATUS: common.SysStatus.MSG_ID,
  SET_MODE: common.SetMode.MSG_ID,
  GPS_RAW_INT: common.GpsRawInt.MSG_ID,
  ATTITUDE: common.Attitude.MSG_ID,
  GLOBAL_POSITION_INT: common.GlobalPositionInt.MSG_ID,
  MISSION_CURRENT: common.MissionCurrent.MSG_ID,
  VFR_HUD: common.VfrHud.MSG_ID,
  AUTOPILOT_VERSION: standard.AutopilotVersion.MSG_ID,
  BATTERY_STATUS: common.BatteryStatus.MSG_ID,
  HOME_POSITION: common.HomePosition.MSG_ID,
  EXTENDED_SYS_STATE: common.ExtendedSysState.MSG_ID,
} as const;

/** Whether a frame number is one of the global (lat/lon) frames. */
export function isGlobalFrame(frame: number): boolean {
  return (
    frame === MavFrame.GLOBAL ||
    frame === MavFrame.GLOBAL_RELATIVE_ALT ||
    frame === MavFrame.GLOBAL_INT ||
    frame === MavFrame.GLOBAL_RELATIVE_ALT_INT ||
    frame === MavFrame.GLOBAL_TERRAIN_ALT ||
    frame === MavFrame.GLOBAL_TERRAIN_ALT_INT
  );
}

/** The non-_INT spelling of a global frame (ArduPilot reads frames back this way). */
export function plainFrame(frame: number): number {
  if (frame === MavFrame.GLOBAL_INT) return MavFrame.GLOBAL;
  if (frame === MavFrame.GLOBAL_RELATIVE_ALT_INT) return MavFrame.GLOBAL_RELATIVE_ALT;
  if (frame === MavFrame.GLOBAL_TERRAIN_ALT_INT) return MavFrame.GLOBAL_TERRAIN_ALT;
  return frame;
}

/** The _INT spelling of a global frame. */
export function intFrame(frame: number): number {
  if (frame === MavFrame.GLOBAL) return MavFrame.GLOBAL_INT;
  if (frame === MavFrame.GLOBAL_RELATIVE_ALT) return MavFrame.GLOBAL_RELATIVE_ALT_INT;
  if (frame === MavFrame.GLOBAL_TERRAIN_ALT) return MavFrame.GLOBAL_TERRAIN_ALT_INT;
  return frame;
}
