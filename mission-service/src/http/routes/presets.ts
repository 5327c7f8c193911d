import { z } from 'zod';
import { AppError, notFound } from '../../app-error.ts';
import {
  CameraPresetSchema,
  CameraPresetSpecSchema,
  DronePresetSchema,
  DronePresetSpecSchema,
} from '../../contract/organisation.ts';
import { IdSchema } from '../../contract/common.ts';
import { deletePreset, getPreset, listPresets, putPreset, type PresetKind } from '../../presets/presets.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

const NameParams = z.object({ name: IdSchema });

/** The routes of one kind of preset (cameras or drones). */
function presetKindRoutes<S extends z.ZodType<{ name: string }>>(
  d: RouteDeps,
  kind: PresetKind,
  path: string,
  spec: S,
  view: z.ZodType,
  label: string,
): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: `/presets/${path}`,
      summary: `${label}预设 / ${kind} presets`,
      tag: 'presets',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(view),
      handler: async ({ query }) => pageOfArray(await listPresets(db, kind), query),
    }),
    defineRoute({
      method: 'get',
      path: `/presets/${path}/{name}`,
      summary: `${label}预设 / a ${kind} preset`,
      tag: 'presets',
      roles: [],
      params: NameParams,
      response: view,
      async handler({ params }) {
        const p = await getPreset(db, kind, params.name);
        if (!p) throw notFound(`${kind} preset ${params.name}`);
        return p;
      },
    }),
    defineRoute({
      method: 'put',
      path: `/presets/${path}/{name}`,
      summary: `新增或修改${label}预设 / add or change a ${kind} preset`,
      tag: 'presets',
      roles: ['admin'],
      params: NameParams,
      body: spec,
      response: view,
      handler({ user, params, body }) {
        if (body.name !== params.name)
          throw new AppError(
            'invalid_input',
            'invalid_input',
            `名称与路径不符 / body name "${body.name}" differs from the path "${params.name}"`,
            [{ in: 'body', field: 'name', message: `must be ${params.name}` }],
          );
        return putPreset(db, user, kind, body as never);
      },
    }),
    defineRoute({
      method: 'delete',
      path: `/presets/${path}/{name}`,
      summary: `删除${label}预设（使用中或内置的 409）/ delete a ${kind} preset (409 in use or built in)`,
      tag: 'presets',
      roles: ['admin'],
      params: NameParams,
      status: 204,
      errors: { 409: '使用中或内置 / in use or built in' },
      handler: ({ user, params }) => deletePreset(db, user, kind, params.name),
    }),
  ];
}

/**
 * `/api/presets/cameras` and `/api/presets/drones`: the camera and drone models drones are registered with and plans
 * are made for. Everyone signed in reads; admins add, change and delete their own (built-ins stay).
 */
export function presetRoutes(d: RouteDeps): Route[] {
  return [
    ...presetKindRoutes(d, 'camera', 'cameras', CameraPresetSpecSchema, CameraPresetSchema, '相机 / camera'),
    ...presetKindRoutes(d, 'drone', 'drones', DronePresetSpecSchema, DronePresetSchema, '机型 / drone'),
  ];
}
