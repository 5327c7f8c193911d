/**
 * The vehicle's brain, modelled on ArduCopter 4.x: flight modes and their setpoints, arming and
 * pre-arm checks, mission execution (DO items run when the preceding NAV item starts), RTL,
 * landing and auto-disarm, and the failsafes (battery, GCS link, fence, GPS).
 */
import type { Battery } from './battery.ts';
import { buildFence, breachesFence, fenceIsEmpty, type Fence } from './fence.ts';
import type { Environment, FlightModel, Setpoint } from './flight-model.ts';
import { bearingDeg, distanceM, movePoint } from './geo.ts';
import { MavCmd, MavFrame, MavMissionType, MavSeverity } from './mav.ts';
import { isNavCommand } from './mission-items.ts';
import type { MissionStore } from './mission-store.ts';
import type { Payload } from './payload.ts';
import type { FailsafeReason, GeoPoint, MissionItemState, ModeName, Personality } from './types.ts';

export interface AutopilotOptions {
  /** Waypoint acceptance radius (WPNAV_RADIUS). */
  wpRadiusM: number;
  /** Return altitude above home (RTL_ALT). */
  rtlAltM: number;
  /** Hover over home before the final descent (RTL_LOIT_TIME). */
  rtlLoiterS: number;
  /** Disarm after this long on the ground with motors idle (DISARM_DELAY; link clock). */
  disarmDelayS: number;
  lowBatteryPct: number;
  criticalBatteryPct: number;
  /** GCS heartbeat loss → RTL after this many link-clock seconds; 0 = off (ArduCopter's default). */
  gcsFailsafeS: number;
  /** Seconds of lost GPS in flight before the EKF failsafe lands the vehicle. */
  gpsFailsafeS: number;
}

export const DEFAULT_AUTOPILOT_OPTIONS: AutopilotOptions = {
  wpRadiusM: 2,
  rtlAltM: 15,
  rtlLoiterS: 5,
  disarmDelayS: 10,
  lowBatteryPct: 20,
  criticalBatteryPct: 10,
  gcsFailsafeS: 0,
  gpsFailsafeS: 1,
};

/** What the autopilot tells the rest of the vehicle. */
export interface AutopilotOutputs {
  statustext(severity: number, text: string): void;
  modeChanged(mode: ModeName): void;
  armedChanged(armed: boolean): void;
  reached(seq: number): void;
  currentChanged(seq: number): void;
  homeChanged(): void;
  landed(): void;
  crashed(reason: string): void;
  failsafe(reason: FailsafeReason): void;
}

export interface AutopilotDeps {
  personality: Personality;
  fm: FlightModel;
  battery: Battery;
  store: MissionStore;
  payload: Payload;
  opts: AutopilotOptions;
  out: AutopilotOutputs;
  /** Terrain elevation (m AMSL) at a point, falling back to the home ground where unknown. */
  groundAt(lon: number, lat: number): number;
  /** Whether the GPS has a 3D fix now. */
  gpsOk(): boolean;
  /** Link clock (ms) and when the last GCS heartbeat arrived (null: never). */
  linkNowMs(): number;
  lastGcsHeartbeatMs(): number | null;
}

/** Result of a request that may be refused, with ArduPilot's reason text. */
export type Outcome = { ok: true } | { ok: false; text: string };

const OK: Outcome = { ok: true };
const no = (text: string): Outcome => ({ ok: false, text });

type NavPhase = 'wait' | 'takeoff' | 'climb' | 'goto' | 'hold' | 'land' | 'rtl' | 'done';

interface NavState {
  index: number;
  command: number;
  phase: NavPhase;
  lat: number;
  lon: number;
  frame: number;
  z: number;
  holdS: number;
  holdUntilS: number;
}

interface RtlState {
  phase: 'climb' | 'return' | 'loiter' | 'land';
  climbLat: number;
  climbLon: number;
  altAmslM: number;
  loiterUntilS: number;
}

interface Point3 {
  lat: number;
  lon: number;
  altAmslM: number;
}

const POSITION_MODES: ReadonlySet<ModeName> = new Set([
  'AUTO',
  'GUIDED',
  'LOITER',
  'RTL',
  'POSHOLD',
  'BRAKE',
  'TAKEOFF',
]);

