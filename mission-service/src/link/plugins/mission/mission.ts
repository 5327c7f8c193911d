import { OperationScope, type CallOptions } from '../../abort.ts';
import { LinkError, toLinkError } from '../../errors.ts';
import { EventStream, Latest } from '../../latest.ts';
import { common } from '../../mavlink/messages.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { modeParams } from '../../core/set-mode.ts';
import { MavCmd, MavMissionType } from '../../mavlink/enums.ts';
import { MAV_CMD_DO_SET_MODE } from '../../core/set-mode.ts';
import {
  assertNoTerrainFrames,
  homePlaceholder,
  isGlobalFrame,
  type MissionItem,
  type MissionType,
} from './mission-items.ts';
import { prepareForVehicle } from './vehicle-storage.ts';
import { describeMismatch, findMismatch, sameItems } from './verify.ts';
import {
  MissionClear,
  MissionDownload,
  MissionUpload,
  type AnyMissionTransfer,
  type MissionIn,
  type MissionOut,
  type TransferEnv,
  type UploadOutcome,
} from './mission-transfer.ts';
import { missionItemsFromPlan } from './plan-items.ts';
import type { DownloadOptions, MissionProgress, UploadOptions, UploadResult, VehicleHome } from './mission.types.ts';

/** How long a vehicle that answers MISSION_COUNT with NO_SPACE right after it was first heard gets to get ready. */
const BOOT_GRACE_MS = 60_000;
const NO_SPACE_RETRY_MS = 1000;
/** How long to wait for the STATUSTEXT that explains a refusal (it follows the MISSION_ACK). */
const TEXT_WAIT_MS = 500;
/** "Only 650 items are supported" (ArduPilot's STATUSTEXT beside NO_SPACE). */
const CAPACITY_TEXT = /only\s+(\d+)\s+items/i;

/**
 * Mission plugin: upload (verified by download), download, clear, start/pause/continue, set current item,
 * progress, and resume after an interruption. One transfer runs at a time per vehicle; items are the
 * caller's list, the ArduPilot home item at seq 0 is handled here and never shows up outside.
 */
