import { z } from 'zod';
import { pageOf } from './paging.ts';

export const FlightSchema = z.object({
  id: z.string(),
  missionId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export const FlightListSchema = pageOf(FlightSchema);

export const FlightTrackSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.unknown(),
  properties: z.record(z.string(), z.unknown()),
});
