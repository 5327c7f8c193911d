import { OperationScope, type CallOptions } from '../abort.ts';
import { realClock, type Clock, type TimerHandle } from '../clock.ts';
import { parseConnectionUrl, type ConnectionSpec } from '../connection-url.ts';
import { LinkError } from '../errors.ts';
import { EventStream, Latest } from '../latest.ts';
import { FrameDecoder, FrameEncoder, type DecodedFrame, type DecoderCounts } from '../mavlink/codec.ts';
import { MavAutopilot, MavComponent, MavState, MavType } from '../mavlink/enums.ts';
import { minimal, type MavLinkData } from '../mavlink/messages.ts';
import { SignatureVerifier, type SigningKey } from '../mavlink/signing.ts';
import { QGC_TIMING, type TransferTiming } from '../plugins/mission/mission-transfer.ts';
import type { BackoffOptions } from '../transport/backoff.ts';
import { createTransport } from '../transport/open-transport.ts';
import type { PeerId, Transport } from '../transport/transport.ts';
import { DEFAULT_COMMAND_TIMING, type CommandTiming } from './command-sender.ts';
import { silentLogger, type LinkLogger } from './logger.ts';
import { Vehicle, type VehicleHost } from './vehicle.ts';

export interface SigningOptions {
  /** Key for every vehicle without its own. */
  key?: SigningKey;
  /** Per-drone keys by system id. */
  keys?: Record<number, SigningKey> | Map<number, SigningKey>;
  /** Our link id in signatures (0–255). */
  linkId?: number;
}

export interface LinkOptions {
  /** Our system/component id (QGroundControl uses 255/190). */
  gcsSystemId?: number;
  gcsComponentId?: number;
  heartbeatIntervalMs?: number;
  /** A vehicle is lost after this long without heartbeat. */
  vehicleTimeoutMs?: number;
  /** Mission protocol timing; QGC's 1.5 s / 5 retries by default, raise it for slow radios. */
  missionTiming?: TransferTiming;
  commandTiming?: CommandTiming;
  /** Redial backoff for TCP and serial. */
  reconnect?: BackoffOptions;
  signing?: SigningOptions;
  clock?: Clock;
  logger?: LinkLogger;
}

/** Counters of one link; everything the receive path drops is counted here. */
export interface LinkStats extends DecoderCounts {
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Frames from systems that never sent an autopilot heartbeat. */
  unknownSystem: number;
  unsigned: number;
  badSignature: number;
  replayed: number;
  transportWarnings: number;
}

/**
 * One MAVLink connection (MAVSDK's `Mavsdk` + `add_any_connection`): sends our GCS heartbeat at 1 Hz,
 * discovers vehicles by their heartbeats, routes each frame to its vehicle, signs and checks signatures,
 * and survives malformed input (counted in `stats`, never thrown).
 */
export class MavlinkLink implements VehicleHost {
  readonly vehicles = new Map<number, Vehicle>();
  /** Each newly discovered vehicle. */
  readonly vehicleAdded = new EventStream<Vehicle>();
  /** Transport up/down (TCP reconnects, serial replugs). */
  readonly transportUp = new Latest<boolean>();
  readonly clock: Clock;
  readonly logger: LinkLogger;
  readonly gcsSystemId: number;
  readonly gcsComponentId: number;
  readonly missionTiming: TransferTiming;
  readonly commandTiming: CommandTiming;
  private readonly encoder: FrameEncoder;
  private readonly decoders = new Map<PeerId, FrameDecoder>();
  private readonly verifier = new SignatureVerifier();
  private readonly counters = {
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    unknownSystem: 0,
    unsigned: 0,
    badSignature: 0,
    replayed: 0,
    transportWarnings: 0,
  };
  private readonly retired: DecoderCounts = { frames: 0, badCrc: 0, unknownMessage: 0, decodeErrors: 0, truncated: 0 };
  private readonly defaultKey: SigningKey | undefined;
  private readonly keys: Map<number, SigningKey>;
  private heartbeatTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(
    readonly spec: ConnectionSpec,
    private readonly transport: Transport,
    private readonly opts: LinkOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger;
    this.gcsSystemId = opts.gcsSystemId ?? 255;
    this.gcsComponentId = opts.gcsComponentId ?? MavComponent.MISSIONPLANNER;
    this.missionTiming = opts.missionTiming ?? QGC_TIMING;
    this.commandTiming = opts.commandTiming ?? DEFAULT_COMMAND_TIMING;
    this.encoder = new FrameEncoder(this.gcsSystemId, this.gcsComponentId, opts.signing?.linkId ?? 0);
    this.defaultKey = opts.signing?.key;
    this.keys = new Map(
      opts.signing?.keys instanceof Map
        ? opts.signing.keys
        : Object.entries(opts.signing?.keys ?? {}).map(([k, v]) => [Number(k), v]),
    );
  }

