import express, { Router } from 'express';
import { getArea, queryAreasGeoJson } from '../../areas/area-repository.ts';
import { createArea, importAreas, removeArea, replaceArea, type AreaChangedHook } from '../../areas/area-service.ts';
import { currentUser, requireRoles } from '../../auth/index.ts';
import {
  AreaImportQuerySchema,
  AreaImportRequestSchema,
  AreaListQuerySchema,
  type AreaImportResult,
} from '../../contract/areas.ts';
import { applyImportCrs } from '../../areas/import-crs.ts';
import { readAreaFile } from '../../areas/read-area-file.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { AppError, notFound } from '../errors.ts';

/**
 * `/api/areas`: list (GeoJSON, bbox/kind filters, paging) and read for any logged-in user; create, replace,
 * delete and import for operators (jurisdictions: admins), within their department.
 */
export function areaRoutes(db: Db, onChanged?: AreaChangedHook): Router {
  const router = Router();
  router.use('/areas', express.json({ type: 'application/geo+json', limit: '5mb' }));
  const writers = requireRoles('operator');

  router.get('/areas', requireRoles(), async (req, res) => {
    const q = AreaListQuerySchema.parse(req.query);
    res.type('application/geo+json').send(await queryAreasGeoJson(db, q));
  });

  router.get('/areas/:id', requireRoles(), async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    const area = await getArea(db, id);
    if (!area) throw notFound(`area ${id}`);
    res.type('application/geo+json').json(area);
  });

  router.post('/areas', writers, async (req, res) => {
    res
      .status(201)
      .type('application/geo+json')
      .json(await createArea(db, currentUser(res), req.body));
  });

  const rawFile = express.raw({
    type: [
      'application/vnd.google-earth.kml+xml',
      'application/vnd.google-earth.kmz',
      'application/zip',
      'application/xml',
      'text/xml',
      'application/octet-stream',
    ],
    limit: '20mb',
  });
  router.post('/areas/import', writers, rawFile, async (req, res) => {
    const q = AreaImportQuerySchema.parse(req.query);
    let features: unknown[];
    if (Buffer.isBuffer(req.body)) features = await readAreaFile(req.body, q.kind);
    else features = AreaImportRequestSchema.parse(req.body).features;
    if (!features.length || features.length > 5000)
      throw new AppError(400, 'invalid_input', '要素数须为 1–5000 / 1 to 5000 features per import');
    const wgs84 = await applyImportCrs(db, features, q.crs);
    const ids = await importAreas(db, currentUser(res), wgs84.features);
    res.status(201).json({ imported: ids.length, ids, warnings: wgs84.warnings } satisfies AreaImportResult);
  });

  router.put('/areas/:id', writers, async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    res.type('application/geo+json').json(await replaceArea(db, currentUser(res), id, { ...req.body, id }, onChanged));
  });

  router.delete('/areas/:id', writers, async (req, res) => {
    await removeArea(db, currentUser(res), IdSchema.parse(req.params.id));
    res.status(204).end();
  });
  return router;
}
