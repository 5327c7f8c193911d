import type { CallOptions } from '../../abort.ts';
import type { FlightMode } from '../../core/autopilot.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { Latest } from '../../latest.ts';
import { MavCmd, MavSysStatusSensor } from '../../mavlink/enums.ts';
import { common } from '../../mavlink/messages.ts';
import type {
  Attitude,
  Battery,
  GpsInfo,
  Health,
  Home,
  Position,
  TelemetryRates,
  VelocityNed,
} from './telemetry.types.ts';

const SENSOR = {
  gyro: MavSysStatusSensor.SENSOR_3D_GYRO,
  accel: MavSysStatusSensor.SENSOR_3D_ACCEL,
  mag: MavSysStatusSensor.SENSOR_3D_MAG,
  gps: MavSysStatusSensor.SENSOR_GPS,
} as const;

export const DEFAULT_RATES: Required<TelemetryRates> = {
  positionHz: 5,
  attitudeHz: 5,
  batteryHz: 1,
  gpsHz: 1,
  missionHz: 1,
};

const RAD = 180 / Math.PI;

/** The heartbeat-derived part of telemetry (flight mode, armed), supplied by the vehicle. */
export interface HeartbeatSource {
  subscribe(l: (hb: { flightMode: FlightMode; armed: boolean }) => void): () => void;
}

/**
 * Telemetry plugin: each quantity is a `Latest` (latest value + listeners + async iterable).
 * `requestRates()` asks the vehicle for message rates and is re-applied after a reconnect.
 */
export class TelemetryPlugin {
  readonly position = new Latest<Position>();
  readonly velocity = new Latest<VelocityNed>();
  readonly attitude = new Latest<Attitude>();
  readonly battery = new Latest<Battery>();
  readonly gps = new Latest<GpsInfo>();
  readonly flightMode = new Latest<FlightMode>();
  readonly armed = new Latest<boolean>();
  readonly home = new Latest<Home>();
  readonly health = new Latest<Health>();
  private rates: TelemetryRates | undefined;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly v: VehicleCore) {
    this.offs.push(
      v.onMessage(common.GlobalPositionInt, (m) => {
        this.position.set({
          latDeg: m.lat / 1e7,
          lonDeg: m.lon / 1e7,
          altRelM: m.relativeAlt / 1000,
          altAmslM: m.alt / 1000,
        });
        this.velocity.set({ northMps: m.vx / 100, eastMps: m.vy / 100, downMps: m.vz / 100 });
      }),
      v.onMessage(common.Attitude, (m) => {
        const yawDeg = m.yaw * RAD;
        this.attitude.set({ rollDeg: m.roll * RAD, pitchDeg: m.pitch * RAD, yawDeg, headingDeg: (yawDeg + 360) % 360 });
      }),
      v.onMessage(common.SysStatus, (m) => {
        if (m.voltageBattery !== 0xffff) {
          this.battery.set({
            voltageV: m.voltageBattery / 1000,
            remainingPct: m.batteryRemaining < 0 ? Number.NaN : m.batteryRemaining,
          });
        }
        const present = Number(m.onboardControlSensorsPresent);
        const healthy = Number(m.onboardControlSensorsHealth);
        const ok = (bit: number): boolean => (present & bit) === 0 || (healthy & bit) !== 0;
        const h = {
          gyroOk: ok(SENSOR.gyro),
          accelOk: ok(SENSOR.accel),
          magOk: ok(SENSOR.mag),
          gpsOk: ok(SENSOR.gps),
          homeOk: this.home.value !== undefined,
        };
        this.health.set({ ...h, armable: h.gyroOk && h.accelOk && h.magOk && h.gpsOk && h.homeOk });
      }),
      v.onMessage(common.BatteryStatus, (m) => {
        const cells = (m.voltages ?? []).filter((c) => c !== 0xffff && c !== 0);
        const voltageV = cells.reduce((a, c) => a + c, 0) / 1000;
        if (voltageV > 0)
          this.battery.set({ voltageV, remainingPct: m.batteryRemaining < 0 ? Number.NaN : m.batteryRemaining });
      }),
      v.onMessage(common.GpsRawInt, (m) =>
        this.gps.set({ fixType: m.fixType, satellites: m.satellitesVisible === 255 ? 0 : m.satellitesVisible }),
      ),
      v.onMessage(common.HomePosition, (m) =>
        this.home.set({ latDeg: m.latitude / 1e7, lonDeg: m.longitude / 1e7, altAmslM: m.altitude / 1000 }),
      ),
      v.connected.subscribe((up) => {
        // After a link loss the vehicle may have rebooted and forgotten our rates.
        if (up && this.rates) void this.requestRates(this.rates).catch(() => undefined);
      }),
    );
  }

  /** Feed HEARTBEAT-derived values (the vehicle owns the heartbeat). */
  attachHeartbeat(src: HeartbeatSource): void {
    this.offs.push(
      src.subscribe((hb) => {
        if (this.flightMode.value !== hb.flightMode) this.flightMode.set(hb.flightMode);
        if (this.armed.value !== hb.armed) this.armed.set(hb.armed);
      }),
    );
  }

  /**
   * Ask for message rates (SET_MESSAGE_INTERVAL) and for the home position. Resolves when every request was
   * acknowledged; rejects with the first LinkError (the others are still sent).
   */
  async requestRates(rates: TelemetryRates = DEFAULT_RATES, opts: CallOptions = {}): Promise<void> {
    this.rates = { ...this.rates, ...rates };
    const jobs: Array<[number, number | undefined]> = [
      [common.GlobalPositionInt.MSG_ID, rates.positionHz],
      [common.Attitude.MSG_ID, rates.attitudeHz],
      [common.SysStatus.MSG_ID, rates.batteryHz],
      [common.GpsRawInt.MSG_ID, rates.gpsHz],
      [common.MissionCurrent.MSG_ID, rates.missionHz],
    ];
    const sends = jobs
      .filter((j): j is [number, number] => j[1] !== undefined)
      .map(([id, hz]) =>
        this.v.commands.send(
          {
            command: MavCmd.SET_MESSAGE_INTERVAL,
            params: [id, hz <= 0 ? -1 : Math.round(1e6 / hz)],
            label: `message rate ${id}`,
          },
          opts,
        ),
      );
    sends.push(
      this.v.commands.send(
        { command: MavCmd.REQUEST_MESSAGE, params: [common.HomePosition.MSG_ID], label: 'request home' },
        opts,
      ),
    );
    const results = await Promise.allSettled(sends);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  dispose(): void {
    for (const off of this.offs) off();
  }
}
