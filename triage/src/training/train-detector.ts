/**
 * Trains the default detector: pretrained features once over the rendered photos (plus augmented
 * copies), a per-cell MLP head fitted on them, thresholds chosen on a validation share of the training
 * renders, and the whole graph exported as one ONNX model with its manifest.
 */
import { TRIAGE_CLASSES, parseManifest } from '../model/manifest.ts';
import type { ModelManifest, ModelManifestInput } from '../model/manifest.ts';
import { decodeSegmentation } from '../model/decode-output.ts';
import { SessionPool } from '../model/session-pool.ts';
import { drawAugmentation } from './augment.ts';
import { cellTargets } from './cell-targets.ts';
import { detectorOnnx, featureModelOnnx, INPUT_NAME, SCORES_NAME } from './detector-graph.ts';
import type { FeatureGraphSpec } from './detector-graph.ts';
import type { DatasetItem } from './dataset.ts';
import { photoFeatures } from './features.ts';
import type { PhotoFeatures } from './features.ts';
import { mlpForward, trainMlp } from './mlp.ts';
import type { Mlp, Samples } from './mlp.ts';
import { BACKBONE_PROVENANCE, loadPretrainedMobileNet } from './pretrained-backbone.ts';
import { seededRandom } from './random.ts';

/** Everything that decides the model; the same options give the same model. */
export interface TrainDetectorOptions {
  spec: FeatureGraphSpec;
  seed: number;
  /** Augmented copies per training photo (besides the photo itself). */
  augmentCopies: number;
  /** Negative cells sampled per photo (all positive cells are kept). */
  negativesPerPhoto: number;
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
  /** Image-level precision each class's threshold must reach on the validation split. */
  targetPrecision: number;
  /** Largest share of negative validation photos one class may fire on (three classes add up). */
  maxNegativeRatePerClass: number;
  /** Parallel feature runs (ONNX Runtime sessions, one thread each). */
  workers: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainDetectorOptions = {
  spec: { inputWidthPx: 512, inputHeightPx: 384, featureLayer: 'block_10_project_BN', contextCells: 5 },
  seed: 20251,
  augmentCopies: 1,
  negativesPerPhoto: 96,
  hiddenSize: 32,
  epochs: 30,
  learningRate: 2e-3,
  l2: 1e-4,
  batchSize: 256,
  inputDropout: 0.1,
  minAreaCells: 2,
  regionGrow: 0.5,
  targetPrecision: 0.95,
  maxNegativeRatePerClass: 0.015,
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
  /** Per-class thresholds and the validation figures they were chosen at. */
  thresholds: Record<string, { threshold: number; precision: number; recall: number }>;
  history: { epoch: number; loss: number; validationAp: Record<string, number> }[];
  counts: { trainPhotos: number; validationPhotos: number; samples: number; positives: Record<string, number> };
}

/** The manifest of the default model for a spec and thresholds. */
export function defaultManifest(
  spec: FeatureGraphSpec,
  modelFile: string,
  thresholds: Partial<Record<(typeof TRIAGE_CLASSES)[number], number>>,
  minAreaCells: number,
  regionGrow: number,
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
    },
    output: { name: SCORES_NAME, kind: 'segmentation', activation: 'none', minAreaCells, regionGrow },
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

/** Class score maps `[k × h × w]` of the head over full feature maps. */
export function headScores(head: Mlp, f: PhotoFeatures): Float32Array {
  const plane = f.h * f.w;
  const out = new Float32Array(head.outputSize * plane);
  const x = new Float32Array(f.d);
  const p = new Float32Array(head.outputSize);
  for (let cell = 0; cell < plane; cell++) {
    for (let i = 0; i < f.d; i++) x[i] = f.values[i * plane + cell]!;
    mlpForward(head, x, 0, p);
    for (let c = 0; c < head.outputSize; c++) out[c * plane + cell] = p[c]!;
  }
  return out;
}

/** Image-level decision per class at `thr` through the runner's own decoder. */
function imageDetects(m: ModelManifest, scores: Float32Array, h: number, w: number): Set<string> {
  return new Set(decodeSegmentation(m, scores, [1, TRIAGE_CLASSES.length, h, w]).map((d) => d.cls));
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

/** Trains the detector on rendered photos; `val` (other seeds and places) chooses the thresholds. */
export async function trainDetector(
  train: DatasetItem[],
  val: DatasetItem[],
  o: TrainDetectorOptions,
  hooks: TrainHooks,
): Promise<TrainedDetector> {
  const k = TRIAGE_CLASSES.length;
  const rnd = seededRandom(o.seed);
  hooks.log(`photos: ${train.length} training, ${val.length} validation (seed ${o.seed})`);

  const net = await loadPretrainedMobileNet();
  hooks.log(`backbone: MobileNetV2 from nsfwjs ${net.version} up to ${o.spec.featureLayer}`);
  const pool = await SessionPool.create(featureModelOnnx(net, o.spec), { size: o.workers, intraOpThreads: 1 });
  const manifest0 = parseManifest(defaultManifest(o.spec, 'features.onnx', {}, o.minAreaCells, o.regionGrow));

  // Augmentation draws are made up front so that the parallel feature runs cannot change them.
  const jobs = train.flatMap((item, i) =>
    Array.from({ length: 1 + o.augmentCopies }, (_, a) => ({
      item,
      aug: a === 0 ? null : { params: drawAugmentation(rnd), seed: (o.seed * 1_000_003 + i * 31 + a) >>> 0 },
      pick: seededRandom((o.seed ^ (i * 2654435761)) + a),
    })),
  );
  let buffer: SampleBuffer | null = null;
  const positives: Record<string, number> = Object.fromEntries(TRIAGE_CLASSES.map((c) => [c, 0]));
  let done = 0;
  // Features are consumed in job order so that sampling does not depend on which worker finished first.
  const pending = new Map<number, PhotoFeatures>();
  let consumed = 0;
  const consume = (f: PhotoFeatures, pick: () => number): void => {
    buffer ??= new SampleBuffer(f.d, k);
    const t = cellTargets(f.boxes, f.w, f.h, o.spec.inputWidthPx / f.w);
    const plane = f.h * f.w;
    const negatives: number[] = [];
    for (let cell = 0; cell < plane; cell++) {
      const y = TRIAGE_CLASSES.map((_, c) => t.y[c * plane + cell]!);
      const w = TRIAGE_CLASSES.map((_, c) => (t.ignore[c * plane + cell] ? 0 : 1));
      if (y.some((v) => v === 1)) {
        y.forEach((v, c) => {
          if (v) positives[TRIAGE_CLASSES[c]!]!++;
        });
        buffer.push(f, cell, y, w);
      } else negatives.push(cell);
    }
    for (let n = 0; n < Math.min(o.negativesPerPhoto, negatives.length); n++) {
      const j = n + Math.floor(pick() * (negatives.length - n));
      const cell = negatives[j]!;
      negatives[j] = negatives[n]!;
      const w = TRIAGE_CLASSES.map((_, c) => (t.ignore[c * plane + cell] ? 0 : 1));
      buffer.push(f, cell, [0, 0, 0], w);
    }
  };
  await mapLimit(jobs, o.workers, async (job, i) => {
    const f = await photoFeatures(pool, manifest0, job.item, job.aug);
    pending.set(i, f);
    while (pending.has(consumed)) {
      consume(pending.get(consumed)!, jobs[consumed]!.pick);
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
  await pool.close();
  if (!buffer) throw new Error('没有训练图像 / no training photos');
  const samples = (buffer as SampleBuffer).samples();
  hooks.log(`samples: ${samples.n} cells × ${samples.d} features; positive cells ${JSON.stringify(positives)}`);

  const valPositive = TRIAGE_CLASSES.map((c) => val.map((v) => v.classes.has(c)));
  const history: TrainedDetector['history'] = [];
  const validationAp = (head: Mlp): Record<string, number> => {
    const maxScores = valFeatures.map((f) => {
      const s = headScores(head, f);
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
  const head = trainMlp(samples, {
    hiddenSize: o.hiddenSize,
    epochs: o.epochs,
    learningRate: o.learningRate,
    l2: o.l2,
    batchSize: o.batchSize,
    seed: o.seed,
    inputDropout: o.inputDropout,
    onEpoch: (epoch, loss, m) => {
      const ap = epoch % 5 === 4 || epoch === o.epochs - 1 ? validationAp(m) : {};
      history.push({ epoch: epoch + 1, loss: Math.round(loss * 1e5) / 1e5, validationAp: ap });
      hooks.log(
        `epoch ${epoch + 1}/${o.epochs} loss ${loss.toFixed(5)}${Object.keys(ap).length ? ` validation image AP ${JSON.stringify(ap)}` : ''} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
      hooks.progress('head', epoch + 1, o.epochs);
    },
  });

  // Thresholds: the lowest per class whose image-level precision on the validation share reaches the target.
  const valScores = valFeatures.map((f) => headScores(head, f));
  const thresholds: TrainedDetector['thresholds'] = {};
  for (const [ci, cls] of TRIAGE_CLASSES.entries()) {
    let best = { threshold: 0.5, precision: 0, recall: 0, f1: -1 };
    let chosen: typeof best | null = null;
    for (let t = 0.05; t <= 0.981; t += 0.01) {
      const m = parseManifest(defaultManifest(o.spec, 'x.onnx', { [cls]: t }, o.minAreaCells, o.regionGrow));
      const only = { ...m, classMap: { [String(ci)]: cls } };
      let tp = 0;
      let fp = 0;
      let fn = 0;
      let negatives = 0;
      let negativeHits = 0;
      valFeatures.forEach((f, i) => {
        const hit = imageDetects(only, valScores[i]!, f.h, f.w).has(cls);
        const pos = valPositive[ci]![i]!;
        if (hit && pos) tp++;
        else if (hit) fp++;
        else if (pos) fn++;
        if (val[i]!.classes.size === 0) {
          negatives++;
          if (hit) negativeHits++;
        }
      });
      const precision = tp + fp ? tp / (tp + fp) : 1;
      const recall = tp + fn ? tp / (tp + fn) : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      const r = { threshold: Math.round(t * 100) / 100, precision, recall, f1 };
      if (f1 > best.f1) best = r;
      const quiet = !negatives || negativeHits / negatives <= o.maxNegativeRatePerClass;
      if (!chosen && precision >= o.targetPrecision && quiet && tp > 0) chosen = r;
    }
    const pick = chosen ?? best;
    thresholds[cls] = {
      threshold: pick.threshold,
      precision: Math.round(pick.precision * 1000) / 1000,
      recall: Math.round(pick.recall * 1000) / 1000,
    };
    hooks.log(
      `threshold ${cls}: ${pick.threshold} (validation precision ${pick.precision.toFixed(3)}, recall ${pick.recall.toFixed(3)}${chosen ? '' : `; precision ${o.targetPrecision} not reached, best F1 used`})`,
    );
  }

  const manifest = defaultManifest(
    o.spec,
    'xuncha-default.onnx',
    Object.fromEntries(Object.entries(thresholds).map(([c, t]) => [c, t.threshold])),
    o.minAreaCells,
    o.regionGrow,
  );
  const onnx = detectorOnnx(net, o.spec, head, {
    'xuncha.backbone': `MobileNetV2 (ImageNet) from npm nsfwjs@${net.version}, ${BACKBONE_PROVENANCE.licence}`,
    'xuncha.feature_layer': o.spec.featureLayer,
    'xuncha.seed': String(o.seed),
  });
  return {
    onnx,
    manifest,
    head,
    thresholds,
    history,
    counts: { trainPhotos: train.length, validationPhotos: val.length, samples: samples.n, positives },
  };
}
