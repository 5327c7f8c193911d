/**
 * How ArduCopter 4.x stores a mission item (AP_Mission packs each into 15 bytes) and so what it reads back and
 * flies: a parameter becomes a small C integer or is dropped, altitudes are whole centimetres, frames collapse to
 * GLOBAL / GLOBAL_RELATIVE_ALT / GLOBAL_TERRAIN_ALT, NaN is refused outside the yaw of waypoints, takeoffs and
 * landings, commands it does not know are UNSUPPORTED. Fence points keep lat/lon and a vertex count (or circle
 * radius), rally points whole metres. Each rule was checked against a real ArduCopter V4.7 SITL
 * (`npm run test:sitl` compares this simulator with it item by item).
 */
import {
  ArduPilotMavCmd,
  MavCmd,
  MavFrame,
  MavMissionResult,
  MavMissionType,
  isGlobalFrame,
  plainFrame,
} from './mav.ts';
import type { MissionItemState } from './types.ts';

/** One field's storage: kept as float32, a C integer type, a constant, or a rule. */
type Conv = 'f' | 'u8' | 'i8' | 'u16' | 'i16' | number | ((v: number) => number);

interface Rule {
  p: [Conv, Conv, Conv, Conv];
  /** x/y/z are a location (stored as lat/lon degE7 and altitude in cm). */
  loc?: boolean;
  /** Without a location: how x, y, z are kept (default: dropped). */
  x?: Conv;
  y?: Conv;
  z?: Conv;
}

/** Largest altitude a Location holds (LOCATION_ALT_MAX_M). */
const LOCATION_ALT_MAX_M = 83_000;
const CM_TO_M = Math.fround(0.01);

function cInt(v: number, bits: 8 | 16, signed: boolean): number {
  if (!Number.isFinite(v)) return 0;
  const mod = 2 ** bits;
  let t = Math.trunc(v) % mod;
  if (t < 0) t += mod;
  return signed && t >= mod / 2 ? t - mod : t;
}

function conv(c: Conv, v: number): number {
  if (typeof c === 'number') return c;
  if (typeof c === 'function') return c(v);
  if (c === 'f') return Math.fround(v);
  return cInt(v, c.endsWith('8') ? 8 : 16, c.startsWith('i'));
}

const sign = (v: number): number => (v < 0 ? -1 : 1);
const positive = (v: number): number => (v > 0 ? 1 : 0);
const radius16 = (v: number): number => sign(v) * cInt(Math.abs(v), 16, false);
const turnsRadius = (v: number): number => {
  const r = Math.abs(v);
  const stored = r <= 255 ? cInt(r, 8, false) : Math.min(255, cInt(Math.fround(r * 0.1), 8, false)) * 10;
  return v < 0 ? -stored : stored;
};
/** NAV_PAYLOAD_PLACE's maximum descent: float metres × 100 into a uint16 of centimetres, read back ÷ 100.0f. */
const payloadDescent = (v: number): number => Math.fround(cInt(Math.fround(Math.fround(v) * 100), 16, false) / 100);
const P1_LOC: Rule = { p: ['u16', 0, 0, 0], loc: true };
const P1: Rule = { p: ['u16', 0, 0, 0] };
const NONE: Rule = { p: [0, 0, 0, 0] };

