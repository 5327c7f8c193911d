import { z } from 'zod';

export const FlightSchema = z.object({
  id: z.string(),
  missionId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export const FlightListSchema = z.object({ flights: z.array(FlightSchema) });

export const FlightProgressSchema = z.object({
  flightId: z.string(),
  photos: z.object({
    total: z.number().int(),
    processed: z.number().int(),
    done: z.number().int(),
    unlocated: z.number().int(),
    failed: z.number().int(),
    queued: z.number().int(),
    processing: z.number().int(),
  }),
  detections: z.number().int(),
  incidents: z.object({ total: z.number().int(), new: z.number().int() }),
  cases: z.number().int(),
  fraction: z.number(),
});

export const FlightTrackSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()),
});
