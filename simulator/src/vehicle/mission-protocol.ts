/**
 * The vehicle side of the MAVLink mission protocol, as ArduCopter 4.x does it: items requested with
 * MISSION_REQUEST (PX4: MISSION_REQUEST_INT), re-requested every second, cancelled with
 * OPERATION_CANCELLED after 8 s of silence, INVALID_SEQUENCE for an unexpected item with the
 * transfer kept open, downloads refused (DENIED) during an upload, NO_SPACE before boot completes.
 * A state machine with an injected clock and sender, plus switchable faults like QGC's mock link.
 */
import { common, type MavLinkData } from 'node-mavlink';
import { MavMissionResult, MavMissionType, MavSeverity, intFrame, plainFrame } from './mav.ts';
import { acceptItem, floatXY, type WireItem } from './mission-items.ts';
import type { MissionStore } from './mission-store.ts';
import type { Faults, MissionItemState, Personality } from './types.ts';

/** Who sent a message (replies go back to them). */
export interface Peer {
  sysid: number;
  compid: number;
}

export interface MissionProtocolDeps {
  personality: Personality;
  /** Link clock in milliseconds. */
  nowMs(): number;
  send(msg: MavLinkData): void;
  store: MissionStore;
  /** False while booting: uploads are refused with NO_SPACE. */
  ready(): boolean;
  /** Live fault switches (the protocol clears once-faults in place). */
  faults: Faults;
  onUploadComplete(type: number): void;
  /** STATUSTEXT to the GCS (ArduPilot explains refusals and completed uploads this way). */
  statustext(severity: number, text: string): void;
  /** Whether clearing this type is allowed now (not while the mission runs). */
  canClear(type: number): boolean;
}

interface Upload {
  type: number;
  peer: Peer;
  count: number;
  /** Next seq we want. */
  next: number;
  lastReceiveMs: number;
  lastRequestMs: number;
}

type MissionFault = 'noResponseToCount' | 'wrongSequence' | 'missingFinalAck';

export class MissionProtocol {
  private readonly uploads = new Map<number, Upload>();
  private readonly completed = new Map<number, { peer: Peer; count: number; atMs: number; result: number }>();
  readonly retryMs: number;
  readonly timeoutMs: number;

  constructor(private readonly d: MissionProtocolDeps) {
    this.retryMs = d.personality === 'px4' ? 250 : 1000;
    this.timeoutMs = d.personality === 'px4' ? 5000 : 8000;
  }

  /** Whether an upload of `type` is in progress. */
  uploading(type: number): boolean {
    return this.uploads.has(type);
  }

  // --- faults -------------------------------------------------------------------------------

  private fault(name: MissionFault): boolean {
    const on = this.d.faults[name];
    if (on && this.d.faults.missionFaultsOnce) this.d.faults[name] = false;
    return on;
  }

  private errorAckFault(): number | null {
    const r = this.d.faults.errorAck;
    if (r !== null && this.d.faults.missionFaultsOnce) this.d.faults.errorAck = null;
    return r;
  }

  private skipSeq(seq: number): boolean {
    if (this.d.faults.noResponseToRequestSeq !== seq) return false;
    if (this.d.faults.missionFaultsOnce) this.d.faults.noResponseToRequestSeq = null;
    return true;
  }

  // --- sending ------------------------------------------------------------------------------

  private ack(peer: Peer, type: number, result: number): void {
    const m = new common.MissionAck();
    m.targetSystem = peer.sysid;
    m.targetComponent = peer.compid;
    m.type = result;
    m.missionType = type;
    this.d.send(m);
  }

  private request(u: Upload): void {
    let seq = u.next;
    if (this.skipSeq(seq)) return;
    // Not on the first request: a request for another item before any was sent is what a transfer the vehicle has
    // not given up yet looks like, and a GCS rightly ignores it (ArduPilot re-requests for 8 s).
    if (seq > 0 && this.fault('wrongSequence')) seq = seq + 1 < u.count ? seq + 1 : seq + 2;
    const m = this.d.personality === 'px4' ? new common.MissionRequestInt() : new common.MissionRequest();
    m.targetSystem = u.peer.sysid;
    m.targetComponent = u.peer.compid;
    m.seq = seq;
    m.missionType = u.type;
    this.d.send(m);
  }

