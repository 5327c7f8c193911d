import { OperationScope, type CallOptions } from '../../abort.ts';
import { LinkError, toLinkError } from '../../errors.ts';
import { EventStream, Latest } from '../../latest.ts';
import { common } from '../../mavlink/messages.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { modeParams } from '../../core/set-mode.ts';
import {
  assertNoTerrainFrames,
  compareMissionItems,
  homePlaceholder,
  isGlobalFrame,
  MissionType,
  type MissionItem,
} from './mission-items.ts';
import {
  MissionClear,
  MissionDownload,
  MissionUpload,
  type AnyMissionTransfer,
  type MissionIn,
  type MissionOut,
  type TransferEnv,
} from './mission-transfer.ts';
import { missionItemsFromPlan } from './plan-items.ts';
import type { DownloadOptions, MissionProgress, UploadOptions, UploadResult } from './mission.types.ts';

const MAV_CMD_MISSION_START = 300;
const MAV_CMD_DO_PAUSE_CONTINUE = 193;

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
  private readonly cache = new Map<number, { items: MissionItem[]; opaqueId: number }>();
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

  /** The list as it goes on the wire: ArduPilot missions get the home placeholder at seq 0. */
  private toWire(items: readonly MissionItem[], missionType: MissionType): MissionItem[] {
    const withType = items.map((it) => ({ ...it, current: 0, missionType }));
    if (missionType === MissionType.mission && this.v.autopilot === 'ardupilot')
      return [homePlaceholder(), ...withType];
    return withType;
  }

  private fromWire(items: MissionItem[], missionType: MissionType): MissionItem[] {
    if (missionType === MissionType.mission && this.v.autopilot === 'ardupilot') return items.slice(1);
    return items;
  }

  /**
   * Upload a mission (or fence/rally list) and verify it by downloading it back. Accepts our MissionItem or
   * the planner's plan items. Rejects with a LinkError; a rejected upload may leave a partial mission on an
   * ArduPilot vehicle, but it is never reported as uploaded.
   */
  upload(items: readonly unknown[], opts: UploadOptions = {}): Promise<UploadResult> {
    const missionType = opts.missionType ?? MissionType.mission;
    let user: MissionItem[];
    try {
      user = missionItemsFromPlan(items);
      if (this.v.autopilot === 'px4') assertNoTerrainFrames(user);
    } catch (e) {
      return Promise.reject(toLinkError(e, 'invalid_argument'));
    }
    const wire = this.toWire(user, missionType);
    return this.run('mission upload', opts, this.deadlineFor(wire.length * 2), async (scope) => {
      const started = this.v.clock.now();
      // Progress in the caller's items: ArduPilot's home placeholder is not one of them.
      const hidden = wire.length - user.length;
      const report = (phase: 'upload' | 'verify', done: number, total: number): void =>
        opts.onProgress?.({ phase, done: Math.max(0, done - hidden), total: Math.max(0, total - hidden) });
      const cached = this.cache.get(missionType);
      if (
        (opts.skipIfUnchanged ?? true) &&
        cached &&
        cached.opaqueId !== 0 &&
        compareMissionItems(cached.items, wire) === undefined
      ) {
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
          };
        }
      }
      this.cache.delete(missionType);
      let up;
      for (let attempt = 0; ; attempt++) {
        try {
          up = await this.transfer(
            new MissionUpload(this.env(), wire, missionType, (done, total) => report('upload', done, total)),
            scope,
          );
          break;
        } catch (e) {
          // A vehicle that gave up on a bad radio (its own no-item timeout) gets one fresh transfer.
          const cancelledByVehicle = e instanceof LinkError && e.missionResult === 'MAV_MISSION_OPERATION_CANCELLED';
          if (!cancelledByVehicle || attempt >= 1 || scope.reason) throw e;
          this.v.logger.warn(`vehicle ${this.v.sysId}: upload cancelled by the vehicle, starting over once`);
        }
      }
      let back;
      try {
        back = await this.transfer(
          new MissionDownload(this.env(), missionType, {}, (done, total) => report('verify', done, total)),
          scope,
        );
      } catch (e) {
        const le = toLinkError(e);
        throw new LinkError(le.result, `上传无法验证 / upload could not be verified: ${le.message}`, {
          cause: le,
          ...(le.missionResult ? { missionResult: le.missionResult } : {}),
        });
      }
      const skipHome = missionType === MissionType.mission && this.v.autopilot === 'ardupilot';
      const diff =
        back.items.length !== wire.length
          ? compareMissionItems(wire, back.items)
          : compareMissionItems(skipHome ? wire.slice(1) : wire, skipHome ? back.items.slice(1) : back.items);
      if (diff) {
        throw new LinkError(
          'failed',
          `上传校验失败 / upload verification failed, the vehicle holds a different mission: ${diff}`,
        );
      }
      const opaqueId = back.opaqueId || up.opaqueId;
      this.cache.set(missionType, { items: wire, opaqueId });
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
      };
    });
  }

  /** Download the vehicle's mission (ArduPilot's home item removed) or fence/rally list. */
  download(opts: DownloadOptions = {}): Promise<MissionItem[]> {
    const missionType = opts.missionType ?? MissionType.mission;
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
    const missionType = opts.missionType ?? MissionType.mission;
    return this.run('mission clear', opts, 60_000, async (scope) => {
      this.cache.delete(missionType);
      await this.transfer(new MissionClear(this.env(), missionType), scope);
    });
  }

  /** Switch to mission mode and start the mission (the vehicle must be armed). */
  async start(opts: CallOptions = {}): Promise<void> {
    await this.v.commands.send(
      { command: 176, params: modeParams(this.v, 'mission'), label: 'set mode mission' },
      opts,
    );
    try {
      await this.v.commands.send({ command: MAV_CMD_MISSION_START, params: [0, 0], label: 'start mission' }, opts);
    } catch (e) {
      // PX4 starts on the mode switch alone and may not know MISSION_START.
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
    }
  }

  /** Pause the mission (hold position). */
  async pause(opts: CallOptions = {}): Promise<void> {
    try {
      await this.v.commands.send({ command: MAV_CMD_DO_PAUSE_CONTINUE, params: [0], label: 'pause mission' }, opts);
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.v.commands.send({ command: 176, params: modeParams(this.v, 'hold'), label: 'set mode hold' }, opts);
    }
  }

  /** Continue a paused mission. */
  async continue(opts: CallOptions = {}): Promise<void> {
    try {
      await this.v.commands.send({ command: MAV_CMD_DO_PAUSE_CONTINUE, params: [1], label: 'continue mission' }, opts);
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.v.commands.send(
        { command: 176, params: modeParams(this.v, 'mission'), label: 'set mode mission' },
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
