import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { errorHandler, unknownRoute } from './errors.ts';
import { authenticate } from '../auth/index.ts';
import type { DroneLinkManager } from '../drones/link-port.ts';
import { replanForArea } from '../plans/plan-service.ts';
import { areaRoutes } from './routes/areas.ts';
import { authRoutes } from './routes/auth.ts';
import { droneRoutes } from './routes/drones.ts';
import { planRoutes } from './routes/plans.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { missionRoutes } from './routes/missions.ts';
import { telemetryRoutes } from './routes/telemetry.ts';
import { flightProgressRoutes } from './routes/flight-progress.ts';
import { MissionControl } from '../missions/mission-control.ts';
import { diskImageStore, type ImageStore } from '../ingest/image-store.ts';
import type { EnqueueTriage } from '../ingest/ingest-image.ts';
import { imageRoutes } from './routes/images.ts';
import { docsRoutes } from './routes/docs.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { layerRoutes } from './routes/layers.ts';
import { caseRoutes } from './routes/cases.ts';
import { caseAdminRoutes } from './routes/cases-admin.ts';
import { statsRoutes } from './routes/stats.ts';
import { open311Routes } from './routes/open311.ts';
import { webApp, type WebAppOptions } from './web-app/index.ts';

export interface AppDeps {
  db: Db;
  logger: Logger;
  /** Connections to drones (the drone link); without it drones show as offline. */
  links?: DroneLinkManager;
  /** Service clock (schedules); tests inject a controllable one. */
  clock?: () => Date;
  /** Mission control (shared with the scheduler); created here when not given. */
  missions?: MissionControl;
  /** Where photos go; default the disk under `dataDir`. Without either, uploads answer 503. */
  imageStore?: ImageStore;
  dataDir?: string;
  /** Hands an ingested photo to triage (wired by the triage jobs); default: rows stay 'queued'. */
  enqueueTriage?: EnqueueTriage;
  /** IANA zone of uploaded photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
  /** The planner UI at `/` (off when not given, as in most API tests). */
  webApp?: WebAppOptions;
}

/** The HTTP API. Thin routes over use cases and repositories; one error path. */
export function createApp(deps: AppDeps): Express {
  const { db, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId: id, method: req.method, path: req.path, status: res.statusCode, ms }, 'request');
    });
    next();
  });
  const metrics = createMetrics();
  app.use(metrics.middleware);
  app.use(express.json({ limit: '5mb' }));
  const api = express.Router();
  api.get('/metrics', metrics.handler);
  api.use(docsRoutes());
  api.use(authenticate(db));
  api.use(healthRoutes(db));
  api.use(authRoutes(db));
  api.use(areaRoutes(db, replanForArea));
  api.use(droneRoutes(db, deps.links));
  api.use(planRoutes(db));
  api.use(scheduleRoutes(db, deps.clock));
  api.use(missionRoutes(db, deps.missions ?? new MissionControl(db, deps.links, logger)));
  api.use(telemetryRoutes(db, deps.links));
  api.use(flightProgressRoutes(db));
  const store = deps.imageStore ?? (deps.dataDir ? diskImageStore(deps.dataDir) : undefined);
  if (store) api.use(imageRoutes(db, store, deps.enqueueTriage, deps.photoTimeZone));
  api.use(layerRoutes(db));
  api.use(caseRoutes(db));
  api.use(caseAdminRoutes(db));
  api.use(statsRoutes(db));
  api.use(unknownRoute);
  app.use('/api', api);
  app.use('/open311/v2', open311Routes(db, logger));
  if (deps.webApp) app.use(webApp(deps.webApp));
  app.use(errorHandler(logger));
  return app;
}
