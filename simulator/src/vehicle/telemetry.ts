/**
 * Telemetry streams: which messages go out how often (ArduPilot-like defaults, changed by
 * SET_MESSAGE_INTERVAL and REQUEST_DATA_STREAM), and builders for each message.
 */
import { ardupilotmega, common, minimal, standard, type MavLinkData } from 'node-mavlink';
import { MavAutopilot, MavModeFlag, MavState, MavType, MSG_ID } from './mav.ts';
import type { CameraCapture, ModeName } from './types.ts';
import type { Vehicle } from './vehicle.ts';

/** Default stream rates (Hz), roughly what a GCS gets from SITL after its usual stream requests. */
const DEFAULT_RATES_HZ: ReadonlyArray<[number, number]> = [
  [MSG_ID.HEARTBEAT, 1],
  [MSG_ID.SYS_STATUS, 2],
  [MSG_ID.GPS_RAW_INT, 2],
  [MSG_ID.ATTITUDE, 4],
  [MSG_ID.GLOBAL_POSITION_INT, 4],
  [MSG_ID.MISSION_CURRENT, 1],
  [MSG_ID.VFR_HUD, 4],
  [MSG_ID.BATTERY_STATUS, 1],
  [MSG_ID.HOME_POSITION, 0.2],
  [MSG_ID.EXTENDED_SYS_STATE, 1],
];

/** REQUEST_DATA_STREAM stream ids → the messages ArduPilot groups under them. */
const DATA_STREAMS: Record<number, number[]> = {
  2: [MSG_ID.SYS_STATUS, MSG_ID.GPS_RAW_INT, MSG_ID.MISSION_CURRENT, MSG_ID.EXTENDED_SYS_STATE],
  6: [MSG_ID.GLOBAL_POSITION_INT],
  10: [MSG_ID.ATTITUDE],
  11: [MSG_ID.VFR_HUD],
  12: [MSG_ID.BATTERY_STATUS],
};

/** Messages that can be streamed or requested once. */
export const STREAMABLE: ReadonlySet<number> = new Set([
  ...DEFAULT_RATES_HZ.map(([id]) => id),
  MSG_ID.AUTOPILOT_VERSION,
]);

export class StreamScheduler {
  readonly ids: number[] = DEFAULT_RATES_HZ.map(([id]) => id);
  private readonly intervalS: number[] = DEFAULT_RATES_HZ.map(([, hz]) => 1 / hz);
  private readonly nextS: number[] = DEFAULT_RATES_HZ.map(() => 0);

  /** Sets a message's interval: seconds > 0, 0 = default, −1 = off. Returns false if not streamable. */
  setInterval(msgId: number, intervalS: number, nowS: number): boolean {
    const i = this.ids.indexOf(msgId);
    if (i < 0) return false;
    const def = DEFAULT_RATES_HZ[i]![1];
    this.intervalS[i] = intervalS < 0 ? Infinity : intervalS === 0 ? 1 / def : intervalS;
    this.nextS[i] = nowS;
    return true;
  }

  /** Current interval in seconds (Infinity = off). */
  getInterval(msgId: number): number | undefined {
    const i = this.ids.indexOf(msgId);
    return i < 0 ? undefined : this.intervalS[i];
  }

  /** REQUEST_DATA_STREAM: rateHz 0 or start 0 stops the group. Returns false for an unknown stream. */
  requestDataStream(streamId: number, rateHz: number, start: boolean, nowS: number): boolean {
    const ids = streamId === 0 ? Object.values(DATA_STREAMS).flat() : DATA_STREAMS[streamId];
    if (!ids) return false;
    for (const id of ids) this.setInterval(id, start && rateHz > 0 ? 1 / rateHz : -1, nowS);
    return true;
  }

  /** Calls `send` for each message due at `nowS`. */
  tick(nowS: number, send: (msgId: number) => void): void {
    for (let i = 0; i < this.ids.length; i++) {
      const next = this.nextS[i]!;
      if (nowS + 1e-9 < next) continue;
      const iv = this.intervalS[i]!;
      if (iv === Infinity) {
        this.nextS[i] = Infinity;
        continue;
      }
      // Keep the cadence, but do not burst after a stall.
      this.nextS[i] = next + iv < nowS ? nowS + iv : next + iv;
      send(this.ids[i]!);
    }
  }
}

