/**
 * Serving photo bytes: content-addressed (a photo's SHA-256, a detection's id derived from photo and box), so an
 * answer never changes — `Cache-Control: private, max-age=1 year, immutable` with an ETag, and 304 for a client
 * that has it. `private`: these are seen only after authorisation, never by a shared cache.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { AppError } from '../app-error.ts';

/** Whether the client already holds the answer tagged `etag` (If-None-Match). */
export function isFresh(req: Request, etag: string): boolean {
  const tag = `"${etag}"`;
  const match = req.header('if-none-match');
  return !!match && match.split(',').some((t) => t.trim() === tag || t.trim() === `W/${tag}` || t.trim() === '*');
}

/**
 * Sends `file` as an immutable JPEG tagged `etag`, or 304 when the client holds it (then `file` is not read and may
 * be null: callers skip making a thumbnail the client already has).
 */
export async function sendImmutableJpeg(req: Request, res: Response, file: string | null, etag: string): Promise<void> {
  res.setHeader('cache-control', 'private, max-age=31536000, immutable');
  res.setHeader('etag', `"${etag}"`);
  res.setHeader('x-content-type-options', 'nosniff');
  if (isFresh(req, etag)) {
    res.status(304).end();
    return;
  }
  if (!file) throw new Error('sendImmutableJpeg: no file for a request that is not fresh');
  const st = await stat(file).catch(() => null);
  if (!st?.isFile())
    throw new AppError(
      'not_found',
      'file_gone',
      '照片文件已不在存储中 / the stored file is gone (storage lost or cleaned up); upload the photo again',
    );
  res.setHeader('content-type', 'image/jpeg');
  res.setHeader('content-length', String(st.size));
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(file);
    s.on('error', reject);
    res.on('close', resolve);
    s.pipe(res);
  });
}
