/**
 * A fixed-weight test "detector" (ONNX, on @xuncha/triage/testing's window-detector head) for the simulator's burn
 * scars: a scar is dark and grey, where the river is bluish and the forest greenish. Per pixel
 * `score = relu(2·relu(0.45 − mean) − 8·relu(G − R) − 8·relu(B − R))`, averaged over a window and squared (as
 * the colour detector of triage's tests does), with a YOLOv8-shaped head `[1, 4 + 1, N]` of fixed window boxes.
 */
import type { ModelManifestInput } from '@xuncha/triage';
import { windowDetectorOnnx, type WindowDetectorOptions } from '@xuncha/triage/testing';

export type ScarModelOptions = WindowDetectorOptions;

/** The ONNX bytes. */
export function scarDetectorOnnx(o: ScarModelOptions = {}): Uint8Array {
  const third = -1 / 3;
  return windowDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 8, ...o }, 1, {
    initializers: [
      // features: darkness, greenness, blueness
      { name: 'w1', dims: [3, 3, 1, 1], dataType: 'float', values: [third, third, third, -1, 1, 0, -1, 0, 1] },
      { name: 'b1', dims: [3], dataType: 'float', values: [0.45, 0, 0] },
      { name: 'w2', dims: [1, 3, 1, 1], dataType: 'float', values: [2, -8, -8] },
      { name: 'b2', dims: [1], dataType: 'float', values: [0] },
    ],
    nodes: [
      { opType: 'Conv', inputs: ['images', 'w1', 'b1'], outputs: ['f'] },
      { opType: 'Relu', inputs: ['f'], outputs: ['fr'] },
      { opType: 'Conv', inputs: ['fr', 'w2', 'b2'], outputs: ['s'] },
      { opType: 'Relu', inputs: ['s'], outputs: ['score'] },
    ],
  });
}

/**
 * Score a window must reach: the simulator's burn scars score 0.29–0.38 in the demo world's summer photos, the
 * shade of its tree rows up to 0.04 (their lower foliage, dark green in overcast light, reads as dark grey).
 */
export const SCAR_THRESHOLD = 0.045;

/** Its manifest: one class, straw_burning. */
export function scarDetectorManifest(inputPx = 256, threshold = SCAR_THRESHOLD): ModelManifestInput {
  return {
    name: 'scar-detector (test)',
    model: 'scar.onnx',
    input: { widthPx: inputPx, heightPx: inputPx, layout: 'NCHW', scale: 1 / 255 },
    output: { kind: 'yolov8' },
    numClasses: 1,
    classMap: { '0': 'straw_burning' },
    defaultThreshold: threshold,
    nms: { iouThreshold: 0.1, maxDetections: 20 },
  };
}
