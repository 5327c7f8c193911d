import { z } from 'zod';

export const IngestResultSchema = z.object({
  name: z.string(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  sha256: z.string().optional(),
  reason: z.string().optional(),
});
export const IngestResponseSchema = z.object({
  results: z.array(IngestResultSchema),
  accepted: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;