  /**
   * Open a link from a MAVSDK-style connection string. Rejects with LinkError('invalid_argument') for a
   * malformed string and 'connection_error' when the transport cannot be opened.
   */
  static async connect(url: string, opts: LinkOptions = {}): Promise<MavlinkLink> {
    const spec = parseConnectionUrl(url);
    const link = new MavlinkLink(spec, createTransport(spec, opts.reconnect), opts);
    await link.start();
    return link;
  }

  /** Local address of a udpin link (to learn the port when opened on port 0). */
  localAddress(): { address: string; port: number } | undefined {
    return this.transport.localAddress?.();
  }

  get stats(): LinkStats {
    const sum = { ...this.retired };
    for (const d of this.decoders.values()) {
      const c = d.counts();
      sum.frames += c.frames;
      sum.badCrc += c.badCrc;
      sum.unknownMessage += c.unknownMessage;
      sum.decodeErrors += c.decodeErrors;
      sum.truncated += c.truncated;
    }
    return { ...sum, ...this.counters };
  }

  private async start(): Promise<void> {
    await this.transport.open({
      data: (chunk, peer, datagram) => this.onData(chunk, peer, datagram),
      state: (up) => {
        this.transportUp.set(up);
        if (up) {
          this.logger.info(`${this.transport.description} up`);
          // A reconnected stream starts clean: leftovers of the old one would corrupt the first frames.
          this.retireDecoder('tcp');
          this.retireDecoder('serial');
          this.sendHeartbeat();
        } else {
          this.logger.warn(`${this.transport.description} down, reconnecting`);
          for (const v of this.vehicles.values()) v.linkDown.emit();
        }
      },
      warn: (m) => {
        this.counters.transportWarnings++;
        this.logger.warn(m);
      },
    });
    this.scheduleHeartbeat();
  }

  private retireDecoder(peer: PeerId): void {
    const d = this.decoders.get(peer);
    if (!d) return;
    const c = d.counts();
    for (const k of Object.keys(c) as (keyof DecoderCounts)[]) this.retired[k] += c[k];
    d.destroy();
    this.decoders.delete(peer);
  }

