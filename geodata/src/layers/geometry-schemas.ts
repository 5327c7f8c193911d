/**
 * zod schemas for the GeoJSON geometries the layers use. Structure only (types, nesting, finite numbers);
 * ring closure, winding, ranges and self-intersections are checked by `validateGeometry`, which can name the
 * exact ring and position.
 */
import { z } from 'zod';

/** [lon, lat] or [lon, lat, alt] (RFC 7946). */
export const positionSchema = z
  .array(z.number().finite())
  .min(2, '坐标至少需要经度和纬度 / a position needs longitude and latitude')
  .max(3, '坐标最多三个数 / a position has at most 3 numbers');

export const lineStringSchema = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(positionSchema),
});
export const multiLineStringSchema = z.object({
  type: z.literal('MultiLineString'),
  coordinates: z.array(z.array(positionSchema)),
});
export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(positionSchema)),
});
export const multiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(positionSchema))),
});

export const lineGeometrySchema = z.discriminatedUnion('type', [lineStringSchema, multiLineStringSchema]);
export const areaGeometrySchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]);

export type LineGeometry = z.infer<typeof lineGeometrySchema>;
export type AreaGeometry = z.infer<typeof areaGeometrySchema>;
