import type { Feature, Geometry, Position } from 'geojson';
import { strToU8, zipSync } from 'fflate';
import type { Plan } from '../plan-schema.ts';
import { sortieLaunchAmslM, type RouteExportOptions } from './route-geojson.ts';
import { KML_NS } from './wpml-model.ts';
import { el, node, num, renderXml, type XmlChild, type XmlNode } from './xml-text.ts';

const coords = (pts: readonly Position[], z?: (i: number) => number) =>
  pts.map((p, i) => `${num(p[0]!, 8)},${num(p[1]!, 8)}${z ? `,${num(z(i), 2)}` : ''}`).join(' ');

const ring = (pts: readonly Position[]) => node('LinearRing', [el('coordinates', coords(pts))]);

/** A GeoJSON geometry as KML, on the ground (areas and fences). */
function kmlGeometry(g: Geometry): XmlNode {
  switch (g.type) {
    case 'Point':
      return node('Point', [el('coordinates', coords([g.coordinates]))]);
    case 'LineString':
      return node('LineString', [el('tessellate', 1), el('coordinates', coords(g.coordinates))]);
    case 'Polygon':
      return node('Polygon', [
        node('outerBoundaryIs', [ring(g.coordinates[0] ?? [])]),
        ...g.coordinates.slice(1).map((h) => node('innerBoundaryIs', [ring(h)])),
      ]);
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon':
      return node(
        'MultiGeometry',
        (g.coordinates as unknown[]).map((c) => kmlGeometry({ type: g.type.slice(5), coordinates: c } as Geometry)),
      );
    case 'GeometryCollection':
      return node('MultiGeometry', g.geometries.map(kmlGeometry));
  }
}

function data(fields: Record<string, string | number | boolean | null | undefined>): XmlNode {
  return node(
    'ExtendedData',
    Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => node('Data', [el('value', String(v))], { name: k })),
  );
}

function style(id: string, children: XmlChild[]): XmlNode {
  return node('Style', children, { id });
}

/**
 * A plan as KML 2.2 for Google Earth and 奥维 Ovital: a folder of sortie routes (LineStrings), one of photo
 * positions (Points with heading) and one of the covered areas and geofences (Polygons / lines on the
 * ground). Heights: `absolute` (KML's EGM96 mean sea level) when the launch elevation is known, else
 * `relativeToGround` with the height above takeoff — exact over flat ground at the launch's level.
 */
export function exportPlanKml(plan: Plan, o: RouteExportOptions = {}): string {
  const name = o.name ?? o.planId ?? '巡查航线 / patrol plan';
  const altMode = (sortie: number) => (sortieLaunchAmslM(plan, sortie) !== undefined ? 'absolute' : 'relativeToGround');
  const z = (sortie: number, altRel: number) => altRel + (sortieLaunchAmslM(plan, sortie) ?? 0);
  const routes = plan.sorties.map((s, i) =>
    node('Placemark', [
      el('name', `架次 ${s.index + 1} / sortie ${s.index + 1}`),
      el('styleUrl', '#route'),
      data({ sortie: s.index, lengthM: num(s.lengthM, 1), durationS: num(s.durationS, 1), photoCount: s.photoCount }),
      node('LineString', [
        el('altitudeMode', altMode(i)),
        el(
          'coordinates',
          coords(s.route.coordinates, (k) => z(i, s.route.coordinates[k]![2] ?? 0)),
        ),
      ]),
    ]),
  );
  const photos = plan.photos.map((p, i) =>
    node('Placemark', [
      el('name', `${i + 1}`),
      el('styleUrl', '#photo'),
      data({ sortie: p.sortie, areaId: p.areaId, headingDeg: num(p.headingDeg, 2), altRelM: num(p.altRel, 2) }),
      node('Point', [
        el('altitudeMode', altMode(p.sortie)),
        el(
          'coordinates',
          coords([[p.lon, p.lat]], () => z(p.sortie, p.altRel)),
        ),
      ]),
    ]),
  );
  const areas = (o.areas ?? []).map((a: Feature, i) =>
    node('Placemark', [
      el('name', String(a.properties?.name ?? a.id ?? `区域 ${i + 1} / area ${i + 1}`)),
      el('styleUrl', '#area'),
      data({ id: (a.id ?? a.properties?.id) as string | undefined, kind: a.properties?.kind as string | undefined }),
      kmlGeometry(a.geometry),
    ]),
  );
  const fences = (plan.geofence?.polygons ?? []).map((g, i) =>
    node('Placemark', [
      el(
        'name',
        `${g.inclusion ? '允许区' : '禁入区'} ${i + 1} / geofence ${g.inclusion ? 'inclusion' : 'exclusion'} ${i + 1}`,
      ),
      el('styleUrl', '#fence'),
      kmlGeometry(g.polygon as Geometry),
    ]),
  );
  const folder = (zh: string, en: string, kids: XmlNode[]) =>
    kids.length > 0 && node('Folder', [el('name', `${zh} / ${en}`), ...kids]);
  // KML colours are aabbggrr.
  const doc = node(
    'kml',
    [
      node('Document', [
        el('name', name),
        style('route', [node('LineStyle', [el('color', 'ff0000ff'), el('width', 3)])]),
        style('photo', [node('IconStyle', [el('scale', 0.5)]), node('LabelStyle', [el('scale', 0)])]),
        style('area', [
          node('LineStyle', [el('color', 'ff00ffff'), el('width', 2)]),
          node('PolyStyle', [el('color', '4000ffff')]),
        ]),
        style('fence', [
          node('LineStyle', [el('color', 'ff0000ff'), el('width', 2)]),
          node('PolyStyle', [el('fill', 0)]),
        ]),
        folder('航线', 'routes', routes),
        folder('拍照点', 'photo positions', photos),
        folder('区域', 'areas', areas),
        folder('地理围栏', 'geofence', fences),
      ]),
    ],
    { xmlns: KML_NS },
  );
  return renderXml(doc);
}

/** {@link exportPlanKml} zipped as a KMZ (`doc.kml`, the name Google Earth writes). */
export function exportPlanKmz(plan: Plan, o: RouteExportOptions & { now?: Date } = {}): Uint8Array {
  const t = (o.now ?? new Date()).getTime();
  const mtime = new Date(Math.min(Math.max(t, Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 30)));
  return zipSync({ 'doc.kml': [strToU8(exportPlanKml(plan, o)), { mtime }] }, { level: 6 });
}
