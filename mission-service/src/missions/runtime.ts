import type { Db } from '../db/db.ts';
import { listDrones } from '../drones/drone-repository.ts';
import { openLinkConnection } from '../drones/link-adapter.ts';
import { SimpleLinkManager, type DroneLinkManager } from '../drones/link-port.ts';
import type { AppDeps } from '../http/app.ts';
import type { Logger } from '../logger.ts';
import { Scheduler } from '../schedules/scheduler.ts';
import { MissionControl, type RecoveryOutcome } from './mission-control.ts';

export interface MissionRuntime {
  /** What createApp needs from the runtime (links, mission control, data directory). */
  deps: Pick<AppDeps, 'links' | 'missions' | 'dataDir'>;
  scheduler: Scheduler;
  /** Settles once the missions left flying/uploading by a previous process have been reconciled. */
  recovered: Promise<RecoveryOutcome[]>;
  stop(): Promise<void>;
}

/**
 * The long-running parts of the service: drone connections (the link), mission tracking and the patrol
 * scheduler. Registered drones are connected in the background; one that cannot be reached is logged and
 * shows as offline (pre-flight then skips it).
 */
export function startMissionRuntime(
  db: Db,
  logger: Logger,
  opts: {
    dataDir: string;
    links?: DroneLinkManager;
    schedulerIntervalMs?: number;
    /** How long recovery waits for a flying mission's drone to reconnect. Default 30 s. */
    recoveryDeadlineMs?: number;
  },
): MissionRuntime {
  const links = opts.links ?? new SimpleLinkManager(openLinkConnection);
  const missions = new MissionControl(db, links, logger);
  const scheduler = new Scheduler({
    db,
    logger,
    links,
    launch: missions.launchForSchedule,
    prepare: missions.prepareForSchedule,
  });
  scheduler.start(opts.schedulerIntervalMs ?? 15_000);
  const stopping = new AbortController();
  // Reconcile the previous process's missions while the drones reconnect (recovery waits for their links).
  const recovered = missions
    .recover({ deadlineMs: opts.recoveryDeadlineMs, signal: stopping.signal })
    .catch((err: unknown) => {
      logger.error({ err }, 'mission recovery after restart failed');
      return [];
    });
  void listDrones(db)
    .then((drones) =>
      Promise.all(
        drones.map((d) =>
          links.connect({ id: d.id, connection: d.connection, signingKey: d.signingKey }).catch((err: unknown) => {
            logger.warn({ droneId: d.id, err: (err as Error).message }, 'drone not reachable at start');
          }),
        ),
      ),
    )
    .catch((err: unknown) => logger.error({ err }, 'listing drones at start failed'));
  return {
    deps: { links, missions, dataDir: opts.dataDir },
    scheduler,
    recovered,
    async stop() {
      stopping.abort();
      await recovered;
      await scheduler.stop();
      await missions.stop();
      await links.closeAll();
    },
  };
}
