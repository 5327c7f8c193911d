import { z } from 'zod';

/** MAV_FRAME values used by Xuncha mission items (MISSION_ITEM_INT family). */
export const MAV_FRAME = {
  /** Commands without a position. */
  MISSION: 2,
  /** Altitude above mean sea level (AMSL); the hillside default, accepted by PX4 and ArduPilot. */
  GLOBAL_INT: 5,
  /** Altitude relative to home/takeoff; the flat survey and corridor default. */
  GLOBAL_RELATIVE_ALT_INT: 6,
  /** ArduPilot terrain-relative frame (option only: PX4 rejects it). */
  GLOBAL_TERRAIN_ALT: 10,
  /** Non-INT frames as written in QGC `.plan` / WPL files. */
  GLOBAL: 0,
  GLOBAL_RELATIVE_ALT: 3,
  GLOBAL_TERRAIN_ALT_INT: 11,
} as const;

/** MAV_CMD values used by the planner. */
export const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_TAKEOFF: 22,
  DO_CHANGE_SPEED: 178,
  DO_DIGICAM_CONTROL: 203,
  DO_MOUNT_CONTROL: 205,
  DO_SET_CAM_TRIGG_DIST: 206,
  IMAGE_START_CAPTURE: 2000,
} as const;

/**
 * One mission item exactly as MAVLink MISSION_ITEM_INT carries it: `x` = latitude × 1e7 and
 * `y` = longitude × 1e7 as integers, `z` altitude in metres in `frame`. A `null` param means NaN
 * ("unset", e.g. takeoff yaw) because JSON cannot carry NaN; the link maps null → NaN.
 * `seq` counts from 0 within a sortie and item 0 is always NAV_TAKEOFF; a link talking to
 * ArduPilot (whose item 0 is home) shifts the sequence by one when it uploads.
 */
export const missionItemSchema = z.object({
  seq: z.number().int().nonnegative(),
  frame: z.number().int().min(0).max(21),
  command: z.number().int().min(0).max(65535),
  current: z.number().int().min(0).max(1).default(0),
  autocontinue: z.number().int().min(0).max(1).default(1),
  param1: z.number().nullable(),
  param2: z.number().nullable(),
  param3: z.number().nullable(),
  param4: z.number().nullable(),
  x: z.number().int(),
  y: z.number().int(),
  z: z.number(),
});
export type MissionItem = z.infer<typeof missionItemSchema>;

/** Readable view of an item's position. */
export interface MissionItemPosition {
  lat: number;
  lon: number;
  altM: number;
}

/** Encodes degrees as MAVLink's int32 degE7. */
export function toDegE7(deg: number): number {
  return Math.round(deg * 1e7);
}

/** Decodes MAVLink's int32 degE7. */
export function fromDegE7(v: number): number {
  return v / 1e7;
}

/** Reads the WGS84 position of an item (meaningful for NAV commands only). */
export function missionItemPosition(item: MissionItem): MissionItemPosition {
  return { lat: fromDegE7(item.x), lon: fromDegE7(item.y), altM: item.z };
}

/** True for commands that carry a position the vehicle flies to. */
export function isNavWithPosition(command: number): boolean {
  return (
    command === MAV_CMD.NAV_WAYPOINT ||
    command === MAV_CMD.NAV_TAKEOFF ||
    command === 17 ||
    command === 18 ||
    command === 19 ||
    command === 21 ||
    command === 82
  );
}

interface ItemInit {
  frame: number;
  command: number;
  params?: [number | null, number | null, number | null, number | null];
  lat?: number;
  lon?: number;
  z?: number;
}

/** Builds an item (seq is fixed later by {@link sequenceItems}). */
export function makeItem(init: ItemInit): MissionItem {
  const [p1, p2, p3, p4] = init.params ?? [0, 0, 0, 0];
  return {
    seq: 0,
    frame: init.frame,
    command: init.command,
    current: 0,
    autocontinue: 1,
    param1: p1,
    param2: p2,
    param3: p3,
    param4: p4,
    x: init.lat === undefined ? 0 : toDegE7(init.lat),
    y: init.lon === undefined ? 0 : toDegE7(init.lon),
    z: init.z ?? 0,
  };
}

/** Numbers items 0..n-1 and marks item 0 current. Returns new objects. */
export function sequenceItems(items: readonly MissionItem[]): MissionItem[] {
  return items.map((it, i) => ({ ...it, seq: i, current: i === 0 ? 1 : 0 }));
}
