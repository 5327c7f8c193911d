/**
 * Trains the default detector: pretrained features once over the rendered photos (plus augmented
 * copies), a per-cell MLP head fitted on them, thresholds chosen on a validation share of the training
 * renders, and the whole graph exported as one ONNX model with its manifest.
 */
import { TRIAGE_CLASSES, parseManifest } from '../model/manifest.ts';
import type { ModelManifestInput, TriageClass } from '../model/manifest.ts';
import { SessionPool } from '../model/session-pool.ts';
import { drawAugmentation, drawCameraShift } from './augment.ts';
import { cellTargets, type MaskTarget } from './cell-targets.ts';
import { chooseThresholds, firingRate, limitModelNegatives } from './choose-thresholds.ts';
import type { ChosenThresholds, OperatingPoint } from './choose-thresholds.ts';
import { applyGate } from './colour-gate.ts';
import type { ColourGate } from './colour-gate.ts';
import { applyWaterGate } from './water-gate.ts';
import type { WaterGate } from './water-gate.ts';
import { CUE_NAMES, detectorOnnx, featureCopies, featureModelOnnx, INPUT_NAME, SCORES_NAME } from './detector-graph.ts';
import type { FeatureGraphSpec } from './detector-graph.ts';
import { featureIndices, setsByClass, specFor, unionSpec } from './class-feature-sets.ts';
import type { ClassFeatureSets, FeatureSetName } from './class-feature-sets.ts';
import { composeHeads, selectChannels, selectColumns } from './composed-head.ts';
import type { HeadPart } from './composed-head.ts';
import type { ClassHeadOptions } from './class-head-options.ts';
import type { DatasetItem } from './dataset.ts';
import { photoFeatures } from './features.ts';
import type { PhotoFeatures } from './features.ts';
import type { KeptHead } from './kept-head.ts';
import { mlpForward, standardisation, trainMlp, withStandardisation } from './mlp.ts';
import type { Mlp, Samples } from './mlp.ts';
import { BACKBONES, backboneChannels, loadPretrainedBackbone } from './pretrained-backbone.ts';
import type { PretrainedBackbone } from './pretrained-backbone.ts';
import { seededRandom } from './random.ts';

/** Everything that decides the model; the same options give the same model. */
export interface TrainDetectorOptions {
  spec: FeatureGraphSpec;
  seed: number;
  /** Augmented copies per training photo (besides the photo itself). */
  augmentCopies: number;
  /** Negative cells sampled per photo for the first fit. */
  negativesPerPhoto: number;
  /** Positive cells kept per class and photo at most (a big plume repeats itself; 0 = all). */
  maxPositivesPerClass: number;
  /**
   * Loss weight of a positive cell per class (absent = 1): a class with few positive cells (outfalls:
   * a fifth of the others) is otherwise outweighed by the negatives and never scores high.
   */
  positiveWeights: Partial<Record<(typeof TRIAGE_CLASSES)[number], number>>;
  /**
   * Share of a photo's positive cells of a class kept for the refit after the first fit: the ones the
   * first head scores highest; the others are ignored (absent = all kept). A box around a culvert's
   * plume is mostly plain water and bank, which every river shows: fitted as positive, they teach the
   * head "river bank" rather than the plume.
   */
  positiveKeep: Partial<Record<(typeof TRIAGE_CLASSES)[number], number>>;
  /**
   * Hard-negative mining: further negative cells per photo kept as candidates, of which the
   * `hardNegativesPerPhoto` the first head scores highest are added before `hardNegativeEpochs` more
   * epochs (0 = off).
   */
  negativePool: number;
  hardNegativesPerPhoto: number;
  /**
   * Mine each class's own hardest negatives (an equal share of `hardNegativesPerPhoto` per class) rather
   * than the cells whose highest class score is highest: otherwise the classes with many confident
   * false alarms (smoke-like, earth-like cells) take every slot and a rarer class's look-alikes (river
   * banks for outfalls) are never shown to the head.
   */
  hardNegativesPerClass: boolean;
  hardNegativeEpochs: number;
  /** Feature channels left out of the head (by index of the feature map; their weights stay 0). */
  dropFeatures: number[];
  /** Classes whose scores the vegetation gate scales down on green cells (`colour-gate.ts`); null = none. */
  colourGate: { classes: string[]; maxExcessGreen: number; softness: number } | null;
  /**
   * Classes whose scores the water gate scales down where no cell of the neighbourhood looks like water
   * (`water-gate.ts`, round 11: outfall plumes lie in rivers); null = none (the default).
   */
  waterGate: { classes: string[]; weights: number[]; bias: number; contextCells: number } | null;
  hiddenSize: number;
  epochs: number;
  learningRate: number;
  l2: number;
  batchSize: number;
  inputDropout: number;
  /** Smallest detected region, in cells. */
  minAreaCells: number;
  /** Regions grow over neighbours down to threshold × regionGrow (boxes cover whole objects). */
  regionGrow: number;
  /** Per class: only the centre part of a box (this share of its width and height) is positive (`cell-targets.ts`). */
  positiveCore: Record<string, number>;
  /**
   * Per class: positive cells from the boxes' masks (the cells the object covers, `cell-targets.ts`);
   * boxes without a mask keep the box rule. Absent = boxes only.
   */
  positiveMask?: Record<string, MaskTarget>;
  /**
   * Candidate `minSeedCells` (seed cells a region needs, `decode-output.ts`): each class gets the one whose
   * threshold reaches the targets at the highest validation recall (ties: the smallest). [1] = no rule.
   */
  minSeedGrid: number[];
  /**
   * Per class, the fewest seed cells of `minSeedGrid` its point may use (round 22, `--min-seed-cells`;
   * absent = any): the per-class rule and the whole-model limit only look at counts at or above it.
   */
  minSeedFloor?: Partial<Record<TriageClass, number>>;
  /** Per-class points: the highest `val` recall meeting the targets (default) or the best F1 (round 22, `--pick f1`). */
  pointPick?: 'recall' | 'f1';
  /**
   * Also count the training split's photos without incidents (unaugmented) as negatives when checking
   * `maxNegativeRatePerClass`: `val` alone holds too few negative photos for a rate of 1.5 %. The head has
   * seen some of their cells, so they can only make the check stricter, never excuse a threshold.
   */
  trainNegativesForThresholds: boolean;
  /**
   * Copies of each of those negative photos (`val`'s and, when asked, `train`'s), as another camera would
   * take them (`drawCameraShift`: less detail, duller colour, stronger JPEG), also counted as negative
   * photos when the operating points are checked (round 27, `--shifted-negatives`; 0 = off). The real
   * photos' scores run higher than the clean renders', as these copies' do: a point that keeps them quiet
   * is less likely to fire on real ground.
   */
  shiftedNegatives?: number;
  /** Image-level precision each class's threshold must reach on the validation split. */
  targetPrecision: number;
  /** Largest share of negative validation photos one class may fire on (three classes add up). */
  maxNegativeRatePerClass: number;
  /**
   * Largest share of the negative photos the whole model (every class at its point) may fire on: after the
   * per-class points, thresholds are raised until the union keeps it (`limitModelNegatives`); 0 = off.
   */
  maxNegativeRateModel: number;
  /**
   * The whole-model limit may also change a class's seed count (to the per-class rule's point at another
   * count of `minSeedGrid`), not only raise its threshold (round 14; `limitModelNegatives`' `otherSeeds`).
   */
  modelLimitSeedCells?: boolean;
  /** Parallel feature runs (ONNX Runtime sessions, one thread each). */
  workers: number;
  /**
   * A head per feature set, each class's score from the head of its set (`class-feature-sets.ts`), `spec`
   * being the base set; absent = one head on `spec` for all classes.
   */
  classFeatures?: ClassFeatureSets;
  /**
   * Classes given their own head with its own training options (`class-head-options.ts`): fitted on that
   * class's loss only, on the class's feature set. `core` changes the targets of the shared extraction.
   */
  classOptions?: ClassHeadOptions;
  /**
   * Where the heads kept as they are came from (`kept-head.ts`; the weights are passed to `trainDetector`):
   * a head file that names the classes it answers for answers for those; the one that names none, for
   * every other class not named in `classFeatures` or `classOptions`.
   */
  keepHeads?: { file: string; sha256: string }[];
  /**
   * Kept heads keep the operating points their files carry (round 30): those classes are measured on this
   * run's photos, not given new points, and the whole-model limit moves and counts only the others. A list
   * keeps only those classes' points; the other kept heads get points chosen on this run's `val` (round 37).
   */
  keepPoints?: boolean | TriageClass[];
  /**
   * Where every fitted head starts from instead of a fresh draw (round 10's warm start: keep what a shipped
   * head learned and teach it new false alarms at a small learning rate); the weights are passed to
   * `trainDetector`. The fitted heads take its hidden size.
   */
  initHead?: { file: string; sha256: string };
  /**
   * Negative photos added to the training photos only (extra hard negatives, e.g. `render:dataset --aim
   * none`): their cells are all negative and mined like the others, but they stay out of the negative
   * photos the operating points are checked on, so that figure stays comparable between runs.
   */
  extraNegatives?: { dataset: string; photos: number };
}