const MISSION_RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [MavCmd.NAV_WAYPOINT, P1_LOC],
  [MavCmd.NAV_LOITER_UNLIM, { p: [0, 0, radius16, 0], loc: true }],
  [MavCmd.NAV_LOITER_TURNS, { p: [(v) => Math.min(255, cInt(v, 16, false)), 0, turnsRadius, positive], loc: true }],
  [MavCmd.NAV_LOITER_TIME, { p: ['u16', 0, sign, positive], loc: true }],
  [MavCmd.NAV_RETURN_TO_LAUNCH, NONE],
  [MavCmd.NAV_LAND, { p: ['u16', 0, 0, (v) => (Number.isNaN(v) ? 1 : sign(v))], loc: true }],
  [MavCmd.NAV_TAKEOFF, P1_LOC],
  [MavCmd.NAV_CONTINUE_AND_CHANGE_ALT, P1_LOC],
  [MavCmd.NAV_LOITER_TO_ALT, { p: [0, radius16, 0, positive], loc: true }],
  [MavCmd.NAV_SPLINE_WAYPOINT, P1_LOC],
  [MavCmd.NAV_GUIDED_ENABLE, P1_LOC],
  [MavCmd.NAV_DELAY, { p: ['f', 'u8', 'u8', 'u8'] }],
  [MavCmd.NAV_VTOL_TAKEOFF, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.NAV_VTOL_LAND, P1_LOC],
  // Maximum descent kept in whole centimetres (uint16), read back as cm / 100.0f.
  [MavCmd.NAV_PAYLOAD_PLACE, { p: [payloadDescent, 0, 0, 0], loc: true }],
  [MavCmd.CONDITION_DELAY, { p: ['f', 0, 0, 0] }],
  [MavCmd.CONDITION_DISTANCE, { p: ['f', 0, 0, 0] }],
  [MavCmd.CONDITION_YAW, { p: ['f', 'f', 'i8', 'u8'] }],
  [MavCmd.DO_JUMP, { p: ['u16', 'i16', 0, 0] }],
  [MavCmd.DO_CHANGE_SPEED, { p: ['u8', 'f', 'f', 0] }],
  [MavCmd.DO_SET_HOME, P1_LOC],
  [MavCmd.DO_SET_RELAY, { p: ['u8', 'u8', 0, 0] }],
  [MavCmd.DO_REPEAT_RELAY, { p: ['u8', 'i16', 'f', 0] }],
  [MavCmd.DO_SET_SERVO, { p: ['u8', 'u16', 0, 0] }],
  [MavCmd.DO_REPEAT_SERVO, { p: ['u8', 'u16', 'i16', 'f'] }],
  [MavCmd.DO_LAND_START, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_GO_AROUND, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_SET_ROI, P1_LOC],
  [MavCmd.DO_SET_ROI_LOCATION, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_SET_ROI_NONE, NONE],
  [MavCmd.DO_DIGICAM_CONFIGURE, { p: ['u8', 'u16', 'u8', 'u8'], x: 'u8', y: 'u8', z: 'f' }],
  [MavCmd.DO_DIGICAM_CONTROL, { p: ['u8', 'u8', 'i8', 'u8'], x: 'u8', y: 'u8' }],
  // ArduPilot keeps pitch/roll/yaw and reports mount mode MAVLINK_TARGETING (2) whatever was sent.
  [MavCmd.DO_MOUNT_CONTROL, { p: ['f', 'f', 'f', 0], z: 2 }],
  [MavCmd.DO_SET_CAM_TRIGG_DIST, { p: ['f', 0, 'u8', 0] }],
  [MavCmd.DO_FENCE_ENABLE, P1],
  [MavCmd.DO_PARACHUTE, P1],
  [MavCmd.DO_GRIPPER, { p: ['u8', 'u8', 0, 0] }],
  [MavCmd.DO_AUTOTUNE_ENABLE, P1],
  [MavCmd.DO_PAUSE_CONTINUE, P1],
  [MavCmd.DO_GIMBAL_MANAGER_PITCHYAW, { p: ['i8', 'i16', 'i8', 'i8'], x: 'u8', z: 'u8' }],
  [MavCmd.IMAGE_START_CAPTURE, { p: ['u8', 'f', 'u16', 'u16'] }],
  [MavCmd.IMAGE_STOP_CAPTURE, { p: ['u8', 0, 0, 0] }],
  [MavCmd.SET_CAMERA_ZOOM, { p: ['u8', 'f', 0, 0] }],
  [MavCmd.SET_CAMERA_FOCUS, { p: ['u8', 'f', 0, 0] }],
  [MavCmd.VIDEO_START_CAPTURE, { p: ['u8', 0, 0, 0] }],
  [MavCmd.VIDEO_STOP_CAPTURE, { p: ['u8', 0, 0, 0] }],
  [MavCmd.DO_GUIDED_LIMITS, { p: ['u16', 'f', 'f', 'f'] }],
  // Height delay kept in whole centimetres, read back × 0.01f.
  [
    MavCmd.DO_ENGINE_CONTROL,
    { p: [positive, positive, (v) => Math.fround(cInt(Math.fround(Math.fround(v) * 100), 16, false) * CM_TO_M), 0] },
  ],
  [ArduPilotMavCmd.DO_SEND_SCRIPT_MESSAGE, { p: ['u16', 'f', 'f', 'f'] }],
  [ArduPilotMavCmd.DO_AUX_FUNCTION, { p: ['u16', 'u8', 0, 0] }],
]);

