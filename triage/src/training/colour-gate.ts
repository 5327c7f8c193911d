/**
 * A physical post-filter on the head's scores: smoke, ash, burn scars, flames and bare earth are not
 * green. A cell whose mean colour is clearly vegetation (normalised excess green
 * (2G − R − B) / (R + G + B) above `maxExcessGreen`) has the gated classes' scores scaled down
 * smoothly. Real forests, pastures and crops are where a head trained on renders fires most, and the
 * renders' own incidents never sit on green cells, so the gate costs little recall.
 */
import type { GraphBuilder } from '../onnx/graph-builder.ts';

/** Which classes are gated, where the cell's mean R, G, B sit in the feature map, and how sharply. */
export interface ColourGate {
  /** Class indices (output channels) the gate applies to. */
  classes: number[];
  /** Feature-map channel of the cell's mean R (G and B follow), values in [0, 1]. */
  rgbChannel: number;
  /** Excess green at which the factor is 0.5. */
  maxExcessGreen: number;
  /** Width of the soft step (excess-green units). */
  softness: number;
}

const EPS = 0.05;

/** The factor (0..1) a score of a gated class is multiplied by, for a cell's mean colour. */
export function gateFactor(gate: ColourGate, r: number, g: number, b: number): number {
  const exg = (2 * g - r - b) / (r + g + b + EPS);
  return 1 / (1 + Math.exp((exg - gate.maxExcessGreen) / gate.softness));
}

/** Applies the gate in place to class score maps `[k × plane]` from a feature map `[d × plane]`. */
export function applyGate(gate: ColourGate, scores: Float32Array, features: Float32Array, plane: number): void {
  const r0 = gate.rgbChannel * plane;
  for (let p = 0; p < plane; p++) {
    const f = gateFactor(gate, features[r0 + p]!, features[r0 + plane + p]!, features[r0 + 2 * plane + p]!);
    for (const c of gate.classes) scores[c * plane + p]! *= f;
  }
}

/** The same in an ONNX graph: `scores` `[1, k, h, w]` gated by `features` `[1, d, h, w]`. */
export function appendGate(
  g: GraphBuilder,
  gate: ColourGate,
  features: string,
  featureChannels: number,
  scores: string,
  k: number,
): string {
  // 2G − R − B and R + G + B + eps as one 1×1 convolution that picks the three mean-colour channels.
  const w = new Float32Array(2 * featureChannels);
  const [r, gg, b] = [gate.rgbChannel, gate.rgbChannel + 1, gate.rgbChannel + 2];
  w[r] = -1;
  w[gg] = 2;
  w[b] = -1;
  w[featureChannels + r] = 1;
  w[featureChannels + gg] = 1;
  w[featureChannels + b] = 1;
  const nd = g.op(
    'Conv',
    [features, g.constant('gate.w', [2, featureChannels, 1, 1], w), g.constant('gate.b', [2], [0, EPS])],
    [{ name: 'kernel_shape', ints: [1, 1] }],
    'gate_nd',
  );
  const parts = [g.name('gate_num'), g.name('gate_den')];
  g.nodes.push({
    opType: 'Split',
    inputs: [nd, g.constant('gate.split', [2], [1, 1], 'int64')],
    outputs: parts,
    attributes: [{ name: 'axis', int: 1 }],
    name: g.name('gate_split'),
  });
  const exg = g.op('Div', parts, [], 'gate_exg');
  // factor = sigmoid((max − exg) / softness); classes not gated keep factor 1: 1 − on·(1 − factor).
  const z = g.op(
    'Add',
    [
      g.op('Mul', [exg, g.constant('gate.scale', [], [-1 / gate.softness])], [], 'gate_scaled'),
      g.constant('gate.shift', [], [gate.maxExcessGreen / gate.softness]),
    ],
    [],
    'gate_z',
  );
  const off = g.op('Sub', [g.constant('gate.one', [], [1]), g.op('Sigmoid', [z], [], 'gate_factor')], [], 'gate_off');
  const on = Float32Array.from({ length: k }, (_, c) => (gate.classes.includes(c) ? 1 : 0));
  const factor = g.op(
    'Sub',
    [g.constant('gate.one', [], [1]), g.op('Mul', [off, g.constant('gate.on', [1, k, 1, 1], on)], [], 'gate_on')],
    [],
    'gate_factors',
  );
  return g.op('Mul', [scores, factor], [], 'gated_scores');
}
