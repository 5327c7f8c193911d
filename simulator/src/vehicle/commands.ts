/**
 * COMMAND_LONG / COMMAND_INT handling: each MavCmd the vehicle knows, with ArduPilot's refusals
 * (MavResult and a STATUSTEXT saying why). Unknown commands get UNSUPPORTED.
 */
import { common } from 'node-mavlink';
import { MavCmd, MavFrame, MavModeFlag, MavResult, MavSeverity, MSG_ID } from './mav.ts';
import { modeFromCustom } from './modes.ts';
import type { Outcome } from './autopilot.ts';
import { STREAMABLE } from './telemetry.ts';
import type { Vehicle } from './vehicle.ts';

/** A command as received, params 1–7 as numbers; for COMMAND_INT x/y stay degE7 integers. */
export interface CommandIn {
  command: number;
  params: [number, number, number, number, number, number, number];
  /** COMMAND_INT's frame, null for COMMAND_LONG. */
  frame: number | null;
}

export interface CommandResult {
  result: number;
  /** Message also sent as STATUSTEXT. */
  text?: string;
}

const accepted: CommandResult = { result: MavResult.ACCEPTED };

function fromOutcome(o: Outcome, refused: number = MavResult.FAILED): CommandResult {
  return o.ok ? accepted : { result: refused, text: o.text };
}

function denied(text: string): CommandResult {
  return { result: MavResult.DENIED, text };
}

/** Latitude/longitude of params 5/6 (degE7 in COMMAND_INT, degrees in COMMAND_LONG). */
function latLon(c: CommandIn): { lat: number; lon: number } {
  const [, , , , p5, p6] = c.params;
  return c.frame === null ? { lat: p5, lon: p6 } : { lat: p5 / 1e7, lon: p6 / 1e7 };
}

