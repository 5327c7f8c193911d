import { Router } from 'express';
import { canAccessDepartment, currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import { NextQuerySchema } from '../../contract/schedules.ts';
import type { Db } from '../../db/db.ts';
import { nextOccurrences } from '../../schedules/recurrence.ts';
import { deleteOrArchiveSchedule } from '../../schedules/schedule-deletion.ts';
import { listOccurrences, listSchedules, setPaused } from '../../schedules/schedule-repository.ts';
import {
  assertScheduleLive,
  changeSchedule,
  createSchedule,
  loadSchedule,
  scheduleView,
} from '../../schedules/schedule-service.ts';

/** `/api/schedules`: recurring patrols (operators write, everyone logged-in reads), pause/resume, next, history. */
export function scheduleRoutes(db: Db, clock: () => Date = () => new Date()): Router {
  const router = Router();
  const writers = requireRoles('operator');

  router.get('/schedules', requireRoles(), async (_req, res) => {
    const user = currentUser(res);
    const all = (await listSchedules(db)).filter((s) => canAccessDepartment(user, s.departmentId));
    res.json({ schedules: all.map((s) => scheduleView(s, clock())) });
  });
  router.get('/schedules/:id', requireRoles(), async (req, res) => {
    res.json(scheduleView(await loadSchedule(db, currentUser(res), IdSchema.parse(req.params.id)), clock()));
  });
  router.get('/schedules/:id/next', requireRoles(), async (req, res) => {
    const s = await loadSchedule(db, currentUser(res), IdSchema.parse(req.params.id));
    const { count } = NextQuerySchema.parse(req.query);
    const after = new Date(Math.max(clock().getTime(), s.activeFrom.getTime()));
    res.json({ timezone: s.timezone, next: nextOccurrences(s, after, count).map((d) => d.toISOString()) });
  });
  router.get('/schedules/:id/occurrences', requireRoles(), async (req, res) => {
    const s = await loadSchedule(db, currentUser(res), IdSchema.parse(req.params.id));
    res.json({ occurrences: await listOccurrences(db, s.id) });
  });
  router.post('/schedules', writers, async (req, res) => {
    res.status(201).json(scheduleView(await createSchedule(db, currentUser(res), req.body, clock()), clock()));
  });
  router.put('/schedules/:id', writers, async (req, res) => {
    const s = await changeSchedule(db, currentUser(res), IdSchema.parse(req.params.id), req.body, clock());
    res.json(scheduleView(s, clock()));
  });
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    router.post(`/schedules/:id/${action}`, writers, async (req, res) => {
      const s = await loadSchedule(db, currentUser(res), IdSchema.parse(req.params.id));
      assertScheduleLive(s);
      await setPaused(db, s.id, paused);
      res.json(scheduleView({ ...s, paused }, clock()));
    });
  }
  // A schedule that has fired is archived (200 with it), one that never did is deleted (204); both audited.
  router.delete('/schedules/:id', writers, async (req, res) => {
    const user = currentUser(res);
    const id = IdSchema.parse(req.params.id);
    if ((await deleteOrArchiveSchedule(db, user, id)) === 'deleted') return void res.status(204).end();
    res.json(scheduleView(await loadSchedule(db, user, id), clock()));
  });
  return router;
}
