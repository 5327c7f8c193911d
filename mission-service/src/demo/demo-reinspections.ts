import type { AuthUser } from '../auth/index.ts';
import { createArea } from '../areas/area-service.ts';
import { getArea } from '../areas/area-repository.ts';
import { getCase, listReinspections, systemActor } from '../cases/index.ts';
import { requestReinspection } from '../cases/transitions.ts';
import type { Db } from '../db/db.ts';
import { liveStatus, type DroneLinkManager } from '../drones/link-port.ts';
import type { Logger } from '../logger.ts';
import type { MissionControl } from '../missions/mission-control.ts';
import { createPlan } from '../plans/plan-service.ts';

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

  private async idleDrone(): Promise<string | null> {
    for (const droneId of this.o.droneIds) {
      if (!liveStatus(this.o.links, droneId).connected) continue;
      const busy = await this.o.db.query(
        `SELECT 1 FROM missions WHERE drone_id = $1 AND state IN ('uploading', 'uploaded', 'flying') LIMIT 1`,
        [droneId],
      );
      if (!busy.rows.length) return droneId;
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
    const plan = await createPlan(db, operator, {
      name: `复飞核查 / re-inspection of ${caseId} (${reinspectionId})`,
      pattern: 'survey',
      areaIds: [areaId],
      params: { ...REINSPECTION_PLAN_PARAMS, launch: this.o.launch },
      droneId,
    });
    const mission = await missions.create(operator, { planId: plan.id, droneId });
    // Marked before the flight starts: a failed start is not retried in a loop, the operator sees the mission.
    await db.query(`UPDATE reinspections SET state = 'planned' WHERE id = $1 AND state = 'requested'`, [
      reinspectionId,
    ]);
    await missions.act(operator, mission.id, 'upload');
    await missions.act(operator, mission.id, 'start');
    this.o.logger.info(
      { reinspectionId, caseId, missionId: mission.id, droneId },
      'demo: re-inspection flight started',
    );
    return mission.id;
  }
}
