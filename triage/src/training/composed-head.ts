/**
 * One head per class (or group of classes), each fitted on its own columns of a shared feature map,
 * composed into a single MLP over the whole map: the hidden layers side by side, every class's output
 * wired to its own head's hidden units only. Each head's input standardisation is folded into its
 * weights (heads standardise the same channel differently), so the composed head standardises nothing
 * and the exported graph stays one Conv–ReLU–Conv–Sigmoid with the same `scores` output.
 */
import type { PhotoFeatures } from './features.ts';
import type { Mlp, Samples } from './mlp.ts';

/** A head, the feature-map channels it reads (in its input order) and the classes it answers for. */
export interface HeadPart {
  head: Mlp;
  inputs: number[];
  classes: number[];
}

/** The rows of `s` with only the columns `inputs` (in that order). */
export function selectColumns(s: Samples, inputs: number[]): Samples {
  const d = inputs.length;
  const x = new Float32Array(s.n * d);
  for (let r = 0; r < s.n; r++) {
    const from = r * s.d;
    const to = r * d;
    for (let i = 0; i < d; i++) x[to + i] = s.x[from + inputs[i]!]!;
  }
  return { ...s, d, x };
}

/** A feature map with only the channels `inputs` (in that order). */
export function selectChannels(f: PhotoFeatures, inputs: number[]): PhotoFeatures {
  const plane = f.h * f.w;
  const values = new Float32Array(inputs.length * plane);
  inputs.forEach((c, i) => values.set(f.values.subarray(c * plane, (c + 1) * plane), i * plane));
  return { ...f, d: inputs.length, values };
}

/** The heads as one MLP over `inputSize` channels with `outputSize` classes (each class from one head). */
export function composeHeads(parts: HeadPart[], inputSize: number, outputSize: number): Mlp {
  const owner = new Array<number>(outputSize).fill(-1);
  parts.forEach((p, pi) =>
    p.classes.forEach((c) => {
      if (owner[c] !== -1) throw new Error(`class ${c} is answered by two heads`);
      owner[c] = pi;
    }),
  );
  if (owner.includes(-1)) throw new Error(`class ${owner.indexOf(-1)} has no head`);
  const hiddenSize = parts.reduce((n, p) => n + p.head.hiddenSize, 0);
  const w1 = new Float32Array(inputSize * hiddenSize);
  const b1 = new Float32Array(hiddenSize);
  const w2 = new Float32Array(hiddenSize * outputSize);
  const b2 = new Float32Array(outputSize);
  let offset = 0;
  parts.forEach((p, pi) => {
    const { head } = p;
    const h = head.hiddenSize;
    if (p.inputs.length !== head.inputSize)
      throw new Error(`head reads ${head.inputSize} features, ${p.inputs.length} channels given`);
    for (let j = 0; j < h; j++) {
      // Standardisation folded in: w·(x − mean)/std = (w/std)·x − w·mean/std, in float64 like the forward pass.
      let bias = head.b1[j]!;
      p.inputs.forEach((ch, i) => {
        const w = head.w1[i * h + j]! / head.std[i]!;
        w1[ch * hiddenSize + offset + j] = w;
        bias -= w * head.mean[i]!;
      });
      b1[offset + j] = bias;
      for (let c = 0; c < outputSize; c++)
        if (owner[c] === pi) w2[(offset + j) * outputSize + c] = head.w2[j * head.outputSize + c]!;
    }
    for (let c = 0; c < outputSize; c++) if (owner[c] === pi) b2[c] = head.b2[c]!;
    offset += h;
  });
  return {
    inputSize,
    hiddenSize,
    outputSize,
    mean: new Float32Array(inputSize),
    std: new Float32Array(inputSize).fill(1),
    w1,
    b1,
    w2,
    b2,
  };
}