export class Autopilot {
  mode: ModeName = 'STABILIZE';
  armed = false;
  crashed = false;
  home: GeoPoint | null = null;
  failsafe: FailsafeReason | null = null;
  missionState: 'none' | 'not_started' | 'active' | 'paused' | 'complete' = 'none';
  currentSeq = 0;
  lastReachedSeq: number | null = null;
  /** ArduCopter's auto_armed: AUTO may spool up and take off (set by MISSION_START or takeoff). */
  autoArmed = false;
  paused = false;
  speedOverrideMps: number | null = null;
  fenceEnabled = true;
  timeS = 0;

  private hold: Point3 = { lat: 0, lon: 0, altAmslM: 0 };
  private guided: Point3 | null = null;
  private nav: NavState | null = null;
  private nextSearch = 0;
  private jumpCounters = new Map<number, number>();
  private rtl: RtlState | null = null;
  private landPoint: { lat: number; lon: number } | null = null;
  private groundSinceMs: number | null = null;
  private fence: Fence = { polygons: [], circles: [] };
  private fenceVersion = -1;
  private gpsLostSinceS: number | null = null;
  private latched = new Set<FailsafeReason>();

  constructor(private readonly d: AutopilotDeps) {
    this.captureHold();
  }

  get opts(): AutopilotOptions {
    return this.d.opts;
  }

  // ---------------------------------------------------------------- helpers

  private get fm(): FlightModel {
    return this.d.fm;
  }

  private text(severity: number, text: string): void {
    this.d.out.statustext(severity, text);
  }

  private cruiseMps(): number {
    return this.speedOverrideMps ?? this.fm.limits.cruiseSpeedMps;
  }

  /** Current stopping point: where the vehicle would come to rest if it braked now. */
  private stoppingPoint(): Point3 {
    const v = this.fm.groundSpeedMps;
    const d = (v * v) / (2 * this.fm.limits.maxAccelMps2);
    const p =
      v > 0.05 ? movePoint(this.fm.lon, this.fm.lat, (this.fm.vNorth / v) * d, (this.fm.vEast / v) * d) : this.fm;
    return { lat: p.lat, lon: p.lon, altAmslM: this.fm.altAmslM };
  }

  private captureHold(): void {
    this.hold = this.stoppingPoint();
  }

  get homeAltAmslM(): number {
    return this.home?.altAmslM ?? this.d.groundAt(this.fm.lon, this.fm.lat);
  }

  /** AMSL altitude of a mission altitude in its frame, evaluated at (lon, lat). */
  private altFor(frame: number, z: number, lon: number, lat: number): number {
    switch (frame) {
      case MavFrame.GLOBAL_RELATIVE_ALT:
      case MavFrame.GLOBAL_RELATIVE_ALT_INT:
        return this.homeAltAmslM + z;
      case MavFrame.GLOBAL_TERRAIN_ALT:
      case MavFrame.GLOBAL_TERRAIN_ALT_INT:
        return this.d.groundAt(lon, lat) + z;
      default:
        return z;
    }
  }

  get flying(): boolean {
    return this.armed && !this.fm.onGround;
  }

  motorsOn(): boolean {
    return this.armed && !this.crashed && this.d.battery.pct > 0;
  }

  setHome(p: GeoPoint): void {
    this.home = { ...p };
    this.d.out.homeChanged();
  }

  // ---------------------------------------------------------------- modes

  /** Mode change as requested by a GCS (checks apply) or a failsafe (`force`). */
  setMode(mode: ModeName, force = false): Outcome {
    if (mode === 'TAKEOFF' && this.d.personality !== 'px4') return no('Mode change failed: unknown mode');
    if (mode === this.mode) return OK;
    if (!force) {
      if (POSITION_MODES.has(mode) && !this.d.gpsOk()) return no(`Mode change to ${mode} failed: requires position`);
      if (mode === 'AUTO') {
        const first = this.d.store.homeAtZero(MavMissionType.MISSION) ? 1 : 0;
        if (this.d.store.missionLength() === 0) return no('Mode change to AUTO failed: no mission');
        if (
          this.d.personality === 'ardupilot' &&
          this.armed &&
          this.fm.onGround &&
          this.firstNavCommand(first) !== MavCmd.NAV_TAKEOFF
        ) {
          return no('Auto: Missing Takeoff Cmd');
        }
      }
      if ((mode === 'RTL' || mode === 'TAKEOFF') && !this.home) return no(`Mode change to ${mode} failed: no home`);
    }
    const old = this.mode;
    if (old === 'AUTO' && mode !== 'AUTO' && this.missionState === 'active') this.missionState = 'paused';
    this.mode = mode;
    this.paused = false;
    this.rtl = null;
    switch (mode) {
      case 'AUTO':
        this.startOrResumeMission();
        break;
      case 'GUIDED':
        this.guided = null;
        this.captureHold();
        break;
      case 'RTL':
        this.startRtl();
        break;
      case 'LAND':
        this.landPoint = this.stoppingPoint();
        break;
      case 'TAKEOFF':
        this.guided = { lat: this.fm.lat, lon: this.fm.lon, altAmslM: this.homeAltAmslM + 2.5 };
        break;
      default:
        this.captureHold();
    }
    if (old !== mode) this.d.out.modeChanged(mode);
    return OK;
  }

