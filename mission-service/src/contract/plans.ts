import { z } from 'zod';
import { BboxQuerySchema, IdSchema, TextSchema } from './common.ts';
import { PageQuerySchema } from './paging.ts';

export const PLAN_PATTERNS = ['survey', 'corridor', 'hillside'] as const;
export const PlanPatternSchema = z.enum(PLAN_PATTERNS);

/** Planner parameters (passed to geodata's planners; units in names). */
export const PlanParamsSchema = z
  .object({
    camera: z.string().max(100).optional(),
    drone: z.string().max(100).optional(),
    gsdCm: z.number().positive().max(100).optional(),
    altAglM: z.number().positive().max(1000).optional(),
    frontOverlap: z.number().min(0).max(0.99).optional(),
    sideOverlap: z.number().min(0).max(0.99).optional(),
    speedMps: z.number().positive().max(50).optional(),
    headingDeg: z.number().min(0).max(360).optional(),
    turnaroundM: z.number().min(0).max(500).optional(),
    noflyMarginM: z.number().min(0).max(5000).optional(),
    halfWidthM: z.number().positive().max(2000).optional(),
    trigger: z.enum(['distance', 'waypoint']).optional(),
    launch: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).optional(),
  })
  .strict();
export type PlanParams = z.infer<typeof PlanParamsSchema>;

export const PlanInputSchema = z.object({
  name: TextSchema(200),
  pattern: PlanPatternSchema,
  areaIds: z.array(IdSchema).min(1).max(200),
  params: PlanParamsSchema.default({}),
  droneId: IdSchema.nullable().optional(),
  departmentId: IdSchema.nullable().optional(),
});
export type PlanInput = z.infer<typeof PlanInputSchema>;

export const PlanSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  pattern: PlanPatternSchema,
  areaIds: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  droneId: z.string().nullable(),
  departmentId: z.string().nullable(),
  revision: z.number().int(),
  staleReason: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()).nullable(),
  sortieCount: z.number().int(),
  /** Set when the plan was deleted after it had flown: hidden from lists, kept for its history. */
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

export const PlanSchema = PlanSummarySchema.extend({ document: z.record(z.string(), z.unknown()) });

export const PlanListQuerySchema = PageQuerySchema.extend({ bbox: BboxQuerySchema.optional() }).strict();

/**
 * Export formats: `qgc` QGroundControl .plan (`plan` is its older name), `wpl` QGC WPL 110, `wpml` DJI WPML KMZ
 * (DJI Pilot 2 / FlightHub 2 / Dock) — one sortie per file, chosen by `sortie` — and the whole plan's routes,
 * photo positions and areas as `kml`, `kmz` (Google Earth, 奥维 Ovital) or `geojson`.
 */
export const PLAN_EXPORT_FORMATS = ['qgc', 'plan', 'wpl', 'wpml', 'kml', 'kmz', 'geojson'] as const;
export type PlanExportFormat = (typeof PLAN_EXPORT_FORMATS)[number];

export const PlanExportQuerySchema = z.object({
  format: z.enum(PLAN_EXPORT_FORMATS).default('geojson'),
  sortie: z.coerce.number().int().min(0).default(0),
});
