/**
 * What an autopilot holds after it stored a mission item, so that an upload can be verified by reading it back
 * without false alarms.
 *
 * ArduPilot packs each item into 15 bytes (AP_Mission): a parameter becomes a small integer or is dropped,
 * altitudes are kept in whole centimetres, frames collapse to GLOBAL / GLOBAL_RELATIVE_ALT / GLOBAL_TERRAIN_ALT,
 * autocontinue always reads back 1 (0 for fence and rally), and it refuses NaN except in the yaw of
 * waypoints, takeoffs and landings. PX4 keeps floats but wraps yaw to [0, 360) and drops what its
 * `mission_item_s` has no field for. The ArduPilot rules were read from AP_Mission.cpp and checked item by item
 * against a real ArduCopter 4.7 SITL (`npm run test:sitl`); the PX4 rules come from its mavlink_mission.cpp.
 */
import { LinkError } from '../../errors.ts';
import type { Autopilot } from '../../core/autopilot.ts';
import { ArduPilotMavCmd, MavCmd, MavFrame, MavMissionType, commandName } from '../../mavlink/enums.ts';
import { isGlobalFrame, normalizeFrame, type MissionItem } from './mission-items.ts';

/** How a stored field reads back: kept as float32, converted to a C integer type, a constant, or a rule. */
type Conv = 'f' | 'u8' | 'i8' | 'u16' | 'i16' | number | ((v: number) => number);

interface Rule {
  /** param1..param4 */
  p: [Conv, Conv, Conv, Conv];
  /** x/y/z carry a location (lat/lon degE7, altitude in the frame's datum). */
  loc?: boolean;
  /** For commands without a location: what x, y and z read back as (default 0). */
  x?: Conv;
  y?: Conv;
  z?: Conv;
}

/** C's float → integer conversion: truncation toward zero, then wrap-around to the type's width. */
function cInt(v: number, bits: 8 | 16, signed: boolean): number {
  if (!Number.isFinite(v)) return 0;
  const mod = 2 ** bits;
  let t = Math.trunc(v) % mod;
  if (t < 0) t += mod;
  return signed && t >= mod / 2 ? t - mod : t;
}

function apply(conv: Conv, v: number): number {
  if (typeof conv === 'number') return conv;
  if (typeof conv === 'function') return conv(v);
  switch (conv) {
    case 'f':
      return Math.fround(v);
    case 'u8':
      return cInt(v, 8, false);
    case 'i8':
      return cInt(v, 8, true);
    case 'u16':
      return cInt(v, 16, false);
    case 'i16':
      return cInt(v, 16, true);
  }
}

/** ArduPilot reads centimetres back as cm × 0.01f. */
const CM_TO_M = Math.fround(0.01);
const sign = (v: number): number => (v < 0 ? -1 : 1);
const positive = (v: number): number => (v > 0 ? 1 : 0);
/** Radius with the turn direction in its sign, stored as a 16-bit magnitude. */
const signedU16 = (v: number): number => sign(v) * cInt(Math.abs(v), 16, false);
/** LOITER_TURNS radius: the high byte of p1, in tens of metres above 255 m. */
const loiterTurnsRadius = (v: number): number => {
  const r = Math.abs(v);
  const stored = r <= 255 ? cInt(r, 8, false) : Math.min(255, cInt(Math.fround(r * 0.1), 8, false)) * 10;
  return v < 0 ? -stored : stored;
};

/** NAV_PAYLOAD_PLACE's maximum descent: float metres × 100 into a uint16 of centimetres, read back ÷ 100.0f. */
const payloadDescent = (v: number): number => Math.fround(cInt(Math.fround(Math.fround(v) * 100), 16, false) / 100);
const U16: Rule = { p: ['u16', 0, 0, 0] };
const U16_LOC: Rule = { p: ['u16', 0, 0, 0], loc: true };

