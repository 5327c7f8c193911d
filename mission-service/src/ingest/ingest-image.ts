import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import type { AuthUser } from '../auth/index.ts';
import { readPhotoMetadata } from '@xuncha/triage';
import type { Db } from '../db/db.ts';
import { attributePhoto, type AttributionKind } from '../photos/attribute-photo.ts';
import type { ImageStore } from './image-store.ts';
import { sniffType } from './sniff.ts';

/** Limits of one photo (ASVS file-upload rules: explicit, far below the libraries' defaults). */
export const INGEST_LIMITS = {
  /** Largest photo accepted (bytes). */
  maxFileBytes: 60 * 1024 * 1024,
  /** Most files in one upload request. */
  maxFiles: 500,
  /** Largest decoded image (pixels): 120 MP, well below sharp's 268 MP default; larger is a bomb. */
  maxPixels: 120_000_000,
} as const;

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected' | 'failed';

export interface IngestResult {
  name: string;
  status: IngestStatus;
  sha256?: string;
  reason?: string;
  /** The flight the photo was attributed to (null: unattributed). */
  flightId?: string | null;
  attribution?: AttributionKind;
}

/** Queues a photo for triage; the triage worker wires it (pg-boss). Default: nothing (rows stay 'queued'). */
export type EnqueueTriage = (sha256: string) => Promise<void>;

