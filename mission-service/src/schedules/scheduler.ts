import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { preflight, type PreflightOptions } from './preflight.ts';
import { occurrencesBetween } from './recurrence.ts';
import { listSchedules, type ScheduleRecord } from './schedule-repository.ts';

/**
 * Starts one sortie of the patrol for an occurrence on a drone that passed pre-flight (or the planned mission
 * `missionId` of a queued sortie); returns the mission id.
 */
export type LaunchPatrol = (o: {
  schedule: ScheduleRecord;
  droneId: string;
  occursAt: Date;
  sortieIndex: number;
  missionId?: string;
}) => Promise<{ missionId: string }>;

/** Creates the planned mission of a sortie queued behind another one on the same drone. */
export type PreparePatrol = (o: {
  schedule: ScheduleRecord;
  droneId: string;
  occursAt: Date;
  sortieIndex: number;
}) => Promise<{ missionId: string }>;

/** One sortie of a fired occurrence (stored in schedule_occurrences.sorties). */
export interface SortieEntry {
  sortieIndex: number;
  droneId: string | null;
  missionId: string | null;
  /** The mission this one waits for (same drone, previous sortie). */
  afterMissionId: string | null;
  status: 'launched' | 'queued' | 'launching' | 'failed';
  reason: string | null;
}

export interface SchedulerOptions extends PreflightOptions {
  db: Db;
  logger: Logger;
  launch: LaunchPatrol;
  /** Creates planned missions for queued sorties up front; without it they are created when launched. */
  prepare?: PreparePatrol;
  /** A queued sortie still waiting this long after its occurrence fired fails. Default 6 h. */
  queueTimeoutMs?: number;
  /** Injected clock (tests drive time); default the system clock. */
  clock?: () => Date;
  /** Identifies this instance in the occurrence rows. */
  instanceId?: string;
  /** An occurrence first seen later than this after its time is recorded as missed, not flown. Default 10 min. */
  graceMs?: number;
  /** How far back to look for unrecorded occurrences (after a restart). Default 7 days. */
  lookbackMs?: number;
  /** A claimed occurrence still pending after this is marked failed (its instance died). Default 15 min. */
  staleClaimMs?: number;
}

export interface TickResult {
  /** Occurrences this instance claimed during the tick, with their outcome. */
  claimed: { scheduleId: string; occursAt: Date; outcome: string; reason: string | null }[];
}

