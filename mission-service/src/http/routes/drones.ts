import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import {
  changeDrone,
  droneView,
  loadDrone,
  registerDrone,
  removeDrone,
  visibleDrones,
} from '../../drones/drone-service.ts';
import { connectFailure } from '../../drones/connect-error.ts';
import type { DroneLinkManager } from '../../drones/link-port.ts';
import { AppError } from '../errors.ts';

/** `/api/drones`: registry and fleet view (operators manage, everyone logged in reads); connect/disconnect. */
export function droneRoutes(db: Db, links?: DroneLinkManager): Router {
  const router = Router();
  const managers = requireRoles('operator');

  router.get('/drones', requireRoles(), async (_req, res) => {
    res.json({ drones: (await visibleDrones(db, currentUser(res))).map((d) => droneView(d, links)) });
  });
  router.get('/drones/:id', requireRoles(), async (req, res) => {
    res.json(droneView(await loadDrone(db, currentUser(res), IdSchema.parse(req.params.id)), links));
  });
  router.post('/drones', managers, async (req, res) => {
    res.status(201).json(droneView(await registerDrone(db, currentUser(res), req.body), links));
  });
  router.put('/drones/:id', managers, async (req, res) => {
    res.json(droneView(await changeDrone(db, currentUser(res), IdSchema.parse(req.params.id), req.body), links));
  });
  router.delete('/drones/:id', managers, async (req, res) => {
    await removeDrone(db, currentUser(res), IdSchema.parse(req.params.id), links);
    res.status(204).end();
  });
  router.post('/drones/:id/connect', managers, async (req, res) => {
    const d = await loadDrone(db, currentUser(res), IdSchema.parse(req.params.id));
    if (!links) throw new AppError(503, 'no_link', '未配置无人机链路 / no drone link configured');
    await links
      .connect({ id: d.id, connection: d.connection, signingKey: d.signingKey })
      .catch((err: unknown) => Promise.reject(connectFailure(err, d.connection)));
    res.json(droneView(d, links));
  });
  router.post('/drones/:id/disconnect', managers, async (req, res) => {
    const d = await loadDrone(db, currentUser(res), IdSchema.parse(req.params.id));
    await links?.disconnect(d.id);
    res.json(droneView(d, links));
  });
  return router;
}