/** Weights handed to `trainDetector` beside the options that name where they came from. */
export interface TrainInputs {
  /** The heads kept as they are (`o.keepHeads`, in that order). */
  kept?: KeptHead[];
  /** The head fitting starts from (`o.initHead`). */
  init?: { head: Mlp; set: FeatureSetName };
  /** The extra negative photos (`o.extraNegatives`). */
  extraNegatives?: DatasetItem[];
}

export const DEFAULT_TRAIN_OPTIONS: TrainDetectorOptions = {
  spec: { inputWidthPx: 512, inputHeightPx: 384, featureLayer: 'block_10_project_BN', contextCells: 5 },
  seed: 20251,
  augmentCopies: 1,
  negativesPerPhoto: 96,
  maxPositivesPerClass: 0,
  positiveWeights: {},
  positiveKeep: {},
  negativePool: 192,
  hardNegativesPerPhoto: 48,
  hardNegativesPerClass: false,
  hardNegativeEpochs: 6,
  dropFeatures: [],
  colourGate: { classes: ['straw_burning', 'exposed_slope'], maxExcessGreen: 0.08, softness: 0.02 },
  waterGate: null,
  hiddenSize: 32,
  epochs: 12,
  learningRate: 2e-3,
  l2: 1e-4,
  batchSize: 256,
  inputDropout: 0.1,
  minAreaCells: 2,
  regionGrow: 0.5,
  positiveCore: {},
  minSeedGrid: [1, 2, 3, 4, 6, 8],
  trainNegativesForThresholds: true,
  targetPrecision: 0.9,
  maxNegativeRatePerClass: 0.015,
  maxNegativeRateModel: 0.015,
  workers: 2,
};

/** Hooks for the command line: a log line, and progress of the long stages. */
export interface TrainHooks {
  log: (line: string) => void;
  progress: (stage: string, done: number, total: number) => void;
}

/** What training produced. */
export interface TrainedDetector {
  onnx: Uint8Array;
  manifest: ModelManifestInput;
  head: Mlp;
  /** Per-class thresholds (and seed cells a region needs) and the validation figures they were chosen at. */
  thresholds: ChosenThresholds;
  history: { epoch: number; loss: number; validationAp: Record<string, number> }[];
  counts: { trainPhotos: number; validationPhotos: number; samples: number; positives: Record<string, number> };
  /** Share of the negative photos (val's and, when asked, train's) the whole model fires on, all classes at their points. */
  negativeRate: { photos: number; rate: number };
  /** With `classFeatures`: each head's feature set, classes, feature count and history. */
  heads?: {
    set: FeatureSetName;
    /** `kept`: taken from a head file as it is; `own`: fitted with its class's own options. */
    kind?: 'kept' | 'own';
    classes: string[];
    features: number;
    samples: number;
    history: TrainedDetector['history'];
  }[];
}

/** The manifest of the default model for a spec and thresholds. */
export function defaultManifest(
  spec: FeatureGraphSpec,
  modelFile: string,
  thresholds: Partial<Record<(typeof TRIAGE_CLASSES)[number], number>>,
  minAreaCells: number,
  regionGrow: number,
  minSeedCells: Partial<Record<(typeof TRIAGE_CLASSES)[number], number>> = {},
): ModelManifestInput {
  return {
    name: 'xuncha-default',
    model: modelFile,
    input: {
      name: INPUT_NAME,
      widthPx: spec.inputWidthPx,
      heightPx: spec.inputHeightPx,
      layout: 'NCHW',
      channelOrder: 'RGB',
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      mode: 'resize',
      fit: 'letterbox',
      // The renders are all 4:3: the head never saw padding, so it gets photo-like bands instead of grey.
      padding: 'mirror',
    },
    output: { name: SCORES_NAME, kind: 'segmentation', activation: 'none', minAreaCells, regionGrow, minSeedCells },
    numClasses: TRIAGE_CLASSES.length,
    classMap: Object.fromEntries(TRIAGE_CLASSES.map((c, i) => [String(i), c])),
    thresholds,
    defaultThreshold: 0.5,
    nms: { iouThreshold: 0.45, maxDetections: 100 },
  };
}

