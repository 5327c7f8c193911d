import type { Camera, Drone } from '../camera/camera.ts';
import {
  altitudeForGsd,
  footprintAt,
  gsdCmAtAltitude,
  laneSpacingM,
  triggerDistanceM,
  type ImageOrientation,
} from '../camera/gsd.ts';
import { cameraPresets, dronePresets, getCamera, getDrone, type PresetRegistry } from '../camera/presets.ts';
import { PlanInputError } from './errors.ts';

/** Options shared by every pattern. */
export interface FlightOptions {
  /** Camera preset name or a camera object. Default: the drone's camera. */
  camera?: string | Camera;
  /** Drone preset name or a drone object. Default `m3e`. */
  drone?: string | Drone;
  /** Target ground sample distance (cm/px); alternative to altAglM. */
  gsdCm?: number;
  /** Height above ground (m). Default: from gsdCm, else 80 m. */
  altAglM?: number;
  /** Default 0.8. */
  frontOverlap?: number;
  /** Default 0.7. */
  sideOverlap?: number;
  /** Ground speed (m/s). Default the drone's cruise speed, lowered if the camera cannot keep up. */
  speedMps?: number;
  orientation?: ImageOrientation;
  /** `distance` (DO_SET_CAM_TRIGG_DIST) or `waypoint` (a waypoint + IMAGE_START_CAPTURE per photo). */
  trigger?: 'distance' | 'waypoint';
  /** Custom presets (from loadPresets). */
  registry?: PresetRegistry;
}

export interface FlightParams {
  camera: Camera;
  drone: Drone;
  altAglM: number;
  gsdCm: number;
  acrossM: number;
  alongM: number;
  spacingM: number;
  triggerM: number;
  speedMps: number;
  orientation: ImageOrientation;
  trigger: 'distance' | 'waypoint';
  warnings: Array<{ code: string; message: string }>;
}

function checkFraction(v: number | undefined, def: number, field: string): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < 0 || v >= 1) {
    throw new PlanInputError(`重叠率必须在 [0, 1) 内 / overlap must be in [0, 1), got ${v}`, field);
  }
  return v;
}

/** Resolves camera, drone, altitude/GSD, spacing, trigger distance and speed, validating each. */
export function resolveFlightParams(o: FlightOptions): FlightParams {
  const registry = o.registry ?? { cameras: { ...cameraPresets }, drones: { ...dronePresets } };
  let drone: Drone;
  let camera: Camera;
  try {
    drone = typeof o.drone === 'object' ? o.drone : getDrone(o.drone ?? 'm3e', registry);
    camera =
      typeof o.camera === 'object' ? o.camera : getCamera(o.camera ?? drone.defaultCamera ?? 'm3e-wide', registry);
  } catch (e) {
    throw new PlanInputError(
      (e as Error).message,
      o.camera && typeof o.camera === 'string' && !registry.cameras[o.camera] ? 'camera' : 'drone',
    );
  }
  const front = checkFraction(o.frontOverlap, 0.8, 'frontOverlap');
  const side = checkFraction(o.sideOverlap, 0.7, 'sideOverlap');
  let altAglM: number;
  if (o.altAglM !== undefined) {
    if (!Number.isFinite(o.altAglM) || o.altAglM < drone.minAltRelM || o.altAglM > drone.maxAltRelM) {
      throw new PlanInputError(
        `高度须在 ${drone.minAltRelM}–${drone.maxAltRelM} m / altitude must be within ${drone.minAltRelM}–${drone.maxAltRelM} m, got ${o.altAglM}`,
        'altAglM',
      );
    }
    altAglM = o.altAglM;
  } else if (o.gsdCm !== undefined) {
    if (!Number.isFinite(o.gsdCm) || o.gsdCm <= 0)
      throw new PlanInputError(`GSD 必须为正 / gsdCm must be positive, got ${o.gsdCm}`, 'gsdCm');
    altAglM = altitudeForGsd(camera, o.gsdCm);
    if (altAglM < drone.minAltRelM || altAglM > drone.maxAltRelM) {
      const lo = gsdCmAtAltitude(camera, drone.minAltRelM).toFixed(2);
      const hi = gsdCmAtAltitude(camera, drone.maxAltRelM).toFixed(2);
      throw new PlanInputError(
        `相机 ${camera.name} 无法达到 GSD ${o.gsdCm} cm（需 ${altAglM.toFixed(0)} m）/ camera ${camera.name} cannot reach ${o.gsdCm} cm/px (needs ${altAglM.toFixed(0)} m); reachable ${lo}–${hi} cm`,
        'gsdCm',
      );
    }
  } else altAglM = Math.min(80, drone.maxAltRelM);
  const fp = footprintAt(camera, altAglM, o.orientation ?? 'landscape');
  const spacingM = laneSpacingM(fp, side);
  const triggerM = triggerDistanceM(fp, front);
  const warnings: FlightParams['warnings'] = [];
  let speedMps = o.speedMps ?? drone.cruiseSpeedMps;
  if (!Number.isFinite(speedMps) || speedMps <= 0 || speedMps > drone.maxSpeedMps) {
    throw new PlanInputError(
      `速度须在 (0, ${drone.maxSpeedMps}] m/s / speed must be in (0, ${drone.maxSpeedMps}] m/s, got ${o.speedMps}`,
      'speedMps',
    );
  }
  const maxCameraSpeed = triggerM / Math.max(camera.minTriggerIntervalS, 1e-3);
  if (speedMps > maxCameraSpeed) {
    warnings.push({
      code: 'speed-limited-by-camera',
      message: `相机拍照间隔限制，速度降为 ${maxCameraSpeed.toFixed(1)} m/s / camera interval limits speed to ${maxCameraSpeed.toFixed(1)} m/s`,
    });
    speedMps = maxCameraSpeed;
  }
  return {
    camera,
    drone,
    altAglM,
    gsdCm: gsdCmAtAltitude(camera, altAglM),
    acrossM: fp.acrossM,
    alongM: fp.alongM,
    spacingM,
    triggerM,
    speedMps,
    orientation: o.orientation ?? 'landscape',
    trigger: o.trigger ?? 'distance',
    warnings,
  };
}
