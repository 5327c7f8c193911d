import { z } from 'zod';
import { IdSchema } from './common.ts';
import { csvList, instantQuery, PageQuerySchema, pageOf, PointSchema } from './paging.ts';

export const IMAGE_ATTRIBUTIONS = ['given', 'matched', 'none'] as const;
export const IMAGE_STATUSES = ['queued', 'processing', 'done', 'unlocated', 'failed'] as const;

/** Where a photo's bytes are served (never a path on the server). */
export const ImageUrlsSchema = z.object({
  /** The original JPEG. */
  file: z.string(),
  /** A JPEG at most 512 px on its long side (`?size=256|512|1024`). */
  thumbnail: z.string(),
});

/**
 * A photo. `attribution`: `given` (the upload named its flight), `matched` (found by drone and capture time within
 * the flight's window), `none` (unattributed). `location`: where it was taken (EXIF GPS).
 */
export const ImageSchema = z.object({
  sha256: z.string(),
  flightId: z.string().nullable(),
  droneId: z.string().nullable(),
  attribution: z.enum(IMAGE_ATTRIBUTIONS),
  departmentId: z.string().nullable(),
  originalName: z.string().nullable(),
  byteSize: z.number().int(),
  widthPx: z.number().int().nullable(),
  heightPx: z.number().int().nullable(),
  takenAt: z.string().nullable(),
  location: PointSchema.nullable(),
  status: z.enum(IMAGE_STATUSES),
  error: z.string().nullable(),
  detectionCount: z.number().int(),
  createdAt: z.string(),
  urls: ImageUrlsSchema,
});
export type Image = z.infer<typeof ImageSchema>;

export const ImageListQuerySchema = PageQuerySchema.extend({
  flightId: IdSchema.optional(),
  droneId: IdSchema.optional(),
  attribution: csvList(z.enum(IMAGE_ATTRIBUTIONS)).optional(),
  status: csvList(z.enum(IMAGE_STATUSES)).optional(),
  from: instantQuery().optional(),
  to: instantQuery(true).optional(),
}).strict();
export const ImagePageSchema = pageOf(ImageSchema);

export const ThumbnailQuerySchema = z.object({ size: z.enum(['256', '512', '1024']).default('512') }).strict();

/** `POST /api/images/{sha256}/attribution`: put an (unattributed) photo on a flight by hand. */
export const AttributeImageBodySchema = z.object({ flightId: IdSchema }).strict();

/** What a flight was expected to photograph and what came home, shot by shot (shots numbered from 1). */
export const FlightShotsSchema = z.object({
  /** Shots the plan's sortie takes; null when the flight has no plan behind it (a manual flight). */
  planned: z.number().int().nullable(),
  /** Photos of the flight matched to a planned shot. */
  received: z.number().int(),
  /** Photos of the flight far from every planned shot (or beyond their number). */
  unmatched: z.number().int(),
  missing: z.number().int(),
  /** Missing shot numbers, at most 1000 (see `missingRanges` for all). */
  missingShots: z.array(z.number().int()),
  /** The missing shots as ranges, e.g. `17–30` or `3, 8–9`. */
  missingRanges: z.string(),
  /** One line for a person: `30 planned, 16 received: shots 17–30 missing`. */
  summary: z.string(),
});

export const FlightProgressSchema = z.object({
  flightId: z.string(),
  droneId: z.string().nullable(),
  missionId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  photos: z.object({
    /** Planned shots (null without a plan), photos received, photos triaged (any outcome). */
    expected: z.number().int().nullable(),
    received: z.number().int(),
    triaged: z.number().int(),
    total: z.number().int(),
    processed: z.number().int(),
    done: z.number().int(),
    unlocated: z.number().int(),
    failed: z.number().int(),
    queued: z.number().int(),
    processing: z.number().int(),
  }),
  shots: FlightShotsSchema,
  detections: z.number().int(),
  incidents: z.object({ total: z.number().int(), new: z.number().int(), toReview: z.number().int() }),
  cases: z.number().int(),
  /** Triaged / expected (or / received without a plan), 0..1; 0 while nothing arrived of a planned flight. */
  fraction: z.number(),
});
export type FlightProgressView = z.infer<typeof FlightProgressSchema>;
