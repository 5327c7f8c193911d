import { z } from 'zod';
import { missionItemSchema } from './planning/mavlink.ts';

const position = z.array(z.number()).min(2).max(3);

/** GeoJSON LineString (WGS84; third coordinate = altitude above takeoff, m). */
const lineStringSchema = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(position).min(2),
});

/** GeoJSON Polygon (WGS84). */
const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(position).min(4)).min(1),
});

export const sortieSchema = z.object({
  index: z.number().int().nonnegative(),
  /** Launch site of this sortie when it is not the plan's launch. */
  launch: z.object({ lon: z.number(), lat: z.number() }).optional(),
  /** Flight path launch → … → launch, [lon, lat, altRelM]. */
  route: lineStringSchema,
  /** MAVLink mission items, item 0 is NAV_TAKEOFF, the last NAV_RETURN_TO_LAUNCH. */
  items: z.array(missionItemSchema).min(1),
  lengthM: z.number().nonnegative(),
  durationS: z.number().nonnegative(),
  photoCount: z.number().int().nonnegative(),
});

export const photoSchema = z.object({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** Height above the takeoff point (m). */
  altRel: z.number(),
  /** Flight direction, degrees clockwise from north, [0, 360). */
  headingDeg: z.number().min(0).max(360),
  /** Ground footprint polygon (WGS84). */
  footprint: polygonSchema,
  sortie: z.number().int().nonnegative(),
  /** id of the area / line it belongs to. */
  areaId: z.string(),
});

export const planStatsSchema = z.object({
  /** Area to cover (m²), no-fly parts excluded (they are reported in warnings). */
  areaM2: z.number().nonnegative(),
  /** Share of areaM2 inside the union of photo footprints. */
  coveredFraction: z.number().min(0).max(1),
  lengthM: z.number().nonnegative(),
  durationS: z.number().nonnegative(),
  photoCount: z.number().int().nonnegative(),
  sortieCount: z.number().int().nonnegative(),
  laneSpacingM: z.number().nonnegative(),
  triggerDistanceM: z.number().nonnegative(),
  gsdCm: z.number().nonnegative(),
});

export const warningSchema = z.object({
  code: z.string(),
  /** Chinese first, English beside. */
  message: z.string(),
  featureId: z.string().optional(),
  areaM2: z.number().optional(),
});

export const geofenceSchema = z.object({
  polygons: z.array(z.object({ inclusion: z.boolean(), polygon: polygonSchema })).default([]),
});

/** The plan document: what `xuncha plan` writes and the API stores. */
export const planSchema = z.object({
  version: z.literal(1),
  pattern: z.enum(['survey', 'corridor', 'hillside', 'imported']),
  camera: z.string(),
  drone: z.string(),
  launch: z.object({ lon: z.number(), lat: z.number(), altAmslM: z.number().optional() }),
  /** Frame of the nav items' altitudes. */
  altitudeMode: z.enum(['relative', 'amsl', 'terrain']),
  altAglM: z.number().nonnegative(),
  speedMps: z.number().positive(),
  sorties: z.array(sortieSchema),
  photos: z.array(photoSchema),
  stats: planStatsSchema,
  warnings: z.array(warningSchema),
  geofence: geofenceSchema.optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type Sortie = z.infer<typeof sortieSchema>;
export type Photo = z.infer<typeof photoSchema>;
export type PlanStats = z.infer<typeof planStatsSchema>;
export type PlanWarning = z.infer<typeof warningSchema>;

/** Validates an unknown value as a plan, with an error naming the first bad field. */
export function parsePlan(doc: unknown): Plan {
  const r = planSchema.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`计划文件无效 / invalid plan at "${i?.path.join('.') ?? ''}": ${i?.message ?? 'unknown'}`);
  }
  return r.data;
}
