import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { AppError } from '../app-error.ts';
import { authenticate } from '../auth/index.ts';
import { LoginGuard } from '../auth/login-guard.ts';
import type { Db } from '../db/db.ts';
import type { DroneLinkManager } from '../drones/link-port.ts';
import { diskImageStore, type ImageStore } from '../ingest/image-store.ts';
import type { EnqueueTriage } from '../ingest/ingest-image.ts';
import type { Logger } from '../logger.ts';
import { Open311Limits } from '../limits/open311-limits.ts';
import { RefusalTally } from '../limits/refusal-tally.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { MissionControl } from '../missions/mission-control.ts';
import { replanForArea } from '../plans/plan-service.ts';
import { compressJson } from './compress-json.ts';
import { edgeGate } from './edge-gate.ts';
import { errorHandler, unknownRoute } from './errors.ts';
import { mountRoutes } from './mount.ts';
import type { Route } from './route.ts';
import type { RouteDeps } from './route-deps.ts';
import { areaRoutes } from './routes/areas.ts';
import { authRoutes } from './routes/auth.ts';
import { caseAdminRoutes } from './routes/case-admin.ts';
import { caseRoutes } from './routes/cases.ts';
import { droneRoutes } from './routes/drones.ts';
import { imageRoutes } from './routes/images.ts';
import { missionRoutes } from './routes/missions.ts';
import { open311Router, open311RouteTable } from './routes/open311.ts';
import { planRoutes } from './routes/plans.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { systemRoutes } from './routes/system.ts';
import { telemetryRoutes } from './routes/telemetry.ts';
import { photoRoutes } from './routes/photos.ts';
import { reviewRoutes } from './routes/review.ts';
import { organisationRoutes } from './routes/organisation.ts';
import { presetRoutes } from './routes/presets.ts';
import { calendarDayRoutes } from './routes/calendar-days.ts';
import { eventRoutes } from './routes/events.ts';
import { DEFAULT_SECURITY, type SecurityOptions } from './security-options.ts';
import { sourceOf } from './source.ts';
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
  /** Limits, allow-lists and switches from the configuration (defaults: the safe ones). */
  security?: SecurityOptions;
  /** The login guard (tests inject one with their own clock). */
  loginGuard?: LoginGuard;
  /** IANA zone of uploaded photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
  /** The planner UI at `/` (off when not given, as in most API tests). */
  webApp?: WebAppOptions;
  /** Refusal counts (the service flushes it on shutdown, so the last minute's count is not lost). */
  refusals?: RefusalTally;
}

/** The route tables of the API and of Open311: what the app mounts, the OpenAPI document lists and tests walk. */
export interface RouteTables {
  api: Route[];
  open311: Route[];
}

/** Deepest JSON body accepted: real bodies nest a few levels (GeoJSON: 5); thousands is an attack. */
export const MAX_JSON_DEPTH = 64;

/** Depth of a parsed JSON value, without recursion (a 100,000-level body must not overflow the stack). */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) max = depth;
    if (max > stopAt) return max;
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return max;
}

const limitJsonDepth: RequestHandler = (req, _res, next) => {
  if (
    req.body &&
    typeof req.body === 'object' &&
    !Buffer.isBuffer(req.body) &&
    jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
  ) {
    next(new AppError('invalid_input', 'too_deep', `JSON 嵌套过深 / JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
};

/** Headers on every answer: no MIME sniffing, no framing, no referrer leaks, nothing cached unless a route says. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  next();
};

/** Builds every route table over the same dependencies. */
export function buildRoutes(deps: AppDeps): { tables: RouteTables; routeDeps: RouteDeps } {
  const store = deps.imageStore ?? (deps.dataDir ? diskImageStore(deps.dataDir) : undefined);
  const tables: RouteTables = { api: [], open311: [] };
  const security = deps.security ?? DEFAULT_SECURITY;
  const routeDeps: RouteDeps = {
    db: deps.db,
    logger: deps.logger,
    links: deps.links,
    clock: deps.clock ?? (() => new Date()),
    missions: deps.missions ?? new MissionControl(deps.db, deps.links, deps.logger),
    store,
    dataDir: deps.dataDir,
    enqueueTriage: deps.enqueueTriage,
    photoTimeZone: deps.photoTimeZone,
    onAreaChanged: replanForArea,
    security,
    loginGuard: deps.loginGuard ?? new LoginGuard(deps.security?.loginGuard),
    open311Limits: new Open311Limits(security.open311),
    refusals: deps.refusals ?? new RefusalTally(deps.db, deps.logger),
    metrics: createMetrics(),
    allRoutes: () => tables,
  };
  routeDeps.refusals.onRecord((what) => routeDeps.metrics.countRefusal(what));
  tables.api.push(
    ...systemRoutes(routeDeps),
    ...authRoutes(routeDeps),
    ...areaRoutes(routeDeps),
    ...droneRoutes(routeDeps),
    ...planRoutes(routeDeps),
    ...scheduleRoutes(routeDeps),
    ...missionRoutes(routeDeps),
    ...telemetryRoutes(routeDeps),
    ...eventRoutes(routeDeps),
    ...imageRoutes(routeDeps),
    ...photoRoutes(routeDeps),
    ...reviewRoutes(routeDeps),
    ...caseRoutes(routeDeps),
    ...calendarDayRoutes(routeDeps),
    ...caseAdminRoutes(routeDeps),
    ...organisationRoutes(routeDeps),
    ...presetRoutes(routeDeps),
  );
  tables.open311.push(...open311RouteTable(routeDeps));
  return { tables, routeDeps };
}

/** The HTTP API. Thin routes over use cases and repositories, all declared in route tables; one error path. */
export function createApp(deps: AppDeps): Express {
  const { db, logger } = deps;
  const { tables, routeDeps } = buildRoutes(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (routeDeps.security.trustProxy) {
    const t = routeDeps.security.trustProxy;
    app.set('trust proxy', /^\d+$/.test(t) ? Number(t) : t === 'true' ? true : t);
  }
  app.locals.routes = tables;
  app.use(securityHeaders);
  // Floods are refused here, before logging, body parsing, sessions or the database.
  app.use(edgeGate({ open311: routeDeps.open311Limits, loginGuard: routeDeps.loginGuard, tally: routeDeps.refusals }));
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Refusals are counted, not logged one by one (a flood would write a line per request).
      if (res.statusCode === 429) {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        routeDeps.refusals.record(`${req.method} ${route}`, sourceOf(req));
        return;
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { requestId: id, method: req.method, path: req.path, status: res.statusCode, ms, ip: req.ip },
        'request',
      );
    });
    next();
  });
  app.use(routeDeps.metrics.middleware);
  // JSON answers compressed (brotli, gzip); streams untouched (see compress-json.ts).
  app.use(compressJson);
  app.use(express.json({ limit: '5mb' }));
  app.use(limitJsonDepth);
  const api = express.Router();
  api.use(authenticate(db));
  api.use(mountRoutes(tables.api, { db, logger }));
  api.use(unknownRoute);
  app.use('/api', api);
  app.use('/open311/v2', open311Router(routeDeps, tables.open311));
  if (deps.webApp) app.use(webApp(deps.webApp));
  app.use(errorHandler(logger));
  return app;
}
