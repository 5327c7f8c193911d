import { z } from 'zod';
import { IdSchema } from './common.ts';

/**
 * One file of an upload: accepted (stored, queued for triage), duplicate (same bytes seen before), rejected (the
 * file is wrong: not a photo, too large) or failed (the service could not store it: retry later).
 */
export const IngestResultSchema = z.object({
  name: z.string(),
  status: z.enum(['accepted', 'duplicate', 'rejected', 'failed']),
  sha256: z.string().optional(),
  reason: z.string().optional(),
});
export const IngestResponseSchema = z.object({
  results: z.array(IngestResultSchema),
  accepted: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  failed: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;
export const IngestQuerySchema = z.object({ flightId: IdSchema.optional() }).strict();

export const Sha256ParamsSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex') });

export const ImageRecordSchema = z.object({
  sha256: z.string(),
  flightId: z.string().nullable(),
  originalName: z.string().nullable(),
  byteSize: z.number(),
  widthPx: z.number().nullable(),
  heightPx: z.number().nullable(),
  takenAt: z.string().nullable(),
  location: z.unknown(),
  status: z.string(),
  error: z.string().nullable(),
});
