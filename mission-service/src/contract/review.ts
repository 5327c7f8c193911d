import { z } from 'zod';
import { BboxQuerySchema, IdSchema } from './common.ts';
import { csvList, instantQuery, PageQuerySchema, pageOf, PointSchema, PolygonGeometrySchema } from './paging.ts';

export const DETECTION_CLASSES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export const DetectionClassSchema = z.enum(DETECTION_CLASSES);

/**
 * Review states of a drone-found incident: `to_review` 待研判 (waits for an officer), `confirmed` 已确认 (an officer
 * filed it as a case), `rejected` 已驳回 (a false positive, kept as a labelled negative), `auto_filed` 自动立案
 * (its category's auto-file score was reached).
 */
export const REVIEW_STATES = ['to_review', 'confirmed', 'rejected', 'auto_filed'] as const;
export const ReviewStateSchema = z.enum(REVIEW_STATES);

/**
 * A detection box in the pixel frame of the original photo as stored (its JPEG as decoded, before any EXIF
 * orientation is applied): origin at the top-left corner, x to the right, y down, `[x, y, width, height]` in pixels.
 */
export const BoxPxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const DetectionSchema = z.object({
  id: z.string(),
  incidentId: z.string().nullable(),
  imageSha256: z.string(),
  flightId: z.string().nullable(),
  /** The class now (after an officer's correction). */
  class: DetectionClassSchema,
  /** The class the model gave. */
  modelClass: DetectionClassSchema,
  score: z.number(),
  bboxPx: BoxPxSchema,
  /** Size of the photo the box is in. */
  imageWidthPx: z.number().int().nullable(),
  imageHeightPx: z.number().int().nullable(),
  /** Ground position of the box's centre, and its error estimate in metres. */
  position: PointSchema.nullable(),
  errorM: z.number().nullable(),
  model: z.string().nullable(),
  /** The officer's latest label: positive (confirmed), negative (false positive), or none yet. */
  label: z.enum(['positive', 'negative']).nullable(),
  takenAt: z.string().nullable(),
  createdAt: z.string(),
  urls: z.object({ image: z.string(), thumbnail: z.string(), crop: z.string() }),
});
export type Detection = z.infer<typeof DetectionSchema>;

export const IncidentSchema = z.object({
  id: z.string(),
  class: DetectionClassSchema,
  /** The model's class before an officer changed it (null: unchanged). */
  originalClass: DetectionClassSchema.nullable(),
  reviewState: ReviewStateSchema,
  confidence: z.number(),
  position: PointSchema,
  groundPolygon: PolygonGeometrySchema.nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  detectionCount: z.number().int(),
  photoCount: z.number().int(),
  flightIds: z.array(z.string()),
  departmentId: z.string().nullable(),
  caseId: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
  bestDetectionId: z.string().nullable(),
  /** The evidence crop of the best detection. */
  cropUrl: z.string().nullable(),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const IncidentDetailSchema = IncidentSchema.extend({ detections: z.array(DetectionSchema) });

/**
 * Filters of the review queue. `state` and `class`: comma lists; `minScore`/`maxScore` on the confidence;
 * `flightId`: seen on that flight; `areaId`: inside that area; `bbox`: `west,south,east,north`; `from`/`to`: last
 * seen in [from, to) (a date means midnight China time; `to` as a date includes that day).
 */
export const IncidentListQuerySchema = PageQuerySchema.extend({
  state: csvList(ReviewStateSchema).optional(),
  class: csvList(DetectionClassSchema).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  flightId: IdSchema.optional(),
  areaId: IdSchema.optional(),
  bbox: BboxQuerySchema.optional(),
  from: instantQuery().optional(),
  to: instantQuery(true).optional(),
}).strict();
export const IncidentPageSchema = pageOf(IncidentSchema);

export const DetectionListQuerySchema = PageQuerySchema.extend({
  class: csvList(DetectionClassSchema).optional(),
  state: csvList(ReviewStateSchema).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  flightId: IdSchema.optional(),
  incidentId: IdSchema.optional(),
  imageSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'imageSha256: 64 lowercase hex')
    .optional(),
  label: z.enum(['positive', 'negative', 'none']).optional(),
  areaId: IdSchema.optional(),
  bbox: BboxQuerySchema.optional(),
  from: instantQuery().optional(),
  to: instantQuery(true).optional(),
}).strict();
export const DetectionPageSchema = pageOf(DetectionSchema);

/** Confirm 确认: file the incident as a case (or attach it to an open case nearby), optionally as another class. */
export const ConfirmIncidentBodySchema = z
  .object({
    class: DetectionClassSchema.optional(),
    severity: z.enum(['urgent', 'normal']).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

export const REJECT_REASONS = ['false_positive', 'duplicate', 'not_actionable', 'other'] as const;
/** Reject 驳回: a false positive; its detections are kept as labelled negatives for the model. */
export const RejectIncidentBodySchema = z
  .object({
    reason: z.enum(REJECT_REASONS),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .refine((b) => b.reason !== 'other' || b.note, { message: 'reason "other" needs a note', path: ['note'] });

/** Change class 改类: the model saw the right thing under the wrong name; the incident stays in review. */
export const ChangeIncidentClassBodySchema = z
  .object({ class: DetectionClassSchema, note: z.string().trim().max(2000).optional() })
  .strict();

export const ReviewResultSchema = z.object({
  incident: IncidentSchema,
  /** The case filed or attached to (confirm), else null. */
  caseId: z.string().nullable(),
  outcome: z.enum(['created', 'attached', 'existing', 'rejected', 'reclassified']),
});