/** ArduPilot (AP_Mission, 4.x) per command, mission list. Commands it does not know it refuses (UNSUPPORTED). */
const ARDUPILOT_MISSION: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [MavCmd.NAV_WAYPOINT, U16_LOC],
  [MavCmd.NAV_LOITER_UNLIM, { p: [0, 0, signedU16, 0], loc: true }],
  [
    MavCmd.NAV_LOITER_TURNS,
    { p: [(v) => Math.min(255, cInt(v, 16, false)), 0, loiterTurnsRadius, positive], loc: true },
  ],
  [MavCmd.NAV_LOITER_TIME, { p: ['u16', 0, sign, positive], loc: true }],
  [MavCmd.NAV_RETURN_TO_LAUNCH, { p: [0, 0, 0, 0] }],
  [MavCmd.NAV_LAND, { p: ['u16', 0, 0, (v) => (Number.isNaN(v) ? 1 : sign(v))], loc: true }],
  [MavCmd.NAV_TAKEOFF, U16_LOC],
  [MavCmd.NAV_CONTINUE_AND_CHANGE_ALT, U16_LOC],
  [MavCmd.NAV_LOITER_TO_ALT, { p: [0, signedU16, 0, positive], loc: true }],
  [MavCmd.NAV_SPLINE_WAYPOINT, U16_LOC],
  [MavCmd.NAV_GUIDED_ENABLE, U16_LOC],
  [MavCmd.NAV_DELAY, { p: ['f', 'u8', 'u8', 'u8'] }],
  [MavCmd.NAV_VTOL_TAKEOFF, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.NAV_VTOL_LAND, { p: ['u16', 0, 0, 0], loc: true }],
  // Maximum descent kept in whole centimetres (uint16), read back as cm / 100.0f.
  [MavCmd.NAV_PAYLOAD_PLACE, { p: [payloadDescent, 0, 0, 0], loc: true }],
  [MavCmd.CONDITION_DELAY, { p: ['f', 0, 0, 0] }],
  [MavCmd.CONDITION_DISTANCE, { p: ['f', 0, 0, 0] }],
  [MavCmd.CONDITION_YAW, { p: ['f', 'f', 'i8', 'u8'] }],
  [MavCmd.DO_JUMP, { p: ['u16', 'i16', 0, 0] }],
  [MavCmd.DO_CHANGE_SPEED, { p: ['u8', 'f', 'f', 0] }],
  [MavCmd.DO_SET_HOME, U16_LOC],
  [MavCmd.DO_SET_RELAY, { p: ['u8', 'u8', 0, 0] }],
  [MavCmd.DO_REPEAT_RELAY, { p: ['u8', 'i16', 'f', 0] }],
  [MavCmd.DO_SET_SERVO, { p: ['u8', 'u16', 0, 0] }],
  [MavCmd.DO_REPEAT_SERVO, { p: ['u8', 'u16', 'i16', 'f'] }],
  [MavCmd.DO_LAND_START, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_GO_AROUND, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_SET_ROI, U16_LOC],
  [MavCmd.DO_SET_ROI_LOCATION, { p: [0, 0, 0, 0], loc: true }],
  [MavCmd.DO_SET_ROI_NONE, { p: [0, 0, 0, 0] }],
  [MavCmd.DO_DIGICAM_CONFIGURE, { p: ['u8', 'u16', 'u8', 'u8'], x: 'u8', y: 'u8', z: 'f' }],
  [MavCmd.DO_DIGICAM_CONTROL, { p: ['u8', 'u8', 'i8', 'u8'], x: 'u8', y: 'u8' }],
  // ArduPilot keeps pitch/roll/yaw and always reports mount mode MAVLINK_TARGETING (2) in z.
  [MavCmd.DO_MOUNT_CONTROL, { p: ['f', 'f', 'f', 0], z: 2 }],
  [MavCmd.DO_SET_CAM_TRIGG_DIST, { p: ['f', 0, 'u8', 0] }],
  [MavCmd.DO_FENCE_ENABLE, U16],
  [MavCmd.DO_PARACHUTE, U16],
  [MavCmd.DO_GRIPPER, { p: ['u8', 'u8', 0, 0] }],
  [MavCmd.DO_GUIDED_LIMITS, { p: ['u16', 'f', 'f', 'f'] }],
  [MavCmd.DO_AUTOTUNE_ENABLE, U16],
  [MavCmd.DO_PAUSE_CONTINUE, U16],
  [MavCmd.DO_GIMBAL_MANAGER_PITCHYAW, { p: ['i8', 'i16', 'i8', 'i8'], x: 'u8', z: 'u8' }],
  [MavCmd.IMAGE_START_CAPTURE, { p: ['u8', 'f', 'u16', 'u16'] }],
  [MavCmd.IMAGE_STOP_CAPTURE, { p: ['u8', 0, 0, 0] }],
  [MavCmd.SET_CAMERA_ZOOM, { p: ['u8', 'f', 0, 0] }],
  [MavCmd.SET_CAMERA_FOCUS, { p: ['u8', 'f', 0, 0] }],
  [MavCmd.VIDEO_START_CAPTURE, { p: ['u8', 0, 0, 0] }],
  [MavCmd.VIDEO_STOP_CAPTURE, { p: ['u8', 0, 0, 0] }],
  // Height delay kept in whole centimetres, read back × 0.01f.
  [
    MavCmd.DO_ENGINE_CONTROL,
    { p: [positive, positive, (v) => Math.fround(cInt(Math.fround(Math.fround(v) * 100), 16, false) * CM_TO_M), 0] },
  ],
  [ArduPilotMavCmd.DO_SEND_SCRIPT_MESSAGE, { p: ['u16', 'f', 'f', 'f'] }],
  [ArduPilotMavCmd.DO_AUX_FUNCTION, { p: ['u16', 'u8', 0, 0] }],
]);

