import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Plan } from '../plan-schema.ts';

/** What to put beside a plan's routes and photo positions. */
export interface RouteExportOptions {
  /** The areas the plan covers (GeoJSON features with `id`, `name`, `kind` properties). */
  areas?: readonly Feature[];
  /** Plan id and name, written into the properties / the document name. */
  planId?: string;
  name?: string;
  /** Also write each photo's ground footprint polygon (large: one per photo). */
  footprints?: boolean;
}

/** Launch AMSL of a sortie when known: the plan's, unless the sortie has its own launch site. */
export function sortieLaunchAmslM(plan: Plan, sortie: number): number | undefined {
  return plan.sorties[sortie]?.launch ? undefined : plan.launch.altAmslM;
}

const round = (v: number, d: number) => Number(v.toFixed(d));

/**
 * A plan as GeoJSON (RFC 7946): one LineString per sortie (`kind: "sortie"`), one Point per photo
 * (`kind: "photo"`), the areas (`kind: "area"`, their own kind in `areaKind`) and geofence polygons
 * (`kind: "geofence"`). Coordinates are 2D WGS84: RFC 7946 reserves the third for ellipsoidal height, so
 * heights go into properties — `altRelM` above takeoff (per vertex for routes) and `altAmslM` when the
 * launch elevation is known.
 */
export function exportPlanGeoJson(plan: Plan, o: RouteExportOptions = {}): FeatureCollection {
  const ids = o.planId ? { planId: o.planId } : {};
  const sorties: Feature[] = plan.sorties.map((s, i) => {
    const amsl = sortieLaunchAmslM(plan, i);
    const alt = s.route.coordinates.map((c) => round(c[2] ?? 0, 3));
    return {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: s.route.coordinates.map((c) => [c[0]!, c[1]!]) },
      properties: {
        ...ids,
        kind: 'sortie',
        sortie: s.index,
        lengthM: round(s.lengthM, 1),
        durationS: round(s.durationS, 1),
        photoCount: s.photoCount,
        altRelM: alt,
        ...(amsl !== undefined ? { altAmslM: alt.map((a) => round(a + amsl, 3)) } : {}),
      },
    };
  });
  const photos: Feature[] = plan.photos.flatMap((p, i) => {
    const amsl = sortieLaunchAmslM(plan, p.sortie);
    const props = {
      ...ids,
      kind: 'photo',
      photo: i,
      sortie: p.sortie,
      areaId: p.areaId,
      headingDeg: round(p.headingDeg, 2),
      altRelM: round(p.altRel, 3),
      ...(amsl !== undefined ? { altAmslM: round(p.altRel + amsl, 3) } : {}),
    };
    const point: Feature = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: props,
    };
    if (!o.footprints) return [point];
    const footprint: Feature = {
      type: 'Feature',
      geometry: p.footprint as Geometry,
      properties: { ...ids, kind: 'footprint', photo: i, sortie: p.sortie },
    };
    return [point, footprint];
  });
  const areas: Feature[] = (o.areas ?? []).map((a) => ({
    type: 'Feature',
    ...(a.id !== undefined ? { id: a.id } : {}),
    geometry: a.geometry,
    properties: { ...(a.properties ?? {}), kind: 'area', areaKind: a.properties?.kind ?? null },
  }));
  const fences: Feature[] = (plan.geofence?.polygons ?? []).map((g) => ({
    type: 'Feature',
    geometry: g.polygon as Geometry,
    properties: { ...ids, kind: 'geofence', inclusion: g.inclusion },
  }));
  return { type: 'FeatureCollection', features: [...sorties, ...photos, ...areas, ...fences] };
}
