/**
 * Our simulated camera on a real ArduPilot SITL: it attaches to the vehicle's second MAVLink port (SERIAL1) as a
 * camera component and renders a photo for every CAMERA_FEEDBACK the autopilot reports, at the pose it reports
 * (ArduPilot's own trigger distance, DO_DIGICAM_CONTROL, …). The camera points straight down (SITL's copter has
 * no gimbal), so the pose is the vehicle's position, altitude and yaw. It reconnects when the SITL reboots.
 */
import { ardupilotmega, common, minimal } from 'node-mavlink';
import type { CameraCapture, CameraHook } from '../vehicle/types.ts';
import { MavCmd, MavType } from '../vehicle/mav.ts';
import { connectSitlClient, type SitlClient } from './sitl-client.ts';

export interface SitlCameraOptions {
  /** SERIAL1 TCP port of the SITL (5762 + 10·instance). */
  port: number;
  sysId: number;
  camera: CameraHook;
  /** Each capture, after the hook was started (for counting and logs). */
  onCapture?: (c: CameraCapture) => void;
  onError?: (err: unknown) => void;
  /** The vehicle disarmed after a flight (its HEARTBEAT lost the armed flag): time for the dock. */
  onLanded?: () => void;
}

export interface SitlCamera {
  /** Captures rendered so far. */
  readonly count: number;
  close(): void;
}

/** MAV_COMP_ID_CAMERA. */
const CAMERA_COMPONENT = 100;
/** The GPS epoch timestamps of SITL look like this; anything earlier is a clock that was not set. */
const PLAUSIBLE_UTC_US = Date.UTC(2015, 0, 1) * 1000;

/** CAMERA_FEEDBACK → what our camera renders (speed from the latest GLOBAL_POSITION_INT). Images count from 1. */
export function captureFromFeedback(sysId: number, m: ardupilotmega.CameraFeedback, speedMps = 0): CameraCapture {
  const utcUs = Number(m.timeUsec);
  return {
    sysId,
    index: Math.max(0, m.imgIdx - 1),
    time: new Date(utcUs > PLAUSIBLE_UTC_US ? utcUs / 1000 : Date.now()),
    lon: m.lng / 1e7,
    lat: m.lat / 1e7,
    altAmslM: m.altMsl,
    altRelM: m.altRel,
    headingDeg: ((m.yaw % 360) + 360) % 360,
    gimbalPitchDeg: -90,
    gimbalYawDeg: ((m.yaw % 360) + 360) % 360,
    speedMps,
  };
}

/** Attach the camera; keeps reconnecting (reboots, restarts) until `close()`. */
export async function attachSitlCamera(o: SitlCameraOptions): Promise<SitlCamera> {
  let count = 0;
  let closed = false;
  let speedMps = 0;
  let armed = false;
  let client: SitlClient | undefined;
  const seen = new Set<number>();
  const attach = async (): Promise<void> => {
    while (!closed) {
      try {
        client = await connectSitlClient({
          port: o.port,
          sysId: o.sysId,
          compId: CAMERA_COMPONENT,
          mavType: MavType.CAMERA,
        });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    if (!client || closed) return;
    // Ground speed for motion blur: ask for GLOBAL_POSITION_INT on this port (5 Hz).
    const rate = new common.CommandLong();
    rate.targetSystem = o.sysId;
    rate.targetComponent = 1;
    rate.command = MavCmd.SET_MESSAGE_INTERVAL;
    rate._param1 = common.GlobalPositionInt.MSG_ID;
    rate._param2 = 200_000;
    client.send(rate);
    client.on(common.GlobalPositionInt, (m, compId) => {
      if (compId === 1) speedMps = Math.min(100, Math.hypot(m.vx, m.vy) / 100);
    });
    client.on(minimal.Heartbeat, (m, compId) => {
      if (compId !== 1) return;
      const nowArmed = (m.baseMode & minimal.MavModeFlag.SAFETY_ARMED) !== 0;
      if (armed && !nowArmed) o.onLanded?.();
      armed = nowArmed;
    });
    client.on(ardupilotmega.CameraFeedback, (m, compId) => {
      if (compId !== 1 || seen.has(m.imgIdx)) return;
      seen.add(m.imgIdx);
      const c = captureFromFeedback(o.sysId, m, speedMps);
      count++;
      o.camera(c).catch((err: unknown) => o.onError?.(err));
      o.onCapture?.(c);
    });
    void client.closed.then(() => {
      if (!closed) void attach();
    });
  };
  await attach();
  return {
    get count() {
      return count;
    },
    close() {
      closed = true;
      client?.close();
    },
  };
}
