import { randomUUID } from 'node:crypto';
import { canSee, type AuthUser } from '../auth/index.ts';
import {
  MissionActionSchema,
  MissionInputSchema,
  type MissionAction,
  type MissionState,
} from '../contract/missions.ts';
import type { DroneLiveStatus } from '../contract/drones.ts';
import type { Db } from '../db/db.ts';
import { loadDrone } from '../drones/drone-service.ts';
import type { DroneConnection, DroneLinkManager, PlanMissionItem } from '../drones/link-port.ts';
import { AppError, linkFailure, notFound } from '../app-error.ts';
import type { Logger } from '../logger.ts';
import { assertPlanLive, loadPlan } from '../plans/plan-service.ts';
import { getPlan } from '../plans/plan-repository.ts';
import type { LaunchPatrol, PreparePatrol } from '../schedules/scheduler.ts';
import { endFlight, FlightRecorder, startFlight } from '../telemetry/flight-recorder.ts';
import { getMission, insertMission, recordProgress, transition, type MissionRecord } from './mission-repository.ts';
import { ACTIVE_STATES } from './state-machine.ts';
import { resumePoint } from './resume-point.ts';

export interface RecoverOptions {
  /** How long to wait for a flying mission's drone to reconnect. Default 30 s. */
  deadlineMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/** What recovery did with one mission. */
export interface RecoveryOutcome {
  missionId: string;
  outcome: 'tracking' | 'completed' | 'interrupted' | 'failed';
  lastReachedSeq?: number | null;
}

interface Tracker {
  off: () => void;
  recorder: FlightRecorder;
  queue: Promise<void>;
  lastReached: number;
  lastCurrent: number;
}

const conflict = (m: MissionRecord, action: string) =>
  new AppError(
    'conflict',
    'invalid_state',
    `任务状态为 ${m.state}，不能 ${action} / mission is ${m.state}: cannot ${action}`,
    { state: m.state },
  );

/**
 * Missions: instantiate a plan's sortie for a drone, then upload / start / pause / continue / rtl / abort through
 * the drone link. State and progress are persisted on every change; a tracker follows each flying mission's
 * progress (last reached item, completion, link loss) and records its downsampled track.
 */
export class MissionControl {
  private readonly trackers = new Map<string, Tracker>();

  constructor(
    private readonly db: Db,
    private readonly links: DroneLinkManager | undefined,
    private readonly logger: Logger,
  ) {}

  /** A mission the user may see (through its drone's department), or 404. */
  async load(user: AuthUser, id: string): Promise<MissionRecord> {
    const m = await getMission(this.db, id);
    if (!m || !canSee(user, m)) throw notFound(`mission ${id}`);
    return m;
  }

  /** Creates a planned mission from a plan's sortie for a drone. */
  async create(user: AuthUser, body: unknown): Promise<MissionRecord> {
    const input = MissionInputSchema.parse(body);
    const plan = await loadPlan(this.db, user, input.planId);
    assertPlanLive(plan);
    const drone = await loadDrone(this.db, user, input.droneId);
    return this.instantiate(plan.id, input.sortieIndex, drone.id, drone.departmentId, null);
  }

  private async instantiate(
    planId: string,
    sortieIndex: number,
    droneId: string,
    departmentId: string | null,
    scheduleId: string | null,
    queued = false,
  ): Promise<MissionRecord> {
    const plan = await getPlan(this.db, planId);
    if (!plan) throw notFound(`plan ${planId}`);
    const sortie = plan.document.sorties[sortieIndex];
    if (!sortie)
      throw new AppError(
        'invalid_input',
        'unknown_sortie',
        `计划没有第 ${sortieIndex} 架次 / plan has no sortie ${sortieIndex}`,
      );
    // A queued sortie waits (planned) behind the drone's current one: the scheduler starts it later.
    const busy = queued
      ? { rows: [] }
      : await this.db.query('SELECT id FROM missions WHERE drone_id = $1 AND state = ANY($2) LIMIT 1', [
          droneId,
          ACTIVE_STATES,
        ]);
    if (busy.rows.length)
      throw new AppError(
        'conflict',
        'drone_busy',
        `无人机正在执行任务 / drone ${droneId} already has an active mission`,
      );
    const id = `mission_${randomUUID()}`;
    // The shots this sortie takes, as planned now: the flight's photos are counted against them later.
    const photos = (plan.document.photos ?? []) as { lon: number; lat: number; sortie: number }[];
    await insertMission(this.db, {
      id,
      planId,
      sortieIndex,
      droneId,
      items: sortie.items as PlanMissionItem[],
      departmentId,
      scheduleId,
      expectedShots: photos.filter((p) => p.sortie === sortie.index).map((p) => [p.lon, p.lat]),
    });
    return (await getMission(this.db, id))!;
  }

