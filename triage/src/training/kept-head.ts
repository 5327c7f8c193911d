/**
 * A trained head kept as it is (round 9 of issue 16): the shipped model's straw-burning and slope head
 * cannot be rebuilt bit for bit by today's trainer (round 8), so a composed model may take those classes
 * from that head's weights, taken out of its ONNX file once and committed beside the model, while only
 * the other classes' heads are trained. The file holds the head with its standardisation folded in (as
 * the graph does), the feature set it reads and the SHA-256 of the model it came from.
 */
import { createHash } from 'node:crypto';
import { readOnnx } from '../onnx/onnx-reader.ts';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import { FEATURE_SET_NAMES } from './class-feature-sets.ts';
import type { FeatureSetName } from './class-feature-sets.ts';
import type { Mlp } from './mlp.ts';

export const KEPT_HEAD_FORMAT = 'xuncha-head/1';

/** A head file: the weights (float32, little-endian, base64) and where they came from. */
export interface KeptHeadFile {
  format: typeof KEPT_HEAD_FORMAT;
  set: FeatureSetName;
  classes: string[];
  source: { model: string; sha256: string };
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  /** `[inputSize × hiddenSize]` as in `Mlp`, standardisation folded in. */
  w1: string;
  b1: string;
  /** `[hiddenSize × outputSize]`. */
  w2: string;
  b2: string;
}

const toBase64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromBase64(s: string, n: number, what: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== n * 4)
    throw new Error(`头文件的 ${what} 长度不对 / head file: ${what} holds ${b.length / 4} values, expected ${n}`);
  return new Float32Array(Uint8Array.from(b).buffer);
}

/**
 * The head of a detector ONNX written by `train:model` (`head.w1`, `head.b1`, `head.w2`, `head.b2`),
 * as an `Mlp` with identity standardisation; refuses a model whose features are not the `base` set.
 */
export function headFromOnnx(bytes: Uint8Array, modelName: string): KeptHeadFile {
  const { initializers, metadata } = readOnnx(bytes);
  if (metadata['xuncha.fine_layer'] || metadata['xuncha.context_max_cells'] || metadata['xuncha.class_features'])
    throw new Error(
      `${modelName} 不是单一 base 特征头的模型 / ${modelName} is not a single head on the base feature set`,
    );
  const get = (name: string) => {
    const t = initializers.get(name);
    if (!t) throw new Error(`${modelName} 中没有 ${name} / ${modelName} has no initializer ${name}`);
    return t;
  };
  const w1 = get('head.w1');
  const w2 = get('head.w2');
  const [h, d] = w1.dims as [number, number];
  const k = w2.dims[0]!;
  if (k !== TRIAGE_CLASSES.length || w2.dims[1] !== h)
    throw new Error(`${modelName} 的头形状不对 / ${modelName}: unexpected head shape`);
  // ONNX Conv weights are [out, in]; the Mlp keeps [in × out].
  const mw1 = new Float32Array(d * h);
  for (let j = 0; j < h; j++) for (let i = 0; i < d; i++) mw1[i * h + j] = w1.data[j * d + i]!;
  const mw2 = new Float32Array(h * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < h; j++) mw2[j * k + c] = w2.data[c * h + j]!;
  return {
    format: KEPT_HEAD_FORMAT,
    set: 'base',
    classes: [...TRIAGE_CLASSES],
    source: { model: modelName, sha256: createHash('sha256').update(bytes).digest('hex') },
    inputSize: d,
    hiddenSize: h,
    outputSize: k,
    w1: toBase64(mw1),
    b1: toBase64(get('head.b1').data),
    w2: toBase64(mw2),
    b2: toBase64(get('head.b2').data),
  };
}

/** The head of a head file, checked (format, set, classes, sizes). */
export function keptHeadMlp(file: KeptHeadFile): { head: Mlp; set: FeatureSetName } {
  if (file.format !== KEPT_HEAD_FORMAT)
    throw new Error(
      `头文件格式应为 ${KEPT_HEAD_FORMAT} / head file format must be ${KEPT_HEAD_FORMAT}, got ${String(file.format)}`,
    );
  if (!(FEATURE_SET_NAMES as string[]).includes(file.set))
    throw new Error(`头文件的特征集未知 / head file: unknown feature set ${String(file.set)}`);
  if (JSON.stringify(file.classes) !== JSON.stringify(TRIAGE_CLASSES))
    throw new Error(
      `头文件的类别应为 ${TRIAGE_CLASSES.join(', ')} / head file classes must be ${TRIAGE_CLASSES.join(', ')}`,
    );
  const { inputSize: d, hiddenSize: h, outputSize: k } = file;
  for (const [name, v] of [
    ['inputSize', d],
    ['hiddenSize', h],
    ['outputSize', k],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`头文件的 ${name} 应为正整数 / head file: ${name} must be a whole number ≥ 1, got ${String(v)}`);
  if (k !== TRIAGE_CLASSES.length)
    throw new Error(
      `头文件应有 ${TRIAGE_CLASSES.length} 个输出 / head file: outputSize must be ${TRIAGE_CLASSES.length}, got ${k}`,
    );
  return {
    set: file.set,
    head: {
      inputSize: d,
      hiddenSize: h,
      outputSize: k,
      mean: new Float32Array(d),
      std: new Float32Array(d).fill(1),
      w1: fromBase64(file.w1, d * h, 'w1'),
      b1: fromBase64(file.b1, h, 'b1'),
      w2: fromBase64(file.w2, h * k, 'w2'),
      b2: fromBase64(file.b2, k, 'b2'),
    },
  };
}
