import type { CallOptions } from '../../abort.ts';
import type { FlightMode } from '../../core/autopilot.ts';
import { MAV_CMD_DO_SET_MODE, modeParams } from '../../core/set-mode.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { LinkError } from '../../errors.ts';
import { MavCmd } from '../../mavlink/enums.ts';
import type { TakeoffOptions } from './action.types.ts';

/** Home altitude AMSL, when telemetry knows it (PX4's takeoff altitude is AMSL). */
export type HomeAltitudeSource = () => number | undefined;

/**
 * Action plugin: arm, disarm, takeoff, land, return to launch, flight mode. Each resolves when the vehicle
 * acknowledged with ACCEPTED and rejects with a LinkError ('denied', 'temporarily_rejected', 'unsupported',
 * 'failed', 'timeout', 'cancelled') otherwise.
 */
export class ActionPlugin {
  private homeAltitude: HomeAltitudeSource = () => undefined;

  constructor(private readonly v: VehicleCore) {}

  /** Lets the telemetry plugin tell where home is. */
  setHomeAltitudeSource(src: HomeAltitudeSource): void {
    this.homeAltitude = src;
  }

  arm(opts: CallOptions = {}): Promise<void> {
    return this.v.commands.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [1], label: '解锁 / arm' }, opts);
  }

  disarm(opts: CallOptions = {}): Promise<void> {
    return this.v.commands.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [0], label: '上锁 / disarm' }, opts);
  }

  setFlightMode(mode: FlightMode, opts: CallOptions = {}): Promise<void> {
    let params: number[];
    try {
      params = modeParams(this.v, mode);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.v.commands.send({ command: MAV_CMD_DO_SET_MODE, params, label: `飞行模式 / set mode ${mode}` }, opts);
  }

  /** Take off to `altRelM` above home. ArduPilot needs GUIDED first; PX4 wants the target altitude AMSL. */
  async takeoff(altRelM: number, opts: TakeoffOptions = {}): Promise<void> {
    if (!Number.isFinite(altRelM) || altRelM <= 0 || altRelM > 1000) {
      throw new LinkError('invalid_argument', `起飞高度无效 / invalid takeoff altitude ${altRelM} m`);
    }
    if (this.v.autopilot === 'ardupilot') await this.setFlightMode('guided', opts);
    if (opts.arm) await this.arm(opts);
    const home = this.homeAltitude();
    const alt = this.v.autopilot === 'px4' ? (home === undefined ? Number.NaN : home + altRelM) : altRelM;
    await this.v.commands.send(
      {
        command: MavCmd.NAV_TAKEOFF,
        params: [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, alt],
        label: `起飞 / takeoff to ${altRelM} m`,
      },
      opts,
    );
  }

  land(opts: CallOptions = {}): Promise<void> {
    return this.setFlightMode('land', opts);
  }

  /** Return to launch; falls back to the RTL flight mode when the command is not supported. */
  async returnToLaunch(opts: CallOptions = {}): Promise<void> {
    try {
      await this.v.commands.send({ command: MavCmd.NAV_RETURN_TO_LAUNCH, label: '返航 / return to launch' }, opts);
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.setFlightMode('rtl', opts);
    }
  }
}
