import { z } from 'zod';
import { BboxQuerySchema, IdSchema } from './common.ts';
import { PageQuerySchema } from './paging.ts';

export const AREA_KINDS = ['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'] as const;
export const AreaKindSchema = z.enum(AREA_KINDS);

/**
 * Most vertices one area may have: a county field boundary needs hundreds, a river a few thousand. Validation of a
 * large area runs off the request thread (README: limits).
 */
export const MAX_AREA_VERTICES = 10_000;
/** Most vertices one import (all its features together) may have. */
export const MAX_IMPORT_VERTICES = 200_000;

const position = z.array(z.number().finite()).min(2).max(3);
export const AreaGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(position) }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(position)) }),
]);

/** Properties of an area as the API takes them; per-kind rules (river halfWidthM, nofly reason…) apply too. */
export const AreaPropertiesInputSchema = z
  .object({
    kind: AreaKindSchema,
    name: z.string().trim().min(1, 'name不能为空 / name must not be empty').max(200),
    namePinyin: z.string().trim().min(1).max(200).optional(),
    nameEn: z.string().trim().min(1).max(200).optional(),
    departmentId: IdSchema.nullable().optional(),
  })
  .catchall(z.unknown());

export const AreaInputSchema = z.object({
  type: z.literal('Feature'),
  id: IdSchema.optional(),
  geometry: AreaGeometrySchema,
  properties: AreaPropertiesInputSchema,
});
export type AreaInput = z.infer<typeof AreaInputSchema>;

/**
 * Query of `POST /areas/import`: `kind` for features without one (file uploads), `crs` the coordinate system the
 * areas were drawn in — `wgs84` (default; GPS, Google Earth, 奥维 Ovital, most GIS files), `gcj02` (AMap 高德,
 * Tencent 腾讯) or `bd09` (Baidu 百度); they are converted to WGS84 before they are stored.
 */
export const AreaImportQuerySchema = z.object({
  kind: AreaKindSchema.optional(),
  crs: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84'),
});

/** Answer of `POST /areas/import`; `warnings` flag areas that fit the map only in another coordinate system. */
export const AreaImportResultSchema = z.object({
  imported: z.number().int(),
  ids: z.array(z.string()),
  warnings: z.array(z.object({ code: z.string(), message: z.string(), featureId: z.string().optional() })),
});
export type AreaImportResult = z.infer<typeof AreaImportResultSchema>;

export const AreaImportRequestSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.unknown()).min(1).max(5000),
});

/** `GET /api/areas`: a kind, a bbox, and the page (areas in id order; `cursor` from the previous page). */
export const AreaListQuerySchema = z
  .object({
    kind: AreaKindSchema.optional(),
    bbox: BboxQuerySchema.optional(),
    limit: z.coerce.number().int().min(1).max(2000).default(500),
    cursor: PageQuerySchema.shape.cursor,
  })
  .strict();

export const AreaFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: AreaGeometrySchema,
  properties: z.record(z.string(), z.unknown()),
});
/**
 * A page of areas: a GeoJSON FeatureCollection with, as foreign members, the `total` matching the filter, the
 * `nextCursor` (null on the last page) and a `next` link.
 */
export const AreaCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(AreaFeatureSchema),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
  links: z.array(z.object({ rel: z.literal('next'), href: z.string() })),
});

/** Areas per page of `GET /api/layers/{kind}`. */
export const LAYER_MAX_PAGE = 2000;
export const LAYER_DEFAULT_PAGE = 500;

export const LayerQuerySchema = z
  .object({
    bbox: BboxQuerySchema.optional(),
    limit: z.coerce.number().int().min(1).max(LAYER_MAX_PAGE).default(LAYER_DEFAULT_PAGE),
    /** The `nextCursor` of the previous page (features are ordered by id). */
    cursor: PageQuerySchema.shape.cursor,
  })
  .strict();

/** One page of a layer: the same FeatureCollection page as `GET /api/areas`. */
export const LayerPageSchema = AreaCollectionSchema;