const RAD = Math.PI / 180;

function e7(deg: number): number {
  return Math.round(deg * 1e7);
}

function baseMode(v: Vehicle): number {
  let m = MavModeFlag.CUSTOM_MODE_ENABLED;
  if (v.ap.armed) m |= MavModeFlag.SAFETY_ARMED;
  if (v.personality === 'ardupilot') {
    m |= MavModeFlag.STABILIZE_ENABLED | MavModeFlag.MANUAL_INPUT_ENABLED;
    if (v.ap.mode !== 'STABILIZE' && v.ap.mode !== 'ALT_HOLD') m |= MavModeFlag.GUIDED_ENABLED;
  } else {
    const auto: ModeName[] = ['AUTO', 'RTL', 'LAND', 'TAKEOFF', 'GUIDED'];
    m |= MavModeFlag.STABILIZE_ENABLED;
    if (auto.includes(v.ap.mode)) m |= MavModeFlag.AUTO_ENABLED | MavModeFlag.GUIDED_ENABLED;
  }
  return m;
}

/** Builds the message with id `msgId` from the vehicle's current state (null: nothing to send). */
export function buildMessage(v: Vehicle, msgId: number): MavLinkData | null {
  const fm = v.fm;
  switch (msgId) {
    case MSG_ID.HEARTBEAT: {
      const m = new minimal.Heartbeat();
      m.type = MavType.QUADROTOR;
      m.autopilot = v.personality === 'px4' ? MavAutopilot.PX4 : MavAutopilot.ARDUPILOTMEGA;
      m.baseMode = baseMode(v);
      m.customMode = v.customMode();
      m.systemStatus = !v.booted
        ? MavState.BOOT
        : v.ap.crashed
          ? MavState.EMERGENCY
          : v.ap.failsafe
            ? MavState.CRITICAL
            : v.ap.armed
              ? MavState.ACTIVE
              : MavState.STANDBY;
      m.mavlinkVersion = 3;
      return m;
    }
    case MSG_ID.SYS_STATUS: {
      const m = new common.SysStatus();
      // gyro|accel|mag|baro|gps|rate ctl|attitude|yaw|z/alt|xy|motors|AHRS|battery
      const present =
        0x1 | 0x2 | 0x4 | 0x8 | 0x20 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x200000 | 0x2000000;
      m.onboardControlSensorsPresent = present;
      m.onboardControlSensorsEnabled = present;
      m.onboardControlSensorsHealth = v.gpsOk() ? present : present & ~0x20;
      m.load = 150;
      m.voltageBattery = Math.round(v.battery.voltageV * 1000);
      m.currentBattery = Math.round(v.battery.currentA * 100);
      m.batteryRemaining = Math.round(v.battery.pct);
      m.dropRateComm = Math.round(v.faults.packetLossPct * 100);
      m.errorsComm = Math.min(65535, v.malformedIn());
      return m;
    }
    case MSG_ID.GPS_RAW_INT: {
      const p = v.reportedPosition();
      const ok = v.gpsOk();
      const m = new common.GpsRawInt();
      m.timeUsec = BigInt(Math.round(v.simTime().getTime() * 1000));
      m.fixType = ok ? 3 : 1;
      m.lat = e7(p.lat);
      m.lon = e7(p.lon);
      m.alt = Math.round(p.altAmslM * 1000);
      m.eph = ok ? 70 : 9999;
      m.epv = ok ? 120 : 9999;
      m.vel = Math.round(fm.groundSpeedMps * 100);
      m.cog = Math.round(((Math.atan2(fm.vEast, fm.vNorth) / RAD + 360) % 360) * 100);
      m.satellitesVisible = ok ? 14 : 3;
      m.altEllipsoid = m.alt;
      m.hAcc = ok ? 500 : 50_000;
      m.vAcc = ok ? 800 : 50_000;
      m.velAcc = 200;
      m.hdgAcc = 0;
      m.yaw = 0;
      return m;
    }
    case MSG_ID.ATTITUDE: {
      const m = new common.Attitude();
      m.timeBootMs = v.timeBootMs();
      m.roll = fm.rollDeg * RAD;
      m.pitch = fm.pitchDeg * RAD;
      const yaw = fm.headingDeg > 180 ? fm.headingDeg - 360 : fm.headingDeg;
      m.yaw = yaw * RAD;
      m.rollspeed = 0;
      m.pitchspeed = 0;
      m.yawspeed = fm.yawRateDps * RAD;
      return m;
    }
    case MSG_ID.GLOBAL_POSITION_INT: {
      const p = v.reportedPosition();
      const m = new common.GlobalPositionInt();
      m.timeBootMs = v.timeBootMs();
      m.lat = e7(p.lat);
      m.lon = e7(p.lon);
      m.alt = Math.round(p.altAmslM * 1000);
      m.relativeAlt = Math.round((p.altAmslM - v.ap.homeAltAmslM) * 1000);
      m.vx = Math.round(fm.vNorth * 100);
      m.vy = Math.round(fm.vEast * 100);
      m.vz = Math.round(-fm.vUp * 100);
      m.hdg = Math.round(fm.headingDeg * 100) % 36000;
      return m;
    }
    case MSG_ID.MISSION_CURRENT: {
      const m = new common.MissionCurrent();
      m.seq = v.ap.currentSeq;
      m.total = v.store.count(0);
      const states = { none: 1, not_started: 2, active: 3, paused: 4, complete: 5 } as const;
      m.missionState = states[v.ap.missionState];
      m.missionMode = v.ap.mode === 'AUTO' ? 1 : 0;
      m.missionId = 0;
      m.fenceId = 0;
      m.rallyPointsId = 0;
      return m;
    }
    case MSG_ID.VFR_HUD: {
      const m = new common.VfrHud();
      m.airspeed = fm.airspeedMps(v.env);
      m.groundspeed = fm.groundSpeedMps;
      m.heading = Math.round(fm.headingDeg) % 360;
      m.throttle = v.ap.motorsOn() && !fm.onGround ? 45 : 0;
      m.alt = fm.altAmslM;
      m.climb = fm.vUp;
      return m;
    }
    case MSG_ID.BATTERY_STATUS: {
      const b = v.battery;
      const m = new common.BatteryStatus();
      m.id = 0;
      m.batteryFunction = 1;
      m.type = 1;
      m.temperature = 32767;
      m.voltages = [Math.min(65534, Math.round(b.voltageV * 1000)), ...Array<number>(9).fill(65535)];
      m.currentBattery = Math.round(b.currentA * 100);
      m.currentConsumed = Math.round(b.consumedMah);
      m.energyConsumed = -1;
      m.batteryRemaining = Math.round(b.pct);
      m.timeRemaining = 0;
      m.chargeState = b.pct <= v.ap.opts.criticalBatteryPct ? 3 : b.pct <= v.ap.opts.lowBatteryPct ? 2 : 1;
      m.voltagesExt = [0, 0, 0, 0];
      m.mode = 0;
      m.faultBitmask = 0 as common.MavBatteryFault;
      return m;
    }
    case MSG_ID.HOME_POSITION: {
      const h = v.ap.home;
      if (!h) return null;
      const m = new common.HomePosition();
      m.latitude = e7(h.lat);
      m.longitude = e7(h.lon);
      m.altitude = Math.round(h.altAmslM * 1000);
      m.x = 0;
      m.y = 0;
      m.z = 0;
      m.q = [1, 0, 0, 0];
      m.approachX = 0;
      m.approachY = 0;
      m.approachZ = 0;
      m.timeUsec = BigInt(Math.round(v.simTime().getTime() * 1000));
      return m;
    }
    case MSG_ID.EXTENDED_SYS_STATE: {
      const m = new common.ExtendedSysState();
      m.vtolState = 0;
      const nav = v.ap.mode === 'LAND' || (v.ap.mode === 'RTL' && fm.vUp < -0.2);
      m.landedState = fm.onGround ? 1 : nav ? 4 : fm.vUp > 0.3 && fm.altAmslM - v.ap.homeAltAmslM < 5 ? 3 : 2;
      return m;
    }
    case MSG_ID.AUTOPILOT_VERSION: {
      const m = new standard.AutopilotVersion();
      // MISSION_FLOAT|PARAM_FLOAT|MISSION_INT|COMMAND_INT|SET_POSITION_TARGET_GLOBAL_INT|MAVLINK2|FENCE|RALLY (+TERRAIN on ArduPilot)
      const caps = 1 | 2 | 4 | 8 | 256 | 8192 | 16384 | 32768 | (v.personality === 'ardupilot' ? 512 : 0);
      // A uint64 on the wire: node-mavlink wants a bigint although the type says enum.
      (m as unknown as { capabilities: bigint }).capabilities = BigInt(caps);
      m.flightSwVersion =
        v.personality === 'ardupilot' ? (4 << 24) | (5 << 16) | (7 << 8) | 255 : (1 << 24) | (15 << 16) | 255;
      m.middlewareSwVersion = 0;
      m.osSwVersion = 0;
      m.boardVersion = 0;
      m.flightCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
      m.middlewareCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
      m.osCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
      m.vendorId = 0;
      m.productId = 0;
      m.uid = BigInt(v.sysId);
      m.uid2 = Array<number>(18).fill(0);
      return m;
    }
    default:
      return null;
  }
}

