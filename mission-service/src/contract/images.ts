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
  /** The flight an accepted photo was attributed to (null: unattributed). */
  flightId: z.string().nullable().optional(),
  /** given: the upload named the flight; matched: by drone and capture time; none: unattributed. */
  attribution: z.enum(['given', 'matched', 'none']).optional(),
});
export const IngestResponseSchema = z.object({
  results: z.array(IngestResultSchema),
  accepted: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  failed: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;
/** `POST /api/images?flightId=…` or `?droneId=…`: which flight the photos belong to, or which drone took them. */
export const IngestQuerySchema = z
  .object({ flightId: IdSchema.optional(), droneId: IdSchema.optional() })
  .strict()
  .refine((q) => !(q.flightId && q.droneId), { message: 'give flightId or droneId, not both', path: ['droneId'] });

export const Sha256ParamsSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex') });
