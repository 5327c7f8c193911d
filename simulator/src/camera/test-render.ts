/**
 * Renders for the tests that compare a photo with and without things standing up: a fresh scene each time
 * (its tiles and memos start empty), and optionally one of the shader's standing heights held at 0, so
 * houses or crowns are painted flat on the ground as before they stood; and an incident's visible share
 * with and without what the render says stands in front of it.
 */
import { vi } from 'vitest';
import type { Scene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import type { CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import { projectIncident } from './ground-truth.ts';
import { renderPhoto } from './photo.ts';
import { poseGeometry } from './pose-geometry.ts';
import { renderRaw, type RawImage } from './render.ts';

export function renderTest(
  makeScene: () => Scene,
  cam: CameraModel,
  req: CaptureRequest,
  flatten?: 'builtHeight' | 'treeHeight',
): RawImage {
  const spy = flatten ? vi.spyOn(Shader.prototype, flatten).mockReturnValue(0) : null;
  try {
    const scene = makeScene();
    const shapes = scene.incidents.map((i) => i.shape);
    return renderRaw(scene, cam, req, shapes, cam.imageWidthPx, cam.imageHeightPx);
  } finally {
    spy?.mockRestore();
  }
}

/**
 * The photo from `req` with things standing and with `flatten`'s held flat, and the first incident's
 * labelled pixels in each (`seen`, `painted`).
 */
export function standingAndFlat(
  makeScene: () => Scene,
  cam: CameraModel,
  req: CaptureRequest,
  flatten: 'builtHeight' | 'treeHeight',
): { standing: RawImage; flat: RawImage; seen: number; painted: number } {
  const standing = renderTest(makeScene, cam, req);
  const flat = renderTest(makeScene, cam, req, flatten);
  return {
    standing,
    flat,
    seen: standing.stats.incidentPixels[0] as number,
    painted: flat.stats.incidentPixels[0] as number,
  };
}

/**
 * Incident `id`'s projection (box, visible share) with terrain alone in the way (`open`) and its ground
 * truth in the photo rendered from `req` (`seen`: houses and crowns in front count too).
 */
export async function visibleShares(makeScene: () => Scene, cam: CameraModel, req: CaptureRequest, id: string) {
  const scene = makeScene();
  const shape = scene.incidents.find((i) => i.shape.id === id)!.shape;
  const open = projectIncident(poseGeometry(scene, cam, req), shape)!;
  const photo = await renderPhoto(scene, req, { camera: cam });
  const seen = photo.groundTruth.incidents.find((i) => i.id === id)!;
  return { open, seen };
}
