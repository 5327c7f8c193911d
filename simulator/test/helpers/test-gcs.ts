/**
 * A tiny ground station for tests: node-mavlink over a real TCP socket, with helpers to wait for
 * messages, send commands and run the mission protocol from the GCS side. Test-only.
 */
import net from 'node:net';
import {
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  MavLinkProtocolV2,
  common,
  minimal,
  type MavLinkData,
  type MavLinkPacket,
} from 'node-mavlink';
import { REGISTRY } from '../../src/link/codec.ts';
import { Signing } from '../../src/link/signing.ts';

export interface Received {
  msg: MavLinkData;
  packet: MavLinkPacket;
}

type Waiter = { match: (r: Received) => boolean; resolve: (r: Received) => void };

export interface ItemSpec {
  command: number;
  frame?: number;
  params?: [number, number, number, number];
  lat?: number;
  lon?: number;
  z?: number;
}

/**
 * The messages received, numbered from the first one ever: the oldest are dropped to bound memory, but a mark
 * taken as `length` keeps meaning the same message (a slow run with thousands of telemetry frames must not
 * shift the marks tests take).
 */
export class MessageLog {
  private items: Received[] = [];
  private dropped = 0;

  /** How many messages have been received in all (a mark for `slice`). */
  get length(): number {
    return this.dropped + this.items.length;
  }

  push(r: Received): void {
    this.items.push(r);
    if (this.items.length > 20_000) {
      this.items.splice(0, 5_000);
      this.dropped += 5_000;
    }
  }

  /** The messages from mark `since` on (those still kept). */
  slice(since = 0): Received[] {
    return this.items.slice(Math.max(0, since - this.dropped));
  }

  /** A message by mark, or from the end with a negative index. */
  at(i: number): Received | undefined {
    return i < 0 ? this.items.at(i) : this.items[i - this.dropped];
  }
}

export class TestGcs {
  readonly received = new MessageLog();
  private readonly waiters = new Set<Waiter>();
  private seq = 0;
  private readonly proto = new MavLinkProtocolV2(255, 190);
  private readonly signedProto = new MavLinkProtocolV2(255, 190, MavLinkProtocolV2.IFLAG_SIGNED);
  private hb: NodeJS.Timeout | null = null;
  /** Signing key used for outgoing packets (null = unsigned). */
  signing: Signing | null = null;