/** Params ArduPilot accepts NaN in (AP_Mission::sanity_check_params); anywhere else NaN is INVALID_PARAMn. */
const ARDUPILOT_NAN_OK: ReadonlyMap<number, readonly number[]> = new Map([
  [MavCmd.NAV_WAYPOINT, [4]],
  [MavCmd.NAV_LAND, [4]],
  [MavCmd.NAV_TAKEOFF, [4]],
  [MavCmd.NAV_VTOL_TAKEOFF, [4]],
  [MavCmd.NAV_VTOL_LAND, [3, 4]],
]);

/** Commands whose x/y are a position (the rest carry plain numbers there). */
const FENCE_AND_RALLY = new Set<number>([
  MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
  MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_INCLUSION,
  MavCmd.NAV_FENCE_CIRCLE_EXCLUSION,
  MavCmd.NAV_FENCE_RETURN_POINT,
  MavCmd.NAV_RALLY_POINT,
]);

/** Whether `command` carries a position in x/y on this autopilot (for error messages and checks). */
export function carriesLocation(autopilot: Autopilot, command: number, frame: number): boolean {
  if (FENCE_AND_RALLY.has(command)) return true;
  if (autopilot === 'ardupilot') return ARDUPILOT_MISSION.get(command)?.loc === true;
  return isGlobalFrame(frame);
}

/** ArduPilot altitude storage: float32 metres × 100 truncated to whole centimetres, read back × 0.01f. */
function apAltitude(z: number): number {
  const cm = Math.trunc(Math.fround(Math.fround(z) * 100));
  return Math.fround(cm * CM_TO_M);
}

function apFrame(frame: number): number {
  const f = normalizeFrame(frame);
  if (f === MavFrame.GLOBAL_RELATIVE_ALT || f === MavFrame.GLOBAL_TERRAIN_ALT) return f;
  return MavFrame.GLOBAL;
}

/**
 * The item as it goes to this autopilot: "unset" (NaN) parameters become 0 where the autopilot refuses NaN
 * (ArduPilot outside the yaw of waypoints, takeoffs and landings). A location without an altitude is refused here,
 * naming the item, rather than by the vehicle.
 */
export function prepareForVehicle(autopilot: Autopilot, item: MissionItem, index: number): MissionItem {
  const out = { ...item };
  const type = item.missionType ?? MavMissionType.MISSION;
  if (
    carriesLocation(autopilot, item.command, item.frame) &&
    !Number.isFinite(item.z) &&
    type !== MavMissionType.FENCE
  ) {
    throw new LinkError(
      'invalid_argument',
      `航点 ${index}（${commandName(item.command)}）没有高度 / item ${index} (${commandName(item.command)}) has no altitude (z = ${item.z})`,
      { seq: index },
    );
  }
  if (autopilot !== 'ardupilot') return out;
  const nanOk = ARDUPILOT_NAN_OK.get(item.command) ?? [];
  for (const [i, key] of (['param1', 'param2', 'param3', 'param4'] as const).entries()) {
    if (Number.isNaN(out[key]) && !nanOk.includes(i + 1)) out[key] = 0;
  }
  if (type === MavMissionType.FENCE && !Number.isFinite(out.z)) out.z = 0;
  return out;
}

/** What a field is compared as: exact integers, float32, altitudes to the centimetre, angles to 0.001°. */
export type FieldKind = 'int' | 'float' | 'alt' | 'angle';

/** The stored form of an item, with how each field is compared. Fields set to `undefined` are not compared. */
export interface ExpectedItem {
  item: MissionItem;
  /** Frame is meaningless for this item on this autopilot (ArduPilot reports GLOBAL for every DO command). */
  ignoreFrame: boolean;
  kinds: Partial<Record<'param1' | 'param2' | 'param3' | 'param4' | 'z', FieldKind>>;
}