  private firstNavCommand(from: number): number | null {
    const items = this.d.store.raw(MavMissionType.MISSION);
    for (let i = from; i < items.length; i++) {
      const c = items[i]!.command;
      if (isNavCommand(c)) return c;
    }
    return null;
  }

  // ---------------------------------------------------------------- arming

  private armableMode(): boolean {
    if (this.mode === 'RTL' || this.mode === 'LAND') return false;
    if (this.mode === 'AUTO') return this.d.personality === 'px4';
    return true;
  }

  /** Pre-arm checks then arm; `force` (param2 = 21196) skips the checks but not the mode rule. */
  arm(force = false): Outcome {
    if (this.armed) return OK;
    if (this.crashed) return no('Arm: vehicle crashed');
    if (!this.armableMode()) return no('Arm: Mode not armable');
    if (!force) {
      if (!this.d.gpsOk()) return no('PreArm: Need 3D Fix');
      if (this.d.battery.pct <= this.d.opts.lowBatteryPct) {
        return no(`PreArm: Battery 1 low ${this.d.battery.voltageV.toFixed(2)}V`);
      }
      if (this.fenceActive() && breachesFence(this.fence, this.fm.lon, this.fm.lat)) {
        return no('PreArm: vehicle outside fence');
      }
      if (this.mode === 'AUTO' && this.d.store.missionLength() === 0) return no('PreArm: no mission');
    }
    this.armed = true;
    this.autoArmed = false;
    this.groundSinceMs = this.fm.onGround ? this.d.linkNowMs() : null;
    this.latched.clear();
    this.failsafe = null;
    // ArduCopter and PX4 both move home to where the vehicle arms.
    if (this.d.gpsOk()) {
      this.setHome({ lon: this.fm.lon, lat: this.fm.lat, altAmslM: this.fm.altAmslM });
    }
    this.d.out.armedChanged(true);
    if (this.mode === 'AUTO') {
      // PX4 starts the mission when armed in mission mode.
      this.autoArmed = true;
      this.startOrResumeMission();
    }
    return OK;
  }

  /** Disarm; refused in the air unless forced. */
  disarm(force = false, reason = 'Disarming motors'): Outcome {
    if (!this.armed) return OK;
    if (!force && !this.fm.onGround) return no('Disarm: vehicle flying');
    this.armed = false;
    this.autoArmed = false;
    this.failsafe = null;
    this.text(MavSeverity.INFO, reason);
    this.d.out.armedChanged(false);
    return OK;
  }

  // ---------------------------------------------------------------- guided / takeoff

  /** Takeoff command: ArduCopter needs GUIDED and armed; PX4 any armed mode (altitude AMSL there). */
  takeoff(param7: number): Outcome {
    if (!this.armed) return no('Takeoff: not armed');
    if (!this.fm.onGround) return no('Takeoff: already flying');
    if (this.d.personality === 'px4') {
      const alt = Number.isFinite(param7) && param7 > this.homeAltAmslM ? param7 : this.homeAltAmslM + 2.5;
      const r = this.setMode('TAKEOFF');
      if (!r.ok) return r;
      this.guided = { lat: this.fm.lat, lon: this.fm.lon, altAmslM: alt };
      this.autoArmed = true;
      return OK;
    }
    if (this.mode !== 'GUIDED') return no('Takeoff: requires GUIDED mode');
    const rel = Number.isFinite(param7) && param7 > 0 ? param7 : 1;
    this.guided = { lat: this.fm.lat, lon: this.fm.lon, altAmslM: this.homeAltAmslM + rel };
    this.autoArmed = true;
    return OK;
  }

