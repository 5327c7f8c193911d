/**
 * One simulated vehicle: flight model, battery, autopilot, mission protocol, telemetry and its
 * MAVLink endpoints, with fault injection on the way in and out.
 */
import { EventEmitter } from 'node:events';
import { common, type MavLinkData } from 'node-mavlink';
import { MavEncoder, decodeFrame } from '../link/codec.ts';
import {
  BadFrameCounter,
  TcpEndpoint,
  UdpOutEndpoint,
  type Channel,
  type EndpointHandlers,
} from '../link/endpoints.ts';
import { FaultInjector } from '../link/fault-injector.ts';
import { Signing } from '../link/signing.ts';
import { Autopilot, DEFAULT_AUTOPILOT_OPTIONS, type AutopilotOptions } from './autopilot.ts';
import { Battery, DEFAULT_BATTERY, type BatteryOptions } from './battery.ts';
import { COMMAND_TEXT_SEVERITY, commandAck, executeCommand, type CommandIn } from './commands.ts';
import { DEFAULT_LIMITS, FlightModel, type Environment, type FlightLimits } from './flight-model.ts';
import { DockCharger, type DockOptions } from './dock-charger.ts';
import { distanceM, movePoint } from './geo.ts';
import { MavMissionType, MavModeFlag, MavResult, MavSeverity, MavType, MSG_ID } from './mav.ts';
import type { WireItem } from './mission-items.ts';
import { MissionProtocol, type Peer } from './mission-protocol.ts';
import { MissionStore } from './mission-store.ts';
import { customModeOf, modeFromCustom } from './modes.ts';
import { Payload } from './payload.ts';
import { createPrng, type Prng } from './prng.ts';
import { StreamScheduler, buildMessage, cameraFeedback, imageCaptured, statusText } from './telemetry.ts';
import type {
  CameraCapture,
  CameraHook,
  Dem,
  Faults,
  LinkCounters,
  Personality,
  SimVehicle,
  VehicleState,
} from './types.ts';

export const DEFAULT_FAULTS: Faults = {
  packetLossPct: 0,
  duplicatePct: 0,
  reorderPct: 0,
  latencyMs: 0,
  linkCutForS: 0,
  gpsGlitch: false,
  gpsGlitchOffsetM: 30,
  batteryDrop: 0,
  noResponseToCount: false,
  noResponseToRequestSeq: null,
  wrongSequence: false,
  errorAck: null,
  missingFinalAck: false,
  readbackDiffersSeq: null,
  missionFaultsOnce: false,
};

export interface WindOptions {
  speedMps: number;
  /** Direction the wind blows from, degrees clockwise from north. */
  fromDeg: number;
  gustMps: number;
}

export interface VehicleOptions {
  sysId: number;
  personality?: Personality;
  home: { lon: number; lat: number; altAmslM?: number };
  headingDeg?: number;
  /** Gimbal pitch at boot (default −90, nadir). */
  gimbalPitchDeg?: number;
  dem?: Dem;
  wind?: Partial<WindOptions>;
  battery?: Partial<BatteryOptions>;
  limits?: Partial<FlightLimits>;
  autopilot?: Partial<AutopilotOptions>;
  /** Seconds after boot during which missions are refused (NO_SPACE) and the GPS has no fix. */
  bootDelayS?: number;
  seed?: number;
  signingKey?: Buffer;
  faults?: Partial<Faults>;
  camera?: CameraHook;
  /** Simulated wall time at boot (default now): GPS time, SYSTEM_TIME and photo stamps run from it. */
  startTime?: Date;
  /**
   * Simulated seconds per second of the vehicle's clock (default 1). startSimulation sets the speedup, so the
   * clock keeps real time while the flight runs faster: the mission service logs a flight's take-off and landing
   * in real time and ties photos to it by their time stamps.
   */
  clockRate?: number;
  /** The scenario's time at boot (default startTime): decides which planted incidents the camera sees. */
  sceneStartTime?: Date;
  /** The dock this vehicle lives in: it charges the battery once the vehicle is landed and disarmed at home. */
  dock?: DockOptions;
  /** Link clock in ms (protocol timeouts, GCS-loss failsafe, link cuts). */
  linkNowMs?: () => number;
}

