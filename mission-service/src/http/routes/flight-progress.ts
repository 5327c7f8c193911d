import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { loadDrone } from '../../drones/drone-service.ts';
import { flightProgress } from '../../jobs/flight-progress.ts';
import { notFound } from '../errors.ts';

/**
 * `GET /api/flights/:id/progress`: the flight's triage progress — photos processed / total (done, unlocated,
 * failed, waiting), detections so far, incidents (new on this flight or known) and cases filed. Operators,
 * officers and dispatchers; a flight of a drone of another department is hidden as the drone is.
 */
export function flightProgressRoutes(db: Db): Router {
  const router = Router();
  router.get('/flights/:id/progress', requireRoles('operator', 'officer', 'dispatcher'), async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    const f = await db.query<{ drone_id: string | null }>('SELECT drone_id FROM flights WHERE id = $1', [id]);
    const flight = f.rows[0];
    if (!flight) throw notFound(`flight ${id}`);
    if (flight.drone_id) await loadDrone(db, currentUser(res), flight.drone_id);
    res.json(await flightProgress(db, id));
  });
  return router;
}
