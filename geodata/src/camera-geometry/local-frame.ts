/**
 * Local east-north-up (ENU) tangent frame around a reference point, on the WGS84 ellipsoid.
 * Exact enough for camera footprints (sub-decimetre within a few kilometres of the origin):
 * uses the meridional and prime-vertical radii of curvature at the origin's latitude.
 */

const WGS84_A = 6378137;
const WGS84_E2 = 6.69437999014e-3;

/** A point in the local frame, metres east/north/up of the origin (up is altitude AMSL difference). */
export interface EnuM {
  eastM: number;
  northM: number;
  upM: number;
}

/** A local metric frame anchored at `[lon0, lat0]`. */
export interface LocalFrame {
  lon0: number;
  lat0: number;
  /** Metres per degree of latitude at the origin. */
  mPerDegLat: number;
  /** Metres per degree of longitude at the origin. */
  mPerDegLon: number;
}

/** Builds the local frame around `[lon0, lat0]` (degrees). */
export function localFrame(lon0: number, lat0: number): LocalFrame {
  const phi = (lat0 * Math.PI) / 180;
  const s = Math.sin(phi);
  const w = 1 - WGS84_E2 * s * s;
  const meridionalM = (WGS84_A * (1 - WGS84_E2)) / Math.pow(w, 1.5);
  const primeVerticalM = WGS84_A / Math.sqrt(w);
  return {
    lon0,
    lat0,
    mPerDegLat: (meridionalM * Math.PI) / 180,
    mPerDegLon: (primeVerticalM * Math.cos(phi) * Math.PI) / 180,
  };
}

/** `[lon, lat]` → metres east/north of the frame origin. */
export function toLocal(frame: LocalFrame, lon: number, lat: number): { eastM: number; northM: number } {
  return { eastM: (lon - frame.lon0) * frame.mPerDegLon, northM: (lat - frame.lat0) * frame.mPerDegLat };
}

/** Metres east/north of the frame origin → `[lon, lat]`. */
export function fromLocal(frame: LocalFrame, eastM: number, northM: number): [number, number] {
  return [frame.lon0 + eastM / frame.mPerDegLon, frame.lat0 + northM / frame.mPerDegLat];
}
