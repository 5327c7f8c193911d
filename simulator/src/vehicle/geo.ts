/**
 * Local metric geometry around a WGS84 point: the vehicle integrates its motion in metres on the
 * tangent plane at its current position, using the ellipsoid's radii of curvature there.
 */

const A = 6378137; // WGS84 semi-major axis
const E2 = 6.69437999014e-3; // first eccentricity squared
const DEG = Math.PI / 180;

/** Metres per degree of latitude and of longitude at latitude `latDeg`. */
export function metresPerDegree(latDeg: number): { northM: number; eastM: number } {
  const s = Math.sin(latDeg * DEG);
  const w = Math.sqrt(1 - E2 * s * s);
  const meridional = (A * (1 - E2)) / (w * w * w);
  const normal = A / w;
  return { northM: meridional * DEG, eastM: normal * Math.cos(latDeg * DEG) * DEG };
}

/** North/east offset in metres from (lon1, lat1) to (lon2, lat2); accurate to well under 0.1 % within a few km. */
export function offsetM(lon1: number, lat1: number, lon2: number, lat2: number): { northM: number; eastM: number } {
  const m = metresPerDegree((lat1 + lat2) / 2);
  return { northM: (lat2 - lat1) * m.northM, eastM: (lon2 - lon1) * m.eastM };
}

/** Horizontal distance in metres between two points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const o = offsetM(lon1, lat1, lon2, lat2);
  return Math.hypot(o.northM, o.eastM);
}

/** Bearing in degrees (0–360, clockwise from north) from point 1 to point 2. */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const o = offsetM(lon1, lat1, lon2, lat2);
  return wrap360(Math.atan2(o.eastM, o.northM) / DEG);
}

/** The point `northM`/`eastM` metres away from (lon, lat). */
export function movePoint(lon: number, lat: number, northM: number, eastM: number): { lon: number; lat: number } {
  const m = metresPerDegree(lat);
  return { lon: lon + eastM / m.eastM, lat: lat + northM / m.northM };
}

/** Wraps an angle to [0, 360). */
export function wrap360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** Wraps an angle difference to (−180, 180]. */
export function wrap180(deg: number): number {
  const r = wrap360(deg);
  return r > 180 ? r - 360 : r;
}
