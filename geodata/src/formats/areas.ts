import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import proj4 from 'proj4';
import * as shapefile from 'shapefile';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { PlanFormatError } from './qgc-plan.ts';

/** Every [lon, lat] of a geometry (nested at any depth). */
function positionsOf(g: Geometry): Position[] {
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(positionsOf);
  const walk = (c: unknown): Position[] =>
    typeof (c as unknown[])[0] === 'number' ? [c as Position] : (c as unknown[]).flatMap(walk);
  return walk(g.coordinates);
}

function onlyAreas(fc: FeatureCollection, what: string): FeatureCollection {
  const features = fc.features.filter((f) => f.geometry && /Polygon|LineString/.test(f.geometry.type));
  if (features.length === 0) throw new PlanFormatError(`${what} 中没有面或线 / no polygons or lines in the ${what}`);
  // Projected metres read as degrees (a Shapefile without its .prj) or a broken number must not pass as a place.
  features.forEach((f, i) => {
    const bad = positionsOf(f.geometry).find(
      ([lon, lat]) => !(Math.abs(lon ?? NaN) <= 180 && Math.abs(lat ?? NaN) <= 90),
    );
    if (bad) {
      throw new PlanFormatError(
        `${what} 第 ${i + 1} 个要素坐标不是经纬度 (${bad.slice(0, 2).join(', ')})，缺少 .prj？/ ` +
          `${what} feature ${i + 1}: coordinate (${bad.slice(0, 2).join(', ')}) is not WGS84 lon/lat (missing .prj?)`,
      );
    }
  });
  return { type: 'FeatureCollection', features };
}

/** Reads areas (polygons, lines) from KML text. */
export function readKml(text: string): FeatureCollection {
  const errors: string[] = [];
  let dom: ReturnType<DOMParser['parseFromString']>;
  try {
    dom = new DOMParser({ onError: (level, msg) => level !== 'warning' && errors.push(msg) }).parseFromString(
      text,
      'text/xml',
    );
  } catch (e) {
    throw new PlanFormatError(`KML 无法解析 / cannot parse KML: ${(e as Error).message.slice(0, 120)}`);
  }
  if (errors.length > 0 || !dom.documentElement || dom.documentElement.nodeName !== 'kml') {
    throw new PlanFormatError(`KML 无法解析 / cannot parse KML${errors[0] ? `: ${errors[0].slice(0, 120)}` : ''}`);
  }
  return onlyAreas(kml(dom as unknown as Parameters<typeof kml>[0]) as FeatureCollection, 'KML');
}

/** Largest zip member inflated (a KMZ's .kml, a Shapefile's parts): a guard against zip bombs. */
const MAX_ZIP_MEMBER_BYTES = 256 * 1024 * 1024;

/**
 * Inflates only the members whose names end with one of `exts` (a KMZ's photos and icons stay packed).
 * Throws {@link PlanFormatError} for bytes that are not a zip or a member that would inflate too large.
 */
export function unzipMembers(bytes: Uint8Array, exts: readonly string[], what: string): Record<string, Uint8Array> {
  let tooLarge: string | null = null;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!exts.some((e) => f.name.toLowerCase().endsWith(e))) return false;
        if (f.originalSize > MAX_ZIP_MEMBER_BYTES) tooLarge ??= f.name;
        return tooLarge === null;
      },
    });
  } catch {
    throw new PlanFormatError(`${what} 不是有效的 zip / ${what} is not a valid zip`);
  }
  if (tooLarge !== null) {
    throw new PlanFormatError(
      `${what} 中 ${tooLarge} 解压后过大 / ${tooLarge} in the ${what} inflates to over ${MAX_ZIP_MEMBER_BYTES / 2 ** 20} MiB`,
    );
  }
  return files;
}

/** Reads areas from a KMZ (zip with a .kml inside). */
export function readKmz(bytes: Uint8Array): FeatureCollection {
  const files = unzipMembers(bytes, ['.kml'], 'KMZ');
  const name = Object.keys(files).find((n) => n.toLowerCase().endsWith('.kml'));
  if (!name) throw new PlanFormatError('KMZ 中没有 .kml / no .kml inside the KMZ');
  return readKml(strFromU8(files[name]!));
}

