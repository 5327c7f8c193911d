/**
 * A trained head kept as it is (round 9 of issue 16): the shipped model's straw-burning and slope head
 * cannot be rebuilt bit for bit by today's trainer (round 8), so a composed model may take those classes
 * from that head's weights, taken out of its ONNX file once and committed beside the model, while only
 * the other classes' heads are trained. The file holds the head with its standardisation folded in (as
 * the graph does), the feature set it reads and the SHA-256 of the model it came from.
 *
 * Issue 16, round 30: a head file may also be one class's head (or a few classes') taken out of a composed
 * model, with the classes it answers for and, when the model's manifest is at hand, their operating
 * points; several such files side by side make one model of heads fitted in different rounds.
 */
import { createHash } from 'node:crypto';
import { readOnnx } from '../onnx/onnx-reader.ts';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';
import { FEATURE_SET_NAMES, featureChannelNames, featureIndices, specFor } from './class-feature-sets.ts';
import type { FeatureSetName } from './class-feature-sets.ts';
import type { OperatingPoint } from './choose-thresholds.ts';
import type { FeatureGraphSpec } from './detector-graph.ts';
import { backboneOfModel } from './pretrained-backbone.ts';
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
  /** The classes this head answers for (absent: every class the run does not fit itself). */
  answers?: string[];
  /** Their operating points in the model the head came from (`--keep-points` keeps them). */
  points?: Record<string, OperatingPoint>;
}