  private connection(m: MissionRecord): DroneConnection {
    const c = m.droneId ? this.links?.get(m.droneId) : undefined;
    if (!c || !c.status().connected)
      throw new AppError('conflict', 'drone_offline', `无人机未连接 / drone ${m.droneId} is not connected`);
    return c;
  }

  private async move(m: MissionRecord, to: MissionState, extra: Parameters<typeof transition>[3] = {}): Promise<void> {
    if (!(await transition(this.db, m.id, to, extra))) {
      const now = (await getMission(this.db, m.id))!;
      throw conflict(now, `→ ${to}`);
    }
  }

  /** Runs one action on a mission the user may control; returns the mission afterwards. */
  async act(user: AuthUser, id: string, rawAction: unknown): Promise<MissionRecord> {
    const action = MissionActionSchema.parse(rawAction);
    const m = await this.load(user, id);
    await this.run(m, action, user.username);
    return (await getMission(this.db, id))!;
  }

  private async run(m: MissionRecord, action: MissionAction, actor: string): Promise<void> {
    switch (action) {
      case 'upload': {
        if (!['planned', 'uploaded', 'interrupted'].includes(m.state)) throw conflict(m, 'upload');
        const c = this.connection(m);
        await this.move(m, 'uploading');
        try {
          await c.uploadMission(m.items);
        } catch (err) {
          await transition(this.db, m.id, 'failed', { error: `上传失败 / upload failed: ${(err as Error).message}` });
          throw linkFailure(err, 'upload');
        }
        await this.move({ ...m, state: 'uploading' }, 'uploaded');
        return;
      }
      case 'start': {
        if (m.state !== 'uploaded') throw conflict(m, 'start');
        const c = this.connection(m);
        if (m.progress.resumeFrom !== undefined)
          await c.setCurrentItem(Number(m.progress.resumeFrom)).catch((e) => Promise.reject(linkFailure(e, 'start')));
        await c.startMission().catch((e) => Promise.reject(linkFailure(e, 'start')));
        const flightId = await startFlight(this.db, m.id, m.droneId!);
        await this.move(m, 'flying', { flightId, progress: { paused: false, startedAt: new Date().toISOString() } });
        this.track(m.id, c, flightId);
        return;
      }
      case 'pause': {
        if (m.state !== 'flying') throw conflict(m, 'pause');
        await this.connection(m)
          .pauseMission()
          .catch((e) => Promise.reject(linkFailure(e, 'pause')));
        await this.move(m, 'interrupted', { progress: { paused: true, interruptedBy: 'pause' } });
        return;
      }
      case 'continue': {
        if (m.state !== 'interrupted') throw conflict(m, 'continue');
        const c = this.connection(m);
        if (m.progress.paused === true) {
          await c.continueMission().catch((e) => Promise.reject(linkFailure(e, 'continue')));
        } else {
          // After RTL or a lost link: re-upload (skipped by the link when unchanged), fly on from the last reached item.
          const from = resumePoint(m.items, Math.max(0, m.lastReachedSeq ?? 0));
          await c.uploadMission(m.items).catch((e) => Promise.reject(linkFailure(e, 'continue')));
          await c.setCurrentItem(from).catch((e) => Promise.reject(linkFailure(e, 'continue')));
          await c.startMission().catch((e) => Promise.reject(linkFailure(e, 'continue')));
        }
        let flightId = m.flightId;
        if (!flightId || !this.trackers.has(m.id)) flightId = await startFlight(this.db, m.id, m.droneId!);
        await this.move(m, 'flying', { flightId, progress: { paused: false, resumedFrom: m.lastReachedSeq ?? 0 } });
        this.track(m.id, c, flightId);
        return;
      }
      case 'rtl': {
        if (m.state !== 'flying' && m.state !== 'interrupted') throw conflict(m, 'return to launch');
        await this.connection(m)
          .returnToLaunch()
          .catch((e) => Promise.reject(linkFailure(e, 'rtl')));
        if (m.state === 'flying')
          await this.move(m, 'interrupted', { progress: { paused: false, interruptedBy: 'rtl' } });
        else await recordProgress(this.db, m.id, null, { paused: false, interruptedBy: 'rtl' });
        return;
      }
      case 'abort': {
        if (m.state === 'completed' || m.state === 'failed') throw conflict(m, 'abort');
        if (m.state === 'flying' || m.state === 'interrupted') {
          // Bring it home; if the link is gone there is nothing more to send.
          await this.links
            ?.get(m.droneId ?? '')
            ?.returnToLaunch()
            .catch(() => undefined);
        }
        await this.move(m, 'failed', { error: `已中止 / aborted by ${actor}` });
        await this.untrack(m.id, true);
        return;
      }
    }
  }

