import { AppError, linkFailure } from '../../app-error.ts';
import { DroneInputSchema, DroneSchema } from '../../contract/drones.ts';
import { assertConnectionAllowed } from '../../drones/connection-policy.ts';
import { changeDrone, droneView, registerDrone, removeDrone, visibleDrones } from '../../drones/drone-service.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/**
 * `/api/drones`: registry and fleet view (operators manage their department's, everyone signed in reads what
 * their department sees); connect/disconnect. Connection strings must pass the configured policy (serial
 * devices, UDP bind addresses, reachable hosts).
 */
export function droneRoutes(d: RouteDeps): Route[] {
  const { db, links } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/drones',
      summary: '机队 / fleet',
      tag: 'drones',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(DroneSchema),
      async handler({ user, query }) {
        return pageOfArray(
          (await visibleDrones(db, user)).map((x) => droneView(x, links)),
          query,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/drones/{id}',
      summary: '无人机 / drone',
      tag: 'drones',
      roles: [],
      object: { kind: 'drone' },
      response: DroneSchema,
      handler: ({ object }) => droneView(object, links),
    }),
    defineRoute({
      method: 'post',
      path: '/drones',
      summary: '登记无人机（连接串受配置限制）/ register drone (connection allowed by configuration)',
      tag: 'drones',
      roles: ['operator'],
      body: DroneInputSchema,
      status: 201,
      response: DroneSchema,
      errors: { 409: '名称已存在 / name exists' },
      async handler({ user, body }) {
        return droneView(await registerDrone(db, user, body, d.security.drones), links);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/drones/{id}',
      summary: '修改无人机 / update drone',
      tag: 'drones',
      roles: ['operator'],
      object: { kind: 'drone' },
      body: DroneInputSchema,
      response: DroneSchema,
      async handler({ user, params, body }) {
        return droneView(await changeDrone(db, user, params.id, body, d.security.drones), links);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/drones/{id}',
      summary: '删除无人机 / delete drone',
      tag: 'drones',
      roles: ['operator'],
      object: { kind: 'drone' },
      status: 204,
      errors: { 409: '仍有任务或航次 / missions or flights refer to it' },
      async handler({ user, params }) {
        await removeDrone(db, user, params.id, links);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/drones/{id}/connect',
      summary: '连接（失败答 502/504 并说明原因）/ connect (502/504 with the reason when the drone does not answer)',
      tag: 'drones',
      roles: ['operator'],
      object: { kind: 'drone', write: 'visible' },
      response: DroneSchema,
      errors: {
        502: '无人机无应答 / the drone link failed',
        503: '未配置链路 / no drone link',
        504: '连接超时 / timeout',
      },
      async handler({ object }) {
        if (!links) throw new AppError('unavailable', 'no_link', '未配置无人机链路 / no drone link configured');
        // Checked again at connect: the policy may have been tightened since the drone was registered.
        assertConnectionAllowed(d.security.drones, object.connection);
        try {
          await links.connect({ id: object.id, connection: object.connection, signingKey: object.signingKey });
        } catch (err) {
          throw linkFailure(err, 'connect');
        }
        return droneView(object, links);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/drones/{id}/disconnect',
      summary: '断开 / disconnect',
      tag: 'drones',
      roles: ['operator'],
      object: { kind: 'drone', write: 'visible' },
      response: DroneSchema,
      async handler({ object }) {
        await links?.disconnect(object.id);
        return droneView(object, links);
      },
    }),
  ];
}