/** A head file read and checked. */
export interface KeptHead {
  head: Mlp;
  set: FeatureSetName;
  answers?: TriageClass[];
  points?: Partial<Record<TriageClass, OperatingPoint>>;
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
export function headFromOnnx(bytes: Uint8Array, modelName: string, pick?: HeadPick): KeptHeadFile {
  if (pick) return classHeadFromOnnx(bytes, modelName, pick);
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

/** Which classes to take out of a composed model, and what reading its feature map needs. */
export interface HeadPick {
  classes: TriageClass[];
  /** The base feature spec the model's sets were built on (the trainer's default). */
  baseSpec: FeatureGraphSpec;
  /** Channels of the backbone's feature layer and of its fine layer (0 without one). */
  channels: { backbone: number; fine: number };
  /** The model's manifest, for the classes' operating points. */
  manifest?: { thresholds?: Record<string, number>; output?: { minSeedCells?: Record<string, number> } };
}

/**
 * The head that answers for `pick.classes` in a detector ONNX written by `train:model` with a head per
 * feature set or class (`composed-head.ts`): the hidden units wired to those classes, read on their set's
 * channels of the model's feature map. Refuses classes that read different sets or share hidden units with
 * a class not picked: what comes out must score exactly as it did in its model.
 */
function classHeadFromOnnx(bytes: Uint8Array, modelName: string, pick: HeadPick): KeptHeadFile {
  const { initializers, metadata } = readOnnx(bytes);
  const refuse = (why: string): never => {
    throw new Error(`无法从 ${modelName} 取出头 / cannot take a head out of ${modelName}: ${why}`);
  };
  if (!pick.classes.length) refuse('no class named');
  const union: FeatureGraphSpec = {
    ...pick.baseSpec,
    ...(backboneOfModel(metadata) === 'mobilenet_v2' ? {} : { backbone: backboneOfModel(metadata) }),
    featureLayer: metadata['xuncha.feature_layer'] ?? pick.baseSpec.featureLayer,
    ...(metadata['xuncha.context_cells'] ? { contextCells: Number(metadata['xuncha.context_cells']) } : {}),
    ...(metadata['xuncha.fine_layer'] ? { fineLayer: metadata['xuncha.fine_layer'] } : {}),
    ...(metadata['xuncha.context_max_cells'] ? { contextMaxCells: Number(metadata['xuncha.context_max_cells']) } : {}),
  };
  const get = (name: string) => initializers.get(name) ?? refuse(`no initializer ${name}`);
  const w1 = get('head.w1');
  const w2 = get('head.w2');
  const [hiddenAll, d] = w1.dims as [number, number];
  const k = TRIAGE_CLASSES.length;
  const { backbone, fine } = pick.channels;
  if (featureChannelNames(union, backbone, fine).length !== d)
    refuse(`its head reads ${d} features, its feature spec gives ${featureChannelNames(union, backbone, fine).length}`);
  const picked = pick.classes.map((c) => TRIAGE_CLASSES.indexOf(c));
  const unitsOf = (classes: number[]): number[] =>
    Array.from({ length: hiddenAll }, (_, j) => j).filter((j) => classes.some((c) => w2.data[c * hiddenAll + j] !== 0));
  const units = unitsOf(picked);
  for (const j of units)
    for (let c = 0; c < k; c++)
      if (!picked.includes(c) && w2.data[c * hiddenAll + j] !== 0)
        refuse(`hidden unit ${j} also feeds ${TRIAGE_CLASSES[c]}, which was not named`);
  // The set a class's head reads: the smallest named set holding every channel its units read. The
  // weights say it, not the metadata: a head kept from a head file is not among `--class-features`.
  const setOf = (c: number): { set: FeatureSetName; inputs: number[] } => {
    const read = new Set<number>();
    for (const j of unitsOf([c])) for (let i = 0; i < d; i++) if (w1.data[j * d + i] !== 0) read.add(i);
    for (const set of FEATURE_SET_NAMES) {
      let inputs: number[];
      try {
        inputs = featureIndices(union, specFor(pick.baseSpec, set), backbone, fine);
      } catch {
        continue; // a set this model's features do not hold
      }
      const own = new Set(inputs);
      if ([...read].every((i) => own.has(i))) return { set, inputs };
    }
    return refuse(`the head of ${TRIAGE_CLASSES[c]} reads channels no named feature set holds`);
  };
  const found = picked.map(setOf);
  const sets = [...new Set(found.map((f) => f.set))];
  if (sets.length !== 1) refuse(`${pick.classes.join(', ')} read different feature sets (${sets.join(', ')})`);
  const { set, inputs } = found[0]!;
  const h = units.length;
  const mw1 = new Float32Array(inputs.length * h);
  units.forEach((j, u) => inputs.forEach((ch, i) => (mw1[i * h + u] = w1.data[j * d + ch]!)));
  const mw2 = new Float32Array(h * k);
  const b2 = new Float32Array(k);
  for (const c of picked) {
    units.forEach((j, u) => (mw2[u * k + c] = w2.data[c * hiddenAll + j]!));
    b2[c] = get('head.b2').data[c]!;
  }
  const b1All = get('head.b1').data;
  const points: Record<string, OperatingPoint> = {};
  for (const c of pick.classes) {
    const threshold = pick.manifest?.thresholds?.[c];
    const minSeedCells = pick.manifest?.output?.minSeedCells?.[c];
    if (threshold !== undefined && minSeedCells !== undefined) points[c] = { threshold, minSeedCells };
  }
  return {
    format: KEPT_HEAD_FORMAT,
    set,
    classes: [...TRIAGE_CLASSES],
    source: { model: modelName, sha256: createHash('sha256').update(bytes).digest('hex') },
    inputSize: inputs.length,
    hiddenSize: h,
    outputSize: k,
    w1: toBase64(mw1),
    b1: toBase64(Float32Array.from(units, (j) => b1All[j]!)),
    w2: toBase64(mw2),
    b2: toBase64(b2),
    answers: [...pick.classes],
    ...(Object.keys(points).length ? { points } : {}),
  };
}

/** The head of a head file, checked (format, set, classes, sizes). */
export function keptHeadMlp(file: KeptHeadFile): KeptHead {
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
  const answers = file.answers === undefined ? undefined : checkedAnswers(file.answers);
  const points = file.points === undefined ? undefined : checkedPoints(file.points, answers);
  return {
    set: file.set,
    ...(answers ? { answers } : {}),
    ...(points ? { points } : {}),
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

function checkedAnswers(answers: unknown): TriageClass[] {
  if (
    !Array.isArray(answers) ||
    !answers.length ||
    answers.some((c) => !(TRIAGE_CLASSES as readonly unknown[]).includes(c)) ||
    new Set(answers).size !== answers.length
  )
    throw new Error(
      `头文件的 answers 应为不重复的类别 / head file: answers must list distinct classes of ${TRIAGE_CLASSES.join(', ')}, got ${JSON.stringify(answers)}`,
    );
  return answers as TriageClass[];
}

function checkedPoints(
  points: unknown,
  answers: TriageClass[] | undefined,
): Partial<Record<TriageClass, OperatingPoint>> {
  if (!points || typeof points !== 'object' || Array.isArray(points))
    throw new Error('头文件的 points 应为对象 / head file: points must be an object of class → point');
  for (const [c, p] of Object.entries(points as Record<string, Partial<OperatingPoint>>)) {
    if (!answers?.includes(c as TriageClass))
      throw new Error(
        `头文件给了 ${c} 的工作点，但不负责该类 / head file: a point for ${c}, which it does not answer for`,
      );
    const { threshold: t, minSeedCells: k } = p ?? {};
    if (typeof t !== 'number' || !(t > 0 && t < 1) || !Number.isInteger(k) || (k as number) < 1)
      throw new Error(
        `头文件中 ${c} 的工作点无效 / head file: the point of ${c} needs a threshold in (0, 1) and minSeedCells ≥ 1, got ${JSON.stringify(p)}`,
      );
  }
  return points as Partial<Record<TriageClass, OperatingPoint>>;
}
