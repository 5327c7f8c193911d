import { Router } from 'express';
import { AREA_KINDS, listAreas, type Bbox } from '../../areas/area-repository.ts';
import { BboxQuerySchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { AppError } from '../errors.ts';

/** `GET /api/layers/:kind[?bbox=w,s,e,n]`: one layer as a GeoJSON FeatureCollection. */
export function layerRoutes(db: Db): Router {
  const router = Router();
  router.get('/layers/:kind', async (req, res, next) => {
    try {
      const kind = req.params.kind;
      if (!(AREA_KINDS as readonly string[]).includes(kind)) {
        throw new AppError(404, 'unknown_layer', `未知图层 / unknown layer "${kind}"; one of ${AREA_KINDS.join(', ')}`);
      }
      let bbox: Bbox | undefined;
      if (typeof req.query.bbox === 'string') {
        const parsed = BboxQuerySchema.safeParse(req.query.bbox);
        if (!parsed.success) {
          throw new AppError(400, 'invalid_bbox', `bbox 无效 / invalid bbox: ${parsed.error.issues[0]!.message}`);
        }
        bbox = parsed.data as Bbox;
      }
      const features = await listAreas(db, kind as (typeof AREA_KINDS)[number], bbox);
      res.type('application/geo+json').json({ type: 'FeatureCollection', features });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
