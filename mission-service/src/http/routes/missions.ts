import { Router } from 'express';
import { canAccessDepartment, currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import { MissionListQuerySchema } from '../../contract/missions.ts';
import type { Db } from '../../db/db.ts';
import type { MissionControl } from '../../missions/mission-control.ts';
import { listMissions, missionView } from '../../missions/mission-repository.ts';

/** `/api/missions`: create from a plan sortie, act (upload/start/pause/continue/rtl/abort), read. */
export function missionRoutes(db: Db, control: MissionControl): Router {
  const router = Router();
  const pilots = requireRoles('operator');

  router.get('/missions', requireRoles(), async (req, res) => {
    const q = MissionListQuerySchema.parse(req.query);
    const user = currentUser(res);
    const missions = (await listMissions(db, q)).filter((m) => canAccessDepartment(user, m.departmentId));
    res.json({ missions: missions.map(missionView) });
  });
  router.get('/missions/:id', requireRoles(), async (req, res) => {
    res.json(missionView(await control.load(currentUser(res), IdSchema.parse(req.params.id))));
  });
  router.post('/missions', pilots, async (req, res) => {
    res.status(201).json(missionView(await control.create(currentUser(res), req.body)));
  });
  router.post('/missions/:id/:action', pilots, async (req, res) => {
    res.json(missionView(await control.act(currentUser(res), IdSchema.parse(req.params.id), req.params.action)));
  });
  return router;
}