class SampleBuffer {
  n = 0;
  private x: Float32Array;
  private y: Uint8Array;
  private w: Float32Array;
  constructor(
    readonly d: number,
    readonly k: number,
  ) {
    this.x = new Float32Array(d * 4096);
    this.y = new Uint8Array(k * 4096);
    this.w = new Float32Array(k * 4096);
  }
  push(f: PhotoFeatures, cell: number, y: number[], w: number[]): void {
    if (this.n * this.d >= this.x.length) {
      const grow = <T extends Float32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.x = grow(this.x);
      this.y = grow(this.y);
      this.w = grow(this.w);
    }
    const plane = f.h * f.w;
    for (let i = 0; i < this.d; i++) this.x[this.n * this.d + i] = f.values[i * plane + cell]!;
    for (let c = 0; c < this.k; c++) {
      this.y[this.n * this.k + c] = y[c]!;
      this.w[this.n * this.k + c] = w[c]!;
    }
    this.n++;
  }
  samples(): Samples {
    return {
      n: this.n,
      d: this.d,
      k: this.k,
      x: this.x.subarray(0, this.n * this.d),
      y: this.y.subarray(0, this.n * this.k),
      w: this.w.subarray(0, this.n * this.k),
    };
  }
}

/** The gate of the options for a feature map of `d` channels (mean R sits after the backbone's channels). */
export function colourGateFor(o: TrainDetectorOptions, d: number): ColourGate | null {
  if (!o.colourGate) return null;
  const local = d / featureCopies(o.spec);
  return {
    classes: o.colourGate.classes.map((c) => TRIAGE_CLASSES.indexOf(c as (typeof TRIAGE_CLASSES)[number])),
    rgbChannel: local - CUE_NAMES.length + CUE_NAMES.indexOf('meanR'),
    maxExcessGreen: o.colourGate.maxExcessGreen,
    softness: o.colourGate.softness,
  };
}

/** The water gate of the options for a feature map of `d` channels (the local cues end the local copy). */
export function waterGateFor(o: TrainDetectorOptions, d: number): WaterGate | null {
  if (!o.waterGate) return null;
  return {
    classes: o.waterGate.classes.map((c) => TRIAGE_CLASSES.indexOf(c as (typeof TRIAGE_CLASSES)[number])),
    cueChannel: d / featureCopies(o.spec) - CUE_NAMES.length,
    weights: o.waterGate.weights,
    bias: o.waterGate.bias,
    contextCells: o.waterGate.contextCells,
  };
}

/** Class score maps `[k × h × w]` of the head (then the gates, when given) over full feature maps. */
export function headScores(
  head: Mlp,
  f: PhotoFeatures,
  gate: ColourGate | null = null,
  water: WaterGate | null = null,
): Float32Array {
  const plane = f.h * f.w;
  const out = new Float32Array(head.outputSize * plane);
  const x = new Float32Array(f.d);
  const p = new Float32Array(head.outputSize);
  for (let cell = 0; cell < plane; cell++) {
    for (let i = 0; i < f.d; i++) x[i] = f.values[i * plane + cell]!;
    mlpForward(head, x, 0, p);
    for (let c = 0; c < head.outputSize; c++) out[c * plane + cell] = p[c]!;
  }
  if (gate) applyGate(gate, out, f.values, plane);
  if (water) applyWaterGate(water, out, f.values, f.h, f.w);
  return out;
}

/** Average precision of image-level scores (max cell score) for one class. */
function imageAp(scores: number[], positives: boolean[]): number {
  const order = scores.map((s, i) => [s, positives[i]] as const).sort((a, b) => b[0] - a[0]);
  const total = positives.filter(Boolean).length;
  if (!total) return Number.NaN;
  let tp = 0;
  let ap = 0;
  order.forEach(([, pos], i) => {
    if (pos) {
      tp++;
      ap += tp / (i + 1);
    }
  });
  return ap / total;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, limit) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Candidate thresholds: 0.05–0.95 by 0.01, then finer up to 0.995 (scores crowd near 1). */
const THRESHOLD_GRID = [
  ...Array.from({ length: 91 }, (_, i) => Math.round((0.05 + i * 0.01) * 1000) / 1000),
  ...Array.from({ length: 9 }, (_, i) => Math.round((0.955 + i * 0.005) * 1000) / 1000),
];

/** Cached training cells and validation feature maps: what the head is fitted and chosen on. */
export interface ExtractedFeatures {
  samples: Samples;
  /** Candidate negatives for mining, and the training photo each comes from. */
  pool: Samples;
  poolPhoto: Uint32Array;
  /** The training photo (or augmented copy) each sample comes from. */
  samplePhoto: Uint32Array;
  valFeatures: PhotoFeatures[];
  /** Whole feature maps of the training photos without incidents (unaugmented), for the negative rate. */
  trainNegatives: PhotoFeatures[];
  /** Whole feature maps of camera-shifted copies of the negative photos (`shiftedNegatives`), in photo order. */
  shiftedNegatives?: PhotoFeatures[];
  positives: Record<string, number>;
  trainPhotos: number;
}

