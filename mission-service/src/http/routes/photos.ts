import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { audit } from '../../audit/audit-log.ts';
import { AttributeImageBodySchema, ImageListQuerySchema, ThumbnailQuerySchema } from '../../contract/photos.ts';
import type { Db } from '../../db/db.ts';
import { flightForUpload } from '../../photos/attribute-photo.ts';
import { listImages, loadImage } from '../../photos/image-repository.ts';
import { thumbnailFile, type ThumbnailSize } from '../../photos/thumbnails.ts';
import { AppError } from '../errors.ts';
import { isFresh, sendImmutableJpeg } from '../send-file.ts';
import { parseBody, parseParam, parseQuery } from '../validate.ts';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex');
const readers = requireRoles('operator', 'officer', 'dispatcher');

/**
 * Photos: `GET /api/images` (filters, unattributed ones with `attribution=none`, paged), `GET /api/images/{sha256}`,
 * its bytes at `/file` and a thumbnail at `/thumbnail?size=256|512|1024` (cached, 304 on If-None-Match), and
 * `POST /api/images/{sha256}/attribution` to put an unattributed photo on its flight. A photo is seen as its drone
 * is (department); another department's photo is not there (404).
 */
export function photoRoutes(db: Db, dataDir: string | undefined): Router {
  const router = Router();

  router.get('/images', readers, async (req, res) => {
    const q = parseQuery(ImageListQuerySchema, req);
    res.json(await listImages(db, currentUser(res), q));
  });

  router.get('/images/:sha256', readers, async (req, res) => {
    const { image } = await loadImage(db, currentUser(res), parseParam(Sha256, req, 'sha256'));
    res.json(image);
  });

  router.get('/images/:sha256/file', readers, async (req, res) => {
    const sha = parseParam(Sha256, req, 'sha256');
    const { storedPath } = await loadImage(db, currentUser(res), sha);
    await sendImmutableJpeg(req, res, storedPath, sha);
  });

  router.get('/images/:sha256/thumbnail', readers, async (req, res) => {
    const sha = parseParam(Sha256, req, 'sha256');
    const { size } = parseQuery(ThumbnailQuerySchema, req);
    const { storedPath } = await loadImage(db, currentUser(res), sha);
    if (!dataDir) throw new AppError(503, 'no_storage', '未配置存储目录 / no data directory configured');
    const tag = `${sha}-${size}`;
    if (isFresh(req, tag)) return sendImmutableJpeg(req, res, null, tag);
    const file = await thumbnailFile(dataDir, sha, storedPath, Number(size) as ThumbnailSize).catch((err: Error) => {
      throw new AppError(422, 'undecodable', `无法生成缩略图 / cannot make a thumbnail: ${err.message}`);
    });
    await sendImmutableJpeg(req, res, file, tag);
  });

  router.post('/images/:sha256/attribution', requireRoles('operator'), async (req, res) => {
    const user = currentUser(res);
    const sha = parseParam(Sha256, req, 'sha256');
    const { flightId } = parseBody(AttributeImageBodySchema, req);
    const { image } = await loadImage(db, user, sha);
    if (image.flightId)
      throw new AppError(
        409,
        'already_attributed',
        `照片已属于航班 ${image.flightId} / photo already belongs to a flight`,
        {
          flightId: image.flightId,
        },
      );
    const who = await flightForUpload(db, user, flightId);
    await db.transaction(async (tx) => {
      const u = await tx.query(
        `UPDATE images SET flight_id = $2, attribution = 'given', drone_id = $3, department_id = $4
          WHERE sha256 = $1 AND flight_id IS NULL`,
        [sha, flightId, who.droneId, who.departmentId],
      );
      if (u.affectedRows !== 1)
        throw new AppError(409, 'already_attributed', '照片已属于航班 / photo already belongs to a flight');
      await audit(tx, user, 'image.attribute', 'image', sha, { flightId });
    });
    res.json((await loadImage(db, user, sha)).image);
  });

  return router;
}
