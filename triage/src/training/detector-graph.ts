/**
 * The default model's graph: photo → pretrained backbone features (stride 16) + physical colour and
 * texture cues per cell → the same pooled over the neighbourhood → per-cell MLP head → a class score
 * map `[1, 3, H/16, W/16]` that the triage runner turns into boxes (segmentation output).
 *
 * Training runs the feature part once over the data (onnxruntime) and fits the head in TypeScript
 * (`head.ts`); export joins both into one ONNX model.
 */
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { encodeOnnxModel } from '../onnx/onnx-writer.ts';
import { appendGate } from './colour-gate.ts';
import type { ColourGate } from './colour-gate.ts';
import { appendWaterGate } from './water-gate.ts';
import type { WaterGate } from './water-gate.ts';
import type { Mlp } from './mlp.ts';
import { appendBackbone } from './pretrained-backbone.ts';
import type { BackboneName, PretrainedBackbone } from './pretrained-backbone.ts';

/** Shape of the feature graph. */
export interface FeatureGraphSpec {
  inputWidthPx: number;
  inputHeightPx: number;
  /** Pretrained backbone (absent: MobileNetV2, every model up to round 41). */
  backbone?: BackboneName;
  /** Backbone layer whose output is read (stride 16). */
  featureLayer: string;
  /** Side (cells) of the neighbourhood averaged into the context features; 0 = none. */
  contextCells: number;
  /**
   * An earlier backbone layer at half the cell stride (stride 8), pooled to each cell as the mean AND the
   * max over its 2×2 positions: the max keeps a small wisp or plume that the stride-16 layer dilutes.
   * Absent or '' = none (the shipped model before round 7).
   */
  fineLayer?: string;
  /** Side (cells) of a neighbourhood max-pooled into further context features; absent or 0 = none. */
  contextMaxCells?: number;
}

/** How many copies of the per-cell (local) features the feature vector holds: local, mean and max context. */
export function featureCopies(spec: FeatureGraphSpec): number {
  return 1 + (spec.contextCells ? 1 : 0) + (spec.contextMaxCells ? 1 : 0);
}

/** The input tensor's name. */
export const INPUT_NAME = 'images';
/** Output names. */
export const FEATURES_NAME = 'features';
export const SCORES_NAME = 'scores';

/** Names of the hand-made cue channels, in order. */
export const CUE_NAMES = ['meanR', 'meanG', 'meanB', 'saturation', 'maxRGB', 'minRGB', 'greyStd', 'gradient'] as const;

function f32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

/**
 * Colour/texture cues per `cell`×`cell` block from RGB in [0, 1]: mean R, G, B; mean saturation, max and
 * min channel (smoke: bright, grey; scars: dark; bare earth: red over green); grey-level standard
 * deviation and mean gradient magnitude (smoke and water are smooth, stubble and woods are not).
 */