/** STATUSTEXT, cut to the 50 bytes MAVLink carries. */
export function statusText(severity: number, text: string): MavLinkData {
  const m = new common.StatusText();
  m.severity = severity;
  let t = text;
  while (Buffer.byteLength(t, 'utf8') > 50) t = t.slice(0, -1);
  m.text = t;
  m.id = 0;
  m.chunkSeq = 0;
  return m;
}

/** Camera orientation quaternion (w, x, y, z; NED) from absolute yaw and pitch, roll 0. */
function cameraQuaternion(yawDeg: number, pitchDeg: number): number[] {
  const cy = Math.cos((yawDeg * RAD) / 2);
  const sy = Math.sin((yawDeg * RAD) / 2);
  const cp = Math.cos((pitchDeg * RAD) / 2);
  const sp = Math.sin((pitchDeg * RAD) / 2);
  return [cp * cy, -sp * sy, sp * cy, cp * sy];
}

/** CAMERA_IMAGE_CAPTURED for a capture. */
export function imageCaptured(v: Vehicle, c: CameraCapture): MavLinkData {
  const m = new common.CameraImageCaptured();
  m.timeBootMs = v.timeBootMs();
  m.timeUtc = BigInt(c.time.getTime() * 1000);
  m.cameraId = 0;
  m.lat = e7(c.lat);
  m.lon = e7(c.lon);
  m.alt = Math.round(c.altAmslM * 1000);
  m.relativeAlt = Math.round(c.altRelM * 1000);
  m.q = cameraQuaternion(c.gimbalYawDeg, c.gimbalPitchDeg);
  m.imageIndex = c.index;
  m.captureResult = 1;
  m.fileUrl = '';
  return m;
}

/** ArduPilot's CAMERA_FEEDBACK for a capture (it numbers images from 1). */
export function cameraFeedback(v: Vehicle, c: CameraCapture, targetSystem: number): MavLinkData {
  const m = new ardupilotmega.CameraFeedback();
  m.timeUsec = BigInt(c.time.getTime() * 1000);
  m.targetSystem = targetSystem;
  m.camIdx = 0;
  m.imgIdx = c.index + 1;
  m.lat = e7(c.lat);
  m.lng = e7(c.lon);
  m.altMsl = c.altAmslM;
  m.altRel = c.altRelM;
  m.roll = v.fm.rollDeg;
  m.pitch = v.fm.pitchDeg;
  m.yaw = c.headingDeg;
  m.focLen = 0;
  m.flags = 0;
  m.completedCaptures = c.index + 1;
  return m;
}