function mapCoords(g: Geometry, f: (p: Position) => Position): Geometry {
  const m = (c: unknown): unknown =>
    typeof (c as number[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(m);
  if (g.type === 'GeometryCollection')
    return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapCoords(x, f)) };
  return { ...g, coordinates: m(g.coordinates) } as Geometry;
}

/**
 * Reads areas from a Shapefile: `.shp` (+ optional `.dbf` for properties and `.prj` for the
 * coordinate system, reprojected to WGS84), or a zip holding them.
 */
export async function readShapefile(
  input: { shp: Uint8Array; dbf?: Uint8Array; prj?: string } | Uint8Array,
): Promise<FeatureCollection> {
  let parts: { shp: Uint8Array; dbf?: Uint8Array; prj?: string };
  if (input instanceof Uint8Array) {
    const files = unzipMembers(input, ['.shp', '.dbf', '.prj'], 'Shapefile zip');
    const find = (ext: string) => Object.keys(files).find((n) => n.toLowerCase().endsWith(ext));
    const shpName = find('.shp');
    if (!shpName) throw new PlanFormatError('zip 中没有 .shp / no .shp inside the zip');
    const dbfName = find('.dbf');
    const prjName = find('.prj');
    parts = {
      shp: files[shpName]!,
      ...(dbfName ? { dbf: files[dbfName]! } : {}),
      ...(prjName ? { prj: strFromU8(files[prjName]!) } : {}),
    };
  } else parts = input;
  let fc: FeatureCollection;
  try {
    const ab = (u: Uint8Array) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
    fc = (await shapefile.read(ab(parts.shp), parts.dbf ? ab(parts.dbf) : undefined)) as FeatureCollection;
  } catch (e) {
    throw new PlanFormatError(`Shapefile 无法读取 / cannot read Shapefile: ${(e as Error).message}`);
  }
  const prj = parts.prj;
  if (prj && (/PROJCS/i.test(prj) || !/WGS[ _]?(19)?84/i.test(prj))) {
    let conv: proj4.Converter;
    try {
      conv = proj4(prj, 'EPSG:4326');
    } catch {
      throw new PlanFormatError('无法识别 .prj 坐标系 / cannot understand the .prj coordinate system');
    }
    fc = {
      type: 'FeatureCollection',
      features: fc.features.map((f: Feature) => ({
        ...f,
        geometry: f.geometry && mapCoords(f.geometry, (p) => conv.forward([p[0]!, p[1]!])),
      })),
    };
  }
  return onlyAreas(fc, 'Shapefile');
}

/** Reads polygons from a GML document with `gml:coordinates` rings (Fields2Cover field files). */
export function readGmlPolygons(text: string): FeatureCollection {
  const dom = new DOMParser().parseFromString(text, 'text/xml');
  const polys = Array.from(dom.getElementsByTagName('gml:Polygon'));
  if (polys.length === 0) throw new PlanFormatError('GML 中没有多边形 / no gml:Polygon in the document');
  const features: Feature[] = polys.map((p, i) => {
    const ringOf = (tag: string) =>
      Array.from(p.getElementsByTagName(tag)).flatMap((b) =>
        Array.from(b.getElementsByTagName('gml:coordinates')).map((c) =>
          (c.textContent ?? '')
            .trim()
            .split(/\s+/)
            .map((pair) => pair.split(',').slice(0, 2).map(Number)),
        ),
      );
    const rings = [...ringOf('gml:outerBoundaryIs'), ...ringOf('gml:innerBoundaryIs')];
    const parent = p.parentNode?.parentNode as { getAttribute?: (n: string) => string | null } | null;
    const id = parent?.getAttribute ? parent.getAttribute('id') : null;
    return {
      type: 'Feature',
      properties: { id: id ?? `gml-${i + 1}` },
      geometry: { type: 'Polygon', coordinates: rings },
    };
  });
  return onlyAreas({ type: 'FeatureCollection', features }, 'GML');
}
