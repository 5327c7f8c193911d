import { createRequire } from 'node:module';
import gcoord from 'gcoord';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { PlanFormatError } from './qgc-plan.ts';

/**
 * China's web-map coordinate systems. GCJ-02 (国测局坐标, "Mars coordinates": AMap/高德, Tencent/腾讯, Google
 * China) is WGS84 with a deliberate, position-dependent offset of up to several hundred metres; BD-09 (Baidu)
 * adds a further offset on top of GCJ-02. Both are defined only inside mainland China.
 */
export type ChineseCrs = 'gcj02' | 'bd09';
/** Coordinate system of an imported area file. */
export type InputCrs = 'wgs84' | ChineseCrs;
export const INPUT_CRS: readonly InputCrs[] = ['wgs84', 'gcj02', 'bd09'];

type LonLat = [number, number];

// The forward transforms are the published algorithms as gcoord implements them (WGS84 → GCJ-02 on the
// Krasovsky ellipsoid constants; GCJ-02 → BD-09 Baidu's rotation and shift); the inverses are solved here.
const wgsToGcj = (p: LonLat): LonLat => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as LonLat;
const gcjToBd = (p: LonLat): LonLat => gcoord.transform(p, gcoord.GCJ02, gcoord.BD09) as LonLat;

/**
 * Inverts a forward transform that is the identity plus a small smooth offset, by fixed-point iteration
 * from `start`, to a residual under 1e-10° (about 0.01 mm). gcoord's own inverse stops at 1e-6° (~0.1 m),
 * too coarse for the "centimetre of the algorithm".
 */
function invert(forward: (p: LonLat) => LonLat, target: LonLat, start: LonLat): LonLat {
  let x: LonLat = [start[0], start[1]];
  for (let i = 0; i < 30; i++) {
    const f = forward(x);
    const dx = f[0] - target[0];
    const dy = f[1] - target[1];
    if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) break;
    x = [x[0] - dx, x[1] - dy];
  }
  return x;
}

/** WGS84 → GCJ-02 (inside mainland China). */
export function wgs84ToGcj02(p: LonLat): LonLat {
  return wgsToGcj(p);
}

/** GCJ-02 → WGS84, the inverse of {@link wgs84ToGcj02} to 1e-10°. */
export function gcj02ToWgs84(p: LonLat): LonLat {
  return invert(wgsToGcj, p, gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as LonLat);
}

/** WGS84 → BD-09 (through GCJ-02). */
export function wgs84ToBd09(p: LonLat): LonLat {
  return gcjToBd(wgsToGcj(p));
}

/** BD-09 → WGS84, the inverse of {@link wgs84ToBd09} to 1e-10°. */
export function bd09ToWgs84(p: LonLat): LonLat {
  const gcj = invert(gcjToBd, p, gcoord.transform(p, gcoord.BD09, gcoord.GCJ02) as LonLat);
  return gcj02ToWgs84(gcj);
}

/** Converts one [lon, lat] from `crs` to WGS84. */
export function toWgs84(p: LonLat, crs: InputCrs): LonLat {
  return crs === 'gcj02' ? gcj02ToWgs84(p) : crs === 'bd09' ? bd09ToWgs84(p) : [p[0], p[1]];
}

let countryCoder: { iso1A2Code(p: LonLat, o: { level: string }): string | null } | undefined;
const territoryCache = new Map<string, boolean>();

/**
 * True inside mainland China, where GCJ-02 and BD-09 are defined: the territory code of
 * @rapideditor/country-coder's borders (the iD editor's) is CN. Hong Kong, Macao and Taiwan are outside.
 * Borders are generalised to a few hundred metres; results are cached per 0.001° cell.
 */
export function isInMainlandChina(lon: number, lat: number): boolean {
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) return false;
  const key = `${Math.round(lon * 1000)},${Math.round(lat * 1000)}`;
  let v = territoryCache.get(key);
  if (v === undefined) {
    // Loaded on first use: the border data takes ~0.3 s to load.
    countryCoder ??= createRequire(import.meta.url)('@rapideditor/country-coder') as typeof countryCoder;
    v = countryCoder!.iso1A2Code([lon, lat], { level: 'territory' }) === 'CN';
    territoryCache.set(key, v);
  }
  return v;
}

function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  if (g.type === 'GeometryCollection') return { ...g, geometries: g.geometries.map((x) => mapPositions(x, f)) };
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(walk);
  return { ...g, coordinates: walk(g.coordinates) } as Geometry;
}

const CRS_NAME: Record<InputCrs, string> = { wgs84: 'WGS84', gcj02: 'GCJ-02', bd09: 'BD-09' };
export const crsName = (c: InputCrs): string => CRS_NAME[c];

/**
 * Converts every position of a collection from GCJ-02 / BD-09 to WGS84 (a third coordinate is kept), leaving
 * the input untouched. Refuses, with {@link PlanFormatError} naming the feature and position, any position
 * outside mainland China: the offset is not defined there, so the file cannot be in that system.
 */
export function convertToWgs84(fc: FeatureCollection, crs: InputCrs): FeatureCollection {
  if (crs === 'wgs84') return fc;
  const features = fc.features.map((f: Feature, i) => {
    if (!f.geometry) return f;
    const geometry = mapPositions(f.geometry, (p) => {
      const [lon, lat] = p as LonLat;
      if (!isInMainlandChina(lon, lat)) {
        throw new PlanFormatError(
          `第 ${i + 1} 个要素的坐标 (${lon}, ${lat}) 不在中国大陆境内，${CRS_NAME[crs]} 偏移在此无定义，拒绝导入 / ` +
            `feature ${i + 1}: position (${lon}, ${lat}) is outside mainland China, where the ${CRS_NAME[crs]} offset is not defined; refused`,
        );
      }
      const [x, y] = toWgs84([lon, lat], crs);
      return p.length > 2 ? [x, y, ...p.slice(2)] : [x, y];
    });
    return { ...f, geometry };
  });
  return { ...fc, features };
}