  /** DO_REPOSITION: fly to a point in GUIDED (switching to it like ArduCopter does). */
  reposition(lat: number, lon: number, altAmslM: number, speedMps: number): Outcome {
    if (!this.armed || this.fm.onGround) return no('Reposition: not flying');
    if (this.mode !== 'GUIDED') {
      const r = this.setMode('GUIDED');
      if (!r.ok) return r;
    }
    const cur = this.guided ?? this.hold;
    this.guided = {
      lat: Number.isFinite(lat) ? lat : cur.lat,
      lon: Number.isFinite(lon) ? lon : cur.lon,
      altAmslM: Number.isFinite(altAmslM) ? altAmslM : cur.altAmslM,
    };
    if (Number.isFinite(speedMps) && speedMps > 0) this.speedOverrideMps = speedMps;
    return OK;
  }

  /** DO_PAUSE_CONTINUE in AUTO or GUIDED: param1 0 pauses (brakes to a hover), 1 continues. */
  pauseContinue(pause: boolean): Outcome {
    if (this.mode !== 'AUTO' && this.mode !== 'GUIDED') return no('Pause: not in AUTO or GUIDED');
    if (!this.flying) return no('Pause: not flying');
    if (pause && !this.paused) this.captureHold();
    this.paused = pause;
    return OK;
  }

  // ---------------------------------------------------------------- mission

  /** MAV_CMD_MISSION_START: AUTO, auto-armed, mission (re)started. */
  missionStart(): Outcome {
    if (this.mode !== 'AUTO') {
      const r = this.setMode('AUTO');
      if (!r.ok) return r;
    }
    this.autoArmed = true;
    if (this.missionState !== 'active') this.startOrResumeMission();
    return OK;
  }

  private firstIndex(): number {
    return this.d.store.homeAtZero(MavMissionType.MISSION) ? 1 : 0;
  }

  private startOrResumeMission(): void {
    if (this.missionState === 'paused' && this.nav) {
      this.missionState = 'active';
      this.beginNav(this.nav.index);
      return;
    }
    const from =
      this.missionState === 'not_started' && this.currentSeq >= this.firstIndex() ? this.currentSeq : this.firstIndex();
    this.jumpCounters.clear();
    this.missionState = 'active';
    this.advanceFrom(from);
  }

  /** MISSION_SET_CURRENT: jump now when running, else start there later. */
  setCurrent(seq: number): boolean {
    const count = this.d.store.count(MavMissionType.MISSION);
    const s = this.d.store.homeAtZero(MavMissionType.MISSION) && seq === 0 ? 1 : seq;
    if (s < 0 || s >= count) return false;
    if (this.mode === 'AUTO' && this.missionState === 'active') {
      this.advanceFrom(s);
    } else {
      this.missionState = 'not_started';
      this.nav = null;
      this.currentSeq = s;
      this.d.out.currentChanged(s);
    }
    return true;
  }

  /** Called when the stored mission changed (upload, clear). */
  missionChanged(): void {
    const n = this.d.store.missionLength();
    if (n === 0) {
      this.missionState = 'none';
      this.nav = null;
      this.currentSeq = 0;
    } else if (this.missionState === 'none' || this.missionState === 'complete') {
      this.missionState = 'not_started';
      this.currentSeq = this.firstIndex();
    }
  }

  private advanceFrom(start: number): void {
    const items = this.d.store.raw(MavMissionType.MISSION);
    let i = start;
    for (let guard = 0; guard < 10_000 && i < items.length; guard++) {
      const it = items[i]!;
      if (it.command === MavCmd.DO_JUMP) {
        const target = Math.round(it.param1);
        const left = this.jumpCounters.get(i) ?? Math.round(it.param2);
        if (left !== 0 && target >= 0 && target < items.length) {
          if (left > 0) this.jumpCounters.set(i, left - 1);
          i = target;
        } else {
          i++;
        }
        continue;
      }
      if (isNavCommand(it.command)) {
        // AP_Mission semantics: the DO items met on the way to this NAV item (those after the NAV item just
        // completed) ran above, as it starts; those after it run only once it completes. A survey lane is
        // `WP start, CAM_TRIGG_DIST on, WP end, CAM_TRIGG_DIST off`: the trigger is on along the lane only.
        this.beginNav(i);
        this.nextSearch = i + 1;
        return;
      }
      this.runDo(it);
      i++;
    }
    this.missionComplete();
  }