export class MissionPlugin {
  /** MISSION_CURRENT / MISSION_ITEM_REACHED, as item indexes. */
  readonly progress = new Latest<MissionProgress>();
  /** Each MISSION_ITEM_REACHED (caller's index). */
  readonly reached = new EventStream<number>();
  /** Mission messages that arrived with no transfer running (e.g. stray acks): counted, dropped. */
  unsolicited = 0;
  private active: AnyMissionTransfer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<number, { items: MissionItem[]; opaqueId: number; home?: VehicleHome }>();
  /** Lists whose content on the vehicle is unknown after a failed upload (ArduPilot may keep part of it). */
  private readonly uncertain = new Set<number>();
  /** Recent STATUSTEXT, to explain refusals ("Only 650 items are supported"). */
  private readonly texts: Array<{ atMs: number; text: string }> = [];
  private readonly textArrived = new EventStream<string>();
  private lastReachedSeq = -1;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly v: VehicleCore) {
    const feed = (m: MissionIn): void => {
      if (this.active?.handle(m)) return;
      this.unsolicited++;
      v.logger.debug(`vehicle ${v.sysId}: unsolicited mission ${m.type} ignored`);
    };
    this.offs.push(
      v.onMessage(common.MissionRequestInt, (m) =>
        feed({ type: 'request', seq: m.seq, missionType: m.missionType ?? 0, int: true }),
      ),
      v.onMessage(common.MissionRequest, (m) =>
        feed({ type: 'request', seq: m.seq, missionType: m.missionType ?? 0, int: false }),
      ),
      v.onMessage(common.MissionAck, (m) =>
        feed({ type: 'ack', result: m.type, missionType: m.missionType ?? 0, opaqueId: m.opaqueId ?? 0 }),
      ),
      v.onMessage(common.MissionCount, (m) =>
        feed({ type: 'count', count: m.count, missionType: m.missionType ?? 0, opaqueId: m.opaqueId ?? 0 }),
      ),
      v.onMessage(common.MissionItemInt, (m) =>
        feed({ type: 'item', seq: m.seq, missionType: m.missionType ?? 0, item: fromWire(m, m.x, m.y) }),
      ),
      v.onMessage(common.MissionItem, (m) => {
        // Old float message: positions in degrees.
        const global = isGlobalFrame(m.frame);
        feed({
          type: 'item',
          seq: m.seq,
          missionType: m.missionType ?? 0,
          item: fromWire(
            m,
            global ? Math.round(m.x * 1e7) : Math.round(m.x),
            global ? Math.round(m.y * 1e7) : Math.round(m.y),
          ),
        });
      }),
      v.onMessage(common.StatusText, (m) => {
        this.texts.push({ atMs: v.clock.now(), text: m.text });
        if (this.texts.length > 20) this.texts.shift();
        this.textArrived.emit(m.text);
      }),
      v.connected.subscribe((up) => {
        if (!up)
          this.active?.cancel(
            new LinkError('connection_error', '飞机失联，传输中断 / vehicle lost (no heartbeat), transfer aborted'),
          );
      }),
      v.linkDown.subscribe(() =>
        this.active?.cancel(
          new LinkError(
            'connection_error',
            '连接中断，传输中止 / the connection to the vehicle dropped during the transfer',
          ),
        ),
      ),
      v.onMessage(common.MissionCurrent, (m) => this.onCurrent(m.seq, m.total, m.missionState ?? 0)),
      v.onMessage(common.MissionItemReached, (m) => {
        this.lastReachedSeq = m.seq;
        this.reached.emit(this.toIndex(m.seq));
        const p = this.progress.value;
        if (p) this.progress.set({ ...p, lastReachedIndex: this.toIndex(m.seq) });
      }),
    );
  }

  /** ArduPilot missions carry home at seq 0: caller index = seq − 1 there. */
  private get homeOffset(): number {
    return this.v.autopilot === 'ardupilot' ? 1 : 0;
  }

  private toIndex(seq: number): number {
    return seq - this.homeOffset;
  }

  private onCurrent(seq: number, total: number, state: number): void {
    this.progress.set({
      currentIndex: this.toIndex(seq),
      currentSeq: seq,
      total: total === 0xffff ? 0 : Math.max(0, total - this.homeOffset),
      lastReachedIndex: this.lastReachedSeq < 0 ? -1 : this.toIndex(this.lastReachedSeq),
      state,
    });
  }

  /** Index of the last item the vehicle reported reached (−1 if none). */
  get lastReachedIndex(): number {
    return this.lastReachedSeq < 0 ? -1 : this.toIndex(this.lastReachedSeq);
  }

  private env(): TransferEnv {
    return {
      clock: this.v.clock,
      timing: this.v.missionTiming,
      send: (m) => this.sendOut(m),
      log: (s) => this.v.logger.debug(s),
    };
  }

  private sendOut(m: MissionOut): void {
    const v = this.v;
    const target = <T extends { targetSystem: number; targetComponent: number }>(msg: T): T => {
      msg.targetSystem = v.sysId;
      msg.targetComponent = v.compId;
      return msg;
    };
    switch (m.type) {
      case 'count': {
        const msg = target(new common.MissionCount());
        msg.count = m.count;
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
      case 'item': {
        const msg = target(new common.MissionItemInt());
        const it = m.item;
        msg.seq = m.seq;
        msg.frame = it.frame;
        msg.command = it.command;
        msg.current = it.current ?? 0;
        msg.autocontinue = it.autocontinue;
        msg.param1 = it.param1;
        msg.param2 = it.param2;
        msg.param3 = it.param3;
        msg.param4 = it.param4;
        msg.x = it.x;
        msg.y = it.y;
        msg.z = it.z;
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
      case 'requestList': {
        const msg = target(new common.MissionRequestList());
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
      case 'request': {
        const msg = target(new common.MissionRequestInt());
        msg.seq = m.seq;
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
      case 'ack': {
        const msg = target(new common.MissionAck());
        msg.type = m.result;
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
      case 'clearAll': {
        const msg = target(new common.MissionClearAll());
        msg.missionType = m.missionType;
        v.send(msg);
        return;
      }
    }
  }

  /** Run one transfer exclusively, cancelling it when the scope aborts. */
  private run<T>(
    what: string,
    opts: CallOptions,
    defaultDeadlineMs: number,
    body: (scope: OperationScope) => Promise<T>,
  ): Promise<T> {
    const go = async (): Promise<T> => {
      const scope = new OperationScope(what, { deadlineMs: defaultDeadlineMs, ...opts }, this.v.clock);
      try {
        if (scope.reason) throw scope.reason;
        return await body(scope);
      } finally {
        scope.dispose();
      }
    };
    const p = this.queue.catch(() => undefined).then(go);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Start a transfer and wait for it, cancelling it (and telling the vehicle) if the scope ends first. */
  private async transfer<T>(t: AnyMissionTransfer & { done: Promise<T> }, scope: OperationScope): Promise<T> {
    if (scope.reason) throw scope.reason;
    this.active = t;
    const onAbort = (): void => t.cancel(scope.reason ?? new LinkError('cancelled', 'cancelled'));
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      t.start();
      return await t.done;
    } finally {
      scope.signal.removeEventListener('abort', onAbort);
      if (this.active === t) this.active = undefined;
    }
  }

  private deadlineFor(count: number): number {
    const t = this.v.missionTiming;
    return Math.max(60_000, (2 * count + 10) * t.timeoutMs * Math.max(1, t.retries / 2));
  }

  /** Whether this list starts with ArduPilot's home item (mission list on ArduPilot). */
  private hasHome(missionType: MissionType): boolean {
    return missionType === MavMissionType.MISSION && this.v.autopilot === 'ardupilot';
  }

  /** The list as it goes on the wire: items as this autopilot takes them, behind ArduPilot's home placeholder. */
  private toWire(items: readonly MissionItem[], missionType: MissionType): MissionItem[] {
    const prepared = items.map((it, i) => prepareForVehicle(this.v.autopilot, { ...it, current: 0, missionType }, i));
    return this.hasHome(missionType) ? [homePlaceholder(), ...prepared] : prepared;
  }

  private fromWire(items: MissionItem[], missionType: MissionType): MissionItem[] {
    return this.hasHome(missionType) ? items.slice(1) : items;
  }

  /** A STATUSTEXT matching `re` sent since `sinceMs` (link clock), waiting up to `waitMs` for it. */
  private awaitText(
    re: RegExp,
    sinceMs: number,
    waitMs: number,
    scope: OperationScope,
  ): Promise<RegExpExecArray | null> {
    const seen = this.texts
      .filter((t) => t.atMs >= sinceMs)
      .map((t) => re.exec(t.text))
      .find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const done = (m: RegExpExecArray | null): void => {
        off();
        this.v.clock.clearTimeout(timer);
        scope.signal.removeEventListener('abort', onAbort);
        resolve(m);
      };
      const off = this.textArrived.subscribe((text) => {
        const m = re.exec(text);
        if (m) done(m);
      });
      const onAbort = (): void => done(null);
      const timer = this.v.clock.setTimeout(() => done(null), waitMs);
      scope.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Upload a mission (or fence/rally list) and verify it by downloading it back. Accepts our MissionItem or
   * the planner's plan items. Rejects with a LinkError: `mismatch` names the first item and field the vehicle
   * holds differently; `partialMission` says ArduPilot may keep part of the new list (never reported as
   * uploaded, and `start()` refuses it until a good upload or a clear).
   */
  upload(items: readonly unknown[], opts: UploadOptions = {}): Promise<UploadResult> {
    const missionType = opts.missionType ?? MavMissionType.MISSION;
    let user: MissionItem[];
    let wire: MissionItem[];
    try {
      user = missionItemsFromPlan(items);
      if (this.v.autopilot === 'px4') assertNoTerrainFrames(user);
      wire = this.toWire(user, missionType);
    } catch (e) {
      return Promise.reject(toLinkError(e, 'invalid_argument'));
    }
    return this.run('mission upload', opts, this.deadlineFor(wire.length * 2), async (scope) => {
      const started = this.v.clock.now();
      // Progress in the caller's items: ArduPilot's home placeholder is not one of them.
      const hidden = wire.length - user.length;
      const report = (phase: 'upload' | 'verify', done: number, total: number): void =>
        opts.onProgress?.({ phase, done: Math.max(0, done - hidden), total: Math.max(0, total - hidden) });
      const cached = this.cache.get(missionType);
      if ((opts.skipIfUnchanged ?? true) && cached && cached.opaqueId !== 0 && sameItems(cached.items, wire)) {
        const probe = await this.transfer(new MissionDownload(this.env(), missionType, { countOnly: true }), scope);
        if (probe.opaqueId === cached.opaqueId) {
          return {
            itemCount: user.length,
            opaqueId: probe.opaqueId,
            skipped: true,
            verified: true,
            acked: true,
            durationMs: this.v.clock.now() - started,
            stats: probe.stats,
            ...(cached.home ? { home: cached.home } : {}),
          };
        }
      }
      this.cache.delete(missionType);
      const up = await this.sendList(wire, missionType, scope, (done, total) => report('upload', done, total));
      let back;
      try {
        back = await this.transfer(
          new MissionDownload(this.env(), missionType, {}, (done, total) => report('verify', done, total)),
          scope,
        );
      } catch (e) {
        const le = toLinkError(e);
        throw this.uploadFailure(
          new LinkError(le.result, `上传无法验证 / upload could not be verified: ${le.message}`, {
            cause: le,
            ...(le.missionResult ? { missionResult: le.missionResult } : {}),
          }),
          missionType,
          true,
        );
      }
      const held = this.fromWire(back.items, missionType);
      const mismatch = findMismatch(this.v.autopilot, wire.slice(hidden), held, hidden);
      if (mismatch) {
        throw this.uploadFailure(
          new LinkError(
            'failed',
            `上传校验失败 / upload verification failed, the vehicle holds a different mission: ${describeMismatch(mismatch)}`,
            { mismatch, ...(mismatch.seq < 0 ? {} : { seq: mismatch.seq }) },
          ),
          missionType,
          true,
        );
      }
      this.uncertain.delete(missionType);
      const home = this.hasHome(missionType) && back.items[0] ? homeOf(back.items[0]) : undefined;
      const opaqueId = back.opaqueId || up.opaqueId;
      this.cache.set(missionType, { items: wire, opaqueId, ...(home ? { home } : {}) });
      return {
        itemCount: user.length,
        opaqueId,
        skipped: false,
        verified: true,
        acked: up.acked,
        durationMs: this.v.clock.now() - started,
        stats: {
          resends: up.stats.resends + back.stats.resends,
          duplicates: up.stats.duplicates + back.stats.duplicates,
          ignored: up.stats.ignored + back.stats.ignored,
        },
        ...(home ? { home } : {}),
      };
    });
  }

  /**
   * The transfer itself, with the two retries a real vehicle calls for: one fresh start after the vehicle cancelled
   * (its own no-item timeout on a bad radio), and NO_SPACE answered to MISSION_COUNT by a vehicle that was only just
   * heard (storage not ready yet) retried each second for a while. Any other refusal ends the upload, typed.
   */
  private async sendList(
    wire: MissionItem[],
    missionType: MissionType,
    scope: OperationScope,
    onProgress: (done: number, total: number) => void,
  ): Promise<UploadOutcome> {
    let cancelledRetries = 0;
    let bootRetries = 0;
    let anyRequested = false;
    for (;;) {
      const attemptStarted = this.v.clock.now();
      const t = new MissionUpload(this.env(), wire, missionType, onProgress);
      try {
        return await this.transfer(t, scope);
      } catch (e) {
        anyRequested ||= t.itemsRequested > 0;
        const le = toLinkError(e);
        if (scope.reason) throw this.uploadFailure(scope.reason, missionType, anyRequested);
        if (le.missionResult === 'MAV_MISSION_OPERATION_CANCELLED' && cancelledRetries++ < 1) {
          this.v.logger.warn(`vehicle ${this.v.sysId}: upload cancelled by the vehicle, starting over once`);
          continue;
        }
        if (le.missionResult === 'MAV_MISSION_NO_SPACE' && t.itemsRequested === 0) {
          // ArduPilot sends its reason ("Only 650 items are supported") just after the ack.
          const capacity = await this.awaitText(CAPACITY_TEXT, attemptStarted, TEXT_WAIT_MS, scope);
          // "Only 0 items": ArduPilot's storage is not set up yet (just booted), not a capacity: retried below.
          if (capacity && Number(capacity[1]) > 0) {
            const home = this.hasHome(missionType) ? 1 : 0;
            const max = Number(capacity[1]) - home;
            throw new LinkError(
              'mission_error',
              `航点太多：飞控最多保存 ${max} 个，本次 ${wire.length - home} 个 / too many items: the vehicle stores at most ` +
                `${max}${home ? ' besides home' : ''}, this list has ${wire.length - home} ("${capacity[0]}", MAV_MISSION_NO_SPACE); split the sortie`,
              { missionResult: le.missionResult, cause: le },
            );
          }
          const grace = this.v.missionTiming.bootGraceMs ?? BOOT_GRACE_MS;
          if (this.v.clock.now() - this.v.firstHeardMs < grace) {
            bootRetries++;
            this.v.logger.info(`vehicle ${this.v.sysId}: NO_SPACE right after it was first heard, retrying in 1 s`);
            await this.sleep(NO_SPACE_RETRY_MS, scope);
            continue;
          }
          if (bootRetries > 0) {
            throw new LinkError(
              'temporarily_rejected',
              `飞控启动后仍未就绪 / the vehicle still refuses missions ${Math.round(grace / 1000)} s after it was first heard (MAV_MISSION_NO_SPACE): it may still be starting, retry later`,
              { missionResult: le.missionResult, cause: le },
            );
          }
        }
        throw this.uploadFailure(le, missionType, anyRequested);
      }
    }
  }

  /** A failed transfer: remember that the vehicle's list is unknown, and say so where ArduPilot keeps parts. */
  private uploadFailure(e: LinkError, missionType: MissionType, anyRequested: boolean): LinkError {
    if (!anyRequested) return e;
    this.uncertain.add(missionType);
    const note =
      this.v.autopilot === 'ardupilot'
        ? '飞控可能保留了部分新航线，请重新上传或清除后再起飞 / the vehicle may keep part of the new list (ArduPilot stores items as they arrive): upload again or clear it before flying'
        : '飞控上的航线不确定，请重新上传或清除后再起飞 / what the vehicle holds is unknown: upload again or clear it before flying';
    return new LinkError(e.result, `${e.message}；${note}`, {
      cause: e,
      partialMission: true,
      ...(e.missionResult ? { missionResult: e.missionResult } : {}),
      ...(e.seq === undefined ? {} : { seq: e.seq }),
      ...(e.mismatch ? { mismatch: e.mismatch } : {}),
    });
  }

  private sleep(ms: number, scope: OperationScope): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = this.v.clock.setTimeout(() => {
        scope.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        this.v.clock.clearTimeout(t);
        reject(scope.reason);
      };
      scope.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Download the vehicle's mission (ArduPilot's home item removed) or fence/rally list. */
  download(opts: DownloadOptions = {}): Promise<MissionItem[]> {
    const missionType = opts.missionType ?? MavMissionType.MISSION;
    return this.run('mission download', opts, this.deadlineFor(1000), async (scope) => {
      const out = await this.transfer(
        new MissionDownload(this.env(), missionType, {}, (done, total) =>
          opts.onProgress?.({ phase: 'verify', done, total }),
        ),
        scope,
      );
      return this.fromWire(out.items, missionType);
    });
  }

  /** Remove the mission (or fence/rally list) from the vehicle. */
  clear(opts: CallOptions & { missionType?: MissionType } = {}): Promise<void> {
    const missionType = opts.missionType ?? MavMissionType.MISSION;
    return this.run('mission clear', opts, 60_000, async (scope) => {
      this.cache.delete(missionType);
      await this.transfer(new MissionClear(this.env(), missionType), scope);
      this.uncertain.delete(missionType);
    });
  }

  /** Switch to mission mode and start the mission (the vehicle must be armed). */
  async start(opts: CallOptions = {}): Promise<void> {
    if (this.uncertain.has(MavMissionType.MISSION)) {
      throw new LinkError(
        'failed',
        '上次上传失败，飞控上的航线不确定，拒绝开始 / the last upload failed and the vehicle may hold a partial mission: upload again (or clear) before starting',
        { partialMission: true },
      );
    }
    await this.v.commands.send(
      { command: MAV_CMD_DO_SET_MODE, params: modeParams(this.v, 'mission'), label: 'set mode mission' },
      opts,
    );
    try {
      await this.v.commands.send({ command: MavCmd.MISSION_START, params: [0, 0], label: 'start mission' }, opts);
    } catch (e) {
      // PX4 starts on the mode switch alone and may not know MISSION_START.
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
    }
  }

  /** Pause the mission (hold position). */
  async pause(opts: CallOptions = {}): Promise<void> {
    try {
      await this.v.commands.send({ command: MavCmd.DO_PAUSE_CONTINUE, params: [0], label: 'pause mission' }, opts);
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.v.commands.send(
        { command: MAV_CMD_DO_SET_MODE, params: modeParams(this.v, 'hold'), label: 'set mode hold' },
        opts,
      );
    }
  }

  /** Continue a paused mission. */
  async continue(opts: CallOptions = {}): Promise<void> {
    try {
      await this.v.commands.send({ command: MavCmd.DO_PAUSE_CONTINUE, params: [1], label: 'continue mission' }, opts);
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.v.commands.send(
        { command: MAV_CMD_DO_SET_MODE, params: modeParams(this.v, 'mission'), label: 'set mode mission' },
        opts,
      );
    }
  }

  /**
   * Make item `index` (caller's numbering) the current one: MISSION_SET_CURRENT, confirmed by MISSION_CURRENT,
   * resent like a mission transfer until confirmed.
   */
  setCurrent(index: number, opts: CallOptions = {}): Promise<void> {
    if (!Number.isInteger(index) || index < 0) {
      return Promise.reject(new LinkError('invalid_argument', `航点序号无效 / invalid item index ${index}`));
    }
    const seq = index + this.homeOffset;
    const { clock, missionTiming: timing } = this.v;
    const scope = new OperationScope('set current item', opts, clock);
    return new Promise<void>((resolve, reject) => {
      let tries = 0;
      let timer: unknown;
      const done = (err?: LinkError): void => {
        clock.clearTimeout(timer);
        off();
        scope.dispose();
        if (err) reject(err);
        else resolve();
      };
      const off = this.progress.subscribe((p) => {
        if (p.currentSeq === seq) done();
      });
      const send = (): void => {
        const msg = new common.MissionSetCurrent();
        msg.targetSystem = this.v.sysId;
        msg.targetComponent = this.v.compId;
        msg.seq = seq;
        this.v.send(msg);
        timer = clock.setTimeout(() => {
          if (tries++ >= timing.retries)
            done(
              new LinkError('timeout', `飞控未确认当前航点 / vehicle did not confirm current item ${index}`, { seq }),
            );
          else send();
        }, timing.timeoutMs);
      };
      scope.signal.addEventListener('abort', () => done(scope.reason), { once: true });
      if (scope.reason) done(scope.reason);
      else send();
    });
  }

  /**
   * Resume after an interruption (RTL for battery, link loss): set the current item to the last one reached
   * and start the mission again. With no item reached yet, it starts from the first.
   */
  async resume(opts: CallOptions = {}): Promise<number> {
    const index = Math.max(0, this.lastReachedIndex);
    await this.setCurrent(index, opts);
    await this.start(opts);
    return index;
  }

  dispose(): void {
    this.active?.cancel(new LinkError('cancelled', '连接已关闭 / link closed'));
    for (const off of this.offs) off();
  }
}

function fromWire(
  m: {
    frame: number;
    command: number;
    current: number;
    autocontinue: number;
    param1: number;
    param2: number;
    param3: number;
    param4: number;
    z: number;
  },
  x: number,
  y: number,
): MissionItem {
  return {
    frame: m.frame,
    command: m.command,
    current: m.current,
    autocontinue: m.autocontinue,
    param1: m.param1,
    param2: m.param2,
    param3: m.param3,
    param4: m.param4,
    x,
    y,
    z: m.z,
  };
}

/** ArduPilot's item 0: the home it uses (replaced by the vehicle whatever we upload there). */
function homeOf(item: MissionItem): VehicleHome {
  return { latDeg: item.x / 1e7, lonDeg: item.y / 1e7, altAmslM: item.z };
}