  // --- upload -------------------------------------------------------------------------------

  /** MISSION_COUNT from a GCS: starts (or restarts) an upload. */
  handleCount(peer: Peer, count: number, type: number): void {
    if (!this.d.store.isKnownType(type)) return this.ack(peer, type, MavMissionResult.UNSUPPORTED);
    if (this.fault('noResponseToCount')) return;
    if (!this.d.ready()) {
      // ArduCopter's mission storage is not set up yet: it holds "0 items" (seen on the real SITL).
      if (this.d.personality === 'ardupilot') this.d.statustext(MavSeverity.WARNING, 'Only 0 items are supported');
      return this.ack(peer, type, MavMissionResult.NO_SPACE);
    }
    const current = this.uploads.get(type);
    if (current && (current.peer.sysid !== peer.sysid || current.peer.compid !== peer.compid)) {
      return this.ack(peer, type, MavMissionResult.DENIED);
    }
    if (current) this.finishUpload(current, false);
    const begin = this.d.store.beginUpload(type, count);
    if (begin === MavMissionResult.NO_SPACE && this.d.personality === 'ardupilot')
      this.d.statustext(MavSeverity.WARNING, `Only ${this.d.store.capacity(type)} items are supported`);
    if (begin !== MavMissionResult.ACCEPTED) return this.ack(peer, type, begin);
    const now = this.d.nowMs();
    const u: Upload = { type, peer, count, next: 0, lastReceiveMs: now, lastRequestMs: now };
    if (count === 0) {
      // Nothing to request: an empty upload clears the list.
      this.d.store.clear(type);
      this.completeUpload(u);
      return;
    }
    this.uploads.set(type, u);
    this.request(u);
  }

  /** MISSION_ITEM or MISSION_ITEM_INT from a GCS. */
  handleItem(peer: Peer, wire: WireItem, isInt: boolean): void {
    const type = wire.missionType;
    const u = this.uploads.get(type);
    if (!u) {
      // A repeat of the last item after completion means the GCS missed our final ack.
      const done = this.completed.get(type);
      if (
        done &&
        done.peer.sysid === peer.sysid &&
        wire.seq === done.count - 1 &&
        this.d.nowMs() - done.atMs < this.timeoutMs
      ) {
        if (!this.d.faults.missingFinalAck) this.ack(peer, type, done.result);
        return;
      }
      return this.ack(peer, type, MavMissionResult.ERROR);
    }
    if (wire.seq !== u.next) return this.ack(peer, type, MavMissionResult.INVALID_SEQUENCE);
    if (peer.sysid !== u.peer.sysid) return this.ack(peer, type, MavMissionResult.DENIED);
    const accepted = acceptItem(wire, isInt, this.d.personality);
    const result = 'item' in accepted ? this.d.store.put(type, accepted.item) : accepted.result;
    if (result !== MavMissionResult.ACCEPTED) {
      this.ack(u.peer, type, result);
      this.finishUpload(u, false);
      return;
    }
    const now = this.d.nowMs();
    u.lastReceiveMs = now;
    u.next++;
    if (u.next < u.count) {
      u.lastRequestMs = now;
      this.request(u);
      return;
    }
    this.completeUpload(u);
  }

  private completeUpload(u: Upload): void {
    this.finishUpload(u, true);
    const result = this.errorAckFault() ?? MavMissionResult.ACCEPTED;
    this.completed.set(u.type, { peer: u.peer, count: u.count, atMs: this.d.nowMs(), result });
    if (!this.fault('missingFinalAck')) this.ack(u.peer, u.type, result);
    if (this.d.personality === 'ardupilot' && result === MavMissionResult.ACCEPTED) {
      if (u.type === MavMissionType.MISSION) this.d.statustext(MavSeverity.INFO, 'Flight plan received');
      if (u.type === MavMissionType.FENCE) this.d.statustext(MavSeverity.DEBUG, 'Fence Indexed OK');
    }
    this.d.onUploadComplete(u.type);
  }