export class Vehicle implements SimVehicle {
  readonly sysId: number;
  readonly compId = 1;
  readonly personality: Personality;
  readonly events = new EventEmitter();
  port = 0;
  connection = '';
  timeS = 0;
  booted = false;
  readonly fm: FlightModel;
  readonly battery: Battery;
  readonly store: MissionStore;
  readonly payload = new Payload();
  readonly ap: Autopilot;
  readonly protocol: MissionProtocol;
  readonly streams = new StreamScheduler();
  readonly faults: Faults;
  readonly env: Environment;

  private readonly bootDelayS: number;
  private readonly dem: Dem | undefined;
  private readonly homeGroundM: number;
  private readonly startMs: number;
  private readonly sceneStartMs: number;
  private readonly clockRate: number;
  private readonly dock: DockCharger | null;
  private readonly linkNowMs: () => number;
  private readonly encoder: MavEncoder;
  private readonly signing: Signing | null;
  private readonly channels = new Set<Channel>();
  private readonly outFaults: FaultInjector;
  private readonly inFaults: FaultInjector;
  private readonly bad = new BadFrameCounter();
  private readonly glitchPrng: Prng;
  private readonly camera: CameraHook | undefined;
  private tcp: TcpEndpoint | null = null;
  private udp: UdpOutEndpoint | null = null;
  private lastGcsHeartbeatMs: number | null = null;
  private cutUntilMs = -Infinity;
  private glitchOffset = { northM: 0, eastM: 0 };
  private counters = { packetsIn: 0, packetsOut: 0, malformed: 0, rejectedSignature: 0 };
  private groundCache = { lon: NaN, lat: NaN, elevation: 0 };

  constructor(o: VehicleOptions) {
    this.sysId = o.sysId;
    this.personality = o.personality ?? 'ardupilot';
    this.dem = o.dem;
    this.bootDelayS = o.bootDelayS ?? 5;
    this.startMs = (o.startTime ?? new Date()).getTime();
    this.sceneStartMs = o.sceneStartTime?.getTime() ?? this.startMs;
    this.clockRate = o.clockRate ?? 1;
    if (!(this.clockRate > 0)) throw new RangeError(`时钟倍率无效 / clockRate must be > 0, got ${this.clockRate}`);
    this.linkNowMs = o.linkNowMs ?? (() => performance.now());
    this.camera = o.camera;
    this.faults = { ...DEFAULT_FAULTS, ...o.faults };
    const seed = (o.seed ?? 1) * 7919 + o.sysId;
    const demGround = o.dem?.elevationAt(o.home.lon, o.home.lat);
    this.homeGroundM = typeof demGround === 'number' && Number.isFinite(demGround) ? demGround : (o.home.altAmslM ?? 0);
    const limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.fm = new FlightModel(o.home.lon, o.home.lat, this.homeGroundM, o.headingDeg ?? 0, limits, createPrng(seed));
    this.battery = new Battery({ ...DEFAULT_BATTERY, ...o.battery });
    this.dock = o.dock ? new DockCharger(o.dock) : null;
    const w = { speedMps: 0, fromDeg: 0, ...o.wind };
    const toRad = ((w.fromDeg + 180) * Math.PI) / 180;
    this.env = {
      windNorthMps: w.speedMps * Math.cos(toRad),
      windEastMps: w.speedMps * Math.sin(toRad),
      gustMps: w.gustMps ?? w.speedMps * 0.15,
      groundAmslM: this.homeGroundM,
    };
    this.store = new MissionStore(this.personality, () => this.ap.home);
    this.ap = new Autopilot({
      personality: this.personality,
      fm: this.fm,
      battery: this.battery,
      store: this.store,
      payload: this.payload,
      opts: { ...DEFAULT_AUTOPILOT_OPTIONS, ...o.autopilot },
      out: {
        statustext: (sev, text) => this.statustext(sev, text),
        modeChanged: (mode) => {
          this.sendNow(MSG_ID.HEARTBEAT);
          this.events.emit('mode', mode);
        },
        armedChanged: (armed) => {
          this.sendNow(MSG_ID.HEARTBEAT);
          this.events.emit('armed', armed);
        },
        reached: (seq) => {
          const m = new common.MissionItemReached();
          m.seq = seq;
          this.send(m);
          this.events.emit('reached', seq);
        },
        currentChanged: () => this.sendNow(MSG_ID.MISSION_CURRENT),
        homeChanged: () => this.sendNow(MSG_ID.HOME_POSITION),
        landed: () => this.events.emit('landed'),
        crashed: (reason) => this.events.emit('crash', reason),
        failsafe: (reason) => this.events.emit('failsafe', reason),
      },
      groundAt: (lon, lat) => this.groundAt(lon, lat),
      gpsOk: () => this.gpsOk(),
      linkNowMs: () => this.linkNowMs(),
      lastGcsHeartbeatMs: () => this.lastGcsHeartbeatMs,
    });
    this.ap.onShutter = () => this.capture();
    if (o.gimbalPitchDeg !== undefined) this.payload.point(o.gimbalPitchDeg, 0);
    this.protocol = new MissionProtocol({
      personality: this.personality,
      nowMs: () => this.linkNowMs(),
      send: (m) => this.send(m),
      store: this.store,
      ready: () => this.booted,
      faults: this.faults,
      statustext: (severity, text) => this.statustext(severity, text),
      onUploadComplete: (type) => {
        if (type === MavMissionType.MISSION) this.ap.missionChanged();
        this.events.emit('missionUploaded', type);
      },
      canClear: (type) =>
        !(
          type === MavMissionType.MISSION &&
          this.ap.mode === 'AUTO' &&
          this.ap.missionState === 'active' &&
          this.ap.flying
        ),
    });
    this.signing = o.signingKey ? new Signing(o.signingKey) : null;
    this.encoder = new MavEncoder(this.sysId, this.compId, this.signing);
    const isCut = (): boolean => this.linkNowMs() < this.cutUntilMs;
    this.outFaults = new FaultInjector(this.faults, createPrng(seed ^ 0x5bd1e995), isCut);
    this.inFaults = new FaultInjector(this.faults, createPrng(seed ^ 0x27d4eb2d), isCut);
    this.glitchPrng = createPrng(seed ^ 0x165667b1);
    if (o.faults) this.setFaults(o.faults);
    if (this.bootDelayS <= 0) this.boot();
  }