  /** Scheduler hook: the planned mission of a queued sortie (started later by `launchForSchedule`). */
  readonly prepareForSchedule: PreparePatrol = async ({ schedule, droneId, sortieIndex }) => {
    const m = await this.instantiate(
      schedule.planId,
      sortieIndex,
      droneId,
      await this.droneDepartment(droneId),
      schedule.id,
      true,
    );
    return { missionId: m.id };
  };

  /**
   * Scheduler hook: a mission for one sortie of the schedule's plan on the chosen drone (or the given planned
   * mission of a queued sortie), uploaded and started.
   */
  readonly launchForSchedule: LaunchPatrol = async ({ schedule, droneId, sortieIndex, missionId }) => {
    const m = missionId
      ? await getMission(this.db, missionId)
      : await this.instantiate(
          schedule.planId,
          sortieIndex ?? 0,
          droneId,
          await this.droneDepartment(droneId),
          schedule.id,
        );
    if (!m) throw notFound(`mission ${missionId}`);
    // A sortie queued while the drone was busy (returning from the interrupted one) resumes as well as a new one.
    if (m.state === 'planned' && m.progress.resumeFrom === undefined) await this.resumeInterruptedSortie(m);
    try {
      await this.run(m, 'upload', 'scheduler');
      await this.run((await getMission(this.db, m.id))!, 'start', 'scheduler');
    } catch (err) {
      await transition(this.db, m.id, 'failed', { error: (err as Error).message });
      throw err;
    }
    return { missionId: m.id };
  };

  /**
   * When the previous occurrence of this schedule left the same sortie interrupted mid-patrol (link lost, returned
   * to launch, found landed after a restart) with the same items, the new mission starts where that one stopped:
   * at its last reached item (or the start of the lane it was photographing, see resume-point.ts). Each interrupted mission is resumed once (it records who resumed it).
   */
  private async resumeInterruptedSortie(m: MissionRecord): Promise<void> {
    if (!m.scheduleId) return;
    const r = await this.db.query<{ id: string; last_reached_seq: number }>(
      `SELECT id, last_reached_seq FROM missions
        WHERE schedule_id = $1 AND sortie_index = $2 AND id <> $3 AND state = 'interrupted'
          AND last_reached_seq >= 1 AND progress->>'resumedBy' IS NULL
          AND progress->>'interruptedBy' IS DISTINCT FROM 'pause' AND items = $4::jsonb
        ORDER BY created_at DESC LIMIT 1`,
      [m.scheduleId, m.sortieIndex, m.id, JSON.stringify(m.items)],
    );
    const prev = r.rows[0];
    if (!prev) return;
    const resumeFrom = resumePoint(m.items, prev.last_reached_seq);
    await recordProgress(this.db, m.id, null, { resumeFrom, resumesMissionId: prev.id });
    await recordProgress(this.db, prev.id, null, { resumedBy: m.id });
    this.logger.info(
      { missionId: m.id, resumes: prev.id, reached: prev.last_reached_seq, from: resumeFrom },
      'patrol resumes an interrupted sortie',
    );
  }

