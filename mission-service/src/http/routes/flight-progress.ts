import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { assertFlightAccess } from '../../drones/drone-service.ts';
import { flightProgress } from '../../jobs/flight-progress.ts';

/**
 * `GET /api/flights/:id/progress`: the flight's triage progress — photos processed / total (done, unlocated,
 * failed, waiting), detections so far, incidents (new on this flight or known) and cases filed. Operators,
 * officers and dispatchers; a flight of a drone of another department is hidden as the drone is.
 */
export function flightProgressRoutes(db: Db): Router {
  const router = Router();
  router.get('/flights/:id/progress', requireRoles('operator', 'officer', 'dispatcher'), async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    await assertFlightAccess(db, currentUser(res), id);
    res.json(await flightProgress(db, id));
  });
  return router;
}