  private beginNav(index: number): void {
    const it = this.d.store.raw(MavMissionType.MISSION)[index];
    if (!it) return this.missionComplete();
    const hasPos = it.x !== 0 || it.y !== 0;
    const nav: NavState = {
      index,
      command: it.command,
      phase: 'goto',
      lat: hasPos ? it.x / 1e7 : this.fm.lat,
      lon: hasPos ? it.y / 1e7 : this.fm.lon,
      frame: it.frame,
      z: it.z,
      holdS: 0,
      holdUntilS: 0,
    };
    switch (it.command) {
      case MavCmd.NAV_TAKEOFF:
        nav.phase = 'takeoff';
        nav.lat = this.fm.lat;
        nav.lon = this.fm.lon;
        if (nav.frame === MavFrame.MISSION) nav.frame = MavFrame.GLOBAL_RELATIVE_ALT;
        break;
      case MavCmd.NAV_WAYPOINT:
      case MavCmd.NAV_SPLINE_WAYPOINT:
        nav.holdS = Number.isFinite(it.param1) ? Math.max(0, it.param1) : 0;
        break;
      case MavCmd.NAV_LOITER_UNLIM:
        nav.holdS = Infinity;
        break;
      case MavCmd.NAV_LOITER_TIME:
        nav.holdS = Number.isFinite(it.param1) ? Math.max(0, it.param1) : 0;
        break;
      case MavCmd.NAV_LOITER_TURNS:
        nav.holdS = (Number.isFinite(it.param1) ? Math.max(0, it.param1) : 1) * 20;
        break;
      case MavCmd.NAV_DELAY:
        nav.phase = 'hold';
        nav.lat = this.fm.lat;
        nav.lon = this.fm.lon;
        nav.frame = MavFrame.GLOBAL;
        nav.z = this.fm.altAmslM;
        nav.holdS = Number.isFinite(it.param1) ? Math.max(0, it.param1) : 0;
        nav.holdUntilS = this.timeS + nav.holdS;
        break;
      case MavCmd.NAV_LAND:
        nav.frame = MavFrame.GLOBAL;
        nav.z = this.fm.altAmslM;
        break;
      case MavCmd.NAV_RETURN_TO_LAUNCH:
        nav.phase = 'rtl';
        this.startRtl();
        break;
    }
    // A vehicle still on the ground climbs first when the mission starts with a waypoint (PX4).
    if (this.fm.onGround && nav.phase === 'goto' && it.command !== MavCmd.NAV_LAND) nav.phase = 'climb';
    this.nav = nav;
    this.currentSeq = index;
    this.d.out.currentChanged(index);
  }

  private completeNav(): void {
    const nav = this.nav;
    if (!nav) return;
    this.lastReachedSeq = nav.index;
    this.text(MavSeverity.INFO, `Reached command #${nav.index}`);
    this.d.out.reached(nav.index);
    this.advanceFrom(this.nextSearch);
  }

  private missionComplete(): void {
    this.missionState = 'complete';
    this.nav = null;
    this.captureHold();
    if (this.armed && this.fm.onGround) this.disarm(true, 'Mission complete, disarming');
  }

  private runDo(it: MissionItemState): void {
    const p = this.d.payload;
    switch (it.command) {
      case MavCmd.DO_CHANGE_SPEED:
        if (Number.isFinite(it.param2) && it.param2 > 0) this.speedOverrideMps = it.param2;
        break;
      case MavCmd.DO_SET_CAM_TRIGG_DIST:
        p.setTriggerDistance(it.param1, this.fm.lon, this.fm.lat);
        if (it.param3 === 1) this.onShutter?.();
        break;
      case MavCmd.DO_DIGICAM_CONTROL:
        if (it.x === 1) this.onShutter?.();
        break;
      case MavCmd.IMAGE_START_CAPTURE:
        p.startInterval(Number.isFinite(it.param2) ? it.param2 : 1, Math.round(it.param3) || 0, this.timeS);
        break;
      case MavCmd.IMAGE_STOP_CAPTURE:
        p.stopInterval();
        break;
      case MavCmd.DO_MOUNT_CONTROL:
        p.point(it.param1, it.param3);
        break;
      case MavCmd.DO_GIMBAL_MANAGER_PITCHYAW:
        p.point(it.param1, it.param2);
        break;
      case MavCmd.DO_SET_ROI:
      case MavCmd.DO_SET_ROI_LOCATION:
        this.setRoi(it.x / 1e7, it.y / 1e7, this.altFor(it.frame, it.z, it.y / 1e7, it.x / 1e7));
        break;
      case MavCmd.DO_SET_ROI_NONE:
        p.roi = null;
        break;
      case MavCmd.DO_FENCE_ENABLE:
        this.fenceEnabled = it.param1 !== 0;
        break;
      case MavCmd.DO_SET_HOME:
        if (it.param1 === 1) this.setHome({ lon: this.fm.lon, lat: this.fm.lat, altAmslM: this.fm.altAmslM });
        else this.setHome({ lon: it.y / 1e7, lat: it.x / 1e7, altAmslM: it.z });
        break;
      default:
        // Conditions, servos and relays have no effect in the simulation.
        break;
    }
  }

