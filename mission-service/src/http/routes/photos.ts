import { AppError } from '../../app-error.ts';
import { auditChange } from '../../audit/audit-log.ts';
import {
  AttributeImageBodySchema,
  ImagePageSchema,
  ImageListQuerySchema,
  ImageSchema,
  ThumbnailQuerySchema,
} from '../../contract/photos.ts';
import { Sha256ParamsSchema } from '../../contract/images.ts';
import { flightForUpload } from '../../photos/attribute-photo.ts';
import { listImages, loadImage } from '../../photos/image-repository.ts';
import { thumbnailFile, type ThumbnailSize } from '../../photos/thumbnails.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { isFresh, sendImmutableJpeg } from '../send-file.ts';

const READERS = ['operator', 'officer', 'dispatcher'] as const;
const image = { kind: 'image' as const, param: 'sha256' };

/**
 * Photos: `GET /api/images` (filters, unattributed ones with `attribution=none`, paged), `GET /api/images/{sha256}`,
 * its bytes at `/file` and a thumbnail at `/thumbnail?size=256|512|1024` (cached, 304 on If-None-Match), and
 * `POST /api/images/{sha256}/attribution` to put an unattributed photo on its flight. A photo is seen as its drone
 * is (department); another department's photo is not there (404). Bytes are immutable (content-addressed).
 */
export function photoRoutes(d: RouteDeps): Route[] {
  const { db, dataDir } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/images',
      summary: '照片列表（含未归属航班的）/ photos, with filters (attribution=none: unattributed)',
      tag: 'images',
      roles: READERS,
      query: ImageListQuerySchema,
      response: ImagePageSchema,
      handler: ({ user, query }) => listImages(db, user, query),
    }),
    defineRoute({
      method: 'get',
      path: '/images/{sha256}',
      summary: '照片 / photo (record, where it was taken, its flight, URLs of its bytes)',
      tag: 'images',
      roles: READERS,
      params: Sha256ParamsSchema,
      object: image,
      response: ImageSchema,
      handler: async ({ user, params }) => (await loadImage(db, user, params.sha256)).image,
    }),
    defineRoute({
      method: 'get',
      path: '/images/{sha256}/file',
      summary: '照片原图（可缓存）/ the original JPEG (immutable, cacheable)',
      tag: 'images',
      roles: READERS,
      params: Sha256ParamsSchema,
      object: image,
      responseType: 'image/jpeg',
      errors: { 304: '未修改 / not modified (If-None-Match)' },
      async handler({ req, res, user, params }) {
        const { storedPath } = await loadImage(db, user, params.sha256);
        await sendImmutableJpeg(req, res, storedPath, params.sha256);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/images/{sha256}/thumbnail',
      summary: '缩略图（首次生成后缓存）/ thumbnail, made once then cached (size 256, 512 or 1024 px)',
      tag: 'images',
      roles: READERS,
      params: Sha256ParamsSchema,
      query: ThumbnailQuerySchema,
      object: image,
      responseType: 'image/jpeg',
      errors: { 304: '未修改 / not modified (If-None-Match)', 503: '未配置存储目录 / no data directory' },
      async handler({ req, res, user, params, query }) {
        const tag = `${params.sha256}-${query.size}`;
        if (isFresh(req, tag)) return sendImmutableJpeg(req, res, null, tag);
        if (!dataDir) throw new AppError('unavailable', 'no_storage', '未配置存储目录 / no data directory configured');
        const { storedPath } = await loadImage(db, user, params.sha256);
        const file = await thumbnailFile(dataDir, params.sha256, storedPath, Number(query.size) as ThumbnailSize).catch(
          (err: Error) => {
            throw new AppError(
              'unprocessable',
              'undecodable',
              `无法生成缩略图 / cannot make a thumbnail: ${err.message}`,
            );
          },
        );
        await sendImmutableJpeg(req, res, file, tag);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/images/{sha256}/attribution',
      summary: '将未归属照片归入航班 / put an unattributed photo on its flight',
      tag: 'images',
      roles: ['operator'],
      params: Sha256ParamsSchema,
      object: { ...image, write: 'visible' },
      body: AttributeImageBodySchema,
      response: ImageSchema,
      errors: { 409: '照片已属于航班 / already on a flight' },
      async handler({ user, params, body }) {
        const { image: img } = await loadImage(db, user, params.sha256);
        const taken = () =>
          new AppError(
            'conflict',
            'already_attributed',
            `照片已属于航班 / photo already belongs to flight ${img.flightId}`,
            {
              flightId: img.flightId,
            },
          );
        if (img.flightId) throw taken();
        const who = await flightForUpload(db, user, body.flightId);
        await db.transaction(async (tx) => {
          const u = await tx.query(
            `UPDATE images SET flight_id = $2, attribution = 'given', drone_id = $3, department_id = $4
              WHERE sha256 = $1 AND flight_id IS NULL`,
            [params.sha256, body.flightId, who.droneId, who.departmentId],
          );
          if (u.affectedRows !== 1) throw taken();
          await auditChange(tx, user, 'image.attribute', 'image', params.sha256, { flightId: body.flightId });
        });
        return (await loadImage(db, user, params.sha256)).image;
      },
    }),
  ];
}
