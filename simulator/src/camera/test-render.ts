/**
 * Renders for the tests that compare a photo with and without things standing up: a fresh scene each time
 * (its tiles and memos start empty), and optionally one of the shader's standing heights held at 0, so
 * houses or crowns are painted flat on the ground as before they stood.
 */
import { vi } from 'vitest';
import type { Scene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import type { CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
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