  /** Set (or clear, with a zero location) the region of interest. */
  setRoi(lat: number, lon: number, altAmslM: number): void {
    this.d.payload.roi = lat === 0 && lon === 0 ? null : { lat, lon, altAmslM };
  }

  /** Fired when a mission item or command asks for a photo (set by the vehicle). */
  onShutter: (() => void) | null = null;

  // ---------------------------------------------------------------- RTL

  private startRtl(): void {
    if (!this.home) {
      this.landPoint = this.stoppingPoint();
      this.rtl = null;
      return;
    }
    const stop = this.stoppingPoint();
    const alt = Math.max(this.home.altAmslM + this.d.opts.rtlAltM, this.fm.altAmslM);
    this.rtl = { phase: 'climb', climbLat: stop.lat, climbLon: stop.lon, altAmslM: alt, loiterUntilS: 0 };
    this.landPoint = { lat: this.home.lat, lon: this.home.lon };
  }

  private rtlSetpoint(): Setpoint {
    const r = this.rtl;
    if (!r || !this.home) return this.landSetpoint();
    switch (r.phase) {
      case 'climb':
        return this.sp(r.climbLat, r.climbLon, r.altAmslM);
      case 'return':
      case 'loiter':
        return this.sp(this.home.lat, this.home.lon, r.altAmslM);
      case 'land':
        return this.landSetpoint();
    }
  }

  private rtlProgress(): void {
    const r = this.rtl;
    if (!r || !this.home) return;
    if (r.phase === 'climb' && this.fm.altAmslM >= r.altAmslM - 1) r.phase = 'return';
    if (
      r.phase === 'return' &&
      distanceM(this.fm.lon, this.fm.lat, this.home.lon, this.home.lat) <= this.d.opts.wpRadiusM
    ) {
      r.phase = 'loiter';
      r.loiterUntilS = this.timeS + this.d.opts.rtlLoiterS;
    }
    if (r.phase === 'loiter' && this.timeS >= r.loiterUntilS) {
      r.phase = 'land';
      this.landPoint = { lat: this.home.lat, lon: this.home.lon };
    }
  }

  // ---------------------------------------------------------------- setpoints

  private sp(lat: number, lon: number, altAmslM: number, speedMps = this.cruiseMps()): Setpoint {
    const roi = this.d.payload.roi;
    let yawDeg: number | null = null;
    if (roi) {
      const d = distanceM(this.fm.lon, this.fm.lat, roi.lon, roi.lat);
      if (d > 1) yawDeg = bearingDeg(this.fm.lon, this.fm.lat, roi.lon, roi.lat);
    }
    return { lat, lon, altAmslM, speedMps, yawDeg, land: false, drift: false };
  }

  private landSetpoint(): Setpoint {
    const p = this.landPoint ?? { lat: this.fm.lat, lon: this.fm.lon };
    // Get over the landing point first, then descend.
    const far = distanceM(this.fm.lon, this.fm.lat, p.lon, p.lat) > this.d.opts.wpRadiusM * 2;
    const s = this.sp(p.lat, p.lon, this.fm.altAmslM);
    if (!far) s.land = true;
    return s;
  }

  private groundSetpoint(): Setpoint {
    return { ...this.sp(this.fm.lat, this.fm.lon, this.fm.altAmslM), land: true };
  }

  private holdSetpoint(): Setpoint {
    return this.sp(this.hold.lat, this.hold.lon, this.hold.altAmslM);
  }

