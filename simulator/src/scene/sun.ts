/**
 * Where the sun is at a time and place (NOAA's low-precision solar position, ±0.5°), so a photo's
 * shadows agree with the time written into its EXIF.
 */
const DEG = Math.PI / 180;

/** Sun elevation above the horizon and azimuth clockwise from north, degrees. */
export function sunPosition(time: Date, lon: number, lat: number): { elevationDeg: number; azimuthDeg: number } {
  const jd = time.getTime() / 86_400_000 + 2440587.5;
  const n = jd - 2451545.0;
  const L = (280.46 + 0.9856474 * n) % 360;
  const g = ((357.528 + 0.9856003 * n) % 360) * DEG;
  const lambda = (L + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * DEG;
  const eps = (23.439 - 0.0000004 * n) * DEG;
  const ra = Math.atan2(Math.cos(eps) * Math.sin(lambda), Math.cos(lambda));
  const dec = Math.asin(Math.sin(eps) * Math.sin(lambda));
  // Greenwich mean sidereal time (hours) → local hour angle.
  const gmst = (18.697374558 + 24.06570982441908 * n) % 24;
  const ha = (gmst * 15 + lon) * DEG - ra;
  const phi = lat * DEG;
  const sinEl = Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(ha);
  const el = Math.asin(Math.max(-1, Math.min(1, sinEl)));
  const az = Math.atan2(-Math.sin(ha), Math.tan(dec) * Math.cos(phi) - Math.sin(phi) * Math.cos(ha));
  return { elevationDeg: el / DEG, azimuthDeg: (((az / DEG) % 360) + 360) % 360 };
}