function appendCues(g: GraphBuilder, rgb: string, cell: number): string {
  const pool = (x: string): string =>
    g.op(
      'AveragePool',
      [x],
      [
        { name: 'kernel_shape', ints: [cell, cell] },
        { name: 'strides', ints: [cell, cell] },
      ],
      'cue_pool',
    );
  const split = g.name('rgb_split');
  const [r, gg, b] = [g.name('r'), g.name('g'), g.name('b')];
  g.nodes.push({
    opType: 'Split',
    inputs: [rgb, g.constant('split3', [3], [1, 1, 1], 'int64')],
    outputs: [r, gg, b],
    attributes: [{ name: 'axis', int: 1 }],
    name: split,
  });
  const mx = g.op('Max', [r, gg, b], [], 'maxrgb');
  const mn = g.op('Min', [r, gg, b], [], 'minrgb');
  const chroma = g.op('Sub', [mx, mn], [], 'chroma');
  const sat = g.op('Div', [chroma, g.op('Add', [mx, g.constant('eps', [], [0.02])], [], 'mxeps')], [], 'sat');
  const grey = g.op(
    'Conv',
    [rgb, g.constant('grey_w', [1, 3, 1, 1], f32([0.299, 0.587, 0.114]))],
    [{ name: 'kernel_shape', ints: [1, 1] }],
    'grey',
  );
  const grey2 = g.op('Mul', [grey, grey], [], 'grey2');
  const sobel = g.op(
    'Conv',
    [grey, g.constant('sobel_w', [2, 1, 3, 3], f32([-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1]))],
    [
      { name: 'kernel_shape', ints: [3, 3] },
      { name: 'pads', ints: [1, 1, 1, 1] },
    ],
    'sobel',
  );
  const gradAbs = g.op('Abs', [sobel], [], 'grad_abs');
  const grad = g.op(
    'Conv',
    [gradAbs, g.constant('grad_sum', [1, 2, 1, 1], f32([0.125, 0.125]))],
    [{ name: 'kernel_shape', ints: [1, 1] }],
    'grad',
  );
  const meanRgb = pool(rgb);
  const meanGrey = pool(grey);
  const variance = g.op('Sub', [pool(grey2), g.op('Mul', [meanGrey, meanGrey], [], 'mg2')], [], 'grey_var');
  const std = g.op('Sqrt', [g.op('Relu', [variance], [], 'var_pos')], [], 'grey_std');
  return g.op('Concat', [meanRgb, pool(sat), pool(mx), pool(mn), std, pool(grad)], [{ name: 'axis', int: 1 }], 'cues');
}

/** Appends the feature part; returns the feature tensor and its channel count. */
export function appendFeatures(
  g: GraphBuilder,
  net: PretrainedBackbone,
  spec: FeatureGraphSpec,
  input: string,
): { features: string; channels: number; cellPx: number } {
  const bb = appendBackbone(g, net, input, spec.featureLayer, spec.fineLayer ? [spec.fineLayer] : []);
  // The input is normalised to [−1, 1] for the backbone; the cues want [0, 1].
  const rgb = g.op(
    'Add',
    [g.op('Mul', [input, g.constant('half', [], [0.5])], [], 'rgb_half'), g.constant('half', [], [0.5])],
    [],
    'rgb01',
  );
  const cues = appendCues(g, rgb, bb.stride);
  const parts = [bb.output];
  let localChannels = bb.channels;
  if (spec.fineLayer) {
    const fine = bb.taps[spec.fineLayer]!;
    const k = bb.stride / fine.stride;
    if (!Number.isInteger(k) || k < 2)
      throw new Error(
        `fine layer ${spec.fineLayer} (stride ${fine.stride}) is not finer than the cells (${bb.stride})`,
      );
    const poolAttrs = [
      { name: 'kernel_shape', ints: [k, k] },
      { name: 'strides', ints: [k, k] },
    ];
    parts.push(g.op('AveragePool', [fine.output], poolAttrs, 'fine_mean'));
    parts.push(g.op('MaxPool', [fine.output], poolAttrs, 'fine_max'));
    localChannels += 2 * fine.channels;
  }
  // Cues stay last among the local channels: the colour gate finds mean R from the end.
  parts.push(cues);
  localChannels += CUE_NAMES.length;
  const local = g.op('Concat', parts, [{ name: 'axis', int: 1 }], 'local');
  const all = [local];
  const window = (k: number) => [
    { name: 'kernel_shape', ints: [k, k] },
    { name: 'strides', ints: [1, 1] },
    { name: 'pads', ints: [k >> 1, k >> 1, k >> 1, k >> 1] },
  ];
  if (spec.contextCells)
    all.push(
      g.op('AveragePool', [local], [...window(spec.contextCells), { name: 'count_include_pad', int: 0 }], 'context'),
    );
  // MaxPool pads with −∞, so the photo's edge never wins the max.
  if (spec.contextMaxCells) all.push(g.op('MaxPool', [local], window(spec.contextMaxCells), 'context_max'));
  if (all.length === 1) return { features: local, channels: localChannels, cellPx: bb.stride };
  return {
    features: g.op('Concat', all, [{ name: 'axis', int: 1 }], 'local_context'),
    channels: all.length * localChannels,
    cellPx: bb.stride,
  };
}