  // ---------------------------------------------------------------- public surface

  state(): VehicleState {
    const fm = this.fm;
    const home = this.ap.home;
    return {
      sysId: this.sysId,
      personality: this.personality,
      timeS: this.timeS,
      time: this.simTime(),
      lon: fm.lon,
      lat: fm.lat,
      altAmslM: fm.altAmslM,
      altRelM: home ? fm.altAmslM - home.altAmslM : NaN,
      altAglM: fm.altAmslM - this.groundAt(fm.lon, fm.lat),
      velocity: { northMps: fm.vNorth, eastMps: fm.vEast, downMps: -fm.vUp },
      groundSpeedMps: fm.groundSpeedMps,
      headingDeg: fm.headingDeg,
      rollDeg: fm.rollDeg,
      pitchDeg: fm.pitchDeg,
      mode: this.ap.mode,
      customMode: this.customMode(),
      armed: this.ap.armed,
      landed: fm.onGround,
      crashed: this.ap.crashed,
      batteryPct: this.battery.pct,
      batteryVoltageV: this.battery.voltageV,
      gpsFix: this.gpsOk(),
      mission: this.store.all(0),
      fence: this.store.all(1),
      rally: this.store.all(2),
      missionState: this.ap.missionState,
      currentSeq: this.ap.currentSeq,
      lastReachedSeq: this.ap.lastReachedSeq,
      home: home ? { ...home } : null,
      gimbalPitchDeg: this.aim().pitchDeg,
      gimbalYawDeg: this.aim().yawDeg,
      imageCount: this.payload.imageCount,
      failsafe: this.ap.failsafe,
      link: this.linkCounters(),
    };
  }