/** Runs the frozen feature model over the training photos (and augmented copies) and `val`. */
export async function extractFeatures(
  net: PretrainedBackbone,
  train: DatasetItem[],
  val: DatasetItem[],
  o: TrainDetectorOptions,
  hooks: TrainHooks,
  extraNegatives: DatasetItem[] = [],
): Promise<ExtractedFeatures> {
  const k = TRIAGE_CLASSES.length;
  const rnd = seededRandom(o.seed);
  const pool = await SessionPool.create(featureModelOnnx(net, o.spec), { size: o.workers, intraOpThreads: 1 });
  const manifest0 = parseManifest(defaultManifest(o.spec, 'features.onnx', {}, o.minAreaCells, o.regionGrow));

  // Augmentation draws are made up front so that the parallel feature runs cannot change them.
  // Extra negatives come last, so the training photos' draws are those of a run without them.
  const jobs = [...train, ...extraNegatives].flatMap((item, i) =>
    Array.from({ length: 1 + o.augmentCopies }, (_, a) => ({
      item,
      extra: i >= train.length,
      aug: a === 0 ? null : { params: drawAugmentation(rnd), seed: (o.seed * 1_000_003 + i * 31 + a) >>> 0 },
      pick: seededRandom((o.seed ^ (i * 2654435761)) + a),
    })),
  );
  let buffer: SampleBuffer | null = null;
  let candidates: SampleBuffer | null = null;
  const candidatePhoto: number[] = [];
  const samplePhoto: number[] = [];
  const positives: Record<string, number> = Object.fromEntries(TRIAGE_CLASSES.map((c) => [c, 0]));
  let done = 0;
  // Features are consumed in job order so that sampling does not depend on which worker finished first.
  const pending = new Map<number, PhotoFeatures>();
  const trainNegatives = new Map<number, PhotoFeatures>();
  let consumed = 0;
  const consume = (f: PhotoFeatures, pick: () => number, photo: number): void => {
    buffer ??= new SampleBuffer(f.d, k);
    candidates ??= new SampleBuffer(f.d, k);
    const t = cellTargets(f.boxes, f.w, f.h, o.spec.inputWidthPx / f.w, o.positiveCore, o.positiveMask);
    const plane = f.h * f.w;
    const weights = (cell: number): number[] =>
      TRIAGE_CLASSES.map((cls, c) =>
        t.ignore[c * plane + cell] ? 0 : t.y[c * plane + cell] ? (o.positiveWeights[cls] ?? 1) : 1,
      );
    const negatives: number[] = [];
    const positiveCells: number[] = [];
    for (let cell = 0; cell < plane; cell++) {
      if (TRIAGE_CLASSES.some((_, c) => t.y[c * plane + cell] === 1)) positiveCells.push(cell);
      else negatives.push(cell);
    }
    // Positive cells: all, or a seeded subset holding at most maxPositivesPerClass of each class.
    const taken = new Array<number>(k).fill(0);
    const cap = o.maxPositivesPerClass > 0 ? o.maxPositivesPerClass : Infinity;
    for (let n = 0; n < positiveCells.length; n++) {
      const j = n + Math.floor(pick() * (positiveCells.length - n));
      const cell = positiveCells[j]!;
      positiveCells[j] = positiveCells[n]!;
      const y = TRIAGE_CLASSES.map((_, c) => t.y[c * plane + cell]!);
      if (!y.some((v, c) => v === 1 && taken[c]! < cap)) continue;
      y.forEach((v, c) => {
        if (v) {
          taken[c]!++;
          positives[TRIAGE_CLASSES[c]!]!++;
        }
      });
      buffer.push(f, cell, y, weights(cell));
      samplePhoto.push(photo);
    }
    const wanted = Math.min(o.negativesPerPhoto + o.negativePool, negatives.length);
    for (let n = 0; n < wanted; n++) {
      const j = n + Math.floor(pick() * (negatives.length - n));
      const cell = negatives[j]!;
      negatives[j] = negatives[n]!;
      if (n < o.negativesPerPhoto) {
        buffer.push(f, cell, [0, 0, 0], weights(cell));
        samplePhoto.push(photo);
      } else {
        candidates.push(f, cell, [0, 0, 0], weights(cell));
        candidatePhoto.push(photo);
      }
    }
  };
  await mapLimit(jobs, o.workers, async (job, i) => {
    const f = await photoFeatures(pool, manifest0, job.item, job.aug);
    pending.set(i, f);
    if (o.trainNegativesForThresholds && !job.aug && !job.extra && job.item.classes.size === 0)
      trainNegatives.set(i, f);
    while (pending.has(consumed)) {
      consume(pending.get(consumed)!, jobs[consumed]!.pick, consumed);
      pending.delete(consumed);
      consumed++;
    }
    hooks.progress('features (training)', ++done, jobs.length);
  });
  done = 0;
  const valFeatures = await mapLimit(val, o.workers, async (item) => {
    const f = await photoFeatures(pool, manifest0, item, null);
    hooks.progress('features (validation)', ++done, val.length);
    return f;
  });
  // Their own generator: the training photos' draws stay those of a run without shifted copies.
  const shiftRnd = seededRandom((o.seed ^ 0x5eed_cafe) >>> 0);
  const shifted = [
    ...val.filter((item) => item.classes.size === 0),
    ...(o.trainNegativesForThresholds ? train.filter((item) => item.classes.size === 0) : []),
  ].flatMap((item, i) =>
    Array.from({ length: o.shiftedNegatives ?? 0 }, (_, a) => ({
      item,
      aug: { params: drawCameraShift(shiftRnd), seed: (o.seed * 7_919 + i * 31 + a) >>> 0 },
    })),
  );
  done = 0;
  const shiftedNegatives = await mapLimit(shifted, o.workers, async (job) => {
    const f = await photoFeatures(pool, manifest0, job.item, job.aug);
    hooks.progress('features (camera-shifted negatives)', ++done, shifted.length);
    return f;
  });
  await pool.close();
  if (!buffer || !candidates) throw new Error('没有训练图像 / no training photos');
  return {
    samples: (buffer as SampleBuffer).samples(),
    pool: (candidates as SampleBuffer).samples(),
    poolPhoto: Uint32Array.from(candidatePhoto),
    samplePhoto: Uint32Array.from(samplePhoto),
    valFeatures,
    trainNegatives: [...trainNegatives.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f),
    ...(shifted.length ? { shiftedNegatives } : {}),
    positives,
    trainPhotos: train.length,
  };
}

/**
 * The pool negatives the head scores highest, `perPhoto` of each photo (score: the highest class
 * probability among the classes the cell is not ignored for), appended to the samples.
 */
export function withHardNegatives(ex: ExtractedFeatures, head: Mlp, perPhoto: number, perClass = false): Samples {
  const { pool, poolPhoto, samples } = ex;
  const k = pool.k;
  // score of row r for class c (0 where the cell is ignored for c), and its highest over the classes
  const scores = new Float32Array(pool.n * k);
  const best = new Float32Array(pool.n);
  const p = new Float32Array(k);
  for (let r = 0; r < pool.n; r++) {
    mlpForward(head, pool.x, r * pool.d, p);
    for (let c = 0; c < k; c++) {
      const v = pool.w[r * k + c]! > 0 ? p[c]! : 0;
      scores[r * k + c] = v;
      best[r] = Math.max(best[r]!, v);
    }
  }
  const chosen: number[] = [];
  const share = Math.ceil(perPhoto / k);
  for (let a = 0; a < pool.n;) {
    let b = a;
    while (b < pool.n && poolPhoto[b] === poolPhoto[a]) b++;
    const rows = Array.from({ length: b - a }, (_, i) => a + i);
    if (!perClass) chosen.push(...rows.sort((x, y) => best[y]! - best[x]! || x - y).slice(0, perPhoto));
    else {
      const taken = new Set<number>();
      for (let c = 0; c < k; c++) {
        const order = [...rows].sort((x, y) => scores[y * k + c]! - scores[x * k + c]! || x - y);
        let added = 0;
        for (const r of order) {
          if (added >= share) break;
          if (taken.has(r)) continue;
          taken.add(r);
          chosen.push(r);
          added++;
        }
      }
    }
    a = b;
  }
  const n = samples.n + chosen.length;
  const x = new Float32Array(n * samples.d);
  const y = new Uint8Array(n * samples.k);
  const w = new Float32Array(n * samples.k);
  x.set(samples.x);
  y.set(samples.y);
  w.set(samples.w);
  chosen.forEach((r, i) => {
    const at = samples.n + i;
    x.set(pool.x.subarray(r * pool.d, (r + 1) * pool.d), at * samples.d);
    w.set(pool.w.subarray(r * pool.k, (r + 1) * pool.k), at * samples.k);
  });
  return { n, d: samples.d, k: samples.k, x, y, w };
}

