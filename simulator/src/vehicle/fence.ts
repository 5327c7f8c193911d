/**
 * Geofence from uploaded FENCE items (polygon vertices and circles), checked the way ArduPilot's
 * polygon fence does: the vehicle must be inside every inclusion zone and outside every exclusion zone.
 */
import { offsetM } from './geo.ts';
import { MavCmd } from './mav.ts';
import type { MissionItemState } from './types.ts';

interface Polygon {
  inclusion: boolean;
  /** [lon, lat] vertices. */
  ring: Array<[number, number]>;
}

interface Circle {
  inclusion: boolean;
  lon: number;
  lat: number;
  radiusM: number;
}

export interface Fence {
  polygons: Polygon[];
  circles: Circle[];
}

/** Builds the fence from stored FENCE items; incomplete polygons are ignored. */
export function buildFence(items: readonly MissionItemState[]): Fence {
  const polygons: Polygon[] = [];
  const circles: Circle[] = [];
  let i = 0;
  while (i < items.length) {
    const it = items[i]!;
    const inclusionVertex = it.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION;
    if (inclusionVertex || it.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION) {
      const n = Math.round(it.param1);
      const ring: Array<[number, number]> = [];
      for (let k = 0; k < n && i + k < items.length; k++) {
        const v = items[i + k]!;
        if (v.command !== it.command) break;
        ring.push([v.y / 1e7, v.x / 1e7]);
      }
      if (ring.length >= 3 && ring.length === n) polygons.push({ inclusion: inclusionVertex, ring });
      i += Math.max(1, ring.length);
      continue;
    }
    if (it.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION || it.command === MavCmd.NAV_FENCE_CIRCLE_EXCLUSION) {
      circles.push({
        inclusion: it.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION,
        lon: it.y / 1e7,
        lat: it.x / 1e7,
        radiusM: it.param1,
      });
    }
    i++;
  }
  return { polygons, circles };
}

/** Whether the fence has any zone at all. */
export function fenceIsEmpty(f: Fence): boolean {
  return f.polygons.length === 0 && f.circles.length === 0;
}

/** Ray-casting point-in-polygon on lon/lat (fine for fences a few km across). */
export function insideRing(lon: number, lat: number, ring: ReadonlyArray<[number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether (lon, lat) breaches the fence. */
export function breachesFence(f: Fence, lon: number, lat: number): boolean {
  for (const p of f.polygons) {
    const inside = insideRing(lon, lat, p.ring);
    if (p.inclusion !== inside) return true;
  }
  for (const c of f.circles) {
    const o = offsetM(c.lon, c.lat, lon, lat);
    const inside = Math.hypot(o.northM, o.eastM) <= c.radiusM;
    if (c.inclusion !== inside) return true;
  }
  return false;
}