  private scheduleHeartbeat(): void {
    if (this.closed) return;
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.sendHeartbeat();
      const now = this.clock.now();
      for (const v of this.vehicles.values()) v.checkAlive(now, this.opts.vehicleTimeoutMs ?? 3500);
      this.scheduleHeartbeat();
    }, this.opts.heartbeatIntervalMs ?? 1000);
  }

  private sendHeartbeat(): void {
    const hb = new minimal.Heartbeat();
    hb.type = MavType.GCS;
    hb.autopilot = MavAutopilot.INVALID;
    hb.baseMode = 0 as minimal.Heartbeat['baseMode'];
    hb.customMode = 0;
    hb.systemStatus = MavState.ACTIVE;
    hb.mavlinkVersion = 3;
    if (this.keys.size === 0) {
      this.write(this.encoder.encode(hb, this.defaultKey));
      return;
    }
    // Per-drone keys: each keyed vehicle gets a heartbeat signed for it; everyone else the default one.
    for (const [sysId, key] of this.keys) {
      const v = this.vehicles.get(sysId);
      if (v?.peer) this.write(this.encoder.encode(hb, key), v.peer);
    }
    this.write(this.encoder.encode(hb, this.defaultKey));
  }

  private write(buf: Buffer, peer?: PeerId): void {
    this.counters.framesOut++;
    this.counters.bytesOut += buf.length;
    this.transport.send(buf, peer);
  }

  /** Send a message to one vehicle (to its address only, signed with its key if it has one). */
  sendTo(sysId: number, msg: MavLinkData): void {
    if (this.closed) return;
    const key = this.keys.get(sysId) ?? this.defaultKey;
    this.write(this.encoder.encode(msg, key), this.vehicles.get(sysId)?.peer);
  }

  private keyFor(sysId: number): SigningKey | undefined {
    return this.keys.get(sysId) ?? this.defaultKey;
  }

  private onData(chunk: Buffer, peer: PeerId, datagram: boolean): void {
    this.counters.bytesIn += chunk.length;
    let d = this.decoders.get(peer);
    if (!d) {
      d = new FrameDecoder((f) => this.onFrame(f, peer));
      this.decoders.set(peer, d);
    }
    d.push(chunk);
    if (datagram) d.dropPartial();
  }

  private onFrame(frame: DecodedFrame, peer: PeerId): void {
    if (frame.sysId === this.gcsSystemId && frame.compId === this.gcsComponentId) return;
    const key = this.keyFor(frame.sysId);
    if (key) {
      const verdict = this.verifier.check(frame.buffer, frame.sysId, frame.compId, key);
      if (verdict !== 'ok') {
        if (verdict === 'unsigned') this.counters.unsigned++;
        else if (verdict === 'bad_signature') this.counters.badSignature++;
        else this.counters.replayed++;
        this.logger.debug(`dropped ${verdict} frame msg ${frame.msgId} from ${frame.sysId}/${frame.compId}`);
        return;
      }
    }
    if (frame.msgId === minimal.Heartbeat.MSG_ID) this.onHeartbeat(frame, peer);
    const v = this.vehicles.get(frame.sysId);
    if (!v) {
      this.counters.unknownSystem++;
      this.logger.debug(`dropped msg ${frame.msgId} from unknown system ${frame.sysId}/${frame.compId}`);
      return;
    }
    v.peer = peer;
    v.dispatch(frame);
  }

  private onHeartbeat(frame: DecodedFrame, peer: PeerId): void {
    const hb = frame.data as minimal.Heartbeat;
    if (hb.type === MavType.GCS) return;
    let v = this.vehicles.get(frame.sysId);
    if (hb.autopilot === MavAutopilot.INVALID) {
      // Camera, gimbal, companion: a component of a vehicle we may already know.
      v?.components.add(frame.compId);
      return;
    }
    if (v && frame.compId !== v.compId) {
      v.components.add(frame.compId);
      return;
    }
    const isNew = !v;
    if (!v) {
      v = new Vehicle(this, frame.sysId, frame.compId, hb);
      this.vehicles.set(frame.sysId, v);
    }
    v.peer = peer;
    v.onHeartbeat(hb, this.clock.now());
    if (isNew) this.vehicleAdded.emit(v);
  }

  /** Resolve with a vehicle (a given system id, or the first one) once its heartbeat was heard. */
  waitForVehicle(opts: CallOptions & { sysId?: number } = {}): Promise<Vehicle> {
    const match = (v: Vehicle): boolean => opts.sysId === undefined || v.sysId === opts.sysId;
    const found = [...this.vehicles.values()].find(match);
    if (found) return Promise.resolve(found);
    const scope = new OperationScope('waiting for vehicle', { deadlineMs: 10_000, ...opts }, this.clock);
    return new Promise<Vehicle>((resolve, reject) => {
      const off = this.vehicleAdded.subscribe((v) => {
        if (!match(v)) return;
        off();
        scope.dispose();
        resolve(v);
      });
      scope.signal.addEventListener(
        'abort',
        () => {
          off();
          scope.dispose();
          const r = scope.reason!;
          reject(
            r.result === 'timeout'
              ? new LinkError(
                  'no_vehicle',
                  `未发现飞机 / no vehicle${opts.sysId === undefined ? '' : ` with system id ${opts.sysId}`} heard on ${this.transport.description}`,
                )
              : r,
          );
        },
        { once: true },
      );
    });
  }

  /** Stop heartbeats, cancel transfers, close the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
    for (const v of this.vehicles.values()) v.dispose();
    for (const peer of [...this.decoders.keys()]) this.retireDecoder(peer);
    await this.transport.close();
  }
}
