import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../app-error.ts';
import type { AuthUser } from '../../auth/index.ts';
import { IngestQuerySchema, IngestResponseSchema } from '../../contract/images.ts';
import type { Db } from '../../db/db.ts';
import { loadDrone } from '../../drones/drone-service.ts';
import { flightForUpload } from '../../photos/attribute-photo.ts';
import type { ImageStore } from '../../ingest/image-store.ts';
import {
  ingestImage,
  INGEST_LIMITS,
  safeDisplayName,
  type EnqueueTriage,
  type IngestResult,
} from '../../ingest/ingest-image.ts';
import type { Logger } from '../../logger.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/** Largest whole upload request: the per-file limit times a few (bigger batches go in several requests). */
const MAX_REQUEST_BYTES = 4 * INGEST_LIMITS.maxFileBytes;

interface UploadDeps {
  db: Db;
  store: ImageStore;
  enqueueTriage?: EnqueueTriage;
  photoTimeZone?: string;
  logger: Logger;
}

/**
 * Reads a multipart upload one file at a time (each into memory up to the size limit) and ingests each:
 * per-file results accepted / duplicate / rejected (the file is wrong) / failed (storage: retry). File names are
 * read as UTF-8.
 */
function receiveUpload(
  deps: UploadDeps,
  req: Request,
  from: { flightId?: string; droneId?: string; uploader: AuthUser },
): Promise<{ results: IngestResult[] }> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data'))
      return reject(
        new AppError(
          'unsupported_media_type',
          'unsupported_media_type',
          '请用 multipart/form-data 上传 / upload as multipart/form-data',
        ),
      );
    const length = Number(req.header('content-length') ?? 0);
    if (length > MAX_REQUEST_BYTES)
      return reject(
        new AppError('too_large', 'too_large', `请求过大 / request larger than ${MAX_REQUEST_BYTES} bytes`),
      );
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
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
      return reject(
        new AppError('invalid_input', 'bad_multipart', '无效的 multipart 请求 / malformed multipart request'),
      );
    }
    const results: IngestResult[] = [];
    let chain = Promise.resolve();
    let received = 0;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      chain.then(() => (err ? reject(err) : resolve({ results })), reject);
    };
    const onStorageError = (err: unknown, sha256: string) =>
      deps.logger.error({ err, sha256, path: req.path }, 'photo storage failed');
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
          finish(new AppError('too_large', 'too_large', `请求过大 / request larger than ${MAX_REQUEST_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      stream.on('end', () => {
        const name = info.filename ?? '';
        if (done) return;
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
            results.push(await ingestImage({ ...deps, onStorageError }, { name, bytes, ...from }));
          } catch (err) {
            // The database refused this one: report it, keep going with the others.
            deps.logger.error({ err, path: req.path }, 'photo ingest failed');
            results.push({
              name: safeDisplayName(name),
              status: 'failed',
              reason: '保存失败，请重试 / could not save: retry',
            });
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
      finish(new AppError('invalid_input', 'bad_multipart', '无效的 multipart 请求 / malformed multipart request')),
    );
    bb.on('close', () => finish());
    req.pipe(bb);
  });
}

/**
 * `POST /api/images?flightId=…` or `?droneId=…` (multipart/form-data, any number of file parts up to the limit):
 * per-file results, with the flight each photo was attributed to (named; else matched by drone and capture time;
 * else none). Reading photos: `photos.ts`.
 */
export function imageRoutes(d: RouteDeps): Route[] {
  const { db, store } = d;
  return [
    defineRoute({
      method: 'post',
      path: '/images',
      summary: '上传照片（multipart，逐个文件结果）/ upload photos (multipart; a result per file)',
      tag: 'images',
      roles: ['operator'],
      query: IngestQuerySchema,
      bodyType: 'multipart/form-data',
      rawBody: true,
      response: IngestResponseSchema,
      errors: {
        413: '请求过大 / request too large',
        415: '须为 multipart / not multipart',
        503: '未配置存储 / no photo storage',
      },
      async handler({ req, user, query }) {
        if (!store) throw new AppError('unavailable', 'no_storage', '未配置照片存储 / no photo storage configured');
        // A flight or drone of another department is not there (404) before a byte is stored.
        if (query.flightId) await flightForUpload(db, user, query.flightId);
        if (query.droneId) await loadDrone(db, user, query.droneId);
        const { results } = await receiveUpload(
          { db, store, enqueueTriage: d.enqueueTriage, photoTimeZone: d.photoTimeZone, logger: d.logger },
          req,
          { flightId: query.flightId, droneId: query.droneId, uploader: user },
        );
        if (!results.length) throw new AppError('invalid_input', 'no_files', '没有文件 / no files in the upload');
        const counts = { accepted: 0, duplicate: 0, rejected: 0, failed: 0 };
        for (const r of results) counts[r.status]++;
        return { results, ...counts };
      },
    }),
  ];
}