  private finishUpload(u: Upload, complete: boolean): void {
    this.uploads.delete(u.type);
    this.d.store.endUpload(u.type, complete);
  }

  /** Timers: re-request the awaited item, give up after the protocol timeout. Call often. */
  update(): void {
    if (this.uploads.size === 0) return;
    const now = this.d.nowMs();
    for (const u of [...this.uploads.values()]) {
      if (now - u.lastReceiveMs > this.timeoutMs) {
        this.finishUpload(u, false);
        this.ack(u.peer, u.type, MavMissionResult.OPERATION_CANCELLED);
      } else if (now - u.lastRequestMs >= this.retryMs) {
        u.lastRequestMs = now;
        this.request(u);
      }
    }
  }

  // --- download -----------------------------------------------------------------------------

  /** MISSION_REQUEST_LIST. */
  handleRequestList(peer: Peer, type: number): void {
    if (!this.d.store.isKnownType(type)) return this.ack(peer, type, MavMissionResult.UNSUPPORTED);
    if (this.uploads.has(type)) return this.ack(peer, type, MavMissionResult.DENIED);
    const err = this.errorAckFault();
    if (err !== null) return this.ack(peer, type, err);
    const m = new common.MissionCount();
    m.targetSystem = peer.sysid;
    m.targetComponent = peer.compid;
    m.count = this.d.store.count(type);
    m.missionType = type;
    this.d.send(m);
  }

  /** MISSION_REQUEST (isInt false) or MISSION_REQUEST_INT. */
  handleRequest(peer: Peer, seq: number, type: number, isInt: boolean): void {
    if (!this.d.store.isKnownType(type)) return this.ack(peer, type, MavMissionResult.UNSUPPORTED);
    if (this.uploads.has(type)) return this.ack(peer, type, MavMissionResult.DENIED);
    if (this.skipSeq(seq)) return;
    let sendSeq = seq;
    if (this.fault('wrongSequence')) sendSeq = seq + 1;
    const item = this.d.store.get(type, sendSeq) ?? (sendSeq !== seq ? this.d.store.get(type, seq) : null);
    if (!item) return this.ack(peer, type, MavMissionResult.INVALID_SEQUENCE);
    if (this.d.faults.readbackDiffersSeq === item.seq) item.z += 5;
    this.d.send(this.itemMessage(peer, { ...item, seq: sendSeq }, type, isInt));
  }

  private itemMessage(peer: Peer, item: MissionItemState, type: number, isInt: boolean): MavLinkData {
    const frame = this.d.personality === 'px4' && isInt ? intFrame(item.frame) : plainFrame(item.frame);
    const m = isInt ? new common.MissionItemInt() : new common.MissionItem();
    m.targetSystem = peer.sysid;
    m.targetComponent = peer.compid;
    m.seq = item.seq;
    m.frame = frame;
    m.command = item.command;
    m.current = item.current;
    m.autocontinue = item.autocontinue;
    m.param1 = item.param1;
    m.param2 = item.param2;
    m.param3 = item.param3;
    m.param4 = item.param4;
    if (isInt) {
      m.x = item.x;
      m.y = item.y;
    } else {
      const f = floatXY(item);
      m.x = f.x;
      m.y = f.y;
    }
    m.z = item.z;
    m.missionType = type;
    return m;
  }

  /** MISSION_CLEAR_ALL (type 255 clears all three lists). */
  handleClearAll(peer: Peer, type: number): void {
    const types =
      type === MavMissionType.ALL ? [MavMissionType.MISSION, MavMissionType.FENCE, MavMissionType.RALLY] : [type];
    if (!types.every((t) => this.d.store.isKnownType(t))) {
      return this.ack(peer, type, MavMissionResult.UNSUPPORTED);
    }
    if (!types.every((t) => this.d.canClear(t))) return this.ack(peer, type, MavMissionResult.ERROR);
    for (const t of types) {
      const u = this.uploads.get(t);
      if (u) this.finishUpload(u, false);
      this.d.store.clear(t);
      this.d.onUploadComplete(t);
    }
    this.ack(peer, type, MavMissionResult.ACCEPTED);
  }
}
