/**
 * The small camera of the tests: a 16 × 12 mm sensor behind a 10 mm lens (a 77° × 62° view, wide like a
 * drone's), at any pixel size, so that a test photo renders in milliseconds with the geometry of a real one.
 */
import type { CameraModel } from './camera-model.ts';

export function testCamera(widthPx: number, heightPx = (widthPx * 3) / 4, name = 'small'): CameraModel {
  return {
    name,
    sensorWidthMm: 16,
    sensorHeightMm: 12,
    focalLengthMm: 10,
    imageWidthPx: widthPx,
    imageHeightPx: heightPx,
  };
}
