/**
 * The YOLOv8-shaped head of the fixed-weight test detectors: anchor i is a square window of the input (its box is
 * the window, cx/cy/w/h in input pixels) and a class's score is the square of that window's mean per-pixel score.
 * Each test model brings only its per-pixel scoring graph.
 */
import { encodeOnnxModel, type OnnxModelSpec } from '../onnx/onnx-writer.ts';

export interface WindowDetectorOptions {
  /** Square input size (px). Default 256. */
  inputPx?: number;
  /** Window side (px) whose mean score scores one anchor. */
  windowPx?: number;
  /** Anchor stride (px). */
  stridePx?: number;
}

/** A per-pixel scoring graph: from input `images` [1, 3, S, S] to `score` [1, classes, S, S]. */
export type PixelScores = Pick<OnnxModelSpec, 'initializers' | 'nodes'>;

/**
 * Mean over k×k windows at stride s. When s divides k this is done in two cheap steps (s×s blocks,
 * then (k/s)×(k/s) blocks of those at stride 1): the same numbers at a fraction of the cost.
 */
function pooling(k: number, s: number): OnnxModelSpec['nodes'] {
  const pool = (input: string, output: string, kernel: number, stride: number) => ({
    opType: 'AveragePool',
    inputs: [input],
    outputs: [output],
    attributes: [
      { name: 'kernel_shape', ints: [kernel, kernel] },
      { name: 'strides', ints: [stride, stride] },
    ],
  });
  if (k % s !== 0 || k === s) return [pool('score', 'pooled', k, s)];
  return [pool('score', 'blocks', s, s), pool('blocks', 'pooled', k / s, 1)];
}

/** The ONNX bytes of a window detector with `classes` classes over `scores`. */
export function windowDetectorOnnx(o: WindowDetectorOptions, classes: number, scores: PixelScores): Uint8Array {
  const size = o.inputPx ?? 256;
  const k = o.windowPx ?? 16;
  const s = o.stridePx ?? 4;
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
  return encodeOnnxModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output0', dims: [1, 4 + classes, n] }],
    initializers: [
      ...scores.initializers,
      { name: 'shape', dims: [3], dataType: 'int64', values: [1, classes, -1] },
      { name: 'boxes', dims: [1, 4, n], dataType: 'float', values: boxes },
    ],
    nodes: [
      ...scores.nodes,
      ...pooling(k, s),
      // squaring sharpens the peak: partly covered windows fall well under fully covered ones
      { opType: 'Mul', inputs: ['pooled', 'pooled'], outputs: ['peaked'] },
      { opType: 'Reshape', inputs: ['peaked', 'shape'], outputs: ['cls'] },
      { opType: 'Concat', inputs: ['boxes', 'cls'], outputs: ['output0'], attributes: [{ name: 'axis', int: 1 }] },
    ],
  });
}
