/**
 * Fixed-weight test models whose answers are a known function of the input colours:
 * class 0 responds to red/orange (`R − G/2 − B/2`), class 1 to blue (`B − R/2 − G/2`).
 * Input is NCHW float RGB scaled to [0, 1] (manifest scale 1/255, mean 0, std 1).
 */
import type { ModelManifestInput } from '../model/manifest.ts';
import { encodeOnnxModel } from '../onnx/onnx-writer.ts';
import type { OnnxModelSpec } from '../onnx/onnx-writer.ts';
import { windowDetectorOnnx, type WindowDetectorOptions } from './window-detector.ts';

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

/** Options of the YOLOv8-shaped colour detector. */
export type ColourDetectorOptions = WindowDetectorOptions;

/**
 * A "detector" with a YOLOv8 head `[1, 4 + 2, N]`: anchor i is a window of `windowPx` (box = the
 * window, cx/cy/w/h in input pixels) and its class scores are the square of the window's mean
 * redness/blueness.
 */
export function colourDetectorOnnx(options: ColourDetectorOptions = {}): Uint8Array {
  return windowDetectorOnnx({ windowPx: 16, stridePx: 4, ...options }, 2, colourScores(options.inputPx ?? 256));
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
