import busboy from 'busboy';
import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { UploadQuerySchema } from '../../contract/photos.ts';
import type { Db } from '../../db/db.ts';
import type { ImageStore } from '../../ingest/image-store.ts';
import {
  ingestImage,
  INGEST_LIMITS,
  safeDisplayName,
  type EnqueueTriage,
  type IngestResult,
} from '../../ingest/ingest-image.ts';
import { flightForUpload } from '../../photos/attribute-photo.ts';
import { loadDrone } from '../../drones/drone-service.ts';
import { AppError } from '../errors.ts';
import { parseQuery } from '../validate.ts';

/** Largest whole upload request: the per-file limit times a few (bigger batches go in several requests). */
const MAX_REQUEST_BYTES = 4 * INGEST_LIMITS.maxFileBytes;

/**
 * `POST /api/images?flightId=…` or `?droneId=…` (multipart/form-data, any number of file parts up to the limit):
 * per-file results accepted / duplicate / rejected + reason, and the flight each photo was attributed to (named;
 * else matched by drone and capture time; else none). Files are read one at a time into memory up to the size limit.
 */
export function imageRoutes(db: Db, store: ImageStore, enqueueTriage?: EnqueueTriage): Router {
  const router = Router();
  router.post('/images', requireRoles('operator'), async (req, res, next) => {
    const uploader = currentUser(res);
    const { flightId, droneId } = parseQuery(UploadQuerySchema, req);
    // A flight or drone of another department is refused before a byte is stored.
    if (flightId) await flightForUpload(db, uploader, flightId);
    if (droneId) await loadDrone(db, uploader, droneId);
    if (!req.is('multipart/form-data'))
      throw new AppError(
        415,
        'unsupported_media_type',
        '请用 multipart/form-data 上传 / upload as multipart/form-data',
      );
    const length = Number(req.header('content-length') ?? 0);
    if (length > MAX_REQUEST_BYTES)
      throw new AppError(413, 'too_large', `请求过大 / request larger than ${MAX_REQUEST_BYTES} bytes`);
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: INGEST_LIMITS.maxFileBytes,
          files: INGEST_LIMITS.maxFiles,
          fields: 5,
          fieldSize: 1024,
          parts: INGEST_LIMITS.maxFiles + 5,
          headerPairs: 20,
        },
      });
    } catch {
      throw new AppError(400, 'bad_multipart', '无效的 multipart 请求 / malformed multipart request');
    }
    const results: IngestResult[] = [];
    let chain = Promise.resolve();
    let received = 0;
    let failed: unknown;
    let responded = false;
    const finish = (err?: unknown) => {
      if (responded) return;
      responded = true;
      chain
        .then(() => {
          if (err ?? failed) return next(err ?? failed);
          const counts = { accepted: 0, duplicate: 0, rejected: 0 };
          for (const r of results) counts[r.status]++;
          if (!results.length) return next(new AppError(400, 'no_files', '没有文件 / no files in the upload'));
          res.json({ results, ...counts });
        })
        .catch(next);
    };
    bb.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        received += c.length;
        if (received > MAX_REQUEST_BYTES) {
          // Stop parsing, drain the rest, answer 413 once; nothing of this request is kept beyond finished files.
          req.unpipe(bb);
          req.resume();
          finish(new AppError(413, 'too_large', `请求过大 / request larger than ${MAX_REQUEST_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      stream.on('end', () => {
        const name = info.filename ?? '';
        if (responded) return;
        if ((stream as unknown as { truncated?: boolean }).truncated) {
          results.push({
            name: safeDisplayName(name),
            status: 'rejected',
            reason: `文件过大 / file larger than ${INGEST_LIMITS.maxFileBytes} bytes`,
          });
          return;
        }
        const bytes = Buffer.concat(chunks, size);
        chain = chain.then(async () => {
          try {
            results.push(await ingestImage({ db, store, enqueueTriage }, { name, bytes, flightId, droneId, uploader }));
          } catch (err) {
            failed ??= err;
          }
        });
      });
    });
    bb.on('filesLimit', () => {
      results.push({
        name: '(more files)',
        status: 'rejected',
        reason: `文件过多 / more than ${INGEST_LIMITS.maxFiles} files in one request`,
      });
    });
    bb.on('error', () =>
      finish(new AppError(400, 'bad_multipart', '无效的 multipart 请求 / malformed multipart request')),
    );
    bb.on('close', () => finish());
    req.pipe(bb);
  });

  return router;
}
