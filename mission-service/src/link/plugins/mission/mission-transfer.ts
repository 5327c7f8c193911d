/**
 * The MAVLink mission protocol (https://mavlink.io/en/services/mission.html) as three small state machines:
 * upload, download and clear. They know nothing about sockets or MAVLink classes: messages go out through an
 * injected `send`, time comes from an injected `Clock`, and incoming messages are fed in with `handle()`.
 * That keeps them testable in fake time against the QGroundControl mission-manager failure matrix.
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import { LinkError, missionAckError, missionResultName } from '../../errors.ts';
import { MavMissionResult } from '../../mavlink/enums.ts';
import type { MissionItem, MissionType } from './mission-items.ts';

const MAV_MISSION_ACCEPTED = MavMissionResult.ACCEPTED;
const MAV_MISSION_ERROR = MavMissionResult.ERROR;
const MAV_MISSION_INVALID_SEQUENCE = MavMissionResult.INVALID_SEQUENCE;
const MAV_MISSION_OPERATION_CANCELLED = MavMissionResult.OPERATION_CANCELLED;

/** Messages a transfer asks the link to send. */
export type MissionOut =
  | { type: 'count'; count: number; missionType: MissionType }
  | { type: 'item'; seq: number; item: MissionItem; missionType: MissionType }
  | { type: 'requestList'; missionType: MissionType }
  | { type: 'request'; seq: number; missionType: MissionType }
  | { type: 'ack'; result: number; missionType: MissionType }
  | { type: 'clearAll'; missionType: MissionType };

/** Messages from the vehicle a transfer reacts to. `int` tells MISSION_REQUEST_INT from the old MISSION_REQUEST. */
export type MissionIn =
  | { type: 'request'; seq: number; missionType: number; int: boolean }
  | { type: 'item'; seq: number; item: MissionItem; missionType: number }
  | { type: 'count'; count: number; missionType: number; opaqueId: number }
  | { type: 'ack'; result: number; missionType: number; opaqueId: number };

/** Timing of a transfer: QGroundControl uses 1.5 s and 5 retries; slow radios want more. */
export interface TransferTiming {
  /** Wait for the vehicle's next message before resending, in ms. */
  timeoutMs: number;
  /** Consecutive resends without progress before giving up. */
  retries: number;
  /**
   * How long after a vehicle was first heard a NO_SPACE answer to MISSION_COUNT is taken for "still starting"
   * and retried each second (default 60 s).
   */
  bootGraceMs?: number;
}

/** How far ahead of the last request an upload may send on INVALID_SEQUENCE hints. */
const SPECULATION_WINDOW = 3;

export const QGC_TIMING: TransferTiming = { timeoutMs: 1500, retries: 5 };

export interface TransferEnv {
  clock: Clock;
  send: (m: MissionOut) => void;
  timing: TransferTiming;
  log?: (msg: string) => void;
}

/** Counters a transfer reports, for diagnostics and the benchmark. */
export interface TransferStats {
  resends: number;
  duplicates: number;
  ignored: number;
}

abstract class Transfer<T> {
  readonly done: Promise<T>;
  readonly stats: TransferStats = { resends: 0, duplicates: 0, ignored: 0 };
  private settle!: { resolve: (v: T) => void; reject: (e: LinkError) => void };
  private timer: TimerHandle | undefined;
  private retriesLeft: number;
  private finished = false;

