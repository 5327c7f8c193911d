import { LinkError } from '../errors.ts';
import { MavCmd, MavModeFlag } from '../mavlink/enums.ts';
import { customModeFor, type FlightMode } from './autopilot.ts';
import type { VehicleCore } from './vehicle-core.ts';

/** MAV_CMD_DO_SET_MODE. */
export const MAV_CMD_DO_SET_MODE = MavCmd.DO_SET_MODE;

/** DO_SET_MODE params (custom-mode flag, main mode, sub mode) for a flight mode on this vehicle's autopilot. */
export function modeParams(v: VehicleCore, mode: FlightMode): number[] {
  const m = customModeFor(v.autopilot, mode);
  if (!m) throw new LinkError('unsupported', `${v.autopilot} 没有飞行模式 / has no flight mode "${mode}"`);
  return [MavModeFlag.CUSTOM_MODE_ENABLED, m.main, m.sub];
}
