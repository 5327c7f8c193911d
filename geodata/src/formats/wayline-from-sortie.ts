import { bearing, distance } from '@turf/turf';
import type { Sortie } from '../plan-schema.ts';
import { fromDegE7, MAV_CMD, MAV_FRAME, type MissionItem } from '../planning/mavlink.ts';
import { PlanFormatError } from './qgc-plan.ts';
import {
  WPML_SPEED_RANGE_MPS,
  type FinishAction,
  type Wayline,
  type WpmlAction,
  type WpmlActionGroup,
  type WpmlWaypoint,
} from './wpml-model.ts';

/** MAVLink commands beyond {@link MAV_CMD} that have a WPML counterpart. */
const CMD = {
  NAV_LOITER_TIME: 19,
  NAV_LAND: 21,
  CONDITION_YAW: 115,
  IMAGE_STOP_CAPTURE: 2001,
  VIDEO_START_CAPTURE: 2500,
  VIDEO_STOP_CAPTURE: 2501,
} as const;

/** Commands this conversion maps (the README's WPML table lists what each becomes). */
export const WPML_MAPPED_COMMANDS: readonly number[] = [
  MAV_CMD.NAV_TAKEOFF,
  MAV_CMD.NAV_WAYPOINT,
  CMD.NAV_LOITER_TIME,
  CMD.NAV_LAND,
  MAV_CMD.NAV_RETURN_TO_LAUNCH,
  MAV_CMD.DO_CHANGE_SPEED,
  MAV_CMD.DO_MOUNT_CONTROL,
  MAV_CMD.DO_SET_CAM_TRIGG_DIST,
  MAV_CMD.DO_DIGICAM_CONTROL,
  MAV_CMD.IMAGE_START_CAPTURE,
  CMD.IMAGE_STOP_CAPTURE,
  CMD.CONDITION_YAW,
  CMD.VIDEO_START_CAPTURE,
  CMD.VIDEO_STOP_CAPTURE,
];

/** Plan-view turn (°) above which a waypoint is a stop-and-turn point rather than flown through. */
const PASS_TURN_MAX_DEG = 10;

function fail(sortie: number, item: MissionItem | null, msg: string, msgEn: string): never {
  const where = item ? `第 ${sortie + 1} 架次第 ${item.seq} 项` : `第 ${sortie + 1} 架次`;
  const whereEn = item ? `sortie ${sortie + 1} item ${item.seq}` : `sortie ${sortie + 1}`;
  throw new PlanFormatError(`${where}：${msg} / ${whereEn}: ${msgEn}`);
}

function heightModeOf(frame: number): 'relative' | 'amsl' | null {
  if (frame === MAV_FRAME.GLOBAL_RELATIVE_ALT_INT || frame === MAV_FRAME.GLOBAL_RELATIVE_ALT) return 'relative';
  if (frame === MAV_FRAME.GLOBAL_INT || frame === MAV_FRAME.GLOBAL) return 'amsl';
  return null;
}

function checkSpeed(sortie: number, item: MissionItem | null, v: number): number {
  const [lo, hi] = WPML_SPEED_RANGE_MPS;
  if (!(v >= lo && v <= hi)) {
    fail(
      sortie,
      item,
      `速度 ${v} m/s 超出 WPML 允许的 ${lo}–${hi} m/s，请用 --speed 重新规划`,
      `speed ${v} m/s is outside WPML's ${lo}–${hi} m/s; re-plan with --speed within it`,
    );
  }
  return v;
}

/**
 * One sortie's MAVLink items as a WPML wayline: every positioned waypoint becomes a Placemark; speed changes,
 * gimbal pitch, photos (single, distance- and time-triggered), hover, yaw and video become waypoint speeds and
 * action groups; RTL / LAND become the finish action. Throws {@link PlanFormatError} naming the item for
 * anything it cannot express (terrain-relative frames, mixed frames, speeds outside 1–15 m/s, commands
 * without a WPML counterpart) — a wayline is never written with a command silently left out.
 */