/**
 * The samples with, per photo and class of `keep`, only the positive cells the head scores highest kept
 * positive (a share `keep[class]`, at least one); the other positive cells of that class are ignored.
 */
export function keepConfidentPositives(
  samples: Samples,
  samplePhoto: Uint32Array,
  head: Mlp,
  keep: TrainDetectorOptions['positiveKeep'],
): Samples {
  const w = Float32Array.from(samples.w);
  const p = new Float32Array(samples.k);
  for (const [ci, cls] of TRIAGE_CLASSES.entries()) {
    const share = keep[cls];
    if (share === undefined || share >= 1) continue;
    const byPhoto = new Map<number, { row: number; score: number }[]>();
    for (let r = 0; r < samples.n; r++) {
      if (samples.y[r * samples.k + ci] !== 1 || w[r * samples.k + ci] === 0) continue;
      mlpForward(head, samples.x, r * samples.d, p);
      const list = byPhoto.get(samplePhoto[r]!) ?? [];
      list.push({ row: r, score: p[ci]! });
      byPhoto.set(samplePhoto[r]!, list);
    }
    for (const list of byPhoto.values()) {
      list.sort((a, b) => b.score - a.score || a.row - b.row);
      const kept = Math.max(1, Math.ceil(share * list.length));
      for (const { row } of list.slice(kept)) w[row * samples.k + ci] = 0;
    }
  }
  return { ...samples, w };
}

/** The fitted head, its thresholds (chosen on `val`) and the training history. */
export interface FittedHead {
  head: Mlp;
  thresholds: TrainedDetector['thresholds'];
  history: TrainedDetector['history'];
  samples: number;
}

