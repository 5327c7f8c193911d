import { MISSION_ACTIONS, MissionInputSchema, MissionListQuerySchema, MissionSchema } from '../../contract/missions.ts';
import { listMissions, missionView } from '../../missions/mission-repository.ts';
import { pageOf } from '../../contract/paging.ts';
import { offsetFrom, offsetPage } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/** `/api/missions`: create from a plan sortie, act (upload/start/pause/continue/rtl/abort), read. */
export function missionRoutes(d: RouteDeps): Route[] {
  const { db, missions: control } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/missions',
      summary: '任务 / missions',
      tag: 'missions',
      roles: [],
      query: MissionListQuerySchema,
      response: pageOf(MissionSchema),
      async handler({ user, query }) {
        const { rows, total } = await listMissions(db, { ...query, user, offset: offsetFrom(query.cursor) });
        return offsetPage(rows.map(missionView), total, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/missions/{id}',
      summary: '任务 / mission',
      tag: 'missions',
      roles: [],
      object: { kind: 'mission' },
      response: MissionSchema,
      handler: ({ object }) => missionView(object),
    }),
    defineRoute({
      method: 'post',
      path: '/missions',
      summary: '由计划架次创建任务 / mission from a plan sortie',
      tag: 'missions',
      roles: ['operator'],
      body: MissionInputSchema,
      status: 201,
      response: MissionSchema,
      errors: { 409: '无人机忙 / drone busy' },
      async handler({ user, body }) {
        return missionView(await control.create(user, body));
      },
    }),
    ...MISSION_ACTIONS.map((a) =>
      defineRoute({
        method: 'post',
        path: `/missions/{id}/${a}`,
        summary: `任务操作 / mission ${a}`,
        tag: 'missions',
        roles: ['operator'],
        object: { kind: 'mission', write: 'visible' },
        response: MissionSchema,
        errors: {
          409: '状态不允许或飞机拒绝 / not in a state for this, or the vehicle refused',
          422: '飞机不接受航线 / the vehicle cannot take the mission',
          502: '链路失败 / link failed',
          504: '飞机无应答 / the vehicle did not answer',
        },
        async handler({ user, params }) {
          return missionView(await control.act(user, params.id, a));
        },
      }),
    ),
  ];
}