export function waylineFromSortie(s: Sortie, defaultSpeedMps: number): Wayline {
  const sortie = s.index;
  const waypoints: WpmlWaypoint[] = [];
  const groups: WpmlActionGroup[] = [];
  let speed = checkSpeed(sortie, null, defaultSpeedMps);
  let pitch: number | null = null;
  let heightMode: 'relative' | 'amsl' | null = null;
  let finish: FinishAction = 'noAction';
  let finished = false;
  // Actions met before the first waypoint run when it is reached.
  const pending: WpmlAction[] = [];
  let distanceGroup: WpmlActionGroup | null = null;
  let timingGroup: WpmlActionGroup | null = null;

  const at = (): number | null => (waypoints.length ? waypoints.length - 1 : null);
  const reach = (a: WpmlAction) => {
    const i = at();
    if (i === null) {
      pending.push(a);
      return;
    }
    const g = groups.find((x) => x.trigger.type === 'reachPoint' && x.startIndex === i);
    if (g) g.actions.push(a);
    else groups.push({ startIndex: i, endIndex: i, trigger: { type: 'reachPoint' }, actions: [a] });
  };
  const open = (trigger: WpmlActionGroup['trigger']): WpmlActionGroup => {
    const g: WpmlActionGroup = {
      startIndex: at() ?? 0,
      endIndex: at() ?? 0,
      trigger,
      actions: [{ func: 'takePhoto' }],
    };
    groups.push(g);
    return g;
  };
  const close = (g: WpmlActionGroup | null) => {
    if (!g) return;
    g.endIndex = at() ?? 0;
    // A trigger switched off where it was switched on covers no distance: drop the empty group.
    if (g.endIndex === g.startIndex) groups.splice(groups.indexOf(g), 1);
  };

  for (const it of s.items) {
    if (finished) {
      fail(sortie, it, '返航/降落之后还有任务项', 'items after return-to-launch / land are not allowed in a wayline');
    }
    const p = [it.param1, it.param2, it.param3, it.param4];
    switch (it.command) {
      case MAV_CMD.NAV_TAKEOFF:
        // DJI takes off by itself (takeOffSecurityHeight, flyToWaylineMode); the launch is takeOffRefPoint.
        continue;
      case MAV_CMD.NAV_WAYPOINT:
      case CMD.NAV_LOITER_TIME:
      case CMD.NAV_LAND: {
        const mode = heightModeOf(it.frame);
        if (mode === null) {
          fail(
            sortie,
            it,
            `坐标系 ${it.frame} 无法写成 WPML（相对地形高度请用海拔高度重新规划）`,
            `frame ${it.frame} has no WPML height mode (terrain-relative plans: re-plan with AMSL altitudes, the hillside default)`,
          );
        }
        if (heightMode !== null && mode !== heightMode) {
          fail(sortie, it, '同一架次混用高度基准', 'mixed altitude frames in one sortie (WPML has one per wayline)');
        }
        heightMode = mode;
        const yaw = it.command === MAV_CMD.NAV_WAYPOINT ? p[3] : null;
        const wp: WpmlWaypoint = {
          lon: fromDegE7(it.y),
          lat: fromDegE7(it.x),
          heightM: it.z,
          speedMps: speed,
          headingDeg: yaw === null || yaw === undefined || !Number.isFinite(yaw) ? null : yaw,
          gimbalPitchDeg: pitch,
          turn: 'stop',
          turnDampingM: 0,
        };
        const prev = waypoints[waypoints.length - 1];
        // A waypoint repeating the previous one (a lane starting where the transit leg ended) would be a
        // zero-length segment: its actions run at the previous waypoint instead.
        if (prev && isSamePoint(prev, wp)) prev.headingDeg ??= wp.headingDeg;
        else waypoints.push(wp);
        if (waypoints.length === 1) pending.splice(0).forEach(reach);
        const holdS = it.command === CMD.NAV_LAND ? 0 : (p[0] ?? 0);
        if (holdS > 0) reach({ func: 'hover', hoverTimeS: holdS });
        if (it.command === CMD.NAV_LAND) {
          finish = 'autoLand';
          finished = true;
        }
        continue;
      }
      case MAV_CMD.NAV_RETURN_TO_LAUNCH:
        finish = 'goHome';
        finished = true;
        continue;
      case MAV_CMD.DO_CHANGE_SPEED: {
        const v = p[1] ?? -1;
        if (v > 0) {
          speed = checkSpeed(sortie, it, v);
          // The leg leaving the waypoint just reached is flown at the new speed.
          const i = at();
          if (i !== null) waypoints[i]!.speedMps = speed;
        }
        continue;
      }
      case MAV_CMD.DO_MOUNT_CONTROL: {
        pitch = p[0] ?? 0;
        const i = at();
        if (i !== null) waypoints[i]!.gimbalPitchDeg = pitch;
        reach({ func: 'gimbalRotate', pitchDeg: pitch, rollDeg: p[1] ?? 0, yawDeg: p[2] ?? 0 });
        continue;
      }
      case MAV_CMD.DO_SET_CAM_TRIGG_DIST: {
        const d = p[0] ?? 0;
        close(distanceGroup);
        distanceGroup = d > 0 ? open({ type: 'multipleDistance', distanceM: d }) : null;
        // param3 = 1: one photo right away (MAVLink's "trigger once immediately").
        if (p[2] === 1) reach({ func: 'takePhoto' });
        continue;
      }
      case MAV_CMD.DO_DIGICAM_CONTROL:
        if (it.x === 1) reach({ func: 'takePhoto' });
        else fail(sortie, it, 'DO_DIGICAM_CONTROL 未拍照（参数5 ≠ 1）', 'DO_DIGICAM_CONTROL without shot (param5 ≠ 1)');
        continue;
      case MAV_CMD.IMAGE_START_CAPTURE: {
        const interval = p[1] ?? 0;
        const count = p[2] ?? 0;
        if (interval <= 0 && count === 1) reach({ func: 'takePhoto' });
        else if (interval > 0 && count === 0) {
          close(timingGroup);
          timingGroup = open({ type: 'multipleTiming', intervalS: interval });
        } else {
          fail(
            sortie,
            it,
            `IMAGE_START_CAPTURE 间隔 ${interval} s、张数 ${count} 无对应 WPML 动作`,
            `IMAGE_START_CAPTURE interval ${interval} s with count ${count} has no WPML counterpart`,
          );
        }
        continue;
      }
      case CMD.IMAGE_STOP_CAPTURE:
        close(timingGroup);
        timingGroup = null;
        continue;
      case CMD.CONDITION_YAW:
        if (p[3] === 1) fail(sortie, it, '相对偏航无对应 WPML 动作', 'relative CONDITION_YAW has no WPML counterpart');
        reach({ func: 'rotateYaw', headingDeg: p[0] ?? 0 });
        continue;
      case CMD.VIDEO_START_CAPTURE:
        reach({ func: 'startRecord' });
        continue;
      case CMD.VIDEO_STOP_CAPTURE:
        reach({ func: 'stopRecord' });
        continue;
      default:
        fail(
          sortie,
          it,
          `命令 ${it.command} 无对应 WPML 元素，不能导出`,
          `MAV_CMD ${it.command} has no WPML counterpart; not exported (mapped: ${WPML_MAPPED_COMMANDS.join(', ')})`,
        );
    }
  }
  close(distanceGroup);
  close(timingGroup);
  if (waypoints.length < 2 || heightMode === null) {
    fail(sortie, null, 'WPML 航线至少需要 2 个航点', 'a WPML wayline needs at least 2 waypoints');
  }
  setTurns(waypoints, groups);
  return { heightMode, waypoints, groups, finish };
}

