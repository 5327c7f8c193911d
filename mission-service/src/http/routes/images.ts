import busboy from 'busboy';
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { assertFlightAccess, loadDrone } from '../../drones/drone-service.ts';
import type { ImageStore } from '../../ingest/image-store.ts';
import {
  ingestImage,
  INGEST_LIMITS,
  safeDisplayName,
  type EnqueueTriage,
  type IngestResult,
} from '../../ingest/ingest-image.ts';
import { AppError, notFound } from '../errors.ts';

const UploadQuerySchema = z.object({ flightId: IdSchema.optional() });

/** Largest whole upload request: the per-file limit times a few (bigger batches go in several requests). */
const MAX_REQUEST_BYTES = 4 * INGEST_LIMITS.maxFileBytes;

/**
 * `POST /api/images?flightId=…` (multipart/form-data, any number of file parts up to the limit): per-file results
 * accepted / duplicate / rejected + reason. Files are read one at a time into memory up to the size limit.
 */
export function imageRoutes(db: Db, store: ImageStore, enqueueTriage?: EnqueueTriage, photoTimeZone?: string): Router {
  const router = Router();
  router.post('/images', requireRoles('operator'), async (req, res, next) => {
    const { flightId } = UploadQuerySchema.parse(req.query);
    if (flightId) await assertFlightAccess(db, currentUser(res), flightId);
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
            results.push(
              await ingestImage(
                { db, store, enqueueTriage, photoTimeZone },
                { name, bytes, flightId: flightId ?? null },
              ),
            );
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

  router.get('/images/:sha256', requireRoles(), async (req, res) => {
    const sha = z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex')
      .parse(req.params.sha256);
    const r = await db.query<Record<string, unknown>>(
      `SELECT i.sha256, i.flight_id, i.original_name, i.byte_size, i.width_px, i.height_px, i.taken_at, i.status, i.error,
              ST_AsGeoJSON(i.geom)::json AS geom, f.drone_id
         FROM images i LEFT JOIN flights f ON f.id = i.flight_id WHERE i.sha256 = $1`,
      [sha],
    );
    const row = r.rows[0];
    if (!row) throw notFound(`image ${sha}`);
    if (row.drone_id) await loadDrone(db, currentUser(res), row.drone_id as string);
    res.json({
      sha256: row.sha256,
      flightId: row.flight_id,
      originalName: row.original_name,
      byteSize: Number(row.byte_size),
      widthPx: row.width_px,
      heightPx: row.height_px,
      takenAt: row.taken_at ? new Date(row.taken_at as string).toISOString() : null,
      location: row.geom,
      status: row.status,
      error: row.error,
    });
  });
  return router;
}
