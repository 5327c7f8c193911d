/**
 * Cross-layer rules of a layer set: farmland blocks do not overlap each other, the river channels or no-fly
 * zones; the jurisdiction hierarchy is a tree (city → township → village) whose children lie inside their
 * parent and do not overlap their siblings; feature ids are unique across layers.
 */
import { area, bbox, buffer, difference, featureCollection, intersect } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { LayerIssue } from './issues.ts';
import type { JurisdictionFeature } from './layer-schemas.ts';
import type { LayerSet } from './layer-set.ts';
import type { JurisdictionLevel } from './common.ts';

export interface ConsistencyOptions {
  /** Overlaps smaller than this (m²) are rounding noise along shared edges. Default 1. */
  overlapToleranceM2?: number;
}

type AreaLike = Feature<Polygon | MultiPolygon, { id: string; name: string }>;

function bboxesTouch(a: number[], b: number[]): boolean {
  return a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
}

/** Area (m²) of a ∩ b, 0 when disjoint. */
export function overlapAreaM2(a: Feature<Polygon | MultiPolygon>, b: Feature<Polygon | MultiPolygon>): number {
  if (!bboxesTouch(bbox(a), bbox(b))) return 0;
  const x = intersect(featureCollection([a, b]));
  return x ? area(x) : 0;
}

/** Area (m²) of the part of `inner` outside `outer`. */
export function outsideAreaM2(inner: Feature<Polygon | MultiPolygon>, outer: Feature<Polygon | MultiPolygon>): number {
  const d = difference(featureCollection([inner, outer]));
  return d ? area(d) : 0;
}

const issueFor = (layer: string, index: number, f: AreaLike, message: string): LayerIssue => ({
  layer,
  featureIndex: index,
  featureId: f.properties.id,
  featureName: f.properties.name,
  field: 'geometry',
  message,
});

const PARENT_LEVEL: Record<JurisdictionLevel, JurisdictionLevel | null> = {
  city: null,
  township: 'city',
  village: 'township',
};

function checkJurisdictions(features: JurisdictionFeature[], tol: number, out: LayerIssue[]): void {
  const byId = new Map(features.map((f, i) => [f.properties.id, { f, i }]));
  const cities = features.filter((f) => f.properties.level === 'city');
  if (cities.length !== 1) {
    out.push({
      layer: 'jurisdictions',
      featureIndex: null,
      featureId: null,
      featureName: null,
      field: 'properties.level',
      message: `应有且仅有一个市级辖区（现有${cities.length}个）/ exactly one city-level jurisdiction expected (found ${cities.length})`,
    });
  }
  const children = new Map<string, { f: JurisdictionFeature; i: number }[]>();
  features.forEach((f, i) => {
    const p = f.properties;
    const wantParent = PARENT_LEVEL[p.level];
    const label = {
      layer: 'jurisdictions',
      featureIndex: i,
      featureId: p.id,
      featureName: p.name,
      field: 'properties.parentId',
    };
    if (wantParent === null) {
      if (p.parentId !== null) out.push({ ...label, message: '市级辖区不应有上级 / the city must have parentId null' });
      return;
    }
    const parent = p.parentId === null ? undefined : byId.get(p.parentId);
    if (!parent) {
      out.push({ ...label, message: `上级辖区不存在 / parent jurisdiction "${String(p.parentId)}" not found` });
      return;
    }
    if (parent.f.properties.level !== wantParent) {
      out.push({
        ...label,
        message: `上级应为${wantParent}级 / parent of a ${p.level} must be a ${wantParent} (is ${parent.f.properties.level})`,
      });
    }
    const outside = outsideAreaM2(f, parent.f);
    if (outside > tol) {
      out.push(
        issueFor(
          'jurisdictions',
          i,
          f,
          `超出上级辖区 ${parent.f.properties.id} ${Math.round(outside)} m² / extends outside its parent`,
        ),
      );
    }
    const list = children.get(parent.f.properties.id) ?? [];
    list.push({ f, i });
    children.set(parent.f.properties.id, list);
  });
  for (const list of children.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const ov = overlapAreaM2(list[a]!.f, list[b]!.f);
        if (ov > tol) {
          out.push(
            issueFor(
              'jurisdictions',
              list[b]!.i,
              list[b]!.f,
              `与同级辖区 ${list[a]!.f.properties.id} 重叠 ${Math.round(ov)} m² / overlaps a sibling`,
            ),
          );
        }
      }
    }
  }
}

/** Runs every cross-layer rule on the layers given; returns the problems (empty when consistent). */
export function checkLayerConsistency(layers: Partial<LayerSet>, options: ConsistencyOptions = {}): LayerIssue[] {
  const tol = options.overlapToleranceM2 ?? 1;
  const out: LayerIssue[] = [];

  const seen = new Map<string, string>();
  for (const name of ['rivers', 'farmland', 'hillsides', 'nofly', 'jurisdictions'] as const) {
    layers[name]?.features.forEach((f, i) => {
      const prev = seen.get(f.properties.id);
      if (prev !== undefined && prev !== name) {
        out.push({
          layer: name,
          featureIndex: i,
          featureId: f.properties.id,
          featureName: f.properties.name,
          field: 'properties.id',
          message: `id与图层 ${prev} 中的要素重复 / id also used in layer ${prev}`,
        });
      }
      seen.set(f.properties.id, name);
    });
  }

  const farms = layers.farmland?.features ?? [];
  const channels = (layers.rivers?.features ?? []).map((r) => ({
    id: r.properties.id,
    poly: buffer(r, r.properties.halfWidthM, { units: 'meters' }) as Feature<Polygon | MultiPolygon>,
  }));
  farms.forEach((f, i) => {
    for (let k = i + 1; k < farms.length; k++) {
      const ov = overlapAreaM2(f, farms[k]!);
      if (ov > tol) {
        out.push(
          issueFor(
            'farmland',
            k,
            farms[k]!,
            `与农田 ${f.properties.id} 重叠 ${Math.round(ov)} m² / overlaps another farmland block`,
          ),
        );
      }
    }
    for (const ch of channels) {
      const ov = overlapAreaM2(f, ch.poly);
      if (ov > tol)
        out.push(issueFor('farmland', i, f, `压占河道 ${ch.id} ${Math.round(ov)} m² / overlaps the river channel`));
    }
    for (const nf of layers.nofly?.features ?? []) {
      const ov = overlapAreaM2(f, nf);
      if (ov > tol) {
        out.push(
          issueFor('farmland', i, f, `与禁飞区 ${nf.properties.id} 重叠 ${Math.round(ov)} m² / overlaps a no-fly zone`),
        );
      }
    }
  });

  if (layers.jurisdictions) checkJurisdictions(layers.jurisdictions.features, tol, out);
  return out;
}