/** Within 5 cm across and vertically: the same point for a wayline. */
function isSamePoint(a: WpmlWaypoint, b: WpmlWaypoint): boolean {
  return Math.abs(a.heightM - b.heightM) < 0.05 && distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' }) < 0.05;
}

/**
 * Stop-and-turn at the ends, at corners over {@link PASS_TURN_MAX_DEG} and where reach-point actions run; fly
 * through the rest (terrain-following profile points), with a damping distance that keeps the sum of two
 * neighbours' below the segment between them, as DJI requires (共用元素 › waypointTurnDampingDist).
 */
function setTurns(wps: WpmlWaypoint[], groups: WpmlActionGroup[]): void {
  const stops = new Set(groups.filter((g) => g.trigger.type === 'reachPoint').map((g) => g.startIndex));
  const seg = (i: number) =>
    distance([wps[i]!.lon, wps[i]!.lat], [wps[i + 1]!.lon, wps[i + 1]!.lat], { units: 'meters' });
  for (let i = 1; i < wps.length - 1; i++) {
    if (stops.has(i)) continue;
    const a = wps[i - 1]!;
    const b = wps[i]!;
    const c = wps[i + 1]!;
    const before = seg(i - 1);
    const after = seg(i);
    if (before < 1 || after < 1) continue;
    const turn = Math.abs(
      ((bearing([b.lon, b.lat], [c.lon, c.lat]) - bearing([a.lon, a.lat], [b.lon, b.lat]) + 540) % 360) - 180,
    );
    if (turn > PASS_TURN_MAX_DEG) continue;
    b.turn = 'pass';
    b.turnDampingM = Math.max(0.1, Math.min(5, Math.floor(Math.min(before, after) * 2.5) / 10));
  }
}
