/**
 * Georeferencing: pixels of a posed photo → ground points (DEM, or the takeoff plane without one),
 * with a 1-sigma horizontal error propagated from the pose uncertainties.
 */
import { groundFootprint, localFrame, pixelToGround, toLocal } from '@xuncha/geodata';
import type { CameraPose, ElevationSource, GroundModel, PinholeCamera } from '@xuncha/geodata';
import { ASSUMED_HEIGHT_AGL_M, ASSUMED_HEIGHT_SIGMA_M } from '../metadata/camera-pose.ts';
import type { PhotoCamera, PoseSigma } from '../metadata/camera-pose.ts';
import type { BoxPx, PixelDetection } from '../model/nms.ts';

/** A GeoJSON polygon in [lon, lat]. */
export interface LonLatPolygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

/** A ground point with its estimated horizontal error (1 σ, metres). */
export interface GroundPoint {
  lon: number;
  lat: number;
  altAmslM: number;
  /** `assumed`: no relative altitude, DEM or flight record; the ground was assumed {@link ASSUMED_HEIGHT_AGL_M} below. */
  surface: 'dem' | 'plane' | 'assumed';
  errorM: number;
}

/** A detection placed on the ground. `ground` is null when its rays miss the ground or the photo is unlocated. */
export interface GeoDetection extends PixelDetection {
  ground: GroundPoint | null;
  /** The box outline cast on the ground, when all its rays hit. */
  groundOutline: LonLatPolygon | null;
}

/** Where a photo looks on the ground. */
export interface PhotoGround {
  centerGround: GroundPoint | null;
  footprint: LonLatPolygon | null;
  /** The footprint was cut at the horizon / maximum range (oblique photo). */
  footprintClipped: boolean;
}

/** A DEM applies only to poses whose altitude is above sea level. */
function usableDem(cam: PhotoCamera, dem: ElevationSource | null): ElevationSource | null {
  return cam.verticalDatum === 'amsl' ? dem : null;
}

/**
 * The ground model for a photo: the DEM, the takeoff plane, or — when neither is known — a plane
 * {@link ASSUMED_HEIGHT_AGL_M} below the camera (see {@link heightAssumedFor}). Null only without a pose.
 */
export function groundModelFor(cam: PhotoCamera, dem: ElevationSource | null): GroundModel | null {
  if (!cam.pose) return null;
  const d = usableDem(cam, dem);
  const plane =
    cam.takeoffAltAmslM ?? d?.elevationAt(cam.pose.lon, cam.pose.lat) ?? cam.pose.altAmslM - ASSUMED_HEIGHT_AGL_M;
  return d ? { dem: d, planeAltAmslM: plane } : { planeAltAmslM: plane };
}

/** Whether the photo's height above ground had to be assumed (no relative altitude, no DEM under it). */
export function heightAssumedFor(cam: PhotoCamera, dem: ElevationSource | null): boolean {
  if (!cam.pose) return false;
  if (cam.heightAssumed) return true;
  return (
    cam.takeoffAltAmslM === null && (usableDem(cam, dem)?.elevationAt(cam.pose.lon, cam.pose.lat) ?? null) === null
  );
}

/** How a photo's positions are computed: the pose sigmas to propagate, and whether the height was assumed. */
export interface GeorefContext {
  sigma: PoseSigma;
  heightAssumed: boolean;
}

/** The georeferencing context of a photo: an assumed height widens the altitude sigma. */
export function georefContext(cam: PhotoCamera, dem: ElevationSource | null): GeorefContext {
  const heightAssumed = heightAssumedFor(cam, dem);
  return {
    sigma: heightAssumed
      ? { ...cam.sigma, altitudeM: Math.max(cam.sigma.altitudeM, ASSUMED_HEIGHT_SIGMA_M) }
      : cam.sigma,
    heightAssumed,
  };
}

const MAX_RANGE_M = 5000;

function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const p = toLocal(localFrame(a.lon, a.lat), b.lon, b.lat);
  return Math.hypot(p.eastM, p.northM);
}

/**
 * Ground point at pixel (u, v), with the horizontal error from first-order propagation of the
 * pose sigmas (finite differences of the intersection in altitude, heading, pitch and roll, plus
 * the GNSS horizontal error).
 */
