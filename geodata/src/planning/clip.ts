import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { closeRing, openRing, polyArea, ringSignedArea, type Poly, type Pt } from './geom.ts';

// Planar boolean operations on metric polygons. Turf's clipping (polyclip-ts) is purely planar,
// so feeding it metres is exact; only its geodesic functions would care about degrees.

function toFeature(polys: readonly Poly[]): Feature<MultiPolygon> {
  return turf.multiPolygon(polys.map((p) => p.map((r) => closeRing(r))));
}

function fromGeometry(g: Polygon | MultiPolygon | null | undefined): Poly[] {
  if (!g) return [];
  const list = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return list
    .map((p) => p.map((r) => openRing(r)).filter((r) => r.length >= 3))
    .filter((p) => p.length > 0)
    .map(normalizeOrientation)
    .filter((p) => polyArea(p) > 1e-6);
}

/** Outer ring counter-clockwise, holes clockwise. Returns new arrays. */
export function normalizeOrientation(p: Poly): Poly {
  return p.map((r, i) => {
    const a = ringSignedArea(r);
    const wantPositive = i === 0;
    return a > 0 === wantPositive ? r.map((q) => [q[0], q[1]] as Pt) : [...r].reverse().map((q) => [q[0], q[1]] as Pt);
  });
}

function snap(polys: readonly Poly[], grid: number): Poly[] {
  return polys.map((p) =>
    p.map((r) => r.map((q) => [Math.round(q[0] / grid) * grid, Math.round(q[1] / grid) * grid] as Pt)),
  );
}

// polyclip-ts can fail on nearly degenerate input ("Unable to complete output ring"); snapping to a
// millimetre or centimetre grid and retrying clears it in practice.
function robust<T>(op: (a: readonly Poly[], b: readonly Poly[]) => T, a: readonly Poly[], b: readonly Poly[]): T {
  try {
    return op(a, b);
  } catch {
    try {
      return op(snap(a, 1e-3), snap(b, 1e-3));
    } catch {
      return op(snap(a, 1e-2), snap(b, 1e-2));
    }
  }
}

/** a ∩ b */
export function intersectPolys(a: readonly Poly[], b: readonly Poly[]): Poly[] {
  if (a.length === 0 || b.length === 0) return [];
  return robust(
    (x, y) => fromGeometry(turf.intersect(turf.featureCollection([toFeature(x), toFeature(y)]))?.geometry),
    a,
    b,
  );
}

/** a − b */
export function differencePolys(a: readonly Poly[], b: readonly Poly[]): Poly[] {
  if (a.length === 0) return [];
  if (b.length === 0) return a.map((p) => p.map((r) => [...r]));
  return robust(
    (x, y) => fromGeometry(turf.difference(turf.featureCollection([toFeature(x), toFeature(y)]))?.geometry),
    a,
    b,
  );
}
