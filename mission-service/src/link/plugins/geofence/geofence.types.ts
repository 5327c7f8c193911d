import type { CallOptions } from '../../abort.ts';

/** A GeoJSON-style polygon: rings of [lon, lat] (the first ring is used; holes are not fence items). */
export interface FencePolygonGeometry {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface FencePolygon {
  /** true: stay inside; false: keep out (no-fly zone). */
  inclusion: boolean;
  polygon: FencePolygonGeometry;
}

export interface FenceCircle {
  inclusion: boolean;
  center: { lonDeg: number; latDeg: number };
  radiusM: number;
}

export interface Geofence {
  polygons: FencePolygon[];
  circles?: FenceCircle[];
}

export type GeofenceUploadOptions = CallOptions & { onProgress?: (done: number, total: number) => void };
