import { exportQgcPlan, type Plan } from '@xuncha/geodata';
import type { PlanRecord } from './plan-repository.ts';

/** One sortie as a QGroundControl `.plan` file (geodata's exporter); null when the sortie does not exist. */
export function toQgcPlan(plan: PlanRecord, sortieIndex: number): string | null {
  if (!plan.document.sorties[sortieIndex]) return null;
  return exportQgcPlan(plan.document as unknown as Plan, { sortie: sortieIndex });
}

/** The plan as GeoJSON: one LineString feature per sortie and one Point per photo. */
export function toGeoJson(plan: PlanRecord): GeoJSON.FeatureCollection {
  const doc = plan.document;
  const sorties: GeoJSON.Feature[] = doc.sorties.map((s) => ({
    type: 'Feature',
    geometry: s.route,
    properties: {
      planId: plan.id,
      kind: 'sortie',
      sortie: s.index,
      lengthM: s.lengthM,
      durationS: s.durationS,
      photoCount: s.photoCount,
    },
  }));
  const photos = (
    (doc.photos as
      Array<{ lon: number; lat: number; altRel: number; sortie: number; headingDeg: number }> | undefined) ?? []
  ).map((p): GeoJSON.Feature => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [p.lon, p.lat, p.altRel] },
    properties: { kind: 'photo', sortie: p.sortie, headingDeg: p.headingDeg },
  }));
  return { type: 'FeatureCollection', features: [...sorties, ...photos] };
}
