/**
 * A fixed-weight test "detector" (ONNX, written with @xuncha/triage/testing's encoder) for the simulator's burn
 * scars: a scar is dark and grey, where the river is bluish and the forest greenish. Per pixel
 * `score = relu(2·relu(0.45 − mean) − 8·relu(G − R) − 8·relu(B − R))`, averaged over a window and squared (as
 * the colour detector of triage's tests does), with a YOLOv8-shaped head `[1, 4 + 1, N]` of fixed window boxes.
 */
import type { ModelManifestInput } from '@xuncha/triage';
import { encodeOnnxModel } from '@xuncha/triage/testing';

export interface ScarModelOptions {
  inputPx?: number;
  windowPx?: number;
  stridePx?: number;
}

/** The ONNX bytes. */
export function scarDetectorOnnx(o: ScarModelOptions = {}): Uint8Array {
  const size = o.inputPx ?? 256;
  const k = o.windowPx ?? 32;
  const s = o.stridePx ?? 8;
  const g = Math.floor((size - k) / s) + 1;
  const n = g * g;
  const boxes = new Float32Array(4 * n);
  for (let gy = 0; gy < g; gy++)
    for (let gx = 0; gx < g; gx++) {
      const i = gy * g + gx;
      boxes[i] = gx * s + k / 2;
      boxes[n + i] = gy * s + k / 2;
      boxes[2 * n + i] = k;
      boxes[3 * n + i] = k;
    }
  const third = -1 / 3;
  return encodeOnnxModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output0', dims: [1, 5, n] }],
    initializers: [
      // features: darkness, greenness, blueness
      { name: 'w1', dims: [3, 3, 1, 1], dataType: 'float', values: [third, third, third, -1, 1, 0, -1, 0, 1] },
      { name: 'b1', dims: [3], dataType: 'float', values: [0.45, 0, 0] },
      { name: 'w2', dims: [1, 3, 1, 1], dataType: 'float', values: [2, -8, -8] },
      { name: 'b2', dims: [1], dataType: 'float', values: [0] },
      { name: 'shape', dims: [3], dataType: 'int64', values: [1, 1, -1] },
      { name: 'boxes', dims: [1, 4, n], dataType: 'float', values: boxes },
    ],
    nodes: [
      { opType: 'Conv', inputs: ['images', 'w1', 'b1'], outputs: ['f'] },
      { opType: 'Relu', inputs: ['f'], outputs: ['fr'] },
      { opType: 'Conv', inputs: ['fr', 'w2', 'b2'], outputs: ['s'] },
      { opType: 'Relu', inputs: ['s'], outputs: ['score'] },
      {
        opType: 'AveragePool',
        inputs: ['score'],
        outputs: ['pooled'],
        attributes: [
          { name: 'kernel_shape', ints: [k, k] },
          { name: 'strides', ints: [s, s] },
        ],
      },
      { opType: 'Mul', inputs: ['pooled', 'pooled'], outputs: ['peaked'] },
      { opType: 'Reshape', inputs: ['peaked', 'shape'], outputs: ['cls'] },
      { opType: 'Concat', inputs: ['boxes', 'cls'], outputs: ['output0'], attributes: [{ name: 'axis', int: 1 }] },
    ],
  });
}

/** Its manifest: one class, straw_burning. */
export function scarDetectorManifest(inputPx = 256, threshold = 0.04): ModelManifestInput {
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
