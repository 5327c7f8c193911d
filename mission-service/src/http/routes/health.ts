import { Router } from 'express';
import type { Db } from '../../db/db.ts';
import { appliedMigrations } from '../../db/migrate.ts';

/** `GET /api/health`: database backend, PostGIS version and applied migrations. */
export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/health', async (_req, res, next) => {
    try {
      const [postgis, migrations] = await Promise.all([
        db.query<{ v: string }>('SELECT postgis_lib_version() AS v'),
        appliedMigrations(db),
      ]);
      res.json({
        status: 'ok',
        db: { backend: db.backend, postgisVersion: postgis.rows[0]?.v ?? null, migrations },
      });
    } catch (err) {
      res.status(503);
      next(err);
    }
  });
  return router;
}