  /** The setpoint for this tick (null = motors off). */
  setpoint(): Setpoint | null {
    if (!this.motorsOn()) return null;
    switch (this.mode) {
      case 'STABILIZE':
      case 'ALT_HOLD':
        return { ...this.holdSetpoint(), drift: true };
      case 'LOITER':
      case 'POSHOLD':
      case 'BRAKE':
        return this.holdSetpoint();
      case 'GUIDED':
      case 'TAKEOFF':
        if (this.paused || !this.guided) return this.fm.onGround ? this.groundSetpoint() : this.holdSetpoint();
        return this.sp(this.guided.lat, this.guided.lon, this.guided.altAmslM);
      case 'RTL':
        return this.rtlSetpoint();
      case 'LAND':
        return this.landSetpoint();
      case 'AUTO':
        return this.autoSetpoint();
    }
  }

  private autoSetpoint(): Setpoint {
    if (!this.autoArmed && this.fm.onGround) return this.groundSetpoint();
    const nav = this.nav;
    if (this.paused || !nav || this.missionState !== 'active') return this.holdSetpoint();
    switch (nav.phase) {
      case 'takeoff':
        return this.sp(nav.lat, nav.lon, this.altFor(nav.frame, nav.z, this.fm.lon, this.fm.lat));
      case 'climb':
        return this.sp(this.fm.lat, this.fm.lon, this.altFor(nav.frame, nav.z, nav.lon, nav.lat));
      case 'goto':
      case 'hold':
        return this.sp(nav.lat, nav.lon, this.navAlt(nav));
      case 'land':
        return this.landSetpoint();
      case 'rtl':
        return this.rtlSetpoint();
      default:
        return this.holdSetpoint();
    }
  }

  /** Target altitude of a leg: terrain frames follow the ground under the vehicle. */
  private navAlt(nav: NavState): number {
    const terrain = nav.frame === MavFrame.GLOBAL_TERRAIN_ALT || nav.frame === MavFrame.GLOBAL_TERRAIN_ALT_INT;
    return terrain
      ? this.altFor(nav.frame, nav.z, this.fm.lon, this.fm.lat)
      : this.altFor(nav.frame, nav.z, nav.lon, nav.lat);
  }

  // ---------------------------------------------------------------- progress

  private autoProgress(): void {
    const nav = this.nav;
    if (!nav || this.missionState !== 'active' || this.paused || !this.autoArmed) return;
    if (nav.index >= this.d.store.count(MavMissionType.MISSION)) return this.missionComplete();
    const fm = this.fm;
    switch (nav.phase) {
      case 'takeoff':
        if (!fm.onGround && fm.altAmslM >= this.altFor(nav.frame, nav.z, fm.lon, fm.lat) - 0.5) this.completeNav();
        else if (fm.onGround && this.altFor(nav.frame, nav.z, fm.lon, fm.lat) <= fm.altAmslM + 0.2) this.completeNav();
        break;
      case 'climb':
        if (fm.altAmslM >= this.altFor(nav.frame, nav.z, nav.lon, nav.lat) - 1) nav.phase = 'goto';
        break;
      case 'goto': {
        const horiz = distanceM(fm.lon, fm.lat, nav.lon, nav.lat);
        if (nav.command === MavCmd.NAV_LAND) {
          if (horiz <= this.d.opts.wpRadiusM) {
            nav.phase = 'land';
            this.landPoint = { lat: nav.lat, lon: nav.lon };
          }
          break;
        }
        const vert = fm.altAmslM - this.navAlt(nav);
        if (Math.hypot(horiz, vert) <= this.d.opts.wpRadiusM) {
          nav.phase = 'hold';
          nav.holdUntilS = this.timeS + nav.holdS;
          if (this.timeS >= nav.holdUntilS) this.completeNav();
        }
        break;
      }
      case 'hold':
        if (this.timeS >= nav.holdUntilS) this.completeNav();
        break;
      case 'rtl':
        this.rtlProgress();
        break;
      default:
        break;
    }
  }

  private onTouchdown(): void {
    this.d.out.landed();
    if (!this.armed) return;
    const landingMode =
      this.mode === 'LAND' ||
      this.mode === 'RTL' ||
      (this.mode === 'AUTO' && (this.nav?.phase === 'land' || this.nav?.phase === 'rtl'));
    if (!landingMode) return;
    if (this.mode === 'AUTO' && this.nav) {
      this.disarm(true, 'Land complete, disarming');
      this.completeNav();
      return;
    }
    this.disarm(true, 'Land complete, disarming');
  }