  private async droneDepartment(droneId: string): Promise<string | null> {
    const r = await this.db.query<{ department_id: string | null }>('SELECT department_id FROM drones WHERE id = $1', [
      droneId,
    ]);
    return r.rows[0]?.department_id ?? null;
  }

  /**
   * After a restart: reconciles the missions the previous process left `uploading` or `flying`. An upload
   * cut short was never verified, so it fails. A flying mission's drone is waited for (up to `deadlineMs`):
   * still armed in mission mode → tracking resumes; last item reached → completed; landed, disarmed, out of
   * mission mode or unreachable → interrupted at its last reached item (an operator resumes from there).
   */
  async recover(opts: RecoverOptions = {}): Promise<RecoveryOutcome[]> {
    const out: RecoveryOutcome[] = [];
    const uploading = await this.db.query<{ id: string }>(`SELECT id FROM missions WHERE state = 'uploading'`);
    for (const { id } of uploading.rows) {
      const moved = await transition(this.db, id, 'failed', {
        error: '上传被服务重启打断，未经校验 / upload cut short by a service restart: never verified',
      });
      if (moved) out.push({ missionId: id, outcome: 'failed' });
    }
    const flying = await this.db.query<{ id: string }>(`SELECT id FROM missions WHERE state = 'flying'`);
    const results = await Promise.all(flying.rows.map(({ id }) => this.recoverFlying(id, opts)));
    out.push(...results.filter((r): r is RecoveryOutcome => r !== null));
    for (const r of out) this.logger.info(r, 'mission reconciled after restart');
    return out;
  }

