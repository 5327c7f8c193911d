/**
 * Feature and collection schemas of each geodata layer (rivers, farmland, hillsides, no-fly zones,
 * jurisdictions). The inferred types are structurally GeoJSON, so they pass straight into turf.
 */
import { z } from 'zod';
import { jurisdictionLevelSchema, namedPropertiesSchema } from './common.ts';
import { areaGeometrySchema, lineGeometrySchema } from './geometry-schemas.ts';

export const riverPropertiesSchema = namedPropertiesSchema.extend({
  kind: z.literal('river'),
  /** Typical half width of channel plus banks, metres (corridor patrols buffer the centre line by it). */
  halfWidthM: z.number().positive().max(2000),
});

export const farmlandPropertiesSchema = namedPropertiesSchema.extend({
  kind: z.literal('farmland'),
  /** Main crop in Chinese (水稻, 茭白…), optional. */
  crop: z.string().min(1).optional(),
  cropEn: z.string().min(1).optional(),
});

export const hillsidePropertiesSchema = namedPropertiesSchema.extend({
  kind: z.literal('hillside'),
});

export const noFlyPropertiesSchema = namedPropertiesSchema.extend({
  kind: z.literal('nofly'),
  /** Why flying is forbidden, Chinese first, English beside. */
  reason: z.string().trim().min(1, 'reason不能为空 / reason must not be empty'),
});

export const jurisdictionPropertiesSchema = namedPropertiesSchema.extend({
  kind: z.literal('jurisdiction'),
  level: jurisdictionLevelSchema,
  /** id of the enclosing jurisdiction; null for the city. */
  parentId: z.string().min(1).nullable(),
  /** Responsible grid (网格) code and name used by dispatch, e.g. LQ-LY-01 / 龙渊街道第1网格. */
  gridCode: z.string().trim().min(1),
  gridName: z.string().trim().min(1),
});

const featureSchema = <G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) =>
  z.object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    properties,
    geometry,
  });

const collectionSchema = <F extends z.ZodType>(feature: F) =>
  z.object({ type: z.literal('FeatureCollection'), features: z.array(feature) });

export const riverFeatureSchema = featureSchema(lineGeometrySchema, riverPropertiesSchema);
export const farmlandFeatureSchema = featureSchema(areaGeometrySchema, farmlandPropertiesSchema);
export const hillsideFeatureSchema = featureSchema(areaGeometrySchema, hillsidePropertiesSchema);
export const noFlyFeatureSchema = featureSchema(areaGeometrySchema, noFlyPropertiesSchema);
export const jurisdictionFeatureSchema = featureSchema(areaGeometrySchema, jurisdictionPropertiesSchema);

export const riverCollectionSchema = collectionSchema(riverFeatureSchema);
export const farmlandCollectionSchema = collectionSchema(farmlandFeatureSchema);
export const hillsideCollectionSchema = collectionSchema(hillsideFeatureSchema);
export const noFlyCollectionSchema = collectionSchema(noFlyFeatureSchema);
export const jurisdictionCollectionSchema = collectionSchema(jurisdictionFeatureSchema);

/** Any one area feature, discriminated by `properties.kind`. */
export const areaFeatureSchema = z.union([
  riverFeatureSchema,
  farmlandFeatureSchema,
  hillsideFeatureSchema,
  noFlyFeatureSchema,
  jurisdictionFeatureSchema,
]);

/** The schema of each geometry layer, by layer name (the file name without `.geojson`). */
export const layerCollectionSchemas = {
  rivers: riverCollectionSchema,
  farmland: farmlandCollectionSchema,
  hillsides: hillsideCollectionSchema,
  nofly: noFlyCollectionSchema,
  jurisdictions: jurisdictionCollectionSchema,
} as const;
export type LayerName = keyof typeof layerCollectionSchemas;
export const LAYER_NAMES = Object.keys(layerCollectionSchemas) as LayerName[];

export type RiverProperties = z.infer<typeof riverPropertiesSchema>;
export type FarmlandProperties = z.infer<typeof farmlandPropertiesSchema>;
export type HillsideProperties = z.infer<typeof hillsidePropertiesSchema>;
export type NoFlyProperties = z.infer<typeof noFlyPropertiesSchema>;
export type JurisdictionProperties = z.infer<typeof jurisdictionPropertiesSchema>;

export type RiverFeature = z.infer<typeof riverFeatureSchema>;
export type FarmlandFeature = z.infer<typeof farmlandFeatureSchema>;
export type HillsideFeature = z.infer<typeof hillsideFeatureSchema>;
export type NoFlyFeature = z.infer<typeof noFlyFeatureSchema>;
export type JurisdictionFeature = z.infer<typeof jurisdictionFeatureSchema>;
export type AreaFeature = z.infer<typeof areaFeatureSchema>;

export type RiverCollection = z.infer<typeof riverCollectionSchema>;
export type FarmlandCollection = z.infer<typeof farmlandCollectionSchema>;
export type HillsideCollection = z.infer<typeof hillsideCollectionSchema>;
export type NoFlyCollection = z.infer<typeof noFlyCollectionSchema>;
export type JurisdictionCollection = z.infer<typeof jurisdictionCollectionSchema>;