/** Fits the head on extracted features (with a hard-negative round when asked) and chooses thresholds. */
export function fitHead(
  ex: ExtractedFeatures,
  val: DatasetItem[],
  o: TrainDetectorOptions,
  hooks: Pick<TrainHooks, 'log'> & Partial<TrainHooks>,
  classes?: readonly (typeof TRIAGE_CLASSES)[number][],
  init?: Mlp,
): FittedHead {
  const { valFeatures } = ex;
  const gate = colourGateFor(o, ex.samples.d);
  const water = waterGateFor(o, ex.samples.d);
  const valPositive = TRIAGE_CLASSES.map((c) => val.map((v) => v.classes.has(c)));
  const history: TrainedDetector['history'] = [];
  const validationAp = (head: Mlp): Record<string, number> => {
    const maxScores = valFeatures.map((f) => {
      const s = headScores(head, f, gate, water);
      const plane = f.h * f.w;
      return TRIAGE_CLASSES.map((_, c) => {
        let m = 0;
        for (let p = 0; p < plane; p++) m = Math.max(m, s[c * plane + p]!);
        return m;
      });
    });
    return Object.fromEntries(
      TRIAGE_CLASSES.map((c, ci) => [
        c,
        Math.round(
          imageAp(
            maxScores.map((m) => m[ci]!),
            valPositive[ci]!,
          ) * 1000,
        ) / 1000,
      ]),
    );
  };
  const t0 = performance.now();
  const mask = new Uint8Array(ex.samples.d).fill(1);
  for (const i of o.dropFeatures) mask[i] = 0;
  const totalEpochs = o.epochs + (o.hardNegativesPerPhoto > 0 ? o.hardNegativeEpochs : 0);
  const fit = (samples: Samples, epochs: number, offset: number, from?: Mlp): Mlp =>
    trainMlp(samples, {
      hiddenSize: from?.hiddenSize ?? o.hiddenSize,
      epochs,
      learningRate: o.learningRate,
      l2: o.l2,
      batchSize: o.batchSize,
      seed: o.seed + offset,
      inputDropout: o.inputDropout,
      inputMask: mask,
      ...(from ? { init: from } : {}),
      onEpoch: (e, loss, m) => {
        const epoch = e + offset;
        const ap = epoch % 5 === 4 || epoch === totalEpochs - 1 ? validationAp(m) : {};
        history.push({ epoch: epoch + 1, loss: Math.round(loss * 1e5) / 1e5, validationAp: ap });
        hooks.log(
          `epoch ${epoch + 1}/${totalEpochs} loss ${loss.toFixed(5)} on ${samples.n} cells${Object.keys(ap).length ? ` validation image AP ${JSON.stringify(ap)}` : ''} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        );
        hooks.progress?.('head', epoch + 1, totalEpochs);
      },
    });
  // A warm start computes the same scores as the head it starts from, but on inputs standardised over these
  // samples, as a fresh fit's are: dropout then drops a feature to its mean, and Adam's steps are alike.
  let head = fit(ex.samples, o.epochs, 0, init && withStandardisation(init, standardisation(ex.samples)));
  let fitted = ex.samples.n;
  if (o.hardNegativesPerPhoto > 0 && o.hardNegativeEpochs > 0 && ex.pool.n > 0) {
    const refined = Object.keys(o.positiveKeep).length
      ? keepConfidentPositives(ex.samples, ex.samplePhoto, head, o.positiveKeep)
      : ex.samples;
    if (refined !== ex.samples) {
      const dropped = TRIAGE_CLASSES.map((_, c) => {
        let n = 0;
        for (let r = 0; r < refined.n; r++)
          if (refined.w[r * refined.k + c] === 0 && ex.samples.w[r * refined.k + c]! > 0) n++;
        return n;
      });
      hooks.log(`positive cells ignored for the refit (the first head's least confident): ${JSON.stringify(dropped)}`);
    }
    const mined = withHardNegatives(
      { ...ex, samples: refined },
      head,
      o.hardNegativesPerPhoto,
      o.hardNegativesPerClass,
    );
    fitted = mined.n;
    hooks.log(`hard negatives: ${mined.n - ex.samples.n} cells the head scored highest added`);
    head = fit(mined, o.hardNegativeEpochs, o.epochs, head);
  }

  const thresholds = headThresholds(ex, val, o, head, hooks.log, classes);
  return { head, thresholds, history, samples: fitted };
}

/**
 * The negative photos the operating points are checked on: `val`'s, the training split's (when asked;
 * `val` alone has too few) and their camera-shifted copies (when asked).
 */
export function thresholdNegatives(ex: ExtractedFeatures, val: DatasetItem[]): PhotoFeatures[] {
  return [
    ...ex.valFeatures.filter((_, i) => val[i]!.classes.size === 0),
    ...ex.trainNegatives,
    ...(ex.shiftedNegatives ?? []),
  ];
}

/**
 * Thresholds of a head: per class (of `classes`, default all) and candidate `minSeedCells`, the lowest
 * threshold whose image-level precision on the validation share reaches the target while firing on few
 * negative photos; then the candidate with the highest validation recall.
 */
export function headThresholds(
  ex: ExtractedFeatures,
  val: DatasetItem[],
  o: TrainDetectorOptions,
  head: Mlp,
  log: (line: string) => void,
  classes?: readonly (typeof TRIAGE_CLASSES)[number][],
  fixed?: Partial<Record<TriageClass, OperatingPoint>>,
): ChosenThresholds {
  const { valFeatures } = ex;
  const gate = colourGateFor(o, ex.samples.d);
  const water = waterGateFor(o, ex.samples.d);
  const valScores = valFeatures.map((f) => headScores(head, f, gate, water));
  // val's negatives are scored above already.
  const scored = new Map(valFeatures.map((f, i) => [f, valScores[i]!]));
  const negatives = thresholdNegatives(ex, val).map((f) => ({
    scores: scored.get(f) ?? headScores(head, f, gate, water),
    h: f.h,
    w: f.w,
  }));
  return chooseThresholds(
    valFeatures.map((f, i) => ({ scores: valScores[i]!, h: f.h, w: f.w, classes: val[i]!.classes })),
    negatives,
    (cls, t, k) =>
      parseManifest(defaultManifest(o.spec, 'x.onnx', { [cls]: t }, o.minAreaCells, o.regionGrow, { [cls]: k })),
    {
      grid: THRESHOLD_GRID,
      minSeedGrid: o.minSeedGrid,
      ...(o.minSeedFloor ? { minSeedFloor: o.minSeedFloor } : {}),
      ...(o.pointPick ? { pick: o.pointPick } : {}),
      targetPrecision: o.targetPrecision,
      maxNegativeRate: o.maxNegativeRatePerClass,
      ...(classes ? { classes } : {}),
      ...(fixed ? { fixed } : {}),
    },
    log,
  );
}

/** Trains the detector on rendered photos; `val` (other seeds and places) chooses the thresholds. */
export async function trainDetector(
  train: DatasetItem[],
  val: DatasetItem[],
  o: TrainDetectorOptions,
  hooks: TrainHooks,
  kept?: KeptHead[],
  inputs: Omit<TrainInputs, 'kept'> = {},
): Promise<TrainedDetector> {
  const extra = inputs.extraNegatives ?? [];
  hooks.log(
    `photos: ${train.length} training${extra.length ? ` (+ ${extra.length} extra negatives)` : ''}, ${val.length} validation (seed ${o.seed})`,
  );
  const net = await loadPretrainedBackbone(o.spec.backbone);
  if ((o.keepHeads?.length ?? 0) !== (kept?.length ?? 0))
    throw new Error('keepHeads given without the kept heads (or the other way round)');
  if (o.initHead && !inputs.init) throw new Error('initHead given without the head to start from');
  if (extra.some((e) => e.classes.size > 0 || (e.boxes?.length ?? 0) > 0))
    throw new Error('额外负样本中有带标注的照片 / the extra negative photos must hold no labelled object');
  if (o.classFeatures || o.classOptions || kept?.length)
    return trainComposedDetector(net, train, val, o, hooks, { ...inputs, ...(kept?.length ? { kept } : {}) });
  hooks.log(
    `backbone: ${BACKBONES[net.name].provenance.architecture} from nsfwjs ${net.version} up to ${o.spec.featureLayer}`,
  );
  const ex = await extractFeatures(net, train, val, o, hooks, extra);
  hooks.log(
    `samples: ${ex.samples.n} cells × ${ex.samples.d} features (+ ${ex.pool.n} candidate negatives); positive cells ${JSON.stringify(ex.positives)}`,
  );
  const init =
    inputs.init && initFor(inputs.init, o.spec.fineLayer || o.spec.contextMaxCells ? null : 'base', ex.samples.d);
  const { head, thresholds, history, samples } = fitHead(ex, val, o, hooks, undefined, init);
  const gate = colourGateFor(o, ex.samples.d);
  return finishDetector(net, o, o.spec, ex, val, head, gate, thresholds, history, samples, hooks);
}

/** The head to start a fit from, checked against the features that fit reads (`set` null: not a named set). */
function initFor(init: { head: Mlp; set: FeatureSetName }, set: FeatureSetName | null, features: number): Mlp {
  if (init.set !== set || init.head.inputSize !== features)
    throw new Error(
      `起始头读特征集 ${init.set} 的 ${init.head.inputSize} 个特征，此头读 ${set ?? '(自定)'} 的 ${features} 个 / the head to start from reads ${init.head.inputSize} features of set ${init.set}, this head reads ${features} of ${set ?? '(a custom spec)'}`,
    );
  return init.head;
}

/** Manifest, whole-model negative rate and ONNX graph of a fitted head over `spec`'s features. */
function finishDetector(
  net: PretrainedBackbone,
  o: TrainDetectorOptions,
  spec: FeatureGraphSpec,
  ex: ExtractedFeatures,
  val: DatasetItem[],
  head: Mlp,
  gate: ColourGate | null,
  perClassThresholds: ChosenThresholds,
  history: TrainedDetector['history'],
  samples: number,
  hooks: Pick<TrainHooks, 'log'>,
  fixed: Partial<Record<TriageClass, OperatingPoint>> = {},
): TrainedDetector {
  const water = waterGateFor({ ...o, spec }, ex.samples.d);
  const scored = (f: PhotoFeatures) => ({ scores: headScores(head, f, gate, water), h: f.h, w: f.w });
  const negatives = thresholdNegatives(ex, val).map(scored);
  const thresholds = o.maxNegativeRateModel
    ? limitModelNegatives(
        perClassThresholds,
        ex.valFeatures.map((f, i) => ({ ...scored(f), classes: val[i]!.classes })),
        negatives,
        (cls, t, k) =>
          parseManifest(defaultManifest(spec, 'x.onnx', { [cls]: t }, o.minAreaCells, o.regionGrow, { [cls]: k })),
        THRESHOLD_GRID,
        o.maxNegativeRateModel,
        hooks.log,
        o.modelLimitSeedCells
          ? {
              grid: o.minSeedGrid,
              targetPrecision: o.targetPrecision,
              ...(o.minSeedFloor ? { floor: o.minSeedFloor } : {}),
            }
          : undefined,
        new Set(Object.keys(fixed)),
      )
    : perClassThresholds;
  const manifest = defaultManifest(
    spec,
    'xuncha-default.onnx',
    Object.fromEntries(Object.entries(thresholds).map(([c, t]) => [c, t.threshold])),
    o.minAreaCells,
    o.regionGrow,
    Object.fromEntries(Object.entries(thresholds).map(([c, t]) => [c, t.minSeedCells])),
  );
  const negativeRate = {
    photos: negatives.length,
    rate: Math.round(firingRate(parseManifest(manifest), negatives) * 1000) / 1000,
  };
  hooks.log(
    `whole model: fires on ${(negativeRate.rate * 100).toFixed(1)} % of ${negatives.length} negative photos (all classes at their operating points; limits ${(o.maxNegativeRatePerClass * 100).toFixed(1)} % per class, ${o.maxNegativeRateModel ? `${(o.maxNegativeRateModel * 100).toFixed(1)} % for the model` : 'none for the model'})`,
  );
  const shifted = ex.shiftedNegatives?.length ?? 0;
  if (shifted) {
    // Apart: whether the shifted copies fire more than the photos they were made from is the point of them.
    const rate = (n: typeof negatives) => (firingRate(parseManifest(manifest), n) * 100).toFixed(1);
    hooks.log(
      `whole model: ${rate(negatives.slice(0, -shifted))} % of the ${negatives.length - shifted} rendered negatives, ${rate(negatives.slice(-shifted))} % of their ${shifted} camera-shifted copies`,
    );
  }
  const onnx = detectorOnnx(
    net,
    spec,
    head,
    {
      'xuncha.backbone': `${BACKBONES[net.name].title} (ImageNet) from npm nsfwjs@${net.version}, ${BACKBONES[net.name].provenance.licence}`,
      'xuncha.feature_layer': spec.featureLayer,
      'xuncha.context_cells': String(spec.contextCells),
      ...(spec.fineLayer ? { 'xuncha.fine_layer': spec.fineLayer } : {}),
      ...(spec.contextMaxCells ? { 'xuncha.context_max_cells': String(spec.contextMaxCells) } : {}),
      ...(o.classFeatures ? { 'xuncha.class_features': JSON.stringify(o.classFeatures) } : {}),
      ...(o.classOptions ? { 'xuncha.class_options': JSON.stringify(o.classOptions) } : {}),
      ...(o.keepHeads?.length ? { 'xuncha.kept_head_sha256': o.keepHeads.map((k) => k.sha256).join(',') } : {}),
      ...(o.initHead ? { 'xuncha.init_head_sha256': o.initHead.sha256 } : {}),
      ...(o.waterGate ? { 'xuncha.water_gate': JSON.stringify(o.waterGate) } : {}),
      'xuncha.seed': String(o.seed),
    },
    gate,
    water,
  );
  return {
    onnx,
    manifest,
    head,
    thresholds,
    history,
    counts: { trainPhotos: ex.trainPhotos, validationPhotos: val.length, samples, positives: ex.positives },
    negativeRate,
  };
}

/** Backbone and stride-8 channel counts of a spec (to lay out its feature map). */
function channelCounts(net: PretrainedBackbone, spec: FeatureGraphSpec): { backbone: number; fine: number } {
  return backboneChannels(net, spec.featureLayer, spec.fineLayer);
}

/**
 * One head per feature set named in `classFeatures` (and one per class given `classOptions`, and the kept
 * head for the other classes when given): the union of the sets is extracted once, each head is fitted
 * (and its classes' operating points chosen) on its own columns exactly as a single-head run on that set
 * would be, and the heads are composed into one head over the union (`composed-head.ts`).
 */
async function trainComposedDetector(
  net: PretrainedBackbone,
  train: DatasetItem[],
  val: DatasetItem[],
  o: TrainDetectorOptions,
  hooks: TrainHooks,
  inputs: TrainInputs,
): Promise<TrainedDetector> {
  const { init } = inputs;
  const kept = inputs.kept ?? [];
  const classFeatures = o.classFeatures ?? {};
  const classOptions = o.classOptions ?? {};
  const byClass = setsByClass(classFeatures);
  const keptFor = keptHeadOfClass(kept, classFeatures, classOptions);
  // Which head answers for each class: a kept one, the class's own (with options), or its set's shared one.
  const group = TRIAGE_CLASSES.map((c, i) =>
    keptFor[i]! >= 0 ? `kept#${keptFor[i]}` : classOptions[c] ? `${byClass[i]}:${c}` : byClass[i]!,
  );
  const keptOf = (g: string): KeptHead | undefined =>
    g.startsWith('kept#') ? kept[Number(g.slice('kept#'.length))] : undefined;
  const setOf = (g: string): FeatureSetName => keptOf(g)?.set ?? (g.split(':')[0] as FeatureSetName);
  const groups = [...new Set(group)];
  const union = unionSpec(o.spec, [...new Set(groups.map(setOf))]);
  hooks.log(
    `heads per class: ${TRIAGE_CLASSES.map((c, i) => `${c}=${keptOf(group[i]!) ? `${group[i]} (${setOf(group[i]!)})` : group[i]}`).join(', ')}; union ${JSON.stringify(union)}`,
  );
  // Classes whose kept head brings its operating point (`--keep-points`).
  const fixed: Partial<Record<TriageClass, OperatingPoint>> = {};
  if (o.keepPoints)
    TRIAGE_CLASSES.forEach((c, i) => {
      const point = keptOf(group[i]!)?.points?.[c];
      if (point && (!Array.isArray(o.keepPoints) || o.keepPoints.includes(c))) fixed[c] = point;
    });
  // A tighter target (`core`) is a property of the boxes, so it is applied when the cells are sampled.
  const core = Object.fromEntries(
    Object.entries(classOptions).flatMap(([c, opt]) => (opt.core !== undefined ? [[c, opt.core]] : [])),
  );
  // So is a mask target (the cells the object covers).
  const mask = Object.fromEntries(
    Object.entries(classOptions).flatMap(([c, opt]) =>
      opt.mask !== undefined ? [[c, { share: opt.mask, outside: opt.outside === 1 }]] : [],
    ),
  );
  // Asked for mask targets on a set without masks (rendered before round 12) would quietly train on boxes.
  const unmasked = Object.keys(mask).filter((c) => !train.some((it) => it.boxes?.some((b) => b.cls === c && b.mask)));
  if (unmasked.length)
    throw new Error(
      `训练集中 ${unmasked.join('、')} 没有掩膜 (.mask.json)，无法用 mask 选项 / no box of ${unmasked.join(', ')} in the training set has a mask (.mask.json): render the set again with today's render:dataset, or leave out mask=`,
    );
  const ex = await extractFeatures(
    net,
    train,
    val,
    { ...o, spec: union, positiveCore: { ...o.positiveCore, ...core }, positiveMask: { ...o.positiveMask, ...mask } },
    hooks,
    inputs.extraNegatives,
  );
  hooks.log(
    `samples: ${ex.samples.n} cells × ${ex.samples.d} features (+ ${ex.pool.n} candidate negatives); positive cells ${JSON.stringify(ex.positives)}`,
  );
  const counts = channelCounts(net, union);
  const parts: HeadPart[] = [];
  const heads: NonNullable<TrainedDetector['heads']> = [];
  const thresholds: ChosenThresholds = {};
  for (const g of groups) {
    const set = setOf(g);
    const spec = specFor(o.spec, set);
    const inputs = featureIndices(union, spec, counts.backbone, counts.fine);
    const classes = TRIAGE_CLASSES.flatMap((c, i) => (group[i] === g ? [i] : []));
    const names = classes.map((c) => TRIAGE_CLASSES[c]!);
    const own: ExtractedFeatures = {
      ...ex,
      samples: selectColumns(ex.samples, inputs),
      pool: selectColumns(ex.pool, inputs),
      valFeatures: ex.valFeatures.map((f) => selectChannels(f, inputs)),
      trainNegatives: ex.trainNegatives.map((f) => selectChannels(f, inputs)),
      ...(ex.shiftedNegatives ? { shiftedNegatives: ex.shiftedNegatives.map((f) => selectChannels(f, inputs)) } : {}),
    };
    let fitted: FittedHead;
    const keptHead = keptOf(g);
    if (keptHead) {
      if (keptHead.head.inputSize !== inputs.length)
        throw new Error(
          `保留的头读 ${keptHead.head.inputSize} 个特征，特征集 ${set} 有 ${inputs.length} 个 / the kept head reads ${keptHead.head.inputSize} features, its set ${set} has ${inputs.length}`,
        );
      hooks.log(`head kept as it is (${names.join(', ')}): ${inputs.length} features`);
      const t = headThresholds(own, val, { ...o, spec }, keptHead.head, hooks.log, names, fixed);
      fitted = { head: keptHead.head, thresholds: t, history: [], samples: 0 };
    } else {
      const opt = classes.length === 1 ? classOptions[names[0]!] : undefined;
      hooks.log(
        `head ${g} (${names.join(', ')}): ${inputs.length} features${opt ? `, own options ${JSON.stringify(opt)}` : ''}`,
      );
      const ho = { ...o, spec };
      if (opt) {
        own.samples = ownClassSamples(own.samples, classes[0]!, opt.weight ?? 1);
        own.pool = ownClassSamples(own.pool, classes[0]!, 1);
        if (opt.keep !== undefined) ho.positiveKeep = { [names[0]!]: opt.keep };
        if (opt.hidden !== undefined) ho.hiddenSize = opt.hidden;
        if (opt.mine !== undefined) ho.hardNegativesPerPhoto = opt.mine;
      }
      fitted = fitHead(own, val, ho, hooks, names, init && initFor(init, set, inputs.length));
    }
    parts.push({ head: fitted.head, inputs, classes });
    for (const c of names) thresholds[c] = fitted.thresholds[c]!;
    heads.push({
      set,
      ...(keptHead ? { kind: 'kept' as const } : g.includes(':') ? { kind: 'own' as const } : {}),
      classes: names,
      features: inputs.length,
      samples: fitted.samples,
      history: fitted.history,
    });
  }
  const head = composeHeads(parts, ex.samples.d, TRIAGE_CLASSES.length);
  const gate = colourGateFor({ ...o, spec: union }, ex.samples.d);
  const history = heads.flatMap((h) => h.history);
  const samples = heads.reduce((n, h) => n + h.samples, 0);
  const detector = finishDetector(net, o, union, ex, val, head, gate, thresholds, history, samples, hooks, fixed);
  return { ...detector, heads };
}

/**
 * For each class (in `TRIAGE_CLASSES` order), the index of the kept head answering for it, or −1: a head
 * file naming its classes answers for those, the one naming none for every class not fitted here.
 * Refuses what cannot be meant: two heads for one class, a kept head for a class fitted here, two heads
 * naming no class, a kept head answering for nothing.
 */
export function keptHeadOfClass(
  kept: readonly KeptHead[],
  classFeatures: ClassFeatureSets,
  classOptions: ClassHeadOptions,
): number[] {
  const fitted = (c: TriageClass): boolean => Boolean(classFeatures[c] || classOptions[c]);
  const open = kept.flatMap((k, i) => (k.answers ? [] : [i]));
  if (open.length > 1)
    throw new Error(
      '最多一个保留头可以不指明类别 / at most one kept head may leave its classes unnamed: take the others out with --classes',
    );
  const owner = TRIAGE_CLASSES.map((c) => {
    const named = kept.flatMap((k, i) => (k.answers?.includes(c) ? [i] : []));
    if (named.length > 1)
      throw new Error(
        `${c} 由两个保留头负责 / ${c} is answered by two kept heads (${named.map((i) => i + 1).join(' and ')})`,
      );
    if (named.length && fitted(c))
      throw new Error(
        `${c} 既由保留头负责又在此训练 / ${c} is answered by a kept head and also named in --class-features or --class-options`,
      );
    return named[0] ?? (open.length && !fitted(c) ? open[0]! : -1);
  });
  kept.forEach((_, i) => {
    if (!owner.includes(i)) throw new Error(`保留头 ${i + 1} 不负责任何类别 / kept head ${i + 1} answers for no class`);
  });
  return owner;
}

/**
 * The samples as a head of class `c` alone sees them: the other classes' targets ignored (its loss and its
 * mined negatives are its own) and `c`'s positive cells weighted by `weight`.
 */
export function ownClassSamples(s: Samples, c: number, weight: number): Samples {
  const w = new Float32Array(s.w.length);
  for (let r = 0; r < s.n; r++) {
    const at = r * s.k + c;
    w[at] = s.y[at] === 1 && s.w[at]! > 0 ? weight : s.w[at]!;
  }
  return { ...s, w };
}
