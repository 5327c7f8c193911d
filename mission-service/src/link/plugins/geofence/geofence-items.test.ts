import { describe, expect, it } from 'vitest';
import { MavCmd, MavMissionType } from '../../mavlink/enums.ts';
import { geofenceToItems, itemsToGeofence, noFlyZonesToGeofence } from './geofence-items.ts';

const ring = [
  [119.14, 28.07],
  [119.15, 28.07],
  [119.15, 28.08],
  [119.14, 28.07],
];

describe('geofence items', () => {
  it('turns polygons into vertex items with the vertex count and back', () => {
    const fence = {
      polygons: [
        { inclusion: true, polygon: { type: 'Polygon' as const, coordinates: [ring] } },
        { inclusion: false, polygon: { type: 'Polygon' as const, coordinates: [ring] } },
      ],
      circles: [{ inclusion: false, center: { lonDeg: 119.1, latDeg: 28.1 }, radiusM: 150 }],
    };
    const items = geofenceToItems(fence);
    expect(items).toHaveLength(7);
    expect(
      items
        .slice(0, 3)
        .every(
          (i) =>
            i.command === MavCmd.NAV_FENCE_POLYGON_VERTEX_INCLUSION &&
            i.param1 === 3 &&
            i.missionType === MavMissionType.FENCE,
        ),
    ).toBe(true);
    expect(items[3]!.command).toBe(5002);
    expect(items[6]).toMatchObject({ command: MavCmd.NAV_FENCE_CIRCLE_EXCLUSION, param1: 150 });
    expect(itemsToGeofence(items)).toEqual(fence);
  });

  it('rejects degenerate polygons', () => {
    expect(() =>
      geofenceToItems({
        polygons: [{ inclusion: false, polygon: { type: 'Polygon', coordinates: [ring.slice(0, 2)] } }],
      }),
    ).toThrow(/at least 3/);
  });

  it('builds an exclusion fence from no-fly features and multipolygons', () => {
    const f = noFlyZonesToGeofence([
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] } },
      { type: 'MultiPolygon', coordinates: [[ring], [ring]] },
      { type: 'Point', coordinates: [1, 2] },
    ]);
    expect(f.polygons).toHaveLength(3);
    expect(f.polygons.every((p) => !p.inclusion)).toBe(true);
  });
});
