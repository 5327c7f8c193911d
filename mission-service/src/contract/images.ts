import { z } from 'zod';

export const IngestResultSchema = z.object({
  name: z.string(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
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
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;
