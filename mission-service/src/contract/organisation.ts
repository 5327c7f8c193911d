import { z } from 'zod';
import { IdSchema, realColumn } from './common.ts';
import { DetectionClassSchema } from './review.ts';

export const DepartmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  /** Case categories the department handles (informative; routing rules decide). */
  categories: z.array(DetectionClassSchema),
});
export const DepartmentInputSchema = z
  .object({
    id: IdSchema.optional(),
    name: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().max(200).nullable().optional(),
    categories: z.array(DetectionClassSchema).max(10).default([]),
  })
  .strict();

/**
 * Routing of a case category: the lead department (主办), or the township office of the place
 * (`leadIsTownship`), and the assisting departments (协办).
 */
export const RoutingRuleSchema = z.object({
  category: DetectionClassSchema,
  leadDepartmentId: z.string().nullable(),
  leadIsTownship: z.boolean(),
  assistDepartmentIds: z.array(z.string()),
});
export const RoutingRuleInputSchema = z
  .object({
    leadDepartmentId: IdSchema.nullable().default(null),
    leadIsTownship: z.boolean().default(false),
    assistDepartmentIds: z.array(IdSchema).max(20).default([]),
  })
  .strict()
  .refine((r) => r.leadIsTownship || r.leadDepartmentId, {
    message: 'give leadDepartmentId, or leadIsTownship: true',
    path: ['leadDepartmentId'],
  });

/**
 * Filing settings of a category: the duplicate radius of reports (hotline: rough locations), the attach distance of
 * drone incidents (much tighter: a drone locates to metres), and the score at which a drone incident files itself
 * (null: every incident waits for review).
 */
export const CategorySettingsSchema = z.object({
  category: DetectionClassSchema,
  name: z.string(),
  nameEn: z.string(),
  duplicateRadiusM: z.number(),
  droneAttachRadiusM: z.number(),
  autoFileMinScore: z.number().nullable(),
});
export const CategorySettingsInputSchema = z
  .object({
    duplicateRadiusM: realColumn(z.number().min(0).max(10_000).optional()),
    droneAttachRadiusM: realColumn(z.number().min(0).max(10_000).optional()),
    autoFileMinScore: realColumn(z.number().min(0).max(1).nullable().optional()),
  })
  .strict();

/** A camera preset (the planner's camera model: sensor, lens, image size). */
export const CameraPresetSpecSchema = z
  .object({
    name: IdSchema,
    label: z.string().max(200).optional(),
    sensorWidthMm: z.number().positive().max(100),
    sensorHeightMm: z.number().positive().max(100),
    focalLengthMm: z.number().positive().max(1000),
    imageWidthPx: z.number().int().positive().max(100_000),
    imageHeightPx: z.number().int().positive().max(100_000),
    minTriggerIntervalS: z.number().nonnegative().max(60).default(1),
  })
  .strict();
/** A drone preset (the endurance model: speeds, flight time, reserve, default camera). */
export const DronePresetSpecSchema = z
  .object({
    name: IdSchema,
    label: z.string().max(200).optional(),
    cruiseSpeedMps: z.number().positive().max(40),
    maxSpeedMps: z.number().positive().max(60),
    flightTimeS: z.number().positive().max(86_400),
    reserveFraction: z.number().min(0).max(0.9).default(0.25),
    ascentMps: z.number().positive().max(30),
    descentMps: z.number().positive().max(30),
    turnPenaltyS: z.number().nonnegative().max(120).default(4),
    maxAltRelM: z.number().positive().max(1000).default(120),
    minAltRelM: z.number().positive().max(1000).default(10),
    defaultCamera: IdSchema.optional(),
  })
  .strict();
export const PresetSourceSchema = z.enum(['builtin', 'admin']);
export const CameraPresetSchema = z.object({ spec: CameraPresetSpecSchema, source: PresetSourceSchema });
export const DronePresetSchema = z.object({ spec: DronePresetSpecSchema, source: PresetSourceSchema });
