/**
 * The MAVLink numbers the vehicle uses, as plain constants (the generated enums quote their member
 * names and are awkward in switch statements).
 */

export const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_LOITER_UNLIM: 17,
  NAV_LOITER_TURNS: 18,
  NAV_LOITER_TIME: 19,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  NAV_SPLINE_WAYPOINT: 82,
  NAV_DELAY: 93,
  CONDITION_DELAY: 112,
  CONDITION_DISTANCE: 114,
  CONDITION_YAW: 115,
  DO_SET_MODE: 176,
  DO_JUMP: 177,
  DO_CHANGE_SPEED: 178,
  DO_SET_HOME: 179,
  DO_SET_RELAY: 181,
  DO_SET_SERVO: 183,
  DO_REPOSITION: 192,
  DO_PAUSE_CONTINUE: 193,
  DO_SET_ROI_LOCATION: 195,
  DO_SET_ROI_NONE: 197,
  DO_SET_ROI: 201,
  DO_DIGICAM_CONFIGURE: 202,
  DO_DIGICAM_CONTROL: 203,
  DO_MOUNT_CONTROL: 205,
  DO_SET_CAM_TRIGG_DIST: 206,
  DO_FENCE_ENABLE: 207,
  MISSION_START: 300,
  COMPONENT_ARM_DISARM: 400,
  GET_HOME_POSITION: 410,
  SET_MESSAGE_INTERVAL: 511,
  REQUEST_MESSAGE: 512,
  REQUEST_AUTOPILOT_CAPABILITIES: 520,
  DO_GIMBAL_MANAGER_PITCHYAW: 1000,
  IMAGE_START_CAPTURE: 2000,
  IMAGE_STOP_CAPTURE: 2001,
  NAV_FENCE_RETURN_POINT: 5000,
  NAV_FENCE_POLYGON_VERTEX_INCLUSION: 5001,
  NAV_FENCE_POLYGON_VERTEX_EXCLUSION: 5002,
  NAV_FENCE_CIRCLE_INCLUSION: 5003,
  NAV_FENCE_CIRCLE_EXCLUSION: 5004,
  NAV_RALLY_POINT: 5100,
} as const;

export const MAV_FRAME = {
  GLOBAL: 0,
  MISSION: 2,
  GLOBAL_RELATIVE_ALT: 3,
  GLOBAL_INT: 5,
  GLOBAL_RELATIVE_ALT_INT: 6,
  GLOBAL_TERRAIN_ALT: 10,
  GLOBAL_TERRAIN_ALT_INT: 11,
} as const;

export const MAV_MISSION_TYPE = { MISSION: 0, FENCE: 1, RALLY: 2, ALL: 255 } as const;

export const MAV_MISSION_RESULT = {
  ACCEPTED: 0,
  ERROR: 1,
  UNSUPPORTED_FRAME: 2,
  UNSUPPORTED: 3,
  NO_SPACE: 4,
  INVALID: 5,
  INVALID_PARAM1: 6,
  INVALID_PARAM5_X: 10,
  INVALID_PARAM6_Y: 11,
  INVALID_SEQUENCE: 13,
  DENIED: 14,
  OPERATION_CANCELLED: 15,
} as const;

export const MAV_RESULT = {
  ACCEPTED: 0,
  TEMPORARILY_REJECTED: 1,
  DENIED: 2,
  UNSUPPORTED: 3,
  FAILED: 4,
  IN_PROGRESS: 5,
} as const;

export const MAV_SEVERITY = {
  EMERGENCY: 0,
  ALERT: 1,
  CRITICAL: 2,
  ERROR: 3,
  WARNING: 4,
  NOTICE: 5,
  INFO: 6,
  DEBUG: 7,
} as const;

export const MAV_MODE_FLAG = {
  CUSTOM_MODE_ENABLED: 1,
  AUTO_ENABLED: 4,
  GUIDED_ENABLED: 8,
  STABILIZE_ENABLED: 16,
  MANUAL_INPUT_ENABLED: 64,
  SAFETY_ARMED: 128,
} as const;

export const MAV_STATE = { BOOT: 1, STANDBY: 3, ACTIVE: 4, CRITICAL: 5, EMERGENCY: 6 } as const;

export const MAV_TYPE = { QUADROTOR: 2, GCS: 6 } as const;
export const MAV_AUTOPILOT = { INVALID: 8, ARDUPILOTMEGA: 3, PX4: 12 } as const;

/** Message ids the vehicle streams or answers. */
export const MSG_ID = {
  HEARTBEAT: 0,
  SYS_STATUS: 1,
  SET_MODE: 11,
  GPS_RAW_INT: 24,
  ATTITUDE: 30,
  GLOBAL_POSITION_INT: 33,
  MISSION_CURRENT: 42,
  VFR_HUD: 74,
  AUTOPILOT_VERSION: 148,
  BATTERY_STATUS: 147,
  HOME_POSITION: 242,
  EXTENDED_SYS_STATE: 245,
} as const;

/** Whether a frame number is one of the global (lat/lon) frames. */
export function isGlobalFrame(frame: number): boolean {
  return frame === 0 || frame === 3 || frame === 5 || frame === 6 || frame === 10 || frame === 11;
}

/** The non-_INT spelling of a global frame (ArduPilot reads frames back this way). */
export function plainFrame(frame: number): number {
  if (frame === MAV_FRAME.GLOBAL_INT) return MAV_FRAME.GLOBAL;
  if (frame === MAV_FRAME.GLOBAL_RELATIVE_ALT_INT) return MAV_FRAME.GLOBAL_RELATIVE_ALT;
  if (frame === MAV_FRAME.GLOBAL_TERRAIN_ALT_INT) return MAV_FRAME.GLOBAL_TERRAIN_ALT;
  return frame;
}

/** The _INT spelling of a global frame. */
export function intFrame(frame: number): number {
  if (frame === MAV_FRAME.GLOBAL) return MAV_FRAME.GLOBAL_INT;
  if (frame === MAV_FRAME.GLOBAL_RELATIVE_ALT) return MAV_FRAME.GLOBAL_RELATIVE_ALT_INT;
  if (frame === MAV_FRAME.GLOBAL_TERRAIN_ALT) return MAV_FRAME.GLOBAL_TERRAIN_ALT_INT;
  return frame;
}