/** Appends the MLP head (input standardisation folded into its first layer) and a sigmoid. */
export function appendHead(g: GraphBuilder, features: string, head: Mlp): string {
  const { inputSize: d, hiddenSize: h, outputSize: k } = head;
  const w1 = new Float32Array(h * d);
  const b1 = new Float32Array(h);
  for (let j = 0; j < h; j++) {
    let bias = head.b1[j]!;
    for (let i = 0; i < d; i++) {
      const w = head.w1[i * h + j]! / head.std[i]!;
      w1[j * d + i] = w;
      bias -= w * head.mean[i]!;
    }
    b1[j] = bias;
  }
  const w2 = new Float32Array(k * h);
  for (let j = 0; j < h; j++) for (let c = 0; c < k; c++) w2[c * h + j] = head.w2[j * k + c]!;
  const conv = (x: string, w: string, b: string, name: string) =>
    g.op('Conv', [x, w, b], [{ name: 'kernel_shape', ints: [1, 1] }], name);
  const hidden = g.op(
    'Relu',
    [conv(features, g.constant('head.w1', [h, d, 1, 1], w1), g.constant('head.b1', [h], b1), 'head_fc1')],
    [],
    'head_hidden',
  );
  const logits = conv(hidden, g.constant('head.w2', [k, h, 1, 1], w2), g.constant('head.b2', [k], head.b2), 'logits');
  return g.op('Sigmoid', [logits], [], 'head_scores');
}

function finish(
  g: GraphBuilder,
  spec: FeatureGraphSpec,
  output: string,
  outName: string,
  channels: number,
  cellPx: number,
  metadata: Record<string, string>,
): Uint8Array {
  g.nodes.push({ opType: 'Identity', inputs: [output], outputs: [outName], name: `${outName}_identity` });
  return encodeOnnxModel({
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: INPUT_NAME, dims: [1, 3, spec.inputHeightPx, spec.inputWidthPx] }],
    outputs: [{ name: outName, dims: [1, channels, spec.inputHeightPx / cellPx, spec.inputWidthPx / cellPx] }],
    graphName: 'xuncha_default_detector',
    producerName: 'xuncha-train-model',
    metadata,
  });
}

/** The feature model training runs over the data: output `features` `[1, D, H/16, W/16]`. */
export function featureModelOnnx(net: PretrainedBackbone, spec: FeatureGraphSpec): Uint8Array {
  const g = new GraphBuilder();
  g.reserve(INPUT_NAME);
  g.reserve(FEATURES_NAME);
  const f = appendFeatures(g, net, spec, INPUT_NAME);
  return finish(g, spec, f.features, FEATURES_NAME, f.channels, f.cellPx, {});
}

/** The whole detector: output `scores` `[1, classes, H/16, W/16]` in [0, 1]. */
export function detectorOnnx(
  net: PretrainedBackbone,
  spec: FeatureGraphSpec,
  head: Mlp,
  metadata: Record<string, string> = {},
  gate: ColourGate | null = null,
  water: WaterGate | null = null,
): Uint8Array {
  const g = new GraphBuilder();
  g.reserve(INPUT_NAME);
  g.reserve(SCORES_NAME);
  const f = appendFeatures(g, net, spec, INPUT_NAME);
  if (f.channels !== head.inputSize)
    throw new Error(`head expects ${head.inputSize} features, the graph makes ${f.channels}`);
  const scores = appendHead(g, f.features, head);
  const colourGated = gate ? appendGate(g, gate, f.features, f.channels, scores, head.outputSize) : scores;
  const out = water ? appendWaterGate(g, water, f.features, f.channels, colourGated, head.outputSize) : colourGated;
  return finish(g, spec, out, SCORES_NAME, head.outputSize, f.cellPx, metadata);
}
