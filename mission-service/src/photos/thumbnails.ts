/**
 * Thumbnails and evidence crops, made once and kept on disk beside the photos (`<dataDir>/thumbs/<size>/…`,
 * `<dataDir>/evidence/…`): the first request decodes the photo (sharp shrinks a JPEG while decoding it, so a 12 MP
 * photo costs a fraction of a full decode), later ones read a small file. Pixels keep the stored frame (no EXIF
 * rotation), the frame detection boxes are given in.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { evidenceCrop } from '@xuncha/triage';
import { INGEST_LIMITS } from '../ingest/ingest-image.ts';

export const THUMBNAIL_SIZES = [256, 512, 1024] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Requests for the same file being made share one piece of work. */
const inFlight = new Map<string, Promise<string>>();

async function once(file: string, make: () => Promise<Buffer>): Promise<string> {
  if (await exists(file)) return file;
  const running = inFlight.get(file);
  if (running) return running;
  const work = (async () => {
    const bytes = await make();
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return file;
  })().finally(() => inFlight.delete(file));
  inFlight.set(file, work);
  return work;
}

/** The thumbnail file of photo `sha256` (at most `size` px on its long side), made on first use. */
export function thumbnailFile(
  dataDir: string,
  sha256: string,
  storedPath: string,
  size: ThumbnailSize,
): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 digest');
  const file = path.join(dataDir, 'thumbs', String(size), sha256.slice(0, 2), `${sha256}.jpg`);
  return once(file, () =>
    sharp(storedPath, { limitInputPixels: INGEST_LIMITS.maxPixels, failOn: 'none', sequentialRead: true })
      .resize(size, size, { fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
      .jpeg({ quality: 80 })
      .toBuffer(),
  );
}

/** Where the crop of detection `id` lies (the merge job writes the best detection's crop to the same place). */
export function cropPath(dataDir: string, detectionId: string): string {
  if (!/^[\w-]{5,64}$/.test(detectionId)) throw new Error('not a detection id');
  return path.join(dataDir, 'evidence', detectionId.slice(4, 6), `${detectionId}.jpg`);
}

/** The evidence crop file of a detection, cut from its photo on first use. */
export function cropFile(
  dataDir: string,
  detection: { id: string; bboxPx: number[]; storedPath: string; widthPx: number; heightPx: number },
): Promise<string> {
  const [x, y, width, height] = detection.bboxPx as [number, number, number, number];
  return once(cropPath(dataDir, detection.id), async () =>
    evidenceCrop(
      await readFile(detection.storedPath),
      { widthPx: detection.widthPx, heightPx: detection.heightPx },
      { x, y, width, height },
    ),
  );
}