  private constructor(readonly socket: net.Socket) {
    const parser = socket.pipe(new MavLinkPacketSplitter()).pipe(new MavLinkPacketParser());
    parser.on('data', (packet: MavLinkPacket) => {
      const clazz = REGISTRY[packet.header.msgid];
      if (!clazz) return;
      const r = { msg: packet.protocol.data(packet.payload, clazz), packet };
      this.received.push(r);
      for (const w of [...this.waiters]) {
        if (w.match(r)) {
          this.waiters.delete(w);
          w.resolve(r);
        }
      }
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, opts: { heartbeatMs?: number; signingKey?: Buffer } = {}): Promise<TestGcs> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        const g = new TestGcs(s);
        if (opts.signingKey) g.signing = new Signing(opts.signingKey);
        if (opts.heartbeatMs !== 0) g.startHeartbeat(opts.heartbeatMs ?? 200);
        resolve(g);
      });
      s.once('error', reject);
    });
  }

  startHeartbeat(ms: number): void {
    this.stopHeartbeat();
    const beat = (): void => {
      const h = new minimal.Heartbeat();
      h.type = 6;
      h.autopilot = 8;
      h.baseMode = 0 as minimal.MavModeFlag;
      h.customMode = 0;
      h.systemStatus = 4;
      h.mavlinkVersion = 3;
      this.send(h);
    };
    beat();
    this.hb = setInterval(beat, ms);
  }

  stopHeartbeat(): void {
    if (this.hb) clearInterval(this.hb);
    this.hb = null;
  }

  send(msg: MavLinkData): void {
    const seq = this.seq++ & 255;
    const frame = this.signing
      ? this.signing.sign(this.signedProto.serialize(msg, seq))
      : this.proto.serialize(msg, seq);
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the first message (already received after `since`, or arriving) that matches. */
  waitFor<T extends MavLinkData>(
    clazz: new () => T,
    pred: (m: T) => boolean = () => true,
    timeoutMs = 5000,
    since = this.received.length,
  ): Promise<T> {
    const match = (r: Received): boolean => r.msg instanceof clazz && pred(r.msg as T);
    for (const r of this.received.slice(since)) if (match(r)) return Promise.resolve(r.msg as T);
    return new Promise((resolve, reject) => {
      const w: Waiter = { match, resolve: (r) => (clearTimeout(t), resolve(r.msg as T)) };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`timeout waiting for ${clazz.name}`));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Messages of a class received so far. */
  all<T extends MavLinkData>(clazz: new () => T, since = 0): T[] {
    return this.received.slice(since).flatMap((r) => (r.msg instanceof clazz ? [r.msg as T] : []));
  }

  /** COMMAND_LONG → COMMAND_ACK result. */
  async command(command: number, params: number[] = [], targetSystem = 1, timeoutMs = 5000): Promise<number> {
    const m = new common.CommandLong();
    m.targetSystem = targetSystem;
    m.targetComponent = 1;
    m.command = command;
    m.confirmation = 0;
    const p = [...params, 0, 0, 0, 0, 0, 0, 0];
    m._param1 = p[0]!;
    m._param2 = p[1]!;
    m._param3 = p[2]!;
    m._param4 = p[3]!;
    m._param5 = p[4]!;
    m._param6 = p[5]!;
    m._param7 = p[6]!;
    const since = this.received.length;
    this.send(m);
    const ack = await this.waitFor(common.CommandAck, (a) => a.command === command, timeoutMs, since);
    return ack.result;
  }

  /** SET_MODE with an ArduCopter mode number → COMMAND_ACK result. */
  async setMode(customMode: number, targetSystem = 1): Promise<number> {
    const m = new common.SetMode();
    m.targetSystem = targetSystem;
    m.baseMode = 1 as common.MavMode;
    m.customMode = customMode;
    const since = this.received.length;
    this.send(m);
    const ack = await this.waitFor(common.CommandAck, (a) => Number(a.command) === 11, 5000, since);
    return ack.result;
  }

  /** Builds MISSION_ITEM_INT messages for `items` (seq in order). */
  static items(items: ItemSpec[], missionType = 0): common.MissionItemInt[] {
    return items.map((it, seq) => {
      const m = new common.MissionItemInt();
      m.targetSystem = 1;
      m.targetComponent = 1;
      m.seq = seq;
      m.frame = it.frame ?? 6;
      m.command = it.command;
      m.current = seq === 0 ? 1 : 0;
      m.autocontinue = 1;
      const p = it.params ?? [0, 0, 0, 0];
      m.param1 = p[0];
      m.param2 = p[1];
      m.param3 = p[2];
      m.param4 = p[3];
      m.x = Math.round((it.lat ?? 0) * 1e7);
      m.y = Math.round((it.lon ?? 0) * 1e7);
      m.z = it.z ?? 0;
      m.missionType = missionType;
      return m;
    });
  }

  /**
   * Uploads like a well-behaved GCS: MISSION_COUNT, then answers each MISSION_REQUEST(_INT) with
   * MISSION_ITEM_INT. Resolves with the final MISSION_ACK result and the seqs requested (each once).
   */
  async upload(
    items: common.MissionItemInt[],
    missionType = 0,
    opts: { timeoutMs?: number; targetSystem?: number } = {},
  ): Promise<{ result: number; requested: number[] }> {
    const requested: number[] = [];
    const count = new common.MissionCount();
    count.targetSystem = opts.targetSystem ?? 1;
    count.targetComponent = 1;
    count.count = items.length;
    count.missionType = missionType;
    count.opaqueId = 0;
    return new Promise((resolve, reject) => {
      const onReq = (r: Received): boolean => {
        const m = r.msg;
        if (
          (m instanceof common.MissionRequest || m instanceof common.MissionRequestInt) &&
          m.missionType === missionType
        ) {
          // A re-request that crossed our answer (slow machine) is answered again but recorded once.
          if (!requested.includes(m.seq)) requested.push(m.seq);
          const item = items[m.seq];
          if (item) this.send(item);
          return false;
        }
        // INVALID_SEQUENCE answers the second copy of an item sent twice; the transfer goes on (ArduPilot).
        return (
          m instanceof common.MissionAck &&
          m.missionType === missionType &&
          m.type !== common.MavMissionResult.INVALID_SEQUENCE
        );
      };
      const w: Waiter = {
        match: onReq,
        resolve: (r) => {
          clearTimeout(t);
          resolve({ result: (r.msg as common.MissionAck).type, requested });
        },
      };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`upload timed out; requested ${requested.join(',')}`));
      }, opts.timeoutMs ?? 5000);
      this.waiters.add(w);
      this.send(count);
    });
  }

  /** Downloads a list with MISSION_REQUEST (int=false) or MISSION_REQUEST_INT. */
  async download(missionType = 0, int = true): Promise<Array<common.MissionItemInt | common.MissionItem>> {
    const list = new common.MissionRequestList();
    list.targetSystem = 1;
    list.targetComponent = 1;
    list.missionType = missionType;
    let since = this.received.length;
    this.send(list);
    const count = await this.waitFor(common.MissionCount, (c) => c.missionType === missionType, 5000, since);
    const out: Array<common.MissionItemInt | common.MissionItem> = [];
    for (let seq = 0; seq < count.count; seq++) {
      const req = int ? new common.MissionRequestInt() : new common.MissionRequest();
      req.targetSystem = 1;
      req.targetComponent = 1;
      req.seq = seq;
      req.missionType = missionType;
      since = this.received.length;
      this.send(req);
      const clazz = int ? common.MissionItemInt : common.MissionItem;
      out.push(await this.waitFor(clazz as new () => common.MissionItemInt, (i) => i.seq === seq, 5000, since));
    }
    const ack = new common.MissionAck();
    ack.targetSystem = 1;
    ack.targetComponent = 1;
    ack.type = 0;
    ack.missionType = missionType;
    this.send(ack);
    return out;
  }

  close(): void {
    this.stopHeartbeat();
    this.socket.destroy();
  }
}

/** Resolves when `pred` holds, polling every few ms; rejects after `timeoutMs`. */
export async function until(pred: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
