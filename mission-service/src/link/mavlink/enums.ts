/**
 * MAVLink numbers, from node-mavlink's generated enums (one source for the whole link; no hand-written tables).
 * Re-exported under the enum names of the MAVLink XML so code reads `MavCmd.NAV_WAYPOINT`, `MavResult.DENIED`.
 */
import { ardupilotmega, common, minimal } from 'node-mavlink';

export const MavCmd = common.MavCmd;
export type MavCmd = common.MavCmd;
/** ArduPilot's own commands (DO_AUX_FUNCTION, NAV_SCRIPT_TIME, …), from ardupilotmega.xml. */
export const ArduPilotMavCmd = ardupilotmega.MavCmd;
export type ArduPilotMavCmd = ardupilotmega.MavCmd;
export const MavFrame = common.MavFrame;
export type MavFrame = common.MavFrame;
export const MavMissionType = common.MavMissionType;
export type MavMissionType = common.MavMissionType;
export const MavMissionResult = common.MavMissionResult;
export type MavMissionResult = common.MavMissionResult;
export const MavMissionState = common.MissionState;
export type MavMissionState = common.MissionState;
export const MavResult = common.MavResult;
export type MavResult = common.MavResult;
export const MavSysStatusSensor = common.MavSysStatusSensor;
export const MavAutopilot = minimal.MavAutopilot;
export type MavAutopilot = minimal.MavAutopilot;
export const MavType = minimal.MavType;
export type MavType = minimal.MavType;
export const MavModeFlag = minimal.MavModeFlag;
export const MavState = minimal.MavState;
export const MavComponent = minimal.MavComponent;
export const CopterMode = ardupilotmega.CopterMode;
export type CopterMode = ardupilotmega.CopterMode;

/** `MAV_CMD_NAV_WAYPOINT`-style name of a command number, for messages people read. */
export function commandName(command: number): string {
  const name =
    (ArduPilotMavCmd as Record<number, string | undefined>)[command] ??
    (MavCmd as Record<number, string | undefined>)[command];
  return name ? `MAV_CMD_${name}` : `MAV_CMD ${command}`;
}

/** `MAV_MISSION_NO_SPACE`-style name of a mission result, `MAV_MISSION_UNKNOWN_<n>` outside the spec. */
export function missionResultName(code: number): string {
  const name = (MavMissionResult as Record<number, string | undefined>)[code];
  return name ? `MAV_MISSION_${name}` : `MAV_MISSION_UNKNOWN_${code}`;
}

/** `MAV_RESULT_DENIED`-style name of a command result. */
export function commandResultName(code: number): string {
  const name = (MavResult as Record<number, string | undefined>)[code];
  return name ? `MAV_RESULT_${name}` : `MAV_RESULT_${code}`;
}
