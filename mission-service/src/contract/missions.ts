import { z } from 'zod';
import { IdSchema } from './common.ts';
import { PageQuerySchema } from './paging.ts';

export const MISSION_STATES = [
  'planned',
  'uploading',
  'uploaded',
  'flying',
  'interrupted',
  'completed',
  'failed',
] as const;
export const MissionStateSchema = z.enum(MISSION_STATES);
export type MissionState = z.infer<typeof MissionStateSchema>;

export const MissionInputSchema = z.object({
  planId: IdSchema,
  sortieIndex: z.number().int().min(0).max(1000).default(0),
  droneId: IdSchema,
});

export const MISSION_ACTIONS = ['upload', 'start', 'pause', 'continue', 'rtl', 'abort'] as const;
export const MissionActionSchema = z.enum(MISSION_ACTIONS);
export type MissionAction = z.infer<typeof MissionActionSchema>;

export const MissionSchema = z.object({
  id: z.string(),
  planId: z.string().nullable(),
  sortieIndex: z.number().int(),
  droneId: z.string().nullable(),
  state: MissionStateSchema,
  itemCount: z.number().int(),
  lastReachedSeq: z.number().int().nullable(),
  progress: z.record(z.string(), z.unknown()),
  flightId: z.string().nullable(),
  scheduleId: z.string().nullable(),
  departmentId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Mission = z.infer<typeof MissionSchema>;

export const MissionListQuerySchema = PageQuerySchema.extend({
  droneId: IdSchema.optional(),
  state: MissionStateSchema.optional(),
});