export function groundPointAt(
  camera: PinholeCamera,
  pose: CameraPose,
  sigma: PoseSigma,
  ground: GroundModel,
  uPx: number,
  vPx: number,
): GroundPoint | null {
  const hit = pixelToGround(camera, pose, uPx, vPx, ground, { maxRangeM: MAX_RANGE_M });
  if (!hit) return null;
  let variance = sigma.horizontalM ** 2;
  const perturbed: Partial<CameraPose>[] = [
    { altAmslM: pose.altAmslM + sigma.altitudeM },
    { headingDeg: pose.headingDeg + sigma.headingDeg },
    { pitchDeg: pose.pitchDeg + sigma.pitchDeg },
    { rollDeg: pose.rollDeg + sigma.rollDeg },
  ];
  for (const change of perturbed) {
    const p = pixelToGround(camera, { ...pose, ...change }, uPx, vPx, ground, { maxRangeM: MAX_RANGE_M * 2 });
    // A perturbation that makes the ray miss: the point is unbounded in that direction; count the range.
    const d = p ? metresBetween(hit, p) : hit.horizontalRangeM;
    variance += d * d;
  }
  return { lon: hit.lon, lat: hit.lat, altAmslM: hit.altAmslM, surface: hit.surface, errorM: Math.sqrt(variance) };
}

function boxOutline(camera: PinholeCamera, pose: CameraPose, ground: GroundModel, b: BoxPx): LonLatPolygon | null {
  const pts: [number, number][] = [
    [b.x, b.y],
    [b.x + b.width / 2, b.y],
    [b.x + b.width, b.y],
    [b.x + b.width, b.y + b.height / 2],
    [b.x + b.width, b.y + b.height],
    [b.x + b.width / 2, b.y + b.height],
    [b.x, b.y + b.height],
    [b.x, b.y + b.height / 2],
  ];
  const ring: [number, number][] = [];
  for (const [u, v] of pts) {
    const h = pixelToGround(camera, pose, u, v, ground, { maxRangeM: MAX_RANGE_M });
    if (!h) return null;
    ring.push([h.lon, h.lat]);
  }
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const c = ring[(i + 1) % ring.length]!;
    area += a[0] * c[1] - c[0] * a[1];
  }
  if (area < 0) ring.reverse();
  ring.push([ring[0]![0], ring[0]![1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

function markAssumed(p: GroundPoint | null, ctx: GeorefContext | undefined): GroundPoint | null {
  return p && ctx?.heightAssumed ? { ...p, surface: 'assumed' } : p;
}

/**
 * The photo's centre point and footprint on the ground. With an assumed height, a centre ray that misses
 * the ground (camera at or above the horizon) still leaves the photo at its own position, ±{@link MAX_RANGE_M}.
 */
export function photoGround(cam: PhotoCamera, ground: GroundModel | null, ctx?: GeorefContext): PhotoGround {
  if (!cam.pose || !ground) return { centerGround: null, footprint: null, footprintClipped: false };
  const fp = groundFootprint(cam.camera, cam.pose, ground, { pointsPerEdge: 4, maxRangeM: 2000 });
  let centerGround = markAssumed(
    groundPointAt(
      cam.camera,
      cam.pose,
      ctx?.sigma ?? cam.sigma,
      ground,
      cam.camera.widthPx / 2,
      cam.camera.heightPx / 2,
    ),
    ctx,
  );
  if (!centerGround && ctx?.heightAssumed)
    centerGround = {
      lon: cam.pose.lon,
      lat: cam.pose.lat,
      altAmslM: ground.planeAltAmslM,
      surface: 'assumed',
      errorM: MAX_RANGE_M,
    };
  return { centerGround, footprint: fp.polygon, footprintClipped: fp.clipped };
}

/** Places detections on the ground (box centre → point with error; box outline → polygon). */
export function georeferenceDetections(
  cam: PhotoCamera,
  ground: GroundModel | null,
  dets: PixelDetection[],
  ctx?: GeorefContext,
): GeoDetection[] {
  return dets.map((d) => {
    if (!cam.pose || !ground) return { ...d, ground: null, groundOutline: null };
    const u = d.box.x + d.box.width / 2;
    const v = d.box.y + d.box.height / 2;
    return {
      ...d,
      ground: markAssumed(groundPointAt(cam.camera, cam.pose, ctx?.sigma ?? cam.sigma, ground, u, v), ctx),
      groundOutline: boxOutline(cam.camera, cam.pose, ground, d.box),
    };
  });
}
