import type { Clock } from '../clock.ts';
import { EventStream, Latest } from '../latest.ts';
import { MavModeFlag } from '../mavlink/enums.ts';
import type { DecodedFrame } from '../mavlink/codec.ts';
import type { MavLinkData, minimal } from '../mavlink/messages.ts';
import { ActionPlugin } from '../plugins/action/action.ts';
import { CameraPlugin } from '../plugins/camera/camera.ts';
import { GeofencePlugin } from '../plugins/geofence/geofence.ts';
import { MissionPlugin } from '../plugins/mission/mission.ts';
import type { TransferTiming } from '../plugins/mission/mission-transfer.ts';
import { TelemetryPlugin } from '../plugins/telemetry/telemetry.ts';
import type { PeerId } from '../transport/transport.ts';
import {
  autopilotOf,
  flightModeOf,
  vehicleTypeOf,
  type Autopilot,
  type FlightMode,
  type VehicleType,
} from './autopilot.ts';
import { CommandSender, type CommandTiming } from './command-sender.ts';
import type { LinkLogger } from './logger.ts';
import type { MessageClass, MessageSource, VehicleCore } from './vehicle-core.ts';

/** What a vehicle needs from the link that carries it. */
export interface VehicleHost {
  readonly clock: Clock;
  readonly logger: LinkLogger;
  readonly gcsSystemId: number;
  readonly gcsComponentId: number;
  readonly missionTiming: TransferTiming;
  readonly commandTiming: CommandTiming;
  sendTo(sysId: number, msg: MavLinkData): void;
}

/** The decoded HEARTBEAT of the autopilot. */
export interface HeartbeatInfo {
  autopilot: Autopilot;
  vehicleType: VehicleType;
  flightMode: FlightMode;
  customMode: number;
  armed: boolean;
  /** MAV_STATE */
  systemStatus: number;
}

type Handler = { fn: (msg: MavLinkData, from: MessageSource) => void; anyComponent: boolean };

/**
 * One vehicle (MAVLink system) on a link, discovered by its heartbeat. It routes the messages of its
 * system to the plugins and carries them: `vehicle.mission`, `.action`, `.telemetry`, `.camera`, `.geofence`.
 */
export class Vehicle implements VehicleCore {
  readonly connected = new Latest<boolean>();
  readonly linkDown = new EventStream<void>();
  readonly firstHeardMs: number;
  readonly heartbeat = new Latest<HeartbeatInfo>();
  readonly components = new Set<number>();
  readonly commands: CommandSender;
  readonly mission: MissionPlugin;
  readonly action: ActionPlugin;
  readonly telemetry: TelemetryPlugin;
  readonly camera: CameraPlugin;
  readonly geofence: GeofencePlugin;
  autopilot: Autopilot;
  vehicleType: VehicleType;
  /** Where this vehicle was last heard from (UDP address), so replies go only to it. */
  peer: PeerId | undefined;
  lastHeartbeatMs = 0;
  /** Last frame of any kind from the autopilot component: on a lossy radio, proof of life between heartbeats. */
  lastHeardMs = 0;
  private readonly handlers = new Map<number, Set<Handler>>();

  constructor(
    private readonly host: VehicleHost,
    readonly sysId: number,
    readonly compId: number,
    hb: minimal.Heartbeat,
  ) {
    this.autopilot = autopilotOf(hb.autopilot);
    this.vehicleType = vehicleTypeOf(hb.type);
    this.firstHeardMs = host.clock.now();
    this.commands = new CommandSender(this, host.clock, host.commandTiming);
    this.mission = new MissionPlugin(this);
    this.action = new ActionPlugin(this);
    this.telemetry = new TelemetryPlugin(this);
    this.camera = new CameraPlugin(this);
    this.geofence = new GeofencePlugin(this);
    this.telemetry.attachHeartbeat(this.heartbeat);
    this.action.setHomeAltitudeSource(() => this.telemetry.home.value?.altAmslM);
  }

  get clock(): Clock {
    return this.host.clock;
  }
  get logger(): LinkLogger {
    return this.host.logger;
  }
  get gcsSystemId(): number {
    return this.host.gcsSystemId;
  }
  get gcsComponentId(): number {
    return this.host.gcsComponentId;
  }
  get missionTiming(): TransferTiming {
    return this.host.missionTiming;
  }

  send(msg: MavLinkData): void {
    this.host.sendTo(this.sysId, msg);
  }

  onMessage<T extends MavLinkData>(
    clazz: MessageClass<T>,
    handler: (msg: T, from: MessageSource) => void,
    opts: { anyComponent?: boolean } = {},
  ): () => void {
    let set = this.handlers.get(clazz.MSG_ID);
    if (!set) this.handlers.set(clazz.MSG_ID, (set = new Set()));
    const h: Handler = { fn: handler as Handler['fn'], anyComponent: opts.anyComponent ?? false };
    set.add(h);
    return () => set.delete(h);
  }

  /** Route one frame of this system to its subscribers. */
  dispatch(frame: DecodedFrame): void {
    const set = this.handlers.get(frame.msgId);
    if (!set) return;
    const from = { sysId: frame.sysId, compId: frame.compId };
    const fromAutopilot = frame.compId === this.compId;
    if (fromAutopilot) this.lastHeardMs = this.clock.now();
    for (const h of [...set]) {
      if (!fromAutopilot && !h.anyComponent) continue;
      try {
        h.fn(frame.data, from);
      } catch (e) {
        this.logger.warn(`vehicle ${this.sysId}: handler for msg ${frame.msgId} threw: ${(e as Error).message}`);
      }
    }
  }

  /** Heartbeat of the autopilot component. */
  onHeartbeat(hb: minimal.Heartbeat, now: number): void {
    this.lastHeartbeatMs = now;
    this.autopilot = autopilotOf(hb.autopilot);
    this.vehicleType = vehicleTypeOf(hb.type);
    this.heartbeat.set({
      autopilot: this.autopilot,
      vehicleType: this.vehicleType,
      flightMode: flightModeOf(this.autopilot, hb.customMode),
      customMode: hb.customMode,
      armed: (hb.baseMode & MavModeFlag.SAFETY_ARMED) !== 0,
      systemStatus: hb.systemStatus,
    });
    if (this.connected.value !== true) {
      this.connected.set(true);
      this.logger.info(`vehicle ${this.sysId} (${this.autopilot} ${this.vehicleType}) connected`);
    }
  }

  /**
   * Mark the vehicle lost when it fell silent. Any frame of its autopilot counts, not only heartbeats: at 30 % loss
   * three heartbeats in a row go missing every minute or so while the vehicle is answering a mission transfer
   * (seen on a real ArduCopter through the lossy proxy), and that is not a lost vehicle.
   */
  checkAlive(now: number, timeoutMs: number): void {
    const heard = Math.max(this.lastHeartbeatMs, this.lastHeardMs);
    if (this.connected.value === true && now - heard > timeoutMs) {
      this.connected.set(false);
      this.logger.warn(`vehicle ${this.sysId}: nothing heard for ${timeoutMs} ms, link lost`);
    }
  }

  /** Release plugin resources when the link closes. */
  dispose(): void {
    this.mission.dispose();
    this.telemetry.dispose();
    this.handlers.clear();
    if (this.connected.value) this.connected.set(false);
  }
}
