import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { CameraPresetSpecSchema, DronePresetSpecSchema } from '../../contract/admin.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { deletePreset, getPreset, listPresets, putPreset, type PresetKind } from '../../presets/presets.ts';
import { AppError, notFound } from '../errors.ts';
import { parseBody, parseParam } from '../validate.ts';

/**
 * `/api/presets/cameras` and `/api/presets/drones`: the camera and drone models drones are registered with and plans
 * are made for. Everyone signed in reads; admins add, change and delete their own (built-ins stay).
 */
export function presetRoutes(db: Db): Router {
  const router = Router();
  for (const [kind, path, schema] of [
    ['camera', 'cameras', CameraPresetSpecSchema],
    ['drone', 'drones', DronePresetSpecSchema],
  ] as const) {
    router.get(`/presets/${path}`, requireRoles(), async (_req, res) => {
      res.json({ items: await listPresets(db, kind as PresetKind) });
    });
    router.get(`/presets/${path}/:name`, requireRoles(), async (req, res) => {
      const name = parseParam(IdSchema, req, 'name');
      const p = await getPreset(db, kind, name);
      if (!p) throw notFound(`${kind} preset ${name}`);
      res.json(p);
    });
    router.put(`/presets/${path}/:name`, requireRoles('admin'), async (req, res) => {
      const name = parseParam(IdSchema, req, 'name');
      const spec = parseBody(schema, req);
      if (spec.name !== name)
        throw new AppError(
          400,
          'invalid_input',
          `名称与路径不符 / body name "${spec.name}" differs from the path "${name}"`,
          {
            field: 'name',
            in: 'body',
          },
        );
      res.json(await putPreset(db, currentUser(res), kind, spec));
    });
    router.delete(`/presets/${path}/:name`, requireRoles('admin'), async (req, res) => {
      await deletePreset(db, currentUser(res), kind, parseParam(IdSchema, req, 'name'));
      res.status(204).end();
    });
  }
  return router;
}
