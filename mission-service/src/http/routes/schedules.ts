import { canSee } from '../../auth/index.ts';
import {
  NEXT_WINDOW_MAX_OCCURRENCES,
  NextOccurrencesSchema,
  NextQuerySchema,
  OccurrenceSchema,
  ScheduleInputSchema,
  ScheduleSchema,
} from '../../contract/schedules.ts';
import { nextOccurrences, occurrencesBetween } from '../../schedules/recurrence.ts';
import { deleteOrArchiveSchedule } from '../../schedules/schedule-deletion.ts';
import { listOccurrences, listSchedules, setPaused } from '../../schedules/schedule-repository.ts';
import {
  assertScheduleLive,
  changeSchedule,
  createSchedule,
  loadSchedule,
  scheduleView,
} from '../../schedules/schedule-service.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/** `/api/schedules`: recurring patrols (operators write, everyone signed in reads), pause/resume, next, history. */
export function scheduleRoutes(d: RouteDeps): Route[] {
  const { db, clock } = d;
  const routes: Route[] = [
    defineRoute({
      method: 'get',
      path: '/schedules',
      summary: '定期巡查 / schedules',
      tag: 'schedules',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(ScheduleSchema),
      async handler({ user, query }) {
        const all = (await listSchedules(db)).filter((s) => canSee(user, s));
        return pageOfArray(
          all.map((s) => scheduleView(s, clock())),
          query,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/schedules/{id}',
      summary: '定期巡查 / schedule',
      tag: 'schedules',
      roles: [],
      object: { kind: 'schedule' },
      response: ScheduleSchema,
      handler: ({ object }) => scheduleView(object, clock()),
    }),
    defineRoute({
      method: 'get',
      path: '/schedules/{id}/next',
      summary: '接下来的时刻 / next occurrences',
      tag: 'schedules',
      roles: [],
      object: { kind: 'schedule' },
      query: NextQuerySchema,
      response: NextOccurrencesSchema,
      handler({ object: s, query }) {
        // An archived schedule never fires again; a paused one lists what it would fly once resumed.
        if (s.archivedAt) return { timezone: s.timezone, next: [], truncated: false };
        const after = new Date(Math.max(clock().getTime(), s.activeFrom.getTime()));
        if (!query.from || !query.to) {
          const next = nextOccurrences(s, after, query.count);
          return { timezone: s.timezone, next: next.map((x) => x.toISOString()), truncated: false };
        }
        // The window is [from, to); occurrencesBetween takes (a, b], hence a millisecond earlier at both ends.
        const lower = new Date(Math.max(after.getTime(), query.from.getTime() - 1));
        const inWindow = occurrencesBetween(s, lower, new Date(query.to.getTime() - 1));
        return {
          timezone: s.timezone,
          next: inWindow.slice(0, NEXT_WINDOW_MAX_OCCURRENCES).map((x) => x.toISOString()),
          truncated: inWindow.length > NEXT_WINDOW_MAX_OCCURRENCES,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/schedules/{id}/occurrences',
      summary: '执行记录 / recorded outcomes',
      tag: 'schedules',
      roles: [],
      object: { kind: 'schedule' },
      query: PageQuerySchema,
      response: pageOf(OccurrenceSchema),
      async handler({ object, query }) {
        return pageOfArray(await listOccurrences(db, object.id, 10_000), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/schedules',
      summary: '新建 / create schedule',
      tag: 'schedules',
      roles: ['operator'],
      body: ScheduleInputSchema,
      status: 201,
      response: ScheduleSchema,
      async handler({ user, body }) {
        return scheduleView(await createSchedule(db, user, body, clock()), clock());
      },
    }),
    defineRoute({
      method: 'put',
      path: '/schedules/{id}',
      summary: '修改 / update schedule',
      tag: 'schedules',
      roles: ['operator'],
      object: { kind: 'schedule' },
      body: ScheduleInputSchema,
      response: ScheduleSchema,
      async handler({ user, params, body }) {
        return scheduleView(await changeSchedule(db, user, params.id, body, clock()), clock());
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/schedules/{id}',
      summary: '删除：已执行过的归档（200，保留历史）/ delete; one that has fired is archived (200, history kept)',
      tag: 'schedules',
      roles: ['operator'],
      object: { kind: 'schedule' },
      status: 204,
      response: ScheduleSchema,
      errors: { 200: '已归档 / archived (it has fired)' },
      async handler({ user, object, setStatus }) {
        if ((await deleteOrArchiveSchedule(db, user, object.id)) === 'deleted') return undefined;
        setStatus(200);
        return scheduleView(await loadSchedule(db, user, object.id), clock());
      },
    }),
  ];
  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    routes.push(
      defineRoute({
        method: 'post',
        path: `/schedules/{id}/${action}`,
        summary: paused ? '暂停 / pause' : '恢复 / resume',
        tag: 'schedules',
        roles: ['operator'],
        object: { kind: 'schedule' },
        response: ScheduleSchema,
        async handler({ object: s }) {
          assertScheduleLive(s);
          await setPaused(db, s.id, paused);
          return scheduleView({ ...s, paused }, clock());
        },
      }),
    );
  }
  return routes;
}
