import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { preflight, type PreflightOptions } from './preflight.ts';
import { occurrencesBetween } from './recurrence.ts';
import { listSchedules, type ScheduleRecord } from './schedule-repository.ts';

/** Starts the patrol for an occurrence that passed pre-flight; returns the mission id. */
export type LaunchPatrol = (o: {
  schedule: ScheduleRecord;
  droneId: string;
  occursAt: Date;
}) => Promise<{ missionId: string }>;

export interface SchedulerOptions extends PreflightOptions {
  db: Db;
  logger: Logger;
  launch: LaunchPatrol;
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
        WHERE outcome = 'pending' AND fired_at < $1`,
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
    return { claimed };
  }

  /** Pre-flight over the drone pool, then launch with the first drone that passes; records the outcome. */
  private async fire(s: ScheduleRecord, occursAt: Date): Promise<{ outcome: string; reason: string | null }> {
    const { db, logger } = this.o;
    const record = async (outcome: string, reason: string | null, droneId: string | null, missionId: string | null) => {
      await db.query(
        `UPDATE schedule_occurrences SET outcome = $3, reason = $4, drone_id = $5, mission_id = $6
          WHERE schedule_id = $1 AND occurs_at = $2`,
        [s.id, occursAt, outcome, reason, droneId, missionId],
      );
      logger.info({ scheduleId: s.id, occursAt, outcome, reason, droneId, missionId }, 'schedule occurrence');
      return { outcome, reason };
    };
    try {
      const at = await this.planLaunchPoint(s.planId);
      const reasons: string[] = [];
      for (const droneId of s.droneIds) {
        const check = await preflight(db, droneId, s.maxWindMps, at, this.o);
        if (!check.ok) {
          reasons.push(...check.reasons);
          continue;
        }
        try {
          const { missionId } = await this.o.launch({ schedule: s, droneId, occursAt });
          return await record('flown', null, droneId, missionId);
        } catch (err) {
          return await record('failed', `起飞失败 / launch failed: ${(err as Error).message}`, droneId, null);
        }
      }
      return await record(
        'skipped',
        `飞前检查未通过 / pre-flight failed: ${[...new Set(reasons)].join('; ')}`,
        null,
        null,
      );
    } catch (err) {
      return record('failed', `调度出错 / scheduler error: ${(err as Error).message}`, null, null);
    }
  }

  private async planLaunchPoint(planId: string): Promise<{ lon: number; lat: number } | null> {
    const r = await this.o.db.query<{ launch: { lon: number; lat: number } | null }>(
      `SELECT document->'launch' AS launch FROM plans WHERE id = $1`,
      [planId],
    );
    return r.rows[0]?.launch ?? null;
  }
}