export interface IngestDeps {
  db: Db;
  store: ImageStore;
  enqueueTriage?: EnqueueTriage;
  maxPixels?: number;
  /** Told when the store refuses a photo (the result says `failed`; the cause goes to the log). */
  onStorageError?: (err: unknown, sha256: string) => void;
  /** IANA zone of photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
}

/**
 * Control characters, and the bidirectional formatting characters that make `gpj.exe` look like `exe.jpg`
 * (U+202A–U+202E, U+2066–U+2069, LRM/RLM, ALM).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A file name as it may be shown and stored as metadata: base name only, NFC, no control or bidi formatting
 * characters, at most 255 characters.
 */
export function safeDisplayName(name: string | undefined): string {
  const base = path.posix
    .basename(path.win32.basename(name ?? ''))
    .normalize('NFC')
    .replace(UNSAFE_NAME_CHARS, '');
  return [...base].slice(0, 255).join('') || 'unnamed';
}

/** Time and place as triage reads them (never throws: a photo without readable EXIF is still a photo). */
async function metadata(
  bytes: Uint8Array,
  timeZone: string | undefined,
): Promise<{ takenAt: Date | null; lon: number | null; lat: number | null }> {
  const { metadata: m } = await readPhotoMetadata(bytes, { timeZone });
  return { takenAt: m.takenAt ? new Date(m.takenAt) : null, lon: m.lon, lat: m.lat };
}

/** One photo to ingest: its name and bytes, and what the upload says about where it comes from. */
export interface IngestFile {
  name: string;
  bytes: Uint8Array;
  /** The flight it belongs to (the dock was told), checked against the uploader by the caller. */
  flightId?: string | null;
  /** The drone that took it, when the flight is not known: the flight is found by capture time. */
  droneId?: string | null;
  /** Who uploads (limits the flights a photo may be matched to); absent for the service's own imports. */
  uploader?: AuthUser | null;
}

/**
 * Ingests one photo: JPEG by its bytes, fully decodable within the pixel limit (corrupt files and decompression
 * bombs are rejected), deduplicated by SHA-256, attributed to its flight (named, or matched by drone and capture
 * time; else unattributed), stored, recorded as 'queued' and handed to triage.
 */
export async function ingestImage(deps: IngestDeps, file: IngestFile): Promise<IngestResult> {
  const name = safeDisplayName(file.name);
  const reject = (reason: string): IngestResult => ({ name, status: 'rejected', reason });
  if (file.bytes.length === 0) return reject('空文件 / empty file');
  if (file.bytes.length > INGEST_LIMITS.maxFileBytes)
    return reject(`文件过大 / file larger than ${INGEST_LIMITS.maxFileBytes} bytes`);
  const type = sniffType(file.bytes.subarray(0, 16));
  if (type !== 'jpeg') return reject(`不是 JPEG 照片 / not a JPEG photo (content looks like ${type})`);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const seen = await deps.db.query<{ flight_id: string | null }>('SELECT flight_id FROM images WHERE sha256 = $1', [
    sha256,
  ]);
  if (seen.rows.length) return duplicate(deps, file, name, sha256, seen.rows[0]!.flight_id);
  let width: number;
  let height: number;
  try {
    const img = sharp(file.bytes, {
      limitInputPixels: deps.maxPixels ?? INGEST_LIMITS.maxPixels,
      failOn: 'error',
      sequentialRead: true,
    });
    const meta = await img.metadata();
    if (meta.format !== 'jpeg' || !meta.width || !meta.height) return reject('不是 JPEG 照片 / not a JPEG image');
    width = meta.width;
    height = meta.height;
    // Decode it all (shrunk on load) so a truncated or corrupt file is caught here, not in triage.
    await img.resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    const msg = (err as Error).message;
    return reject(
      /pixel limit/i.test(msg)
        ? `像素过多 / image exceeds ${deps.maxPixels ?? INGEST_LIMITS.maxPixels} pixels (decompression bomb?)`
        : '图像损坏或无法解码 / corrupt or undecodable JPEG',
    );
  }
  const meta = await metadata(file.bytes, deps.photoTimeZone);
  const who = await attributePhoto(deps.db, file.uploader ?? null, {
    flightId: file.flightId,
    droneId: file.droneId,
    takenAt: meta.takenAt,
    lon: meta.lon,
    lat: meta.lat,
  });
  let stored: { location: string; created: boolean };
  try {
    stored = await deps.store.put(sha256, file.bytes);
  } catch (err) {
    // One file the disk could not take does not fail the others: the caller reports it and may retry it.
    deps.onStorageError?.(err, sha256);
    return { name, sha256, status: 'failed', reason: '存储失败，请稍后重试 / could not store the photo: retry later' };
  }
  const { location, created } = stored;
  try {
    const ins = await deps.db.query(
      `INSERT INTO images (sha256, flight_id, original_name, stored_path, byte_size, width_px, height_px, taken_at, geom,
                           status, attribution, drone_id, department_id, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
               CASE WHEN $9::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($9, $10), 4326) END, 'queued',
               $11, $12, $13, $14)
       ON CONFLICT (sha256) DO NOTHING`,
      [
        sha256,
        who.flightId,
        name,
        location,
        file.bytes.length,
        width,
        height,
        meta.takenAt,
        meta.lon,
        meta.lat,
        who.attribution,
        who.droneId,
        who.departmentId,
        file.uploader?.id ?? null,
      ],
    );
    if (ins.affectedRows !== 1) return { name, status: 'duplicate', sha256 };
  } catch (err) {
    if (created) await deps.store.remove(sha256);
    throw err;
  }
  await deps.enqueueTriage?.(sha256);
  return { name, status: 'accepted', sha256, flightId: who.flightId, attribution: who.attribution };
}

/**
 * A photo already here is not stored again; but a photo that arrived unattributed and now comes with its flight
 * (the dock delivering again, told the flight this time) is put on that flight.
 */
async function duplicate(
  deps: IngestDeps,
  file: IngestFile,
  name: string,
  sha256: string,
  flightId: string | null,
): Promise<IngestResult> {
  if (flightId || !file.flightId) return { name, status: 'duplicate', sha256, flightId };
  const who = await attributePhoto(deps.db, file.uploader ?? null, {
    flightId: file.flightId,
    takenAt: null,
    lon: null,
    lat: null,
  });
  await deps.db.query(
    `UPDATE images SET flight_id = $2, attribution = 'given', drone_id = $3, department_id = $4
      WHERE sha256 = $1 AND flight_id IS NULL`,
    [sha256, who.flightId, who.droneId, who.departmentId],
  );
  return { name, status: 'duplicate', sha256, flightId: who.flightId, attribution: 'given' };
}
