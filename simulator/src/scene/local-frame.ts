/**
 * Local tangent plane (east, north, up in metres) anchored at a WGS84 point.
 *
 * Convention used by the whole camera: x = east, y = north, z = up (metres AMSL for z). Offsets are
 * linear in lon/lat with the WGS84 radii of curvature at the anchor latitude (meridional radius for
 * north, prime-vertical radius · cos φ for east). Earth curvature is ignored (a 1 km ray drops 8 cm),
 * which is what a photogrammetry tool does over one photo's footprint.
 */
const A = 6378137; // WGS84 semi-major axis
const E2 = 6.69437999014e-3; // WGS84 first eccentricity squared
const DEG = Math.PI / 180;

export interface LocalFrame {
  readonly lon0: number;
  readonly lat0: number;
  /** Metres per degree of longitude / latitude at the anchor. */
  readonly mPerDegLon: number;
  readonly mPerDegLat: number;
  toLocal(lon: number, lat: number): [x: number, y: number];
  toLonLat(x: number, y: number): [lon: number, lat: number];
}

/** Build the local east-north frame anchored at (lon0, lat0). */
export function localFrame(lon0: number, lat0: number): LocalFrame {
  const s = Math.sin(lat0 * DEG);
  const w = 1 - E2 * s * s;
  const rN = A / Math.sqrt(w);
  const rM = (A * (1 - E2)) / (w * Math.sqrt(w));
  const mPerDegLon = rN * Math.cos(lat0 * DEG) * DEG;
  const mPerDegLat = rM * DEG;
  return {
    lon0,
    lat0,
    mPerDegLon,
    mPerDegLat,
    toLocal: (lon, lat) => [(lon - lon0) * mPerDegLon, (lat - lat0) * mPerDegLat],
    toLonLat: (x, y) => [lon0 + x / mPerDegLon, lat0 + y / mPerDegLat],
  };
}
