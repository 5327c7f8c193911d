import { z } from 'zod';
import { getCalendarDay, setCalendarDay } from '../../calendar/calendar-repository.ts';
import { CalendarDayBodySchema, CalendarDaySchema } from '../../contract/calendar.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

const DayParams = z.object({
  date: z.iso.date('日期格式 YYYY-MM-DD / date as YYYY-MM-DD').refine((d) => {
    const y = Number(d.slice(0, 4));
    return y >= 1990 && y <= 2200;
  }, 'date between 1990 and 2200'),
});

/**
 * The working calendar day by day: read a day, set it (holiday or working day), or remove its override (back to the
 * Mon–Fri rule). Admins edit; every edit is audited with the value before.
 */
export function calendarDayRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/calendar/days/{date}',
      summary: '某日是否工作日 / one day of the working calendar',
      tag: 'calendar',
      roles: [],
      params: DayParams,
      response: CalendarDaySchema,
      handler: ({ params }) => getCalendarDay(db, params.date),
    }),
    defineRoute({
      method: 'put',
      path: '/calendar/days/{date}',
      summary: '修改某日（只此一日）/ set one day (holiday or working day); the rest of its year stays',
      tag: 'calendar',
      roles: ['admin'],
      params: DayParams,
      body: CalendarDayBodySchema,
      response: CalendarDaySchema,
      handler: ({ user, params, body }) => setCalendarDay(db, params.date, body, user),
    }),
    defineRoute({
      method: 'delete',
      path: '/calendar/days/{date}',
      summary: "取消某日的调整 / remove one day's override (back to the Mon–Fri rule)",
      tag: 'calendar',
      roles: ['admin'],
      params: DayParams,
      response: CalendarDaySchema,
      errors: { 404: '该日没有调整 / no override on that day' },
      handler: ({ user, params }) => setCalendarDay(db, params.date, null, user),
    }),
  ];
}
