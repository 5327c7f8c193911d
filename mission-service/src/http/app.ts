import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { errorHandler, unknownRoute } from './errors.ts';
import { authenticate } from '../auth/index.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { layerRoutes } from './routes/layers.ts';

export interface AppDeps {
  db: Db;
  logger: Logger;
}

/** The HTTP API. Thin routes over use cases and repositories; one error path. */
export function createApp({ db, logger }: AppDeps): Express {
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
  app.use(express.json({ limit: '5mb' }));
  const api = express.Router();
  api.use(authenticate(db));
  api.use(healthRoutes(db));
  api.use(authRoutes(db));
  api.use(layerRoutes(db));
  api.use(unknownRoute);
  app.use('/api', api);
  app.use(errorHandler(logger));
  return app;
}
