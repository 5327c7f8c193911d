/**
 * A capture's geometry in the local frame anchored at the camera's own position: the camera view and
 * the terrain its rays land on. Ground truth is computed here, in the frame a photogrammetry tool
 * would use for this one photo (see view.ts and scene/local-frame.ts for the conventions).
 */
import { localFrame, type LocalFrame } from '../scene/local-frame.ts';
import type { Scene } from '../scene/scene.ts';
import { flatTerrain, intersectTerrain, type Terrain } from '../scene/terrain.ts';
import type { CameraModel } from './camera-model.ts';
import { CaptureError, type CaptureRequest } from './capture-request.ts';
import { makeView, pixelRay, type View } from './view.ts';

export interface PoseGeometry {
  frame: LocalFrame;
  view: View;
  terrain: Terrain;
  /** Ground elevation under the camera (AMSL). */
  groundUnderM: number;
}

/** Horizontal distance beyond which rays are treated as reaching the sky/horizon haze. */
export const MAX_RANGE_M = 6000;

/** Camera yaw: the gimbal's absolute yaw when given, else the vehicle heading. */
export function cameraYawDeg(req: CaptureRequest): number {
  return req.gimbalYawDeg ?? req.headingDeg;
}

/** The terrain of `scene` (DEM) seen in another local frame, or the capture's takeoff plane. */
export function terrainFor(
  scene: Pick<Scene, 'dem' | 'frame'> | null,
  frame: LocalFrame,
  req: CaptureRequest,
): Terrain {
  const dem = scene?.dem;
  if (!scene || !dem) return flatTerrain(req.altAmslM - req.altRelM);
  // Affine map between two tangent frames: exact in lon/lat, both linear.
  const kx = frame.mPerDegLon === 0 ? 1 : scene.frame.mPerDegLon / frame.mPerDegLon;
  const ky = scene.frame.mPerDegLat / frame.mPerDegLat;
  const [ox, oy] = scene.frame.toLocal(frame.lon0, frame.lat0);
  const tmp = new Float64Array(3);
  return {
    flat: false,
    heightAt: (x, y) => dem.heightAt(ox + x * kx, oy + y * ky),
    sample: (x, y, out) => {
      dem.sample(ox + x * kx, oy + y * ky, tmp);
      out[0] = tmp[0] as number;
      out[1] = (tmp[1] as number) * kx;
      out[2] = (tmp[2] as number) * ky;
    },
  };
}

/** Geometry of a capture; throws CaptureError when the camera is not above the ground. */
export function poseGeometry(
  scene: Pick<Scene, 'dem' | 'frame'> | null,
  cam: CameraModel,
  req: CaptureRequest,
  widthPx = cam.imageWidthPx,
  heightPx = cam.imageHeightPx,
): PoseGeometry {
  const frame = localFrame(req.lon, req.lat);
  const terrain = terrainFor(scene, frame, req);
  const groundUnderM = terrain.heightAt(0, 0);
  if (!(req.altAmslM > groundUnderM + 0.05))
    throw new CaptureError(
      `相机在地面以下或贴地 / camera is at or below the ground: altAmslM ${req.altAmslM.toFixed(2)} m, ground ${groundUnderM.toFixed(2)} m` +
        (terrain.flat ? ` (takeoff plane = altAmslM − altRelM; altRelM ${req.altRelM} must be > 0)` : ' (DEM)'),
    );
  const view = makeView(cam, [0, 0, req.altAmslM], cameraYawDeg(req), req.gimbalPitchDeg, widthPx, heightPx);
  return { frame, view, terrain, groundUnderM };
}

/** Where the ray through pixel (u, v) meets the terrain, in the pose frame, or null. */
export function pixelToGround(
  g: PoseGeometry,
  u: number,
  v: number,
  maxRangeM = MAX_RANGE_M,
): [number, number, number] | null {
  const [dx, dy, dz] = pixelRay(g.view, u, v);
  const [ox, oy, oz] = g.view.pos;
  const t = intersectTerrain(g.terrain, ox, oy, oz, dx, dy, dz, maxRangeM);
  if (!Number.isFinite(t)) return null;
  return [ox + t * dx, oy + t * dy, oz + t * dz];
}
