import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { getCalendarDay, setCalendarDay } from '../../calendar/calendar-repository.ts';
import { CalendarDayBodySchema } from '../../contract/calendar.ts';
import type { Db } from '../../db/db.ts';
import { parseBody, parseParam } from '../validate.ts';

const Day = z.iso.date('日期格式 YYYY-MM-DD / date as YYYY-MM-DD').refine((d) => {
  const y = Number(d.slice(0, 4));
  return y >= 1990 && y <= 2200 && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
}, 'date between 1990 and 2200');

/**
 * The working calendar day by day: read a day, set it (holiday or working day), or remove its override (back to the
 * Mon–Fri rule). Admins edit; every edit is audited with the value before.
 */
export function calendarDayRoutes(db: Db): Router {
  const router = Router();
  router.get('/calendar/days/:date', requireRoles(), async (req, res) => {
    res.json(await getCalendarDay(db, parseParam(Day, req, 'date')));
  });
  router.put('/calendar/days/:date', requireRoles('admin'), async (req, res) => {
    const day = parseParam(Day, req, 'date');
    const body = parseBody(CalendarDayBodySchema, req);
    res.json(await setCalendarDay(db, day, body, currentUser(res)));
  });
  router.delete('/calendar/days/:date', requireRoles('admin'), async (req, res) => {
    res.json(await setCalendarDay(db, parseParam(Day, req, 'date'), null, currentUser(res)));
  });
  return router;
}
