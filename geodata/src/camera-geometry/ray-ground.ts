/**
 * Ray ∩ ground: a ray from the camera meets either the terrain (a DEM) or, where there is no DEM
 * or the DEM has no value, a horizontal plane (usually the takeoff altitude).
 */
import { fromLocal, localFrame } from './local-frame.ts';
import type { EnuM } from './local-frame.ts';
import type { CameraPose } from './pinhole.ts';

/** Anything that answers terrain height (metres AMSL) at a point, null outside its coverage. */
export interface ElevationSource {
  elevationAt(lon: number, lat: number): number | null;
}

/** What a ray may hit. */
export interface GroundModel {
  /** Terrain model; optional. */
  dem?: ElevationSource | null;
  /** Plane used without DEM or where the DEM has no value (takeoff altitude AMSL). */
  planeAltAmslM: number;
}

/** A ray's ground intersection. */
export interface GroundHit {
  lon: number;
  lat: number;
  altAmslM: number;
  /** Distance camera → point along the ray, metres. */
  slantRangeM: number;
  /** Horizontal distance camera → point, metres. */
  horizontalRangeM: number;
  /** Which surface was hit: the DEM or the fallback plane. */
  surface: 'dem' | 'plane';
}

/** Options of {@link intersectGround}. */
export interface IntersectOptions {
  /** Rays that travel further than this (slant, metres) count as missing the ground. Default 20 km. */
  maxRangeM?: number;
}

/**
 * Intersects the ray from `pose` along `direction` (ENU, any length) with the ground.
 * Returns null when the ray points at the sky or meets nothing within `maxRangeM`.
 */
export function intersectGround(
  pose: Pick<CameraPose, 'lon' | 'lat' | 'altAmslM'>,
  direction: EnuM,
  ground: GroundModel,
  options: IntersectOptions = {},
): GroundHit | null {
  const maxRangeM = options.maxRangeM ?? 20_000;
  const len = Math.hypot(direction.eastM, direction.northM, direction.upM);
  if (!(len > 0)) return null;
  const d = { e: direction.eastM / len, n: direction.northM / len, u: direction.upM / len };
  const frame = localFrame(pose.lon, pose.lat);
  const at = (t: number): { lon: number; lat: number; alt: number } => {
    const [lon, lat] = fromLocal(frame, d.e * t, d.n * t);
    return { lon, lat, alt: pose.altAmslM + d.u * t };
  };
  const hit = (t: number, surface: 'dem' | 'plane'): GroundHit => {
    const p = at(t);
    return {
      lon: p.lon,
      lat: p.lat,
      altAmslM: p.alt,
      slantRangeM: t,
      horizontalRangeM: t * Math.hypot(d.e, d.n),
      surface,
    };
  };

  if (!ground.dem) {
    if (d.u >= -1e-9) return null;
    const t = (ground.planeAltAmslM - pose.altAmslM) / d.u;
    if (t < 0 || t > maxRangeM) return null;
    return hit(t, 'plane');
  }

  const dem = ground.dem;
  // Height of the ray above the surface at distance t (DEM, or the plane where the DEM has no value).
  const above = (t: number): { h: number; surface: 'dem' | 'plane' } => {
    const p = at(t);
    const z = dem.elevationAt(p.lon, p.lat);
    return z === null || !Number.isFinite(z)
      ? { h: p.alt - ground.planeAltAmslM, surface: 'plane' }
      : { h: p.alt - z, surface: 'dem' };
  };
  // March with steps proportional to the height above the surface (safe for slopes below ~60°),
  // then bisect the last step.
  let t0 = 0;
  let a0 = above(0);
  if (a0.h <= 0) return hit(0, a0.surface);
  const minStepM = 0.25;
  while (t0 < maxRangeM) {
    const step = Math.max(minStepM, 0.5 * a0.h);
    const t1 = Math.min(maxRangeM, t0 + step);
    const a1 = above(t1);
    if (a1.h <= 0) {
      let lo = t0;
      let hi = t1;
      let surface = a1.surface;
      for (let i = 0; i < 40 && hi - lo > 1e-3; i++) {
        const mid = (lo + hi) / 2;
        const am = above(mid);
        if (am.h > 0) lo = mid;
        else {
          hi = mid;
          surface = am.surface;
        }
      }
      return hit((lo + hi) / 2, surface);
    }
    if (t1 >= maxRangeM) break;
    t0 = t1;
    a0 = a1;
  }
  return null;
}
