/**
 * Flight-mode numbers on the wire: ArduCopter's custom_mode numbers, and PX4's
 * (main_mode << 16) | (sub_mode << 24) encoding.
 */
import { CopterMode } from './mav.ts';
import type { ModeName, Personality } from './types.ts';

/** ArduCopter's mode numbers come from node-mavlink's CopterMode (ardupilotmega.xml). */
const COPTER_MODES: Partial<Record<number, ModeName>> = {
  [CopterMode.STABILIZE]: 'STABILIZE',
  [CopterMode.ALT_HOLD]: 'ALT_HOLD',
  [CopterMode.AUTO]: 'AUTO',
  [CopterMode.GUIDED]: 'GUIDED',
  [CopterMode.LOITER]: 'LOITER',
  [CopterMode.RTL]: 'RTL',
  [CopterMode.LAND]: 'LAND',
  [CopterMode.POSHOLD]: 'POSHOLD',
  [CopterMode.BRAKE]: 'BRAKE',
};

const COPTER_NUMBERS: Partial<Record<ModeName, number>> = Object.fromEntries(
  Object.entries(COPTER_MODES).map(([n, m]) => [m, Number(n)]),
);

/** PX4 main modes and AUTO sub-modes (px4_custom_mode.h; node-mavlink has no PX4 dialect). */
const PX4_MAIN = { MANUAL: 1, ALTCTL: 2, POSCTL: 3, AUTO: 4, STABILIZED: 7 } as const;
const PX4_AUTO = { READY: 1, TAKEOFF: 2, LOITER: 3, MISSION: 4, RTL: 5, LAND: 6 } as const;

const px4 = (main: number, sub = 0): number => ((main << 16) | (sub << 24)) >>> 0;

const PX4_NUMBERS: Partial<Record<ModeName, number>> = {
  STABILIZE: px4(PX4_MAIN.STABILIZED),
  ALT_HOLD: px4(PX4_MAIN.ALTCTL),
  LOITER: px4(PX4_MAIN.POSCTL),
  POSHOLD: px4(PX4_MAIN.POSCTL),
  AUTO: px4(PX4_MAIN.AUTO, PX4_AUTO.MISSION),
  GUIDED: px4(PX4_MAIN.AUTO, PX4_AUTO.LOITER),
  BRAKE: px4(PX4_MAIN.AUTO, PX4_AUTO.LOITER),
  RTL: px4(PX4_MAIN.AUTO, PX4_AUTO.RTL),
  LAND: px4(PX4_MAIN.AUTO, PX4_AUTO.LAND),
  TAKEOFF: px4(PX4_MAIN.AUTO, PX4_AUTO.TAKEOFF),
};

/** The custom_mode a vehicle of this personality reports for `mode`. */
export function customModeOf(personality: Personality, mode: ModeName): number {
  const table = personality === 'px4' ? PX4_NUMBERS : COPTER_NUMBERS;
  return table[mode] ?? 0;
}

/**
 * Decodes a requested mode. For ArduPilot `custom` is the mode number; for PX4 it is either the
 * packed custom_mode (SET_MODE) or, when `px4Sub` is given, the main mode (DO_SET_MODE param2/param3).
 * Returns null for a mode the vehicle does not have.
 */
export function modeFromCustom(personality: Personality, custom: number, px4Sub?: number): ModeName | null {
  if (personality === 'ardupilot') return COPTER_MODES[custom] ?? null;
  let main: number;
  let sub: number;
  if (px4Sub !== undefined) {
    main = custom;
    sub = px4Sub;
  } else {
    main = (custom >>> 16) & 0xff;
    sub = (custom >>> 24) & 0xff;
  }
  switch (main) {
    case PX4_MAIN.MANUAL:
    case PX4_MAIN.STABILIZED:
      return 'STABILIZE';
    case PX4_MAIN.ALTCTL:
      return 'ALT_HOLD';
    case PX4_MAIN.POSCTL:
      return 'LOITER';
    case PX4_MAIN.AUTO:
      switch (sub) {
        case PX4_AUTO.TAKEOFF:
          return 'TAKEOFF';
        case PX4_AUTO.LOITER:
        case PX4_AUTO.READY:
          return 'GUIDED';
        case PX4_AUTO.MISSION:
          return 'AUTO';
        case PX4_AUTO.RTL:
          return 'RTL';
        case PX4_AUTO.LAND:
          return 'LAND';
        default:
          return null;
      }
    default:
      return null;
  }
}