  protected constructor(
    protected readonly env: TransferEnv,
    protected readonly missionType: MissionType,
  ) {
    this.retriesLeft = env.timing.retries;
    this.done = new Promise<T>((resolve, reject) => (this.settle = { resolve, reject }));
    // A transfer nobody awaits yet must not raise an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  abstract start(): void;

  /** Feed a message from the vehicle. Returns false when it was not for this transfer. */
  handle(msg: MissionIn): boolean {
    if (this.finished) return false;
    if (msg.missionType !== this.missionType) {
      this.stats.ignored++;
      return false;
    }
    return this.onMessage(msg);
  }

  /** Abort from our side: tell the vehicle (so it leaves its transfer state) and reject with `reason`. */
  cancel(reason: LinkError): void {
    if (this.finished) return;
    this.env.send({ type: 'ack', result: MAV_MISSION_OPERATION_CANCELLED, missionType: this.missionType });
    this.fail(reason);
  }

  protected abstract onMessage(msg: MissionIn): boolean;
  protected abstract onTimeout(giveUp: boolean): void;

  /** (Re)start the response timer; `progress` resets the retry budget. */
  protected arm(progress: boolean): void {
    if (progress) this.retriesLeft = this.env.timing.retries;
    if (this.timer !== undefined) this.env.clock.clearTimeout(this.timer);
    this.timer = this.env.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.finished) return;
      const giveUp = this.retriesLeft <= 0;
      if (!giveUp) {
        this.retriesLeft--;
        this.stats.resends++;
      }
      this.onTimeout(giveUp);
    }, this.env.timing.timeoutMs);
  }

  protected succeed(v: T): void {
    if (this.finished) return;
    this.finished = true;
    this.stopTimer();
    this.settle.resolve(v);
  }

  protected fail(e: LinkError): void {
    if (this.finished) return;
    this.finished = true;
    this.stopTimer();
    this.env.log?.(`mission transfer failed: ${e.message}`);
    this.settle.reject(e);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.env.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export interface UploadOutcome {
  /** False when the vehicle's final MISSION_ACK never came: the caller must verify by downloading. */
  acked: boolean;
  /** opaque_id from the final ack (0 when the vehicle does not support it or no ack came). */
  opaqueId: number;
  stats: TransferStats;
}

/**
 * GCS → vehicle: MISSION_COUNT, then answer each MISSION_REQUEST(_INT) with MISSION_ITEM_INT, then wait for
 * MISSION_ACK. Re-requests are answered again; a request that skips ahead or lies beyond the count is a
 * protocol error; an ACCEPTED ack before every item was requested is an error.
 */
export class MissionUpload extends Transfer<UploadOutcome> {
  private state: 'idle' | 'count' | 'items' | 'finalAck' = 'idle';
  /** Items the vehicle asked for so far: after a failure, more than 0 means ArduPilot may keep a partial list. */
  itemsRequested = 0;
  private highestRequested = -1;
  private lastSentSeq = -1;
  /** We repeated an item on our own: an error ack after the last item may answer that stray copy. */
  private resentAny = false;
  /** Highest item ever sent ahead of its request (bounds what the vehicle may request next). */
  private speculated = -1;
  /** Last item of the current run of sends ahead; restarts at each request that makes progress. */
  private specCursor = -1;
  private lastSpeculationMs = Number.NEGATIVE_INFINITY;

  constructor(
    env: TransferEnv,
    private readonly items: readonly MissionItem[],
    missionType: MissionType,
    private readonly onProgress?: (sent: number, total: number) => void,
  ) {
    super(env, missionType);
  }

  start(): void {
    this.state = 'count';
    this.sendCount();
    this.arm(true);
  }

  private sendCount(): void {
    this.env.send({ type: 'count', count: this.items.length, missionType: this.missionType });
  }

  private sendItem(seq: number): void {
    this.lastSentSeq = seq;
    this.env.send({ type: 'item', seq, item: this.items[seq]!, missionType: this.missionType });
  }

  protected onMessage(msg: MissionIn): boolean {
    if (msg.type === 'request') return this.onRequest(msg.seq);
    if (msg.type === 'ack') return this.onAck(msg.result, msg.opaqueId);
    this.stats.ignored++;
    return false;
  }

  private onRequest(seq: number): boolean {
    if (this.state === 'idle') return false;
    const count = this.items.length;
    const limit = Math.max(this.highestRequested, this.speculated) + 1;
    if (this.state === 'count' && seq !== 0) {
      // Before the vehicle took our MISSION_COUNT, a request is the leftover of an earlier transfer it has not given
      // up yet (ArduPilot ignores a GCS's cancel and re-requests for 8 s): it restarts on our count.
      this.stats.ignored++;
      return true;
    }
    if (seq >= count || seq > limit) {
      const why =
        seq >= count
          ? `飞控请求的航点 ${seq} 超出总数 ${count} / vehicle requested item ${seq} beyond count ${count}`
          : `飞控跳过了航点 / vehicle requested item ${seq} out of sequence (expected ≤ ${limit})`;
      this.env.send({ type: 'ack', result: MAV_MISSION_INVALID_SEQUENCE, missionType: this.missionType });
      this.fail(
        new LinkError('mission_error', `上传失败 / upload failed: ${why}`, {
          missionResult: missionResultName(MAV_MISSION_INVALID_SEQUENCE),
          seq,
        }),
      );
      return true;
    }
    const progress = seq > this.highestRequested;
    if (progress) {
      this.highestRequested = seq;
      this.itemsRequested = seq + 1;
      this.specCursor = seq;
    } else {
      this.stats.duplicates++;
    }
    this.sendItem(seq);
    this.state = this.highestRequested === count - 1 ? 'finalAck' : 'items';
    this.arm(progress);
    if (progress) this.onProgress?.(seq + 1, count);
    return true;
  }

  private onAck(result: number, opaqueId: number): boolean {
    if (this.state === 'idle') return false;
    const count = this.items.length;
    if (result === MAV_MISSION_ACCEPTED) {
      if (
        this.state === 'finalAck' ||
        (count === 0 && this.state === 'count') ||
        (this.state === 'items' && this.speculated === count - 1)
      ) {
        this.succeed({ acked: true, opaqueId, stats: this.stats });
        return true;
      }
      if (this.state === 'count') {
        // Cannot be about this transfer (no item was requested yet): a late ack of an earlier one.
        this.stats.ignored++;
        return false;
      }
      this.fail(
        new LinkError(
          'failed',
          `飞控在请求完全部航点前就确认了 / vehicle acknowledged after requesting only ${this.highestRequested + 1} of ${count} items`,
          { seq: this.highestRequested + 1 },
        ),
      );
      return true;
    }
    const lastSentAhead = this.state === 'items' && this.speculated === this.items.length - 1;
    if ((this.state === 'finalAck' || lastSentAhead) && this.resentAny && result === MAV_MISSION_ERROR) {
      // A generic error may answer our repeat of an item (a vehicle that already finished answers a stray item
      // with MAV_MISSION_ERROR): the transfer's fate is unknown, the verification download decides. Specific
      // results (NO_SPACE, DENIED, …) are the vehicle's verdict on the upload and fail it below.
      this.succeed({ acked: false, opaqueId: 0, stats: this.stats });
      return true;
    }
    if (result === MAV_MISSION_INVALID_SEQUENCE) {
      // ArduPilot answers a repeated item (our resend, or a copy the radio duplicated) with this and keeps the
      // transfer open; if the vehicle really gave up, the missing requests end the upload by timeout.
      this.stats.ignored++;
      this.speculate();
      return true;
    }
    this.fail(
      missionAckError(
        result,
        '上传被飞控拒绝 / upload rejected by vehicle',
        this.lastSentSeq < 0 ? undefined : this.lastSentSeq,
      ),
    );
    return true;
  }

  /**
   * An INVALID_SEQUENCE after we repeated item k usually means the vehicle already has k and its request for
   * k+1 was lost; it would re-request only after its own timer (ArduPilot: 1 s). So send k+1 right away; if
   * INVALID_SEQUENCE comes again, k+2 (that request may have been lost too), then k+3, then k+1 again. A vehicle
   * accepts only the item it wants and timeouts still resend item k, so sending ahead never corrupts the
   * transfer. At most one such send per timeout, so a confused vehicle cannot start a ping-pong.
   */
  private speculate(): void {
    if (this.state !== 'items' || !this.resentAny) return;
    const now = this.env.clock.now();
    if (now - this.lastSpeculationMs < this.env.timing.timeoutMs) return;
    const h = this.highestRequested;
    const top = Math.min(h + SPECULATION_WINDOW, this.items.length - 1);
    if (top <= h) return;
    const next = this.specCursor >= h + 1 && this.specCursor < top ? this.specCursor + 1 : h + 1;
    this.lastSpeculationMs = now;
    this.specCursor = next;
    this.speculated = Math.max(this.speculated, next);
    this.sendItem(next);
  }

  protected onTimeout(giveUp: boolean): void {
    if (this.state === 'count') {
      if (giveUp) {
        this.fail(
          new LinkError('timeout', `飞控未响应航点总数 / no response to MISSION_COUNT (${this.items.length} items)`),
        );
        return;
      }
      this.sendCount();
    } else if (this.state === 'items') {
      if (giveUp) {
        this.fail(
          new LinkError(
            'timeout',
            `飞控停止请求航点 / vehicle stopped requesting items after item ${this.highestRequested}`,
            {
              seq: this.highestRequested + 1,
            },
          ),
        );
        return;
      }
      // The item may have been lost on the way up; a vehicle that already has it answers INVALID_SEQUENCE,
      // which tells us its request for the next one was lost (see speculate()).
      this.resentAny = true;
      this.sendItem(this.highestRequested);
      // If the last item went out ahead, the vehicle may be done and its ack lost: repeating the last item
      // makes it ack again.
      if (this.speculated === this.items.length - 1) this.sendItem(this.speculated);
    } else if (this.state === 'finalAck') {
      if (giveUp) {
        // No final ack (lost or never sent): the caller downloads the mission back to decide.
        this.succeed({ acked: false, opaqueId: 0, stats: this.stats });
        return;
      }
      this.resentAny = true;
      this.sendItem(this.items.length - 1);
    }
    this.arm(false);
  }
}

export interface DownloadOutcome {
  items: MissionItem[];
  opaqueId: number;
  /** True when the transfer stopped after MISSION_COUNT because opaque_id matched the cached plan. */
  skipped: boolean;
  stats: TransferStats;
}

export interface DownloadOptions {
  /** Stop after MISSION_COUNT when the vehicle reports this (non-zero) opaque_id: the caller has that plan. */
  knownOpaqueId?: number;
  /** Only read the count and opaque_id. */
  countOnly?: boolean;
}

/**
 * Vehicle → GCS: MISSION_REQUEST_LIST, MISSION_COUNT, then MISSION_REQUEST_INT / MISSION_ITEM_INT item by
 * item, and a final MISSION_ACK from us. Duplicates are dropped; an item ahead of the one requested is a
 * protocol error.
 */
export class MissionDownload extends Transfer<DownloadOutcome> {
  private state: 'idle' | 'list' | 'items' = 'idle';
  private count = 0;
  private opaqueId = 0;
  private readonly received: MissionItem[] = [];
  /** Whether an error ack was already let pass since the last progress (see onStrayableAck). */
  private passedErrorAck = false;

  constructor(
    env: TransferEnv,
    missionType: MissionType,
    private readonly opts: DownloadOptions = {},
    private readonly onProgress?: (received: number, total: number) => void,
  ) {
    super(env, missionType);
  }

  start(): void {
    this.state = 'list';
    this.env.send({ type: 'requestList', missionType: this.missionType });
    this.arm(true);
  }

  private requestNext(): void {
    this.env.send({ type: 'request', seq: this.received.length, missionType: this.missionType });
  }

  private finish(skipped: boolean): void {
    this.env.send({ type: 'ack', result: MAV_MISSION_ACCEPTED, missionType: this.missionType });
    this.succeed({ items: this.received, opaqueId: this.opaqueId, skipped, stats: this.stats });
  }

  protected onMessage(msg: MissionIn): boolean {
    if (this.state === 'idle') return false;
    switch (msg.type) {
      case 'count':
        if (this.state !== 'list') {
          this.stats.duplicates++;
          return true;
        }
        this.count = msg.count;
        this.opaqueId = msg.opaqueId;
        this.passedErrorAck = false;
        this.onProgress?.(0, this.count);
        if (this.opts.countOnly) {
          this.finish(true);
          return true;
        }
        if (this.opts.knownOpaqueId && msg.opaqueId !== 0 && msg.opaqueId === this.opts.knownOpaqueId) {
          this.finish(true);
          return true;
        }
        if (this.count === 0) {
          this.finish(false);
          return true;
        }
        this.state = 'items';
        this.requestNext();
        this.arm(true);
        return true;
      case 'item': {
        if (this.state !== 'items') {
          this.stats.ignored++;
          return false;
        }
        const expected = this.received.length;
        if (msg.seq < expected) {
          this.stats.duplicates++;
          return true;
        }
        if (msg.seq > expected || msg.seq >= this.count) {
          this.env.send({ type: 'ack', result: MAV_MISSION_INVALID_SEQUENCE, missionType: this.missionType });
          this.fail(
            new LinkError(
              'mission_error',
              `下载失败 / download failed: vehicle sent item ${msg.seq}, expected ${expected}`,
              {
                missionResult: missionResultName(MAV_MISSION_INVALID_SEQUENCE),
                seq: msg.seq,
              },
            ),
          );
          return true;
        }
        this.received.push(msg.item);
        this.passedErrorAck = false;
        this.onProgress?.(this.received.length, this.count);
        if (this.received.length === this.count) {
          this.finish(false);
          return true;
        }
        this.requestNext();
        this.arm(true);
        return true;
      }
      case 'ack':
        if (msg.result === MAV_MISSION_ACCEPTED) {
          // Late ack of an earlier upload: not about this download.
          this.stats.ignored++;
          return false;
        }
        if (this.mayBeStray(msg.result)) {
          this.passedErrorAck = true;
          this.stats.ignored++;
          this.resendNow();
          return true;
        }
        this.fail(missionAckError(msg.result, '下载被飞控中止 / download aborted by vehicle', this.received.length));
        return true;
      default:
        this.stats.ignored++;
        return false;
    }
  }

  /**
   * ERROR and INVALID_SEQUENCE are also how a vehicle answers a late or duplicated item of the upload just before
   * (a lossy, reordering radio delivers them after the upload's final ack). The first one since the last progress
   * is therefore not believed: the request goes out again at once, and a vehicle that really refuses says so again.
   */
  private mayBeStray(result: number): boolean {
    return !this.passedErrorAck && (result === MAV_MISSION_ERROR || result === MAV_MISSION_INVALID_SEQUENCE);
  }

  private resendNow(): void {
    this.stats.resends++;
    if (this.state === 'list') this.env.send({ type: 'requestList', missionType: this.missionType });
    else this.requestNext();
    this.arm(false);
  }

  protected onTimeout(giveUp: boolean): void {
    if (this.state === 'list') {
      if (giveUp) {
        this.fail(new LinkError('timeout', '飞控未响应航线列表请求 / no response to MISSION_REQUEST_LIST'));
        return;
      }
      this.env.send({ type: 'requestList', missionType: this.missionType });
    } else {
      if (giveUp) {
        this.fail(
          new LinkError(
            'timeout',
            `飞控未发送航点 ${this.received.length} / no response to request for item ${this.received.length}`,
            {
              seq: this.received.length,
            },
          ),
        );
        return;
      }
      this.requestNext();
    }
    this.arm(false);
  }
}

/** MISSION_CLEAR_ALL → MISSION_ACK. */
export class MissionClear extends Transfer<void> {
  private started = false;

  constructor(env: TransferEnv, missionType: MissionType) {
    super(env, missionType);
  }

  start(): void {
    this.started = true;
    this.env.send({ type: 'clearAll', missionType: this.missionType });
    this.arm(true);
  }

  protected onMessage(msg: MissionIn): boolean {
    if (!this.started || msg.type !== 'ack') return false;
    if (msg.result === MAV_MISSION_ACCEPTED) this.succeed();
    else this.fail(missionAckError(msg.result, '清除航线被拒绝 / clear rejected by vehicle'));
    return true;
  }

  protected onTimeout(giveUp: boolean): void {
    if (giveUp) {
      this.fail(new LinkError('timeout', '飞控未响应清除航线 / no response to MISSION_CLEAR_ALL'));
      return;
    }
    this.env.send({ type: 'clearAll', missionType: this.missionType });
    this.arm(false);
  }
}

export type AnyMissionTransfer = MissionUpload | MissionDownload | MissionClear;
