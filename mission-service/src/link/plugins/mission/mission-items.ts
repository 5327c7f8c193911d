import { z } from 'zod';
import { LinkError } from '../../errors.ts';

/** MAV_MISSION_TYPE values. */
export const MissionType = { mission: 0, fence: 1, rally: 2 } as const;
export type MissionType = (typeof MissionType)[keyof typeof MissionType];

/** MAV_FRAME values used in missions. */
export const MavFrame = {
  global: 0,
  localNed: 1,
  mission: 2,
  globalRelativeAlt: 3,
  globalInt: 5,
  globalRelativeAltInt: 6,
  globalTerrainAlt: 10,
  globalTerrainAltInt: 11,
} as const;

/** MAV_CMD values the link itself uses. */
export const MavCmd = {
  navWaypoint: 16,
  navReturnToLaunch: 20,
  navLand: 21,
  navTakeoff: 22,
  fencePolygonVertexInclusion: 5001,
  fencePolygonVertexExclusion: 5002,
  fenceCircleInclusion: 5003,
  fenceCircleExclusion: 5004,
  rallyPoint: 5100,
} as const;

/**
 * One MAVLink mission item as it travels in MISSION_ITEM_INT: `x`/`y` are latitude/longitude in degE7
 * for global frames, `z` the altitude in the frame's datum. `seq` is assigned at transfer time.
 */
export interface MissionItem {
  frame: number;
  command: number;
  current?: number;
  autocontinue: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
  missionType?: MissionType;
}

const int32 = z.number().int().min(-2147483648).max(2147483647);
const float = z.number().or(z.nan());

/** Edge validation of mission items coming from outside (plan files, HTTP). */
export const missionItemSchema = z.object({
  frame: z.number().int().min(0).max(255),
  command: z.number().int().min(0).max(65535),
  current: z.number().int().min(0).max(255).optional(),
  autocontinue: z.number().int().min(0).max(255),
  param1: float,
  param2: float,
  param3: float,
  param4: float,
  x: int32,
  y: int32,
  z: float,
  missionType: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
});

/** Validate a list of items; throws LinkError('invalid_argument') naming the first bad item and field. */
export function parseMissionItems(input: unknown): MissionItem[] {
  const r = z.array(missionItemSchema).max(65535).safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue ? issue.path.join('.') : '?';
  throw new LinkError(
    'invalid_argument',
    `航点无效 / invalid mission item at ${where}: ${issue?.message ?? 'invalid'}`,
  );
}

/** The non-INT variant of a frame, so items compare equal whichever variant the vehicle answers with. */
export function normalizeFrame(frame: number): number {
  if (frame === MavFrame.globalInt) return MavFrame.global;
  if (frame === MavFrame.globalRelativeAltInt) return MavFrame.globalRelativeAlt;
  if (frame === MavFrame.globalTerrainAltInt) return MavFrame.globalTerrainAlt;
  return frame;
}

/** True for frames that carry a geographic position in x/y. */
export function isGlobalFrame(frame: number): boolean {
  const f = normalizeFrame(frame);
  return f === MavFrame.global || f === MavFrame.globalRelativeAlt || f === MavFrame.globalTerrainAlt;
}

function sameFloat(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  // Values travel as float32; compare after the same rounding, with a little slack for vehicles that
  // store altitudes in centimetres.
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  return fa === fb || Math.abs(fa - fb) <= 1e-3 * Math.max(1, Math.abs(fa));
}

/** Describe the first difference between two items, or undefined if they are the same mission item. */
export function missionItemDifference(a: MissionItem, b: MissionItem): string | undefined {
  if (a.command !== b.command) return `command ${a.command} ≠ ${b.command}`;
  if (normalizeFrame(a.frame) !== normalizeFrame(b.frame)) return `frame ${a.frame} ≠ ${b.frame}`;
  if (a.x !== b.x) return `x ${a.x} ≠ ${b.x}`;
  if (a.y !== b.y) return `y ${a.y} ≠ ${b.y}`;
  if (!sameFloat(a.z, b.z)) return `z ${a.z} ≠ ${b.z}`;
  for (const p of ['param1', 'param2', 'param3', 'param4'] as const) {
    if (!sameFloat(a[p], b[p])) return `${p} ${a[p]} ≠ ${b[p]}`;
  }
  if ((a.autocontinue ? 1 : 0) !== (b.autocontinue ? 1 : 0))
    return `autocontinue ${a.autocontinue} ≠ ${b.autocontinue}`;
  return undefined;
}

/** Compare two item lists; returns undefined when equal, else a message naming the first differing index. */
export function compareMissionItems(
  expected: readonly MissionItem[],
  actual: readonly MissionItem[],
): string | undefined {
  if (expected.length !== actual.length)
    return `航点数量不符 / item count differs: sent ${expected.length}, vehicle has ${actual.length}`;
  for (let i = 0; i < expected.length; i++) {
    const d = missionItemDifference(expected[i]!, actual[i]!);
    if (d) return `航点 ${i} 不一致 / item ${i} differs: ${d}`;
  }
  return undefined;
}

/**
 * ArduPilot keeps home at mission seq 0 and overwrites whatever is uploaded there, so uploads to it start with
 * this placeholder (a waypoint at the given home, or 0/0 which ArduPilot replaces with its own home).
 */
export function homePlaceholder(home?: { latE7: number; lonE7: number; altAmslM: number }): MissionItem {
  return {
    frame: MavFrame.global,
    command: MavCmd.navWaypoint,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: home?.latE7 ?? 0,
    y: home?.lonE7 ?? 0,
    z: home?.altAmslM ?? 0,
    missionType: MissionType.mission,
  };
}

/** PX4 rejects terrain-relative frames; refuse them before any byte goes out. */
export function assertNoTerrainFrames(items: readonly MissionItem[]): void {
  const i = items.findIndex((it) => normalizeFrame(it.frame) === MavFrame.globalTerrainAlt);
  if (i >= 0) {
    throw new LinkError(
      'unsupported',
      `PX4 不支持地形跟随高度坐标系 / PX4 rejects terrain-relative frames (MAV_FRAME_GLOBAL_TERRAIN_ALT) at item ${i}; plan with altRel or altAmsl instead`,
      { seq: i },
    );
  }
}