/** Params where ArduPilot accepts NaN (AP_Mission::sanity_check_params), 1-based. */
const NAN_OK: ReadonlyMap<number, readonly number[]> = new Map([
  [MavCmd.NAV_WAYPOINT, [4]],
  [MavCmd.NAV_LAND, [4]],
  [MavCmd.NAV_TAKEOFF, [4]],
  [MavCmd.NAV_VTOL_TAKEOFF, [4]],
  [MavCmd.NAV_VTOL_LAND, [3, 4]],
]);

const INVALID_PARAM = [
  MavMissionResult.INVALID_PARAM1,
  MavMissionResult.INVALID_PARAM2,
  MavMissionResult.INVALID_PARAM3,
  MavMissionResult.INVALID_PARAM4,
] as const;

const FENCE_COMMANDS: ReadonlySet<number> = new Set([
  MavCmd.NAV_FENCE_RETURN_POINT,
  MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
  MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_INCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_EXCLUSION,
]);

/** Whether ArduPilot stores x/y of a mission command as a location. */
export function arduPilotHasLocation(command: number): boolean {
  return MISSION_RULES.get(command)?.loc === true;
}

/** Whether ArduPilot takes this command in a list of `type` at all. */
export function arduPilotSupports(type: number, command: number): boolean {
  if (type === MavMissionType.MISSION) return MISSION_RULES.has(command);
  if (type === MavMissionType.FENCE) return FENCE_COMMANDS.has(command);
  return type === MavMissionType.RALLY && command === MavCmd.NAV_RALLY_POINT;
}

/** x/y degE7 of an item whose location came as MISSION_ITEM (float degrees) or MISSION_ITEM_INT. */
function latLon(item: MissionItemState, isInt: boolean): { x: number; y: number } | number {
  const lat = isInt ? item.x / 1e7 : item.x;
  const lon = isInt ? item.y / 1e7 : item.y;
  if (!Number.isFinite(lat) || Math.abs(lat) > 90) return MavMissionResult.INVALID_PARAM5_X;
  if (!Number.isFinite(lon) || Math.abs(lon) > 180) return MavMissionResult.INVALID_PARAM6_Y;
  return isInt ? { x: item.x, y: item.y } : { x: Math.round(lat * 1e7), y: Math.round(lon * 1e7) };
}

function locationFrame(frame: number): number | null {
  const f = plainFrame(frame);
  if (f === MavFrame.GLOBAL || f === MavFrame.MISSION) return MavFrame.GLOBAL;
  if (f === MavFrame.GLOBAL_RELATIVE_ALT || f === MavFrame.GLOBAL_TERRAIN_ALT) return f;
  return null;
}

/**
 * The item as ArduPilot stores it, or the MAV_MISSION_RESULT it refuses it with. `isInt`: x/y are degE7
 * (MISSION_ITEM_INT) rather than degrees (MISSION_ITEM).
 */
