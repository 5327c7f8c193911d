import type { AuthUser } from '../auth/index.ts';
import { createArea } from '../areas/area-service.ts';
import { getArea } from '../areas/area-repository.ts';
import { getCase, listReinspections, systemActor } from '../cases/index.ts';
import { requestReinspection } from '../cases/transitions.ts';
import type { Db } from '../db/db.ts';
import type { DroneLinkManager } from '../drones/link-port.ts';
import type { Logger } from '../logger.ts';
import type { MissionControl } from '../missions/mission-control.ts';
import { createPlan } from '../plans/plan-service.ts';
import { preflight } from '../schedules/preflight.ts';

export interface DemoReinspectionOptions {
  db: Db;
  logger: Logger;
  missions: MissionControl;
  links: DroneLinkManager;
  /** The demo operator: owns the re-inspection areas, plans and missions. */
  operator: AuthUser;
  /** The demo drones, in order of preference. */
  droneIds: string[];
  /** Take-off point, [lon, lat]. */
  launch: [number, number];
  /** How often to look for work. Default 10 s. */
  intervalMs?: number;
}

/** A re-inspection flies low and close: the spot only, seen sharp. */
const REINSPECTION_PLAN_PARAMS = { altAglM: 60, frontOverlap: 0.6, sideOverlap: 0.5 };

/**
 * Demo mode's re-inspection flights: every drone-found case that is resolved gets a re-inspection request (the
 * planner UI's resolve does not ask for one; the demo shows the loop closing all the same), and every requested
 * re-inspection is flown by an idle demo drone — an area over its survey polygon, a survey plan, a mission
 * uploaded and started — and marked `planned`.
 */
export class DemoReinspections {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(private readonly o: DemoReinspectionOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass (passes never overlap); resolves with the missions it started. */
  tick(): Promise<string[]> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.o.logger.warn({ err }, 'demo re-inspection pass failed');
        return [];
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<string[]> {
    await this.requestForResolvedCases();
    const started: string[] = [];
    for (const r of await listReinspections(this.o.db, 'requested')) {
      const droneId = await this.idleDrone();
      if (!droneId) break; // the next pass tries again
      started.push(await this.fly(r.id, r.caseId, r.surveyPolygon, droneId));
    }
    return started;
  }

  /** Resolved drone-found cases with no re-inspection pending get one (as the service). */
  private async requestForResolvedCases(): Promise<void> {
    const { db } = this.o;
    const r = await db.query<{ id: string }>(
      `SELECT c.id FROM cases c
        WHERE c.state = 'resolved' AND c.source = 'drone'
          AND NOT EXISTS (SELECT 1 FROM reinspections r WHERE r.case_id = c.id AND r.state <> 'done')
        ORDER BY c.id LIMIT 50`,
    );
    for (const { id } of r.rows) {
      await db.transaction(async (tx) => {
        const c = await getCase(tx, id, true);
        if (c.state !== 'resolved') return;
        const reiId = await requestReinspection(tx, c, systemActor('demo'), new Date());
        this.o.logger.info({ caseId: id, reinspectionId: reiId }, 'demo: re-inspection requested for a resolved case');
      });
    }
  }

  /** The first demo drone that passes the scheduler's own pre-flight checks (link, battery, not flying). */
  private async idleDrone(): Promise<string | null> {
    for (const droneId of this.o.droneIds) {
      if ((await preflight(this.o.db, droneId, null, null, { links: this.o.links })).ok) return droneId;
    }
    return null;
  }

  private async fly(
    reinspectionId: string,
    caseId: string,
    polygon: GeoJSON.Polygon,
    droneId: string,
  ): Promise<string> {
    const { db, operator, missions } = this.o;
    const areaId = `area_demo_${reinspectionId}`;
    if (!(await getArea(db, areaId))) {
      await createArea(db, operator, {
        type: 'Feature',
        id: areaId,
        geometry: polygon,
        properties: { kind: 'farmland', name: `复飞核查 / re-inspection of ${caseId}` },
      });
    }
    // One plan per re-inspection, found again when an earlier try failed to start.
    const name = `复飞核查 / re-inspection of ${caseId} (${reinspectionId})`;
    const known = await db.query<{ id: string }>('SELECT id FROM plans WHERE name = $1 AND archived_at IS NULL', [
      name,
    ]);
    const planId =
      known.rows[0]?.id ??
      (
        await createPlan(db, operator, {
          name,
          pattern: 'survey',
          areaIds: [areaId],
          params: { ...REINSPECTION_PLAN_PARAMS, launch: this.o.launch },
          droneId,
        })
      ).id;
    const mission = await missions.create(operator, { planId, droneId });
    // `planned` while it flies; a flight that does not start (a link that drops on a busy machine) is asked for
    // again on the next pass — the failed mission stays in the list for the operator to see.
    await db.query(`UPDATE reinspections SET state = 'planned' WHERE id = $1 AND state = 'requested'`, [
      reinspectionId,
    ]);
    try {
      await missions.act(operator, mission.id, 'upload');
      await missions.act(operator, mission.id, 'start');
    } catch (err) {
      await db.query(`UPDATE reinspections SET state = 'requested' WHERE id = $1 AND state = 'planned'`, [
        reinspectionId,
      ]);
      throw err;
    }
    this.o.logger.info(
      { reinspectionId, caseId, missionId: mission.id, droneId },
      'demo: re-inspection flight started',
    );
    return mission.id;
  }
}
