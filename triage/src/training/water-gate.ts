/**
 * A physical post-filter for `sewage_outfall`: a culvert's plume lies in a river, so an outfall score
 * only counts where there is water nearby. Each cell gets a water cue, sigmoid(w · cues + b) of its eight
 * colour/texture cues (smooth, low-texture, dull grey-blue/green-brown cells score high; canopy, bare
 * earth and roofs low), and the gated classes' scores are multiplied by the cue's maximum over the
 * cell's `contextCells`-wide neighbourhood (the plume's cell itself may be foam or a pipe; the water is
 * beside it). Round 9's outfall heads fired on forest tiles and landslides with no water in view.
 */
import type { GraphBuilder } from '../onnx/graph-builder.ts';

/** Which classes are gated, where the eight cues sit in the feature map, the cue's weights and window. */
export interface WaterGate {
  /** Class indices (output channels) the gate applies to. */
  classes: number[];
  /** Feature-map channel of the first local cue (meanR; the eight `CUE_NAMES` follow in order). */
  cueChannel: number;
  /** Weights of the eight cues (raw values, as in the feature map). */
  weights: number[];
  bias: number;
  /** Side (cells, odd) of the neighbourhood whose most watery cell counts. */
  contextCells: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The water cue (0..1) of one cell from its eight cues. */
export function waterCue(gate: WaterGate, cues: ArrayLike<number>): number {
  let z = gate.bias;
  for (let i = 0; i < gate.weights.length; i++) z += gate.weights[i]! * cues[i]!;
  return sigmoid(z);
}

/** Per cell of an `h × w` feature map `[d × plane]`: the factor its gated scores are multiplied by. */
export function waterFactors(gate: WaterGate, features: Float32Array, h: number, w: number): Float32Array {
  const plane = h * w;
  const cue = new Float32Array(plane);
  const c = new Float32Array(gate.weights.length);
  for (let p = 0; p < plane; p++) {
    for (let i = 0; i < c.length; i++) c[i] = features[(gate.cueChannel + i) * plane + p]!;
    cue[p] = waterCue(gate, c);
  }
  // Max over the window, clipped at the map's edge (as ONNX MaxPool's padding never wins).
  const r = gate.contextCells >> 1;
  const out = new Float32Array(plane);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let m = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) m = Math.max(m, cue[yy * w + xx]!);
      out[y * w + x] = m;
    }
  return out;
}

/** Applies the gate in place to class score maps `[k × plane]` from a feature map `[d × plane]`. */
export function applyWaterGate(
  gate: WaterGate,
  scores: Float32Array,
  features: Float32Array,
  h: number,
  w: number,
): void {
  const f = waterFactors(gate, features, h, w);
  const plane = h * w;
  for (const c of gate.classes) for (let p = 0; p < plane; p++) scores[c * plane + p]! *= f[p]!;
}

/** The same in an ONNX graph: `scores` `[1, k, h, w]` gated by `features` `[1, d, h, w]`. */
export function appendWaterGate(
  g: GraphBuilder,
  gate: WaterGate,
  features: string,
  featureChannels: number,
  scores: string,
  k: number,
): string {
  // The cue as one 1×1 convolution that reads the eight cue channels.
  const w = new Float32Array(featureChannels);
  gate.weights.forEach((v, i) => (w[gate.cueChannel + i] = v));
  const cue = g.op(
    'Sigmoid',
    [
      g.op(
        'Conv',
        [features, g.constant('water.w', [1, featureChannels, 1, 1], w), g.constant('water.b', [1], [gate.bias])],
        [{ name: 'kernel_shape', ints: [1, 1] }],
        'water_logit',
      ),
    ],
    [],
    'water_cue',
  );
  const r = gate.contextCells >> 1;
  const near = g.op(
    'MaxPool',
    [cue],
    [
      { name: 'kernel_shape', ints: [gate.contextCells, gate.contextCells] },
      { name: 'strides', ints: [1, 1] },
      { name: 'pads', ints: [r, r, r, r] },
    ],
    'water_near',
  );
  // Classes not gated keep factor 1: 1 − on·(1 − near).
  const one = g.constant('water.one', [], [1]);
  const on = Float32Array.from({ length: k }, (_, c) => (gate.classes.includes(c) ? 1 : 0));
  const off = g.op('Sub', [one, near], [], 'water_off');
  const factor = g.op(
    'Sub',
    [one, g.op('Mul', [off, g.constant('water.on', [1, k, 1, 1], on)], [], 'water_on')],
    [],
    'water_factors',
  );
  return g.op('Mul', [scores, factor], [], 'water_gated_scores');
}

/**
 * The cue fitted by `triage/scripts/measure-water-cue.ts` (round 11): logistic regression of the eight
 * cues, outfall-box cells of 300 `train` photos against straw/slope-box cells and the cells of 200
 * negative photos of shaded forests, roofs and dirt lanes; bias shifted on `val` so that 95 % of the
 * outfall cells keep a factor of at least 0.9. Over 9×9 cells. It blocks almost nothing in the renders
 * and calls real forest canopy water (model card, round 11): kept for measurement, off by default.
 */
export const DEFAULT_WATER_GATE: Pick<WaterGate, 'weights' | 'bias' | 'contextCells'> = {
  weights: [-7.3548, 15.055, 8.3781, -2.6609, -1.78, -12.8, 15.627, -43.575],
  bias: 1.8611,
  contextCells: 9,
};
