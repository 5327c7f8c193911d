/**
 * Fixed-weight test models whose answers are a known function of the input colours:
 * class 0 responds to red/orange (`R − G/2 − B/2`), class 1 to blue (`B − R/2 − G/2`).
 * Input is NCHW float RGB scaled to [0, 1] (manifest scale 1/255, mean 0, std 1).
 */
import type { ModelManifestInput } from '../model/manifest.ts';
import { encodeOnnxModel } from '../onnx/onnx-writer.ts';
import type { OnnxModelSpec } from '../onnx/onnx-writer.ts';

const COLOUR_WEIGHTS = [1, -0.5, -0.5, -0.5, -0.5, 1]; // [2 classes, 3 channels, 1, 1]

function colourScores(
  size: number,
): Pick<OnnxModelSpec, 'inputs' | 'initializers'> & { nodes: OnnxModelSpec['nodes'] } {
  return {
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    initializers: [
      { name: 'w', dims: [2, 3, 1, 1], dataType: 'float', values: COLOUR_WEIGHTS },
      { name: 'b', dims: [2], dataType: 'float', values: [0, 0] },
    ],
    nodes: [
      { opType: 'Conv', inputs: ['images', 'w', 'b'], outputs: ['conv'] },
      { opType: 'Relu', inputs: ['conv'], outputs: ['score'] },
    ],
  };
}

/**
 * Mean over k×k windows at stride s. When s divides k this is done in two cheap steps (s×s blocks,
 * then (k/s)×(k/s) blocks of those at stride 1): the same numbers at a fraction of the cost.
 */
function pooling(k: number, s: number): OnnxModelSpec['nodes'] {
  if (k % s !== 0 || k === s)
    return [
      {
        opType: 'AveragePool',
        inputs: ['score'],
        outputs: ['pooled'],
        attributes: [
          { name: 'kernel_shape', ints: [k, k] },
          { name: 'strides', ints: [s, s] },
        ],
      },
    ];
  const m = k / s;
  return [
    {
      opType: 'AveragePool',
      inputs: ['score'],
      outputs: ['blocks'],
      attributes: [
        { name: 'kernel_shape', ints: [s, s] },
        { name: 'strides', ints: [s, s] },
      ],
    },
    {
      opType: 'AveragePool',
      inputs: ['blocks'],
      outputs: ['pooled'],
      attributes: [
        { name: 'kernel_shape', ints: [m, m] },
        { name: 'strides', ints: [1, 1] },
      ],
    },
  ];
}

/** Options of the YOLOv8-shaped colour detector. */
export interface ColourDetectorOptions {
  /** Square input size (px). Default 256. */
  inputPx?: number;
  /** Window side (px) whose mean colour scores one anchor; the anchor's box is that window. Default 16. */
  windowPx?: number;
  /** Anchor stride (px). Default 4. */
  stridePx?: number;
}

/**
 * A "detector" with a YOLOv8 head `[1, 4 + 2, N]`: anchor i is a window of `windowPx` (box = the
 * window, cx/cy/w/h in input pixels) and its class scores are the square of the window's mean
 * redness/blueness.
 */
export function colourDetectorOnnx(options: ColourDetectorOptions = {}): Uint8Array {
  const size = options.inputPx ?? 256;
  const k = options.windowPx ?? 16;
  const s = options.stridePx ?? 4;
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
  const base = colourScores(size);
  return encodeOnnxModel({
    inputs: base.inputs,
    outputs: [{ name: 'output0', dims: [1, 6, n] }],
    initializers: [
      ...base.initializers,
      { name: 'shape', dims: [3], dataType: 'int64', values: [1, 2, -1] },
      { name: 'boxes', dims: [1, 4, n], dataType: 'float', values: boxes },
    ],
    nodes: [
      ...base.nodes,
      ...pooling(k, s),
      // squaring sharpens the peak: partly covered windows fall well under fully covered ones
      { opType: 'Mul', inputs: ['pooled', 'pooled'], outputs: ['peaked'] },
      { opType: 'Reshape', inputs: ['peaked', 'shape'], outputs: ['cls'] },
      { opType: 'Concat', inputs: ['boxes', 'cls'], outputs: ['output0'], attributes: [{ name: 'axis', int: 1 }] },
    ],
  });
}

/** A per-tile classifier: output `[1, 2]` = mean redness/blueness of the whole input. */
export function colourClassifierOnnx(inputPx = 64): Uint8Array {
  const base = colourScores(inputPx);
  return encodeOnnxModel({
    inputs: base.inputs,
    outputs: [{ name: 'probs', dims: [1, 2] }],
    initializers: [...base.initializers, { name: 'shape', dims: [2], dataType: 'int64', values: [1, 2] }],
    nodes: [
      ...base.nodes,
      { opType: 'GlobalAveragePool', inputs: ['score'], outputs: ['gap'] },
      { opType: 'Reshape', inputs: ['gap', 'shape'], outputs: ['probs'] },
    ],
  });
}

/** A segmentation model: output `[1, 2, S/4, S/4]` = redness/blueness averaged over 4×4 cells. */
export function colourSegmenterOnnx(inputPx = 128): Uint8Array {
  const base = colourScores(inputPx);
  return encodeOnnxModel({
    inputs: base.inputs,
    outputs: [{ name: 'mask', dims: [1, 2, inputPx / 4, inputPx / 4] }],
    initializers: base.initializers,
    nodes: [
      ...base.nodes,
      {
        opType: 'AveragePool',
        inputs: ['score'],
        outputs: ['mask'],
        attributes: [
          { name: 'kernel_shape', ints: [4, 4] },
          { name: 'strides', ints: [4, 4] },
        ],
      },
    ],
  });
}

/** Manifest for {@link colourDetectorOnnx}: class 0 → straw_burning, class 1 → sewage_outfall. */
export function colourDetectorManifest(
  model: string,
  over: Partial<ModelManifestInput> = {},
  inputPx = 256,
): ModelManifestInput {
  return {
    name: 'colour-detector (test)',
    model,
    input: { widthPx: inputPx, heightPx: inputPx, layout: 'NCHW', scale: 1 / 255 },
    output: { kind: 'yolov8' },
    numClasses: 2,
    classMap: { '0': 'straw_burning', '1': 'sewage_outfall' },
    defaultThreshold: 0.5,
    nms: { iouThreshold: 0.3, maxDetections: 100 },
    ...over,
  };
}
