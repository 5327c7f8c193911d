import { z } from 'zod';
import { LinkError } from '../../errors.ts';
import { MavCmd, MavFrame, MavMissionType } from '../../mavlink/enums.ts';

/** MAV_MISSION_TYPE of a list: mission, fence or rally (node-mavlink's enum). */
export type MissionType = MavMissionType;
export const MissionType = MavMissionType;

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
  if (frame === MavFrame.GLOBAL_INT) return MavFrame.GLOBAL;
  if (frame === MavFrame.GLOBAL_RELATIVE_ALT_INT) return MavFrame.GLOBAL_RELATIVE_ALT;
  if (frame === MavFrame.GLOBAL_TERRAIN_ALT_INT) return MavFrame.GLOBAL_TERRAIN_ALT;
  return frame;
}

/** True for frames that carry a geographic position in x/y. */
export function isGlobalFrame(frame: number): boolean {
  const f = normalizeFrame(frame);
  return f === MavFrame.GLOBAL || f === MavFrame.GLOBAL_RELATIVE_ALT || f === MavFrame.GLOBAL_TERRAIN_ALT;
}

/**
 * ArduPilot keeps home at mission seq 0 and overwrites whatever is uploaded there, so uploads to it start with
 * this placeholder (a waypoint at the given home, or 0/0 which ArduPilot replaces with its own home).
 */
export function homePlaceholder(home?: { latE7: number; lonE7: number; altAmslM: number }): MissionItem {
  return {
    frame: MavFrame.GLOBAL,
    command: MavCmd.NAV_WAYPOINT,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: home?.latE7 ?? 0,
    y: home?.lonE7 ?? 0,
    z: home?.altAmslM ?? 0,
    missionType: MavMissionType.MISSION,
  };
}

/** PX4 rejects terrain-relative frames; refuse them before any byte goes out. */
export function assertNoTerrainFrames(items: readonly MissionItem[]): void {
  const i = items.findIndex((it) => normalizeFrame(it.frame) === MavFrame.GLOBAL_TERRAIN_ALT);
  if (i >= 0) {
    throw new LinkError(
      'unsupported',
      `PX4 不支持地形跟随高度坐标系 / PX4 rejects terrain-relative frames (MAV_FRAME_GLOBAL_TERRAIN_ALT) at item ${i}; plan with altRel or altAmsl instead`,
      { seq: i },
    );
  }
}