  private crash(reason: string): void {
    this.crashed = true;
    this.armed = false;
    this.autoArmed = false;
    this.text(MavSeverity.EMERGENCY, 'Crash: Disarming');
    this.d.out.armedChanged(false);
    this.d.out.crashed(reason);
  }

  // ---------------------------------------------------------------- failsafes

  private fenceActive(): boolean {
    if (this.fenceVersion !== this.d.store.version) {
      this.fenceVersion = this.d.store.version;
      this.fence = buildFence(this.d.store.raw(MavMissionType.FENCE));
    }
    return this.fenceEnabled && !fenceIsEmpty(this.fence);
  }

  private trigger(reason: FailsafeReason, mode: ModeName, text: string): void {
    if (this.latched.has(reason)) return;
    this.latched.add(reason);
    this.failsafe = reason;
    const escalate = mode === 'LAND' ? this.mode !== 'LAND' : this.mode !== 'RTL' && this.mode !== 'LAND';
    if (escalate) this.setMode(mode, true);
    this.text(MavSeverity.CRITICAL, text);
    this.d.out.failsafe(reason);
  }

  private failsafes(): void {
    if (!this.flying) return;
    const o = this.d.opts;
    const b = this.d.battery;
    if (b.pct <= o.criticalBatteryPct) {
      this.trigger(
        'battery_critical',
        'LAND',
        `Battery 1 is critical ${b.voltageV.toFixed(2)}V used ${Math.round(b.consumedMah)} mAh`,
      );
    } else if (b.pct <= o.lowBatteryPct) {
      this.trigger(
        'battery_low',
        'RTL',
        `Battery 1 is low ${b.voltageV.toFixed(2)}V used ${Math.round(b.consumedMah)} mAh`,
      );
    }
    if (o.gcsFailsafeS > 0) {
      const last = this.d.lastGcsHeartbeatMs();
      if (last !== null && this.d.linkNowMs() - last > o.gcsFailsafeS * 1000) {
        this.trigger('gcs', 'RTL', 'GCS Failsafe');
      } else if (last !== null) {
        this.latched.delete('gcs');
      }
    }
    if (this.fenceActive()) {
      if (breachesFence(this.fence, this.fm.lon, this.fm.lat)) this.trigger('fence', 'RTL', 'Fence Breached');
      else this.latched.delete('fence');
    }
    if (!this.d.gpsOk()) {
      this.gpsLostSinceS ??= this.timeS;
      if (this.timeS - this.gpsLostSinceS >= o.gpsFailsafeS) this.trigger('gps', 'LAND', 'EKF Failsafe: GPS lost');
    } else {
      this.gpsLostSinceS = null;
    }
  }

  // ---------------------------------------------------------------- tick

  /** One physics tick of `dt` seconds at simulated time `timeS`. */
  step(dt: number, timeS: number, env: Environment): void {
    this.timeS = timeS;
    const fm = this.fm;
    const wasOnGround = fm.onGround;
    const contact = fm.step(dt, this.setpoint(), env);
    if (contact === 'crash') this.crash(fm.crashReason);
    else if (contact === 'landed' && !wasOnGround) this.onTouchdown();
    this.d.battery.drain(dt, this.motorsOn(), fm.airspeedMps(env), fm.vUp);
    if (this.mode === 'AUTO') this.autoProgress();
    else if (this.mode === 'RTL') this.rtlProgress();
    else if (this.mode === 'TAKEOFF' && this.guided && !fm.onGround && fm.altAmslM >= this.guided.altAmslM - 0.5) {
      // PX4 holds position once the takeoff altitude is reached.
      this.setMode('GUIDED', true);
      this.hold = { lat: fm.lat, lon: fm.lon, altAmslM: fm.altAmslM };
    }
    this.failsafes();
    this.autoDisarm();
  }

  /**
   * Disarm after DISARM_DELAY on the ground. It waits for the GCS (a takeoff or MISSION_START), so it
   * runs on the link clock like the protocol timers.
   */
  private autoDisarm(): void {
    if (!this.armed || !this.fm.onGround) {
      this.groundSinceMs = null;
      return;
    }
    const now = this.d.linkNowMs();
    this.groundSinceMs ??= now;
    if (now - this.groundSinceMs >= this.d.opts.disarmDelayS * 1000) this.disarm(true, 'Disarming: landed');
  }
}