/**
 * Fires each schedule occurrence exactly once, whichever instance gets there first: an occurrence is claimed by
 * inserting its (schedule_id, occurs_at) row; the primary key lets exactly one INSERT succeed across all
 * instances and restarts, and only the instance whose INSERT succeeded runs pre-flight and launches.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickResult> | undefined;
  private readonly clock: () => Date;
  readonly instanceId: string;

  constructor(private readonly o: SchedulerOptions) {
    this.clock = o.clock ?? (() => new Date());
    this.instanceId = o.instanceId ?? `sched-${randomUUID().slice(0, 8)}`;
  }

  /** Ticks every `intervalMs` until stop(). */
  start(intervalMs = 15_000): void {
    if (this.timer) return;
    const run = () => {
      this.tick().catch((err: unknown) => this.o.logger.error({ err }, 'scheduler tick failed'));
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over all schedules at the clock's current time (ticks never overlap within an instance). */
  tick(): Promise<TickResult> {
    this.running ??= this.doTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async doTick(): Promise<TickResult> {
    const now = this.clock();
    const { db } = this.o;
    const grace = this.o.graceMs ?? 10 * 60_000;
    const claimed: TickResult['claimed'] = [];
    await db.query(
      `UPDATE schedule_occurrences SET outcome = 'failed',
              reason = '实例在记录结果前停止 / the instance stopped before recording an outcome'
        WHERE outcome = 'pending' AND sorties IS NULL AND fired_at < $1`,
      [new Date(now.getTime() - (this.o.staleClaimMs ?? 15 * 60_000))],
    );
    for (const s of await listSchedules(db)) {
      const from = new Date(
        Math.max(s.activeFrom.getTime() - 1, now.getTime() - (this.o.lookbackMs ?? 7 * 86_400_000)),
      );
      const due = occurrencesBetween(s, from, now);
      if (!due.length) continue;
      const seen = await db.query<{ occurs_at: Date | string }>(
        'SELECT occurs_at FROM schedule_occurrences WHERE schedule_id = $1 AND occurs_at > $2 AND occurs_at <= $3',
        [s.id, from, now],
      );
      const known = new Set(seen.rows.map((r) => new Date(r.occurs_at).getTime()));
      for (const occursAt of due) {
        if (known.has(occursAt.getTime())) continue;
        const missed = now.getTime() - occursAt.getTime() > grace;
        const [outcome, reason] = s.paused
          ? ['skipped', '计划已暂停 / schedule paused']
          : missed
            ? ['skipped', '错过：服务当时未运行 / missed: the service was not running at that time']
            : ['pending', null];
        const ins = await db.query(
          `INSERT INTO schedule_occurrences (schedule_id, occurs_at, fired_at, outcome, reason, instance_id)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (schedule_id, occurs_at) DO NOTHING`,
          [s.id, occursAt, now, outcome, reason, this.instanceId],
        );
        if (ins.affectedRows !== 1) continue; // another instance has it
        const final = outcome === 'pending' ? await this.fire(s, occursAt) : { outcome, reason };
        claimed.push({ scheduleId: s.id, occursAt, ...final });
      }
    }
    await this.pumpQueued(now);
    return { claimed };
  }

  /**
   * Pre-flight over the drone pool, then one mission per sortie of the plan: the drones that passed take the
   * sorties round-robin; the first sortie on each drone starts now, the next ones queue behind it (started by
   * later ticks once the previous one completed and the drone passes pre-flight again).
   */
  private async fire(s: ScheduleRecord, occursAt: Date): Promise<{ outcome: string; reason: string | null }> {
    const { db } = this.o;
    try {
      const { at, sortieCount } = await this.planInfo(s.planId);
      const reasons: string[] = [];
      const ready: string[] = [];
      for (const droneId of s.droneIds) {
        const check = await preflight(db, droneId, s.maxWindMps, at, this.o);
        if (check.ok) ready.push(droneId);
        else reasons.push(...check.reasons);
      }
      if (!ready.length) {
        return await this.record(
          s.id,
          occursAt,
          'skipped',
          `飞前检查未通过 / pre-flight failed: ${[...new Set(reasons)].join('; ')}`,
          null,
          null,
          null,
        );
      }
      // A plan with no sorties still gets one launch attempt, which fails naming the missing sortie.
      const entries: SortieEntry[] = [];
      const lastOn = new Map<string, SortieEntry>();
      for (let i = 0; i < Math.max(1, sortieCount); i++) {
        const droneId = ready[i % ready.length]!;
        const before = lastOn.get(droneId);
        const e: SortieEntry = {
          sortieIndex: i,
          droneId,
          missionId: null,
          afterMissionId: null,
          status: 'launched',
          reason: null,
        };
        if (!before) {
          try {
            e.missionId = (await this.o.launch({ schedule: s, droneId, occursAt, sortieIndex: i })).missionId;
          } catch (err) {
            Object.assign(e, { status: 'failed', reason: `起飞失败 / launch failed: ${(err as Error).message}` });
          }
        } else if (before.status === 'failed' || !before.missionId) {
          Object.assign(e, {
            status: 'failed',
            reason: `同机前一架次未起飞 / the previous sortie on ${droneId} did not launch`,
          });
        } else {
          e.status = 'queued';
          e.afterMissionId = before.missionId;
          if (this.o.prepare) {
            try {
              e.missionId = (await this.o.prepare({ schedule: s, droneId, occursAt, sortieIndex: i })).missionId;
            } catch (err) {
              Object.assign(e, {
                status: 'failed',
                reason: `任务创建失败 / mission not created: ${(err as Error).message}`,
              });
            }
          }
        }
        entries.push(e);
        lastOn.set(droneId, e);
      }
      return await this.settle(s.id, occursAt, entries);
    } catch (err) {
      return this.record(
        s.id,
        occursAt,
        'failed',
        `调度出错 / scheduler error: ${(err as Error).message}`,
        null,
        null,
        null,
      );
    }
  }

  /** Stores the sorties; the outcome stays pending while some are queued, else flown / failed with reasons. */
  private async settle(
    scheduleId: string,
    occursAt: Date,
    entries: SortieEntry[],
  ): Promise<{ outcome: string; reason: string | null }> {
    const first = entries[0]!;
    if (entries.some((e) => e.status === 'queued' || e.status === 'launching')) {
      await this.o.db.query(
        `UPDATE schedule_occurrences SET sorties = $3, drone_id = $4, mission_id = $5
          WHERE schedule_id = $1 AND occurs_at = $2`,
        [scheduleId, occursAt, JSON.stringify(entries), first.droneId, first.missionId],
      );
      return { outcome: 'pending', reason: null };
    }
    const failed = entries.filter((e) => e.status !== 'launched');
    const reason = failed.length
      ? failed
          .map((e) => `架次 ${e.sortieIndex} / sortie ${e.sortieIndex} (${e.droneId ?? '—'}): ${e.reason}`)
          .join('; ')
      : null;
    return this.record(
      scheduleId,
      occursAt,
      failed.length ? 'failed' : 'flown',
      reason,
      first.droneId,
      first.missionId,
      entries,
    );
  }

  private async record(
    scheduleId: string,
    occursAt: Date,
    outcome: string,
    reason: string | null,
    droneId: string | null,
    missionId: string | null,
    sorties: SortieEntry[] | null,
  ): Promise<{ outcome: string; reason: string | null }> {
    await this.o.db.query(
      `UPDATE schedule_occurrences SET outcome = $3, reason = $4, drone_id = $5, mission_id = $6, sorties = $7
        WHERE schedule_id = $1 AND occurs_at = $2`,
      [scheduleId, occursAt, outcome, reason, droneId, missionId, sorties ? JSON.stringify(sorties) : null],
    );
    this.o.logger.info({ scheduleId, occursAt, outcome, reason, droneId, missionId }, 'schedule occurrence');
    return { outcome, reason };
  }

  /**
   * Starts queued sorties whose previous sortie on the same drone completed and whose drone passes pre-flight;
   * fails those whose predecessor failed or that waited past the queue timeout. Any instance may do this:
   * a sortie is claimed (queued → launching) by one conditional UPDATE before it is launched.
   */
  private async pumpQueued(now: Date): Promise<void> {
    const { db } = this.o;
    const rows = await db.query<{
      schedule_id: string;
      occurs_at: Date | string;
      fired_at: Date | string;
      sorties: SortieEntry[];
    }>(
      `SELECT schedule_id, occurs_at, fired_at, sorties FROM schedule_occurrences
        WHERE outcome = 'pending' AND sorties IS NOT NULL ORDER BY occurs_at`,
    );
    const schedules = new Map((await listSchedules(db)).map((s) => [s.id, s]));
    for (const row of rows.rows) {
      const occursAt = new Date(row.occurs_at);
      const s = schedules.get(row.schedule_id);
      const timedOut = now.getTime() - new Date(row.fired_at).getTime() > (this.o.queueTimeoutMs ?? 6 * 3600_000);
      for (let i = 0; i < row.sorties.length; i++) {
        const e = row.sorties[i]!;
        if (e.status !== 'queued') continue;
        let fail: string | null = null;
        if (!s) fail = '巡查计划已删除 / schedule deleted';
        else {
          const prev = await db.query<{ state: string }>('SELECT state FROM missions WHERE id = $1', [
            e.afterMissionId,
          ]);
          const prevState = prev.rows[0]?.state;
          if (prevState === 'failed' || prevState === undefined) {
            fail = `同机前一架次失败 / the previous sortie on ${e.droneId} failed`;
          } else if (prevState === 'completed') {
            const { at } = await this.planInfo(s.planId);
            const check = await preflight(db, e.droneId!, s.maxWindMps, at, this.o);
            if (check.ok) {
              if (!(await this.claimSortie(row.schedule_id, occursAt, i))) continue;
              try {
                const { missionId } = await this.o.launch({
                  schedule: s,
                  droneId: e.droneId!,
                  occursAt,
                  sortieIndex: e.sortieIndex,
                  ...(e.missionId ? { missionId: e.missionId } : {}),
                });
                await this.updateSortie(row.schedule_id, occursAt, i, { status: 'launched', missionId, reason: null });
              } catch (err) {
                await this.updateSortie(row.schedule_id, occursAt, i, {
                  status: 'failed',
                  reason: `起飞失败 / launch failed: ${(err as Error).message}`,
                });
              }
              continue;
            }
            if (timedOut) fail = `飞前检查未通过 / pre-flight failed: ${check.reasons.join('; ')}`;
            else await this.updateSortie(row.schedule_id, occursAt, i, { reason: check.reasons.join('; ') }, 'queued');
          }
          if (!fail && timedOut) fail = `排队超时 / timed out waiting for the previous sortie (${prevState})`;
        }
        if (fail) {
          if (e.missionId) {
            await db.query(
              `UPDATE missions SET state = 'failed', error = $2, updated_at = now() WHERE id = $1 AND state = 'planned'`,
              [e.missionId, fail],
            );
          }
          await this.updateSortie(row.schedule_id, occursAt, i, { status: 'failed', reason: fail }, 'queued');
        }
      }
      const after = await db.query<{ sorties: SortieEntry[]; outcome: string }>(
        'SELECT sorties, outcome FROM schedule_occurrences WHERE schedule_id = $1 AND occurs_at = $2',
        [row.schedule_id, occursAt],
      );
      const cur = after.rows[0];
      if (cur?.outcome === 'pending' && !cur.sorties.some((x) => x.status === 'queued' || x.status === 'launching')) {
        await this.settle(row.schedule_id, occursAt, cur.sorties);
      }
    }
  }

  /** queued → launching for exactly one instance. */
  private async claimSortie(scheduleId: string, occursAt: Date, i: number): Promise<boolean> {
    return this.updateSortie(scheduleId, occursAt, i, { status: 'launching' }, 'queued');
  }

  /** Merges `patch` into sortie `i` (only while its status is `onlyIf`, when given). */
  private async updateSortie(
    scheduleId: string,
    occursAt: Date,
    i: number,
    patch: Partial<SortieEntry>,
    onlyIf?: SortieEntry['status'],
  ): Promise<boolean> {
    const r = await this.o.db.query(
      `UPDATE schedule_occurrences SET sorties = jsonb_set(sorties, ARRAY[$3::text], (sorties -> $3::int) || $4::jsonb)
        WHERE schedule_id = $1 AND occurs_at = $2 AND ($5::text IS NULL OR sorties -> $3::int ->> 'status' = $5)`,
      [scheduleId, occursAt, i, JSON.stringify(patch), onlyIf ?? null],
    );
    return r.affectedRows === 1;
  }

  private async planInfo(planId: string): Promise<{ at: { lon: number; lat: number } | null; sortieCount: number }> {
    const r = await this.o.db.query<{ launch: { lon: number; lat: number } | null; n: number | null }>(
      `SELECT document->'launch' AS launch, jsonb_array_length(COALESCE(document->'sorties', '[]'::jsonb)) AS n
         FROM plans WHERE id = $1`,
      [planId],
    );
    return { at: r.rows[0]?.launch ?? null, sortieCount: Number(r.rows[0]?.n ?? 0) };
  }
}
