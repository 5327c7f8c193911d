import { LinkError } from '../../errors.ts';
import { MavCmd, MavFrame, MavMissionType } from '../../mavlink/enums.ts';
import type { MissionItem } from '../mission/mission-items.ts';
import type { FenceCircle, FencePolygon, Geofence } from './geofence.types.ts';

const e7 = (deg: number): number => Math.round(deg * 1e7);

function vertexItem(command: number, count: number, lon: number, lat: number): MissionItem {
  return {
    frame: MavFrame.GLOBAL,
    command,
    autocontinue: 1,
    param1: count,
    param2: 0,
    param3: 0,
    param4: 0,
    x: e7(lat),
    y: e7(lon),
    z: 0,
    missionType: MavMissionType.FENCE,
  };
}

/** Fence → FENCE mission items (one NAV_FENCE_POLYGON_VERTEX_* per vertex, param1 = vertex count). */
export function geofenceToItems(fence: Geofence): MissionItem[] {
  const items: MissionItem[] = [];
  fence.polygons.forEach((p: FencePolygon, i) => {
    const ring = p.polygon.coordinates[0] ?? [];
    const open =
      ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring.slice(0, -1) : ring;
    if (open.length < 3)
      throw new LinkError(
        'invalid_argument',
        `围栏多边形 ${i} 顶点不足 / fence polygon ${i} needs at least 3 vertices`,
      );
    for (const [lon, lat] of open) {
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) {
        throw new LinkError(
          'invalid_argument',
          `围栏多边形 ${i} 坐标无效 / fence polygon ${i} has an invalid coordinate`,
        );
      }
    }
    const cmd = p.inclusion ? MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION : MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION;
    for (const [lon, lat] of open) items.push(vertexItem(cmd, open.length, lon!, lat!));
  });
  (fence.circles ?? []).forEach((c: FenceCircle, i) => {
    if (!(c.radiusM > 0))
      throw new LinkError('invalid_argument', `围栏圆 ${i} 半径无效 / fence circle ${i} radius must be > 0`);
    const cmd = c.inclusion ? MavCmd.NAV_FENCE_CIRCLE_INCLUSION : MavCmd.NAV_FENCE_CIRCLE_EXCLUSION;
    items.push({ ...vertexItem(cmd, c.radiusM, c.center.lonDeg, c.center.latDeg) });
  });
  return items;
}

/** FENCE mission items → fence (inverse of geofenceToItems; unknown commands are skipped). */
export function itemsToGeofence(items: readonly MissionItem[]): Geofence {
  const polygons: FencePolygon[] = [];
  const circles: FenceCircle[] = [];
  for (let i = 0; i < items.length;) {
    const it = items[i]!;
    if (
      it.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION ||
      it.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_EXCLUSION
    ) {
      const n = Math.max(1, Math.round(it.param1));
      const ring = items.slice(i, i + n).map((v) => [v.y / 1e7, v.x / 1e7]);
      ring.push([...ring[0]!]);
      polygons.push({
        inclusion: it.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION,
        polygon: { type: 'Polygon', coordinates: [ring] },
      });
      i += n;
    } else if (it.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION || it.command === MavCmd.NAV_FENCE_CIRCLE_EXCLUSION) {
      circles.push({
        inclusion: it.command === MavCmd.NAV_FENCE_CIRCLE_INCLUSION,
        center: { lonDeg: it.y / 1e7, latDeg: it.x / 1e7 },
        radiusM: it.param1,
      });
      i++;
    } else i++;
  }
  return { polygons, circles };
}

/** No-fly zones (GeoJSON polygon features or geometries) → exclusion fence. */
export function noFlyZonesToGeofence(
  zones: ReadonlyArray<{ type: string; coordinates?: unknown; geometry?: unknown }>,
): Geofence {
  const polygons: FencePolygon[] = [];
  for (const z of zones) {
    const g = (z.type === 'Feature' ? z.geometry : z) as
      { type?: string; coordinates?: number[][][] | number[][][][] } | undefined;
    if (g?.type === 'Polygon')
      polygons.push({ inclusion: false, polygon: { type: 'Polygon', coordinates: g.coordinates as number[][][] } });
    else if (g?.type === 'MultiPolygon') {
      for (const c of g.coordinates as number[][][][])
        polygons.push({ inclusion: false, polygon: { type: 'Polygon', coordinates: c } });
    }
  }
  return { polygons };
}