/** Executes a command on the vehicle and returns the MavResult to acknowledge with. */
export function executeCommand(v: Vehicle, c: CommandIn): CommandResult {
  const [p1, p2, p3, , , , p7] = c.params;
  const ap = v.ap;
  switch (c.command) {
    case MavCmd.COMPONENT_ARM_DISARM: {
      const force = Math.round(p2) === 21196;
      if (p1 === 1) return fromOutcome(ap.arm(force));
      if (p1 === 0) return fromOutcome(ap.disarm(force));
      return denied(`Arm: bad param1 ${p1}`);
    }
    case MavCmd.DO_SET_MODE: {
      if ((Math.round(p1) & MavModeFlag.CUSTOM_MODE_ENABLED) === 0)
        return denied('Set mode: custom mode flag required');
      const mode =
        v.personality === 'px4'
          ? modeFromCustom('px4', Math.round(p2), Math.round(p3))
          : modeFromCustom('ardupilot', Math.round(p2));
      if (!mode) return { result: MavResult.FAILED, text: `Mode change failed: unknown mode ${p2}` };
      return fromOutcome(ap.setMode(mode));
    }
    case MavCmd.MISSION_START:
      return fromOutcome(ap.missionStart());
    case MavCmd.NAV_TAKEOFF:
      if (Number.isFinite(p7) && (p7 < 0 || p7 > 1000 + (v.personality === 'px4' ? ap.homeAltAmslM : 0))) {
        return denied(`Takeoff: altitude ${p7} out of range`);
      }
      return fromOutcome(ap.takeoff(p7));
    case MavCmd.NAV_RETURN_TO_LAUNCH:
      return fromOutcome(ap.setMode('RTL'));
    case MavCmd.NAV_LAND:
      return fromOutcome(ap.setMode('LAND'));
    case MavCmd.DO_CHANGE_SPEED: {
      if (!Number.isFinite(p2) || p2 <= 0) return accepted; // −1 / NaN: no change
      if (p2 > v.fm.limits.maxSpeedMps) return denied(`Speed ${p2} m/s above limit ${v.fm.limits.maxSpeedMps}`);
      if (p1 === 0 || p1 === 1) ap.speedOverrideMps = p2;
      return accepted;
    }
    case MavCmd.DO_PAUSE_CONTINUE:
      return fromOutcome(ap.pauseContinue(p1 === 0));
    case MavCmd.DO_REPOSITION: {
      const { lat, lon } = latLon(c);
      const frame = c.frame ?? MavFrame.GLOBAL;
      const rel = frame === MavFrame.GLOBAL_RELATIVE_ALT || frame === MavFrame.GLOBAL_RELATIVE_ALT_INT;
      const alt = Number.isFinite(p7) ? (rel ? ap.homeAltAmslM + p7 : p7) : NaN;
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return denied('Reposition: bad location');
      return fromOutcome(ap.reposition(lat, lon, alt, p1));
    }
    case MavCmd.DO_SET_HOME: {
      if (p1 === 1) {
        ap.setHome({ lon: v.fm.lon, lat: v.fm.lat, altAmslM: v.fm.altAmslM });
        return accepted;
      }
      const { lat, lon } = latLon(c);
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0) || !Number.isFinite(p7)) {
        return denied('Set home: bad location');
      }
      ap.setHome({ lon, lat, altAmslM: p7 });
      return accepted;
    }
    case MavCmd.DO_SET_CAM_TRIGG_DIST:
      if (!Number.isFinite(p1) || p1 < 0 || p1 > 10_000) return denied(`Camera trigger distance ${p1} out of range`);
      v.payload.setTriggerDistance(p1, v.fm.lon, v.fm.lat);
      if (p3 === 1) v.capture();
      return accepted;
    case MavCmd.DO_DIGICAM_CONTROL:
      if (c.params[4] === 1) v.capture();
      return accepted;
    case MavCmd.DO_DIGICAM_CONFIGURE:
      return accepted;
    case MavCmd.IMAGE_START_CAPTURE: {
      const count = Math.round(p3);
      if (count < 0 || !Number.isFinite(p2) || p2 < 0) return denied('Image capture: bad interval or count');
      if (count === 1) v.capture();
      else v.payload.startInterval(p2 > 0 ? p2 : 1, count, v.timeS);
      return accepted;
    }
    case MavCmd.IMAGE_STOP_CAPTURE:
      v.payload.stopInterval();
      return accepted;
    case MavCmd.DO_MOUNT_CONTROL:
      if (!Number.isFinite(p1) || p1 < -90 || p1 > 30) return denied(`Gimbal pitch ${p1} out of range`);
      v.payload.point(p1, Number.isFinite(p3) ? p3 : 0);
      return accepted;
    case MavCmd.DO_GIMBAL_MANAGER_PITCHYAW:
      if (!Number.isFinite(p1) || p1 < -90 || p1 > 30) return denied(`Gimbal pitch ${p1} out of range`);
      v.payload.point(p1, Number.isFinite(p2) ? p2 : 0);
      return accepted;
    case MavCmd.DO_SET_ROI:
    case MavCmd.DO_SET_ROI_LOCATION: {
      const { lat, lon } = latLon(c);
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return denied('ROI: bad location');
      const rel =
        c.frame === null || c.frame === MavFrame.GLOBAL_RELATIVE_ALT || c.frame === MavFrame.GLOBAL_RELATIVE_ALT_INT;
      ap.setRoi(lat, lon, (rel ? ap.homeAltAmslM : 0) + (Number.isFinite(p7) ? p7 : 0));
      return accepted;
    }
    case MavCmd.DO_SET_ROI_NONE:
      v.payload.roi = null;
      return accepted;
    case MavCmd.DO_FENCE_ENABLE:
      ap.fenceEnabled = p1 !== 0;
      return accepted;
    case MavCmd.SET_MESSAGE_INTERVAL: {
      const id = Math.round(p1);
      const intervalS = p2 === -1 ? -1 : p2 === 0 ? 0 : p2 > 0 ? p2 / 1e6 : NaN;
      if (!Number.isFinite(intervalS)) return denied(`Message interval ${p2} invalid`);
      return v.streams.setInterval(id, intervalS, v.timeS) ? accepted : { result: MavResult.FAILED };
    }
    case MavCmd.REQUEST_MESSAGE: {
      const id = Math.round(p1);
      if (!STREAMABLE.has(id)) return { result: MavResult.FAILED };
      v.sendNow(id);
      return accepted;
    }
    case MavCmd.GET_HOME_POSITION:
      if (!ap.home) return { result: MavResult.FAILED };
      v.sendNow(MSG_ID.HOME_POSITION);
      return accepted;
    case MavCmd.REQUEST_AUTOPILOT_CAPABILITIES:
      v.sendNow(MSG_ID.AUTOPILOT_VERSION);
      return accepted;
    default:
      return { result: MavResult.UNSUPPORTED, text: `Unsupported command ${c.command}` };
  }
}

/** COMMAND_ACK for `command` back to its sender. */
export function commandAck(
  command: number,
  result: number,
  target: { sysid: number; compid: number },
): common.CommandAck {
  const m = new common.CommandAck();
  m.command = command;
  m.result = result;
  m.progress = 0;
  m.resultParam2 = 0;
  m.targetSystem = target.sysid;
  m.targetComponent = target.compid;
  return m;
}

export const COMMAND_TEXT_SEVERITY = MavSeverity.WARNING;
