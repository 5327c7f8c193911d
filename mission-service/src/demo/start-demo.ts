import { createSession, findUserByUsername, type AuthUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import type { DroneConnectionPolicy } from '../drones/connection-policy.ts';
import { liveStatus, type DroneLinkManager } from '../drones/link-port.ts';
import type { Logger } from '../logger.ts';
import type { MissionControl } from '../missions/mission-control.ts';
import type { Scheduler } from '../schedules/scheduler.ts';
import type { DemoDroneLauncher } from './demo-drones-port.ts';
import { ensureDemoFleet } from './demo-fleet.ts';
import { ensureDemoPatrol } from './demo-patrol.ts';
import { DemoReinspections } from './demo-reinspections.ts';

/** The account the demo's drones, plans and dock uploads belong to (one of auth/demo-users.ts). */
export const DEMO_OPERATOR = 'demo-operator';
/** The dock's upload session lasts as long as a demo is likely to run. */
const DOCK_SESSION_MS = 30 * 86_400_000;

export interface StartDemoOptions {
  db: Db;
  logger: Logger;
  /** Base URL of the running service (the dock uploads to `${url}/api/images`). */
  url: string;
  launcher: DemoDroneLauncher;
  links: DroneLinkManager;
  missions: MissionControl;
  scheduler: Scheduler;
  policy?: DroneConnectionPolicy;
  /** Time from start to the patrol's first occurrence. Default 40 s (the drones report in well before). */
  firstDelayMs?: number;
  /** Simulation speed-up; the launcher's default when absent. */
  speedup?: number;
  /** How long to wait for the drones' first telemetry. Default 20 s. */
  connectTimeoutMs?: number;
  reinspectionIntervalMs?: number;
  /** Where the start line goes; default stderr. */
  print?: (line: string) => void;
}

export interface RunningDemo {
  droneIds: string[];
  scheduleId: string;
  planId: string;
  firstAt: Date;
  /** The line printed at start. */
  line: string;
  reinspections: DemoReinspections;
  stop(): Promise<void>;
}

async function demoOperator(db: Db): Promise<AuthUser> {
  const u = await findUserByUsername(db, DEMO_OPERATOR);
  if (!u || u.disabled) throw new Error(`演示账号缺失 / the ${DEMO_OPERATOR} account is missing or disabled`);
  return { id: u.id, username: u.username, roles: u.roles, departmentId: u.departmentId };
}

/**
 * Demo mode's moving parts, started once the service listens: the launcher's drones (simulated, or ArduPilot SITL)
 * with a dock uploading to this service, registered and connected; the demo patrol seeded and armed to fly within a
 * minute, then hourly; re-inspection flights for resolved drone-found cases. Triage and case filing are the
 * service's own jobs. Everything it seeds is idempotent across restarts.
 */
export async function startDemo(o: StartDemoOptions): Promise<RunningDemo> {
  const { db, logger } = o;
  const operator = await demoOperator(db);
  const token = await createSession(db, operator.id, DOCK_SESSION_MS);
  const started = await o.launcher({
    ingestUrl: `${o.url}/api/images`,
    token,
    ...(o.speedup !== undefined ? { speedup: o.speedup } : {}),
    log: (line) => logger.info(line),
  });
  let reinspections: DemoReinspections | undefined;
  let kick: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearTimeout(kick);
    await reinspections?.stop();
    await Promise.all(started.drones.map((_, i) => o.links.disconnect(droneIds[i] ?? '').catch(() => undefined)));
    await started.stop();
  };
  let droneIds: string[] = [];
  try {
    const fleet = await ensureDemoFleet(db, operator, started.drones, o.policy);
    droneIds = fleet.drones.map((d) => d.id);
    await Promise.all(
      fleet.drones.map((d) => o.links.connect({ id: d.id, connection: d.connection, signingKey: d.signingKey })),
    );
    await untilReporting(o.links, droneIds, o.connectTimeoutMs ?? 20_000);
    const now = new Date();
    const patrol = await ensureDemoPatrol(db, operator, {
      area: started.patrolArea,
      launch: started.launch,
      droneIds,
      firstAt: new Date(now.getTime() + (o.firstDelayMs ?? 40_000)),
      now,
    });
    // The scheduler looks every 15 s; the first patrol should not wait for its next look, nor find a drone whose
    // link is catching its breath on a busy machine (pre-flight would skip the occurrence).
    kick = setTimeout(
      () =>
        void untilReporting(o.links, droneIds, 30_000)
          .then(() => o.scheduler.tick())
          .catch(() => undefined),
      Math.max(0, patrol.firstAt.getTime() - Date.now() + 250),
    );
    kick.unref();
    reinspections = new DemoReinspections({
      db,
      logger,
      missions: o.missions,
      links: o.links,
      operator,
      droneIds,
      launch: started.launch,
      ...(o.reinspectionIntervalMs !== undefined ? { intervalMs: o.reinspectionIntervalMs } : {}),
    });
    reinspections.start();
    const at = patrol.firstAt.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    const line =
      `演示模式 / demo mode: ${droneIds.length} 架${started.kind === 'simulated' ? '模拟' : ' ArduPilot SITL '}无人机已连接 ` +
      `/ ${droneIds.length} ${started.kind} drone(s) connected; 巡查计划 ${at}（北京时间）首飞，之后每小时 / patrol ` +
      `"${patrol.scheduleId}" first flies at ${at} Beijing time, then hourly; 照片降落后自动上传研判 / photos are ` +
      `uploaded and triaged after landing. 关闭演示 / turn it off: XUNCHA_DEMO=0`;
    (o.print ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    logger.info({ droneIds, ...patrol }, 'demo mode started');
    return {
      droneIds,
      scheduleId: patrol.scheduleId,
      planId: patrol.planId,
      firstAt: patrol.firstAt,
      line,
      reinspections,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Waits until every drone reports its battery (pre-flight needs it); a drone that does not is left to pre-flight. */
async function untilReporting(links: DroneLinkManager, droneIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      droneIds.every((id) => {
        const s = liveStatus(links, id);
        return s.connected && s.batteryPct !== undefined;
      })
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
