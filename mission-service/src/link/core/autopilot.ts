/**
 * What a HEARTBEAT tells about a vehicle: which autopilot, what airframe, which flight mode.
 * ArduPilot and PX4 encode custom modes differently; both map onto one FlightMode vocabulary.
 */
import { CopterMode, MavAutopilot, MavType } from '../mavlink/enums.ts';

export type Autopilot = 'ardupilot' | 'px4' | 'generic';
export type VehicleType = 'copter' | 'fixed_wing' | 'vtol' | 'helicopter' | 'rover' | 'boat' | 'submarine' | 'other';
export type FlightMode =
  | 'manual'
  | 'stabilize'
  | 'acro'
  | 'alt_hold'
  | 'position'
  | 'hold'
  | 'mission'
  | 'guided'
  | 'takeoff'
  | 'land'
  | 'rtl'
  | 'brake'
  | 'offboard'
  | 'unknown';

/** MAV_AUTOPILOT → Autopilot. */
export function autopilotOf(mavAutopilot: number): Autopilot {
  if (mavAutopilot === MavAutopilot.ARDUPILOTMEGA) return 'ardupilot';
  if (mavAutopilot === MavAutopilot.PX4) return 'px4';
  return 'generic';
}

/** MAV_TYPE → VehicleType. */
export function vehicleTypeOf(mavType: number): VehicleType {
  switch (mavType) {
    case MavType.QUADROTOR:
    case MavType.COAXIAL:
    case MavType.HEXAROTOR:
    case MavType.OCTOROTOR:
    case MavType.TRICOPTER:
    case MavType.DODECAROTOR:
      return 'copter';
    case MavType.FIXED_WING:
      return 'fixed_wing';
    case MavType.HELICOPTER:
      return 'helicopter';
    case MavType.GROUND_ROVER:
      return 'rover';
    case MavType.SURFACE_BOAT:
      return 'boat';
    case MavType.SUBMARINE:
      return 'submarine';
    default:
      return mavType >= MavType.VTOL_TAILSITTER_DUOROTOR && mavType <= MavType.VTOL_RESERVED5 ? 'vtol' : 'other';
  }
}

/** ArduCopter custom_mode numbers (node-mavlink's CopterMode, ardupilotmega.xml). */
const ARDUCOPTER_MODES: ReadonlyArray<[number, FlightMode]> = [
  [CopterMode.STABILIZE, 'stabilize'],
  [CopterMode.ACRO, 'acro'],
  [CopterMode.ALT_HOLD, 'alt_hold'],
  [CopterMode.AUTO, 'mission'],
  [CopterMode.GUIDED, 'guided'],
  [CopterMode.LOITER, 'hold'],
  [CopterMode.RTL, 'rtl'],
  [CopterMode.LAND, 'land'],
  [CopterMode.POSHOLD, 'position'],
  [CopterMode.BRAKE, 'brake'],
];

/** PX4 main/sub modes (custom_mode bytes 2 and 3; px4_custom_mode.h, not in node-mavlink). */
const PX4_MODES: ReadonlyArray<[main: number, sub: number, FlightMode]> = [
  [1, 0, 'manual'],
  [2, 0, 'alt_hold'],
  [3, 0, 'position'],
  [4, 2, 'takeoff'],
  [4, 3, 'hold'],
  [4, 4, 'mission'],
  [4, 5, 'rtl'],
  [4, 6, 'land'],
  [5, 0, 'acro'],
  [6, 0, 'offboard'],
  [7, 0, 'stabilize'],
];

/** Decode HEARTBEAT.custom_mode. */
export function flightModeOf(autopilot: Autopilot, customMode: number): FlightMode {
  if (autopilot === 'px4') {
    const main = (customMode >>> 16) & 0xff;
    const sub = (customMode >>> 24) & 0xff;
    return PX4_MODES.find(([m, s]) => m === main && (s === sub || (s === 0 && main !== 4)))?.[2] ?? 'unknown';
  }
  return ARDUCOPTER_MODES.find(([n]) => n === customMode)?.[1] ?? 'unknown';
}

/**
 * MAV_CMD_DO_SET_MODE parameters (param2 custom mode, param3 sub mode) for a flight mode, or undefined when
 * the autopilot has no such mode. 'guided' on PX4 is AUTO.LOITER (its offboard-free equivalent).
 */
export function customModeFor(autopilot: Autopilot, mode: FlightMode): { main: number; sub: number } | undefined {
  if (autopilot === 'px4') {
    const wanted = mode === 'guided' ? 'hold' : mode;
    const e = PX4_MODES.find(([, , m]) => m === wanted);
    return e ? { main: e[0], sub: e[1] } : undefined;
  }
  const wanted = mode === 'takeoff' ? 'guided' : mode;
  const e = ARDUCOPTER_MODES.find(([, m]) => m === wanted);
  return e ? { main: e[0], sub: 0 } : undefined;
}