export function arduPilotStore(type: number, item: MissionItemState, isInt: boolean): MissionItemState | number {
  if (!arduPilotSupports(type, item.command)) return MavMissionResult.UNSUPPORTED;
  const base = { seq: item.seq, command: item.command, current: 0 };
  if (type === MavMissionType.FENCE || type === MavMissionType.RALLY) {
    const pos = latLon(item, isInt);
    if (typeof pos === 'number') return pos;
    if (type === MavMissionType.RALLY) {
      // A rally point keeps its altitude frame (absolute, above home or above terrain); it has no MISSION frame.
      const frame = plainFrame(item.frame) === MavFrame.MISSION ? null : locationFrame(item.frame);
      if (frame === null) return MavMissionResult.UNSUPPORTED_FRAME;
      return {
        ...base,
        ...pos,
        frame,
        autocontinue: 0,
        param1: 0,
        param2: 0,
        param3: 0,
        param4: 0,
        z: cInt(item.z, 16, true),
      };
    }
    const circle =
      item.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION || item.command === MavCmd.NAV_FENCE_CIRCLE_EXCLUSION;
    const vertex =
      item.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION ||
      item.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION;
    return {
      ...base,
      ...pos,
      frame: MavFrame.GLOBAL,
      autocontinue: 0,
      param1: circle ? Math.fround(item.param1) : vertex ? cInt(item.param1, 8, false) : 0,
      param2: 0,
      param3: 0,
      param4: 0,
      z: 0,
    };
  }
  const rule = MISSION_RULES.get(item.command)!;
  const nanOk = NAN_OK.get(item.command) ?? [];
  const params = [item.param1, item.param2, item.param3, item.param4];
  for (let i = 0; i < 4; i++) {
    const v = params[i]!;
    if ((Number.isNaN(v) && !nanOk.includes(i + 1)) || v === Infinity || v === -Infinity) return INVALID_PARAM[i]!;
  }
  const [c1, c2, c3, c4] = rule.p;
  const stored: MissionItemState = {
    ...base,
    frame: MavFrame.GLOBAL,
    autocontinue: 1,
    param1: conv(c1, item.param1),
    param2: conv(c2, item.param2),
    param3: conv(c3, item.param3),
    param4: conv(c4, item.param4),
    x: 0,
    y: 0,
    z: 0,
  };
  if (!rule.loc) {
    stored.x = rule.x === undefined ? 0 : conv(rule.x, item.x);
    stored.y = rule.y === undefined ? 0 : conv(rule.y, item.y);
    stored.z = rule.z === undefined ? 0 : conv(rule.z, item.z);
    return stored;
  }
  const pos = latLon(item, isInt);
  if (typeof pos === 'number') return pos;
  if (!Number.isFinite(item.z) || Math.abs(item.z) >= LOCATION_ALT_MAX_M) return MavMissionResult.INVALID_PARAM7;
  const frame = locationFrame(item.frame);
  if (frame === null || (!isGlobalFrame(item.frame) && plainFrame(item.frame) !== MavFrame.MISSION))
    return MavMissionResult.UNSUPPORTED_FRAME;
  stored.frame = frame;
  stored.x = pos.x;
  stored.y = pos.y;
  stored.z = Math.fround(Math.trunc(Math.fround(Math.fround(item.z) * 100)) * CM_TO_M);
  return stored;
}

/** ArduPilot's item 0 as it reads back: home in whole centimetres, or all zeros before home is set. */
export function arduPilotHomeItem(home: { lat: number; lon: number; altAmslM: number } | null): MissionItemState {
  return {
    seq: 0,
    frame: MavFrame.GLOBAL,
    command: MavCmd.NAV_WAYPOINT,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: home ? Math.round(home.lat * 1e7) : 0,
    y: home ? Math.round(home.lon * 1e7) : 0,
    z: home ? Math.fround(Math.round(home.altAmslM * 100) * CM_TO_M) : 0,
  };
}

/** Mission items ArduCopter SITL stores, home included ("Only 650 items are supported"). */
export const ARDUPILOT_MISSION_CAPACITY = 650;
