import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeConfig, type Config } from './config.ts';
import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { openDb } from './db/open-db.ts';
import { loadSampleDataOnce } from './db/seed-sample-data.ts';
import { ensureInitialAdmin, syncDemoUsers } from './auth/index.ts';
import { startCaseTimers } from './cases/index.ts';
import { createApp } from './http/app.ts';
import { securityFromConfig } from './http/security-options.ts';
import { ensureWebAppBuilt } from './http/web-app/index.ts';
import { startTriageJobs } from './jobs/index.ts';
import { startMissionRuntime } from './missions/runtime.ts';
import type { Logger } from './logger.ts';
import type { DemoDroneLauncher } from './demo/demo-drones-port.ts';
import { pauseDemoPatrol } from './demo/demo-patrol.ts';
import { startDemo, type RunningDemo } from './demo/start-demo.ts';
import { RefusalTally } from './limits/refusal-tally.ts';

export interface RunningService {
  db: Db;
  /** Demo mode's drones, patrol and re-inspections; null outside demo mode or without a drone launcher. */
  demo: RunningDemo | null;
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/** What the entry point may hand the service beyond its configuration. */
export interface ServiceExtras {
  /** Starts demo mode's drones (the simulator's `startDemoDrones`, passed in by bin/xuncha.mjs). */
  demoDrones?: DemoDroneLauncher;
  /** Demo tuning for tests: simulation speed-up, delay to the first patrol, re-inspection poll. */
  demoOptions?: { speedup?: number; firstDelayMs?: number; reinspectionIntervalMs?: number };
  /** Scheduler poll interval (default 15 s). */
  schedulerIntervalMs?: number;
}

/**
 * The main job: open the database, apply migrations, load the sample data on first start, serve the API; in demo
 * mode with a drone launcher, fly the demo patrol (demo/start-demo.ts).
 */
export async function startService(cfg: Config, logger: Logger, extras: ServiceExtras = {}): Promise<RunningService> {
  logger.info({ config: describeConfig(cfg) }, 'effective configuration');
  const db = await openDb(cfg, 'serve');
  let demoUsers: string[] = [];
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    if (cfg.loadSampleData) {
      const loaded = await loadSampleDataOnce(db);
      if (loaded) logger.info(loaded, 'sample data loaded (first start)');
    }
    await ensureInitialAdmin(db, logger);
    demoUsers = await syncDemoUsers(db, logger, { enabled: cfg.demo, host: cfg.host, embedded: !cfg.databaseUrl });
    if (!cfg.demo && (await pauseDemoPatrol(db))) logger.warn('demo patrol paused (demo mode is off)');
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  // Triage jobs (pg-boss on this database): ingest → triage → merge → file. With the embedded database this
  // in-process worker is the only one there can be; on PostgreSQL `xuncha worker` processes add to it.
  const triage = await startTriageJobs({
    db,
    dataDir: cfg.dataDir,
    modelManifest: cfg.model,
    photoTimeZone: cfg.photoTimeZone,
    logger,
  }).catch(async (err: unknown) => {
    await db.close().catch(() => {});
    throw err;
  });
  const runtime = startMissionRuntime(db, logger, {
    dataDir: cfg.dataDir,
    ...(extras.schedulerIntervalMs !== undefined ? { schedulerIntervalMs: extras.schedulerIntervalMs } : {}),
  });
  // SLA escalation (督办 → 催办 → 通报) and webhook deliveries with retries.
  const security = securityFromConfig(cfg);
  const caseTimers = startCaseTimers({
    db,
    webhookPolicy: security.webhooks,
    onError: (err) => logger.warn({ err }, 'case timers sweep failed'),
  });
  await ensureWebAppBuilt(logger);
  const basemap = { url: cfg.basemapUrl, crs: cfg.basemapCrs, tiandituKey: cfg.tiandituKey };
  const webApp = { basemap, demoUsers, demo: cfg.demo, warn: (message: string) => logger.warn(message) };
  const refusals = new RefusalTally(db, logger);
  const app = createApp({
    db,
    logger,
    refusals,
    ...runtime.deps,
    enqueueTriage: triage.enqueueTriage,
    photoTimeZone: cfg.photoTimeZone,
    security,
    webApp,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.port, cfg.host, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err: NodeJS.ErrnoException) => {
    await caseTimers.stop().catch(() => {});
    await runtime.stop().catch(() => {});
    await triage.stop().catch(() => {});
    await db.close().catch(() => {});
    throw new Error(
      err.code === 'EADDRINUSE'
        ? `端口被占用 / port ${cfg.port} on ${cfg.host} is already in use: stop the other process or set PORT`
        : `cannot listen on ${cfg.host}:${cfg.port}: ${err.message}`,
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;
  logger.info({ url }, 'xuncha listening');
  // The demo's drones are a convenience on top of a working service: if they cannot start, the service still runs.
  const demo =
    cfg.demo && extras.demoDrones
      ? await startDemo({
          db,
          logger,
          url,
          launcher: extras.demoDrones,
          links: runtime.deps.links!,
          missions: runtime.deps.missions!,
          scheduler: runtime.scheduler,
          policy: security.drones,
          ...extras.demoOptions,
        }).catch((err: unknown) => {
          logger.error({ err }, 'demo drones did not start');
          process.stderr.write(`演示无人机未能启动 / demo drones did not start: ${(err as Error).message}\n`);
          return null;
        })
      : null;
  return {
    db,
    demo,
    server,
    url,
    async stop() {
      await demo?.stop().catch(() => {});
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live telemetry streams (SSE) never end by themselves: close them so close() can finish.
      server.closeAllConnections();
      await closed;
      await refusals.flush(); // the counts of the last minute, before the database closes
      await caseTimers.stop();
      await runtime.stop();
      await triage.stop();
      await db.close();
    },
  };
}