  setFaults(f: Partial<Faults>): void {
    const wasGlitch = this.faults.gpsGlitch;
    for (const [k, v] of Object.entries(f)) {
      if (v !== undefined && k in this.faults) (this.faults as unknown as Record<string, unknown>)[k] = v;
    }
    if (f.linkCutForS !== undefined) {
      this.cutUntilMs = f.linkCutForS > 0 ? this.linkNowMs() + f.linkCutForS * 1000 : -Infinity;
    }
    if (f.batteryDrop !== undefined && f.batteryDrop > 0) this.battery.drop(f.batteryDrop);
    if (this.faults.gpsGlitch && !wasGlitch) {
      const a = this.glitchPrng.next() * 2 * Math.PI;
      this.glitchOffset = {
        northM: Math.cos(a) * this.faults.gpsGlitchOffsetM,
        eastM: Math.sin(a) * this.faults.gpsGlitchOffsetM,
      };
      this.statustext(MavSeverity.WARNING, 'GPS Glitch');
    }
  }

  // ---------------------------------------------------------------- endpoints

  /** Opens the TCP server (port 0 = any) and optionally the UDP-out socket. */
  async open(host: string, port: number, udpOutPort?: number): Promise<void> {
    const handlers: EndpointHandlers = {
      onFrame: (frame, ch) => this.receive(frame, ch),
      onOpen: (ch) => this.channels.add(ch),
      onClose: (ch) => this.channels.delete(ch),
    };
    this.tcp = new TcpEndpoint(handlers, this.bad);
    this.port = await this.tcp.listen(host, port);
    // IPv6 literals in brackets, as MAVSDK-style connection strings spell them.
    this.connection = `tcp://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    if (udpOutPort !== undefined) {
      this.udp = new UdpOutEndpoint(host, udpOutPort, handlers, this.bad);
      await this.udp.open();
      this.channels.add(this.udp.channel);
    }
  }

  async close(): Promise<void> {
    this.outFaults.close();
    this.inFaults.close();
    this.channels.clear();
    await Promise.all([this.tcp?.close(), this.udp?.close()]);
  }

  // ---------------------------------------------------------------- time

  /** The vehicle's clock (GPS time, SYSTEM_TIME, photo stamps). */
  simTime(): Date {
    return new Date(this.startMs + (this.timeS * 1000) / this.clockRate);
  }

  /** The scenario's time now, in simulated seconds (incidents planted for a scenario date keep their schedule). */
  sceneTime(): Date {
    return new Date(this.sceneStartMs + this.timeS * 1000);
  }

  timeBootMs(): number {
    return Math.floor(this.timeS * 1000) >>> 0;
  }

  private boot(): void {
    this.booted = true;
    this.ap.setHome({ lon: this.fm.lon, lat: this.fm.lat, altAmslM: this.fm.altAmslM });
    this.statustext(MavSeverity.INFO, 'EKF3 IMU0 is using GPS');
  }

  /** One physics tick. */
  step(dt: number): void {
    this.timeS += dt;
    if (!this.booted && this.timeS >= this.bootDelayS) this.boot();
    const fm = this.fm;
    this.env.groundAmslM = this.groundAt(fm.lon, fm.lat);
    this.ap.step(dt, this.timeS, this.env);
    if (this.dock) {
      const home = this.ap.home;
      this.dock.step(
        dt,
        {
          landed: fm.onGround,
          armed: this.ap.armed,
          distanceFromHomeM: home ? distanceM(fm.lon, fm.lat, home.lon, home.lat) : NaN,
        },
        this.battery,
      );
    }
    if (this.payload.due(this.timeS, fm.lon, fm.lat) && !fm.onGround) this.capture();
    this.protocol.update();
    this.streams.tick(this.timeS, (id) => this.sendNow(id));
  }

  // ---------------------------------------------------------------- sensors

  /** Terrain elevation at a point (the home ground where the DEM has no answer). */
  groundAt(lon: number, lat: number): number {
    if (!this.dem) return this.homeGroundM;
    const c = this.groundCache;
    if (Math.abs(c.lon - lon) < 2e-6 && Math.abs(c.lat - lat) < 2e-6) return c.elevation;
    const e = this.dem.elevationAt(lon, lat);
    c.lon = lon;
    c.lat = lat;
    c.elevation = typeof e === 'number' && Number.isFinite(e) ? e : this.homeGroundM;
    return c.elevation;
  }

  gpsOk(): boolean {
    return this.booted && !this.faults.gpsGlitch;
  }

  /** Position as the GPS/EKF reports it (jumps during a GPS glitch). */
  reportedPosition(): { lon: number; lat: number; altAmslM: number } {
    const fm = this.fm;
    if (!this.faults.gpsGlitch) return fm;
    const p = movePoint(fm.lon, fm.lat, this.glitchOffset.northM, this.glitchOffset.eastM);
    return { lon: p.lon, lat: p.lat, altAmslM: fm.altAmslM };
  }

  customMode(): number {
    return customModeOf(this.personality, this.ap.mode);
  }

  private aim(): { pitchDeg: number; yawDeg: number } {
    return this.payload.aim(this.fm.lon, this.fm.lat, this.fm.altAmslM, this.fm.headingDeg);
  }

  malformedIn(): number {
    return this.counters.malformed + this.bad.count;
  }

  private linkCounters(): LinkCounters {
    return {
      clients: this.tcp?.clientCount ?? 0,
      packetsIn: this.counters.packetsIn,
      packetsOut: this.counters.packetsOut,
      malformedIn: this.malformedIn(),
      rejectedSignature: this.counters.rejectedSignature,
    };
  }

  // ---------------------------------------------------------------- camera

  /** Takes a photo now: CAMERA_FEEDBACK (ArduPilot) or CAMERA_IMAGE_CAPTURED (PX4) out, 'capture' event, camera hook called. */
  capture(): void {
    const fm = this.fm;
    const aim = this.aim();
    const home = this.ap.home;
    const c: CameraCapture = {
      sysId: this.sysId,
      index: this.payload.imageCount++,
      time: this.simTime(),
      sceneTime: this.sceneTime(),
      lon: fm.lon,
      lat: fm.lat,
      altAmslM: fm.altAmslM,
      altRelM: home ? fm.altAmslM - home.altAmslM : 0,
      headingDeg: fm.headingDeg,
      gimbalPitchDeg: aim.pitchDeg,
      gimbalYawDeg: aim.yawDeg,
      speedMps: fm.groundSpeedMps,
    };
    // ArduPilot reports its own camera's triggers as CAMERA_FEEDBACK only; PX4 as a MAVLink camera would.
    this.send(this.personality === 'ardupilot' ? cameraFeedback(this, c, 0) : imageCaptured(this, c));
    this.events.emit('capture', c);
    if (this.camera) {
      this.camera(c).catch((err: unknown) => this.events.emit('cameraError', err));
    }
  }

  // ---------------------------------------------------------------- sending

  /** Sends a message on every open channel, through the outgoing faults. */
  send(msg: MavLinkData): void {
    if (this.channels.size === 0) return;
    for (const ch of this.channels) {
      const frame = this.encoder.encode(msg, ch.seq);
      ch.seq = (ch.seq + 1) & 255;
      this.counters.packetsOut++;
      this.outFaults.pass(frame, ch.write);
    }
  }

  /** Builds and sends message `msgId` now (if the vehicle has something to say). */
  sendNow(msgId: number): void {
    if (this.channels.size === 0) return;
    const m = buildMessage(this, msgId);
    if (m) this.send(m);
  }

  statustext(severity: number, text: string): void {
    this.send(statusText(severity, text));
    this.events.emit('statustext', text, severity);
  }

  // ---------------------------------------------------------------- receiving

  private receive(frame: Buffer, channel: Channel): void {
    this.inFaults.pass(frame, (f) => this.handleFrame(f, channel));
  }

  private handleFrame(frame: Buffer, _channel: Channel): void {
    this.counters.packetsIn++;
    if (this.signing && !this.signing.verify(frame)) {
      this.counters.rejectedSignature++;
      return;
    }
    const decoded = decodeFrame(frame);
    if (decoded === 'malformed') {
      this.counters.malformed++;
      return;
    }
    if (!decoded) return;
    try {
      this.dispatch(decoded.header.msgid, decoded.data, { sysid: decoded.header.sysid, compid: decoded.header.compid });
    } catch (err) {
      // A message that breaks a handler is bad input, not a reason to stop the vehicle.
      this.counters.malformed++;
      this.events.emit('internalError', err);
    }
  }

  private forMe(targetSystem: number): boolean {
    return targetSystem === 0 || targetSystem === this.sysId;
  }

  private dispatch(msgid: number, data: MavLinkData, peer: Peer): void {
    if (peer.sysid === this.sysId && peer.compid === this.compId) return;
    if (msgid === MSG_ID.HEARTBEAT) {
      const hb = data as { type: number };
      if (hb.type === MavType.GCS) this.lastGcsHeartbeatMs = this.linkNowMs();
      return;
    }
    if (data instanceof common.CommandLong) {
      if (!this.forMe(data.targetSystem)) return;
      this.onCommand(
        {
          command: data.command,
          params: [data._param1, data._param2, data._param3, data._param4, data._param5, data._param6, data._param7],
          frame: null,
        },
        peer,
      );
      return;
    }
    if (data instanceof common.CommandInt) {
      if (!this.forMe(data.targetSystem)) return;
      this.onCommand(
        {
          command: data.command,
          params: [data._param1, data._param2, data._param3, data._param4, data._param5, data._param6, data._param7],
          frame: data.frame,
        },
        peer,
      );
      return;
    }
    if (data instanceof common.SetMode) {
      if (!this.forMe(data.targetSystem)) return;
      const mode = modeFromCustom(this.personality, data.customMode >>> 0);
      let result: number = MavResult.FAILED;
      if ((data.baseMode & MavModeFlag.CUSTOM_MODE_ENABLED) === 0) result = MavResult.DENIED;
      else if (mode) {
        const r = this.ap.setMode(mode);
        if (r.ok) result = MavResult.ACCEPTED;
        else this.statustext(COMMAND_TEXT_SEVERITY, r.text);
      }
      this.send(commandAck(MSG_ID.SET_MODE, result, peer));
      return;
    }
    if (data instanceof common.RequestDataStream) {
      if (!this.forMe(data.targetSystem)) return;
      this.streams.requestDataStream(data.reqStreamId, data.reqMessageRate, data.startStop !== 0, this.timeS);
      return;
    }
    if (data instanceof common.MissionCount) {
      if (this.forMe(data.targetSystem)) this.protocol.handleCount(peer, data.count, data.missionType);
      return;
    }
    if (data instanceof common.MissionItemInt || data instanceof common.MissionItem) {
      if (!this.forMe(data.targetSystem)) return;
      const wire: WireItem = {
        seq: data.seq,
        frame: data.frame,
        command: data.command,
        current: data.current,
        autocontinue: data.autocontinue,
        param1: data.param1,
        param2: data.param2,
        param3: data.param3,
        param4: data.param4,
        x: data.x,
        y: data.y,
        z: data.z,
        missionType: data.missionType,
      };
      this.protocol.handleItem(peer, wire, data instanceof common.MissionItemInt);
      return;
    }
    if (data instanceof common.MissionRequestList) {
      if (this.forMe(data.targetSystem)) this.protocol.handleRequestList(peer, data.missionType);
      return;
    }
    if (data instanceof common.MissionRequestInt) {
      if (this.forMe(data.targetSystem)) this.protocol.handleRequest(peer, data.seq, data.missionType, true);
      return;
    }
    if (data instanceof common.MissionRequest) {
      if (this.forMe(data.targetSystem)) this.protocol.handleRequest(peer, data.seq, data.missionType, false);
      return;
    }
    if (data instanceof common.MissionClearAll) {
      if (this.forMe(data.targetSystem)) this.protocol.handleClearAll(peer, data.missionType);
      return;
    }
    if (data instanceof common.MissionSetCurrent) {
      if (!this.forMe(data.targetSystem)) return;
      if (!this.ap.setCurrent(data.seq)) this.statustext(MavSeverity.WARNING, `Mission: bad seq ${data.seq}`);
      this.sendNow(MSG_ID.MISSION_CURRENT);
      return;
    }
    if (data instanceof common.TimeSync) {
      if (data.tc1 === 0n) {
        const m = new common.TimeSync();
        m.tc1 = BigInt(Math.round(this.timeS * 1e9));
        m.ts1 = data.ts1;
        m.targetSystem = peer.sysid;
        m.targetComponent = peer.compid;
        this.send(m);
      }
    }
  }

  private onCommand(c: CommandIn, peer: Peer): void {
    const r = executeCommand(this, c);
    if (r.text)
      this.statustext(r.result === MavResult.UNSUPPORTED ? MavSeverity.WARNING : COMMAND_TEXT_SEVERITY, r.text);
    this.send(commandAck(c.command, r.result, peer));
  }
}