function arduPilotExpected(item: MissionItem): ExpectedItem {
  const type = item.missionType ?? MavMissionType.MISSION;
  const base: MissionItem = { ...item, current: 0, autocontinue: 1 };
  if (type === MavMissionType.FENCE) {
    const circle =
      item.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION || item.command === MavCmd.NAV_FENCE_CIRCLE_EXCLUSION;
    const vertex =
      item.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION ||
      item.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION;
    return {
      item: {
        ...base,
        frame: MavFrame.GLOBAL,
        autocontinue: 0,
        param1: circle ? Math.fround(item.param1) : vertex ? cInt(item.param1, 8, false) : 0,
        param2: 0,
        param3: 0,
        param4: 0,
        z: 0,
      },
      ignoreFrame: false,
      kinds: { param1: 'float' },
    };
  }
  if (type === MavMissionType.RALLY) {
    // Rally points keep whole metres (an int16 in AP_Rally).
    return {
      item: {
        ...base,
        frame: apFrame(item.frame),
        autocontinue: 0,
        param1: 0,
        param2: 0,
        param3: 0,
        param4: 0,
        z: cInt(item.z, 16, true),
      },
      ignoreFrame: false,
      kinds: {},
    };
  }
  const rule = ARDUPILOT_MISSION.get(item.command);
  if (!rule) {
    // Not in our table (ArduPilot would refuse unknown commands): compare as float32, accepting 0 for an unset param.
    return {
      item: base,
      ignoreFrame: false,
      kinds: { param1: 'float', param2: 'float', param3: 'float', param4: 'float', z: 'float' },
    };
  }
  const [c1, c2, c3, c4] = rule.p;
  const out: MissionItem = {
    ...base,
    param1: apply(c1, item.param1),
    param2: apply(c2, item.param2),
    param3: apply(c3, item.param3),
    param4: apply(c4, item.param4),
  };
  if (rule.loc) {
    out.frame = apFrame(item.frame);
    out.z = apAltitude(item.z);
  } else {
    out.frame = MavFrame.GLOBAL;
    out.x = rule.x === undefined ? 0 : apply(rule.x, item.x);
    out.y = rule.y === undefined ? 0 : apply(rule.y, item.y);
    out.z = rule.z === undefined ? 0 : apply(rule.z, item.z);
  }
  const kind = (c: Conv): FieldKind => (c === 'f' ? 'float' : 'int');
  return {
    item: out,
    ignoreFrame: !rule.loc,
    kinds: { param1: kind(c1), param2: kind(c2), param3: kind(c3), param4: kind(c4), z: rule.loc ? 'alt' : 'float' },
  };
}

/** PX4's yaw: radians wrapped to [0, 2π) and back to degrees; NaN stays NaN. */
const px4Yaw = (v: number): number => (Number.isNaN(v) ? v : ((v % 360) + 360) % 360);

function px4Expected(item: MissionItem): ExpectedItem {
  const base: MissionItem = { ...item, current: 0 };
  const f = normalizeFrame(item.frame);
  if (f === MavFrame.MISSION) {
    // Items without a position keep all seven parameters as floats.
    const jump = item.command === MavCmd.DO_JUMP;
    return {
      item: {
        ...base,
        param1: jump ? cInt(item.param1, 16, false) : item.param1,
        param2: jump ? cInt(item.param2, 16, false) : item.param2,
      },
      ignoreFrame: false,
      kinds: { param1: 'float', param2: 'float', param3: 'float', param4: 'float', z: 'float' },
    };
  }
  const zero = { param1: 0, param2: 0, param3: 0, param4: 0 };
  const p = ((): Partial<MissionItem> => {
    switch (item.command) {
      case MavCmd.NAV_WAYPOINT:
        return { param1: item.param1, param2: item.param2, param4: px4Yaw(item.param4) };
      case MavCmd.NAV_LOITER_UNLIM:
        return { param3: item.param3, param4: px4Yaw(item.param4) };
      case MavCmd.NAV_LOITER_TIME:
        return {
          param1: item.param1,
          param2: positive(item.param2),
          param3: item.param3,
          param4: positive(item.param4),
        };
      case MavCmd.NAV_LAND:
        return { param2: item.param2, param4: px4Yaw(item.param4) };
      case MavCmd.NAV_TAKEOFF:
      case MavCmd.NAV_VTOL_TAKEOFF:
      case MavCmd.NAV_VTOL_LAND:
        return { param4: px4Yaw(item.param4) };
      case MavCmd.NAV_LOITER_TO_ALT:
        return { param1: positive(item.param1), param2: item.param2, param4: positive(item.param4) };
      case MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION:
      case MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION:
        return { param1: Math.floor(item.param1 + 0.5) };
      case MavCmd.NAV_FENCE_CIRCLE_INCLUSION:
      case MavCmd.NAV_FENCE_CIRCLE_EXCLUSION:
        return { param1: item.param1 };
      default:
        return {};
    }
  })();
  return {
    item: { ...base, ...zero, ...p },
    ignoreFrame: false,
    kinds: { param1: 'float', param2: 'float', param3: 'float', param4: 'angle', z: 'float' },
  };
}

/** The item as this autopilot will report it when the mission is read back. */
export function expectedOnVehicle(autopilot: Autopilot, item: MissionItem): ExpectedItem {
  if (autopilot === 'ardupilot') return arduPilotExpected(item);
  if (autopilot === 'px4') return px4Expected(item);
  return {
    item,
    ignoreFrame: false,
    kinds: { param1: 'float', param2: 'float', param3: 'float', param4: 'float', z: 'float' },
  };
}