  private async recoverFlying(id: string, opts: RecoverOptions): Promise<RecoveryOutcome | null> {
    const m = await getMission(this.db, id);
    if (!m || m.state !== 'flying' || !m.droneId) return null;
    const deadline = Date.now() + (opts.deadlineMs ?? 30_000);
    let c: DroneConnection | undefined;
    let s: DroneLiveStatus | undefined;
    // Wait for the link to reconnect and report mission progress (MISSION_CURRENT streams at ~1 Hz).
    for (;;) {
      if (opts.signal?.aborted) return null;
      c = this.links?.get(m.droneId);
      s = c?.status();
      if (c && s?.connected && s.armed !== undefined && s.missionProgress) break;
      if (Date.now() > deadline) {
        c = undefined;
        break;
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
    const dbReached = m.lastReachedSeq ?? -1;
    if (!c || !s?.missionProgress) {
      if (m.flightId) await endFlight(this.db, m.flightId);
      await transition(this.db, id, 'interrupted', {
        error: '重启后无人机未在期限内连接 / drone not reachable after the service restarted',
        progress: { paused: false, interruptedBy: 'restart' },
      });
      return { missionId: id, outcome: 'interrupted', lastReachedSeq: m.lastReachedSeq };
    }
    const mp = s.missionProgress;
    const reached = Math.max(dbReached, mp.lastReached);
    const last = m.itemCount - 1;
    if (mp.lastReached >= 0)
      await recordProgress(this.db, id, mp.lastReached, { current: mp.current, total: mp.total });
    const done = mp.state === 5 || reached >= last || (mp.current >= last && s.armed === false && reached >= 0);
    if (done) {
      if (m.flightId) await endFlight(this.db, m.flightId);
      await transition(this.db, id, 'completed', {
        progress: { completedAt: new Date().toISOString(), recoveredAfterRestart: true },
      });
      return { missionId: id, outcome: 'completed', lastReachedSeq: reached };
    }
    if (s.armed === true && s.flightMode === 'mission') {
      const flightId = m.flightId ?? (await startFlight(this.db, id, m.droneId));
      await recordProgress(this.db, id, null, { recoveredAt: new Date().toISOString() });
      if (!m.flightId) await this.db.query('UPDATE missions SET flight_id = $2 WHERE id = $1', [id, flightId]);
      this.track(id, c, flightId, reached);
      return { missionId: id, outcome: 'tracking', lastReachedSeq: reached };
    }
    if (m.flightId) await endFlight(this.db, m.flightId);
    await transition(this.db, id, 'interrupted', {
      error: `重启后发现任务已中断（${s.armed ? '非航线模式' : '已降落/上锁'}）/ found ${
        s.armed ? `out of mission mode (${s.flightMode ?? 'unknown'})` : 'landed and disarmed'
      } after the service restarted`,
      progress: { paused: false, interruptedBy: 'restart' },
    });
    return { missionId: id, outcome: 'interrupted', lastReachedSeq: reached >= 0 ? reached : null };
  }

  private track(missionId: string, c: DroneConnection, flightId: string, lastReached = -1): void {
    const existing = this.trackers.get(missionId);
    if (existing && existing.recorder.flightId === flightId) return;
    existing?.off();
    const tracker: Tracker = {
      off: () => {},
      recorder: new FlightRecorder(this.db, flightId),
      queue: Promise.resolve(),
      lastReached,
      lastCurrent: -1,
    };
    tracker.off = c.subscribe((s) => {
      tracker.queue = tracker.queue
        .then(() => this.onStatus(missionId, tracker, s))
        .catch((err: unknown) => {
          this.logger.error({ err, missionId }, 'mission tracking failed');
        });
    });
    this.trackers.set(missionId, tracker);
  }

  private async onStatus(missionId: string, t: Tracker, s: DroneLiveStatus): Promise<void> {
    t.recorder.push(s);
    const mp = s.missionProgress;
    if (mp && (mp.lastReached > t.lastReached || mp.current !== t.lastCurrent)) {
      t.lastReached = Math.max(t.lastReached, mp.lastReached);
      t.lastCurrent = mp.current;
      await recordProgress(this.db, missionId, mp.lastReached >= 0 ? mp.lastReached : null, {
        current: mp.current,
        total: mp.total,
      });
    }
    const m = await getMission(this.db, missionId);
    if (!m || m.state !== 'flying') {
      // Keep recording a hovering (paused) or returning drone until it has landed and disarmed.
      if (!m || s.armed === false) await this.untrack(missionId, true);
      return;
    }
    if (!s.connected) {
      await transition(this.db, missionId, 'interrupted', {
        error: '链路中断 / link lost',
        progress: { paused: false, interruptedBy: 'link' },
      });
      return;
    }
    const total = mp?.total ?? m.itemCount;
    const done =
      mp &&
      (mp.state === 5 ||
        (total > 0 && mp.lastReached >= total - 1) ||
        (mp.current >= total - 1 && s.armed === false && t.lastReached >= 0));
    if (done) {
      await transition(this.db, missionId, 'completed', { progress: { completedAt: new Date().toISOString() } });
      if (s.armed === false) await this.untrack(missionId, true);
    }
  }

  private async untrack(missionId: string, closeFlight: boolean): Promise<void> {
    const t = this.trackers.get(missionId);
    if (!t) return;
    this.trackers.delete(missionId);
    t.off();
    await t.recorder.flush();
    if (closeFlight) await endFlight(this.db, t.recorder.flightId);
  }

  /** Stops following missions (service shutdown); flights stay open for the next start to close or continue. */
  async stop(): Promise<void> {
    for (const [id, t] of this.trackers) {
      t.off();
      await t.recorder.flush();
      this.trackers.delete(id);
    }
  }
}
