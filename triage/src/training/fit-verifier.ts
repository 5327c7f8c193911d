/**
 * Fits the region verifier (`model/region-verifier.ts`): proposals of the cell map at a low threshold on
 * the training photos, labelled by whether they lie on a labelled box of their class (the others are the
 * look-alikes), a tiny perceptron per class on their descriptors, and its operating point on `val` with
 * the same rule as the cell thresholds (precision target, few negative photos firing).
 */
import { cellRegions } from '../model/decode-output.ts';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import { descriptorNames, regionDescriptor, verifierScore } from '../model/region-verifier.ts';
import type { CellRegion, VerifierNet } from '../model/region-verifier.ts';
import type { InputBox } from './cell-targets.ts';
import { trainMlp } from './mlp.ts';
import type { Mlp, TrainMlpOptions } from './mlp.ts';

/** A score map `[k × h × w]` of one photo with its labelled boxes (input pixels) and classes. */
export interface ScoredLabelledPhoto {
  scores: Float32Array;
  h: number;
  w: number;
  boxes: InputBox[];
  classes: ReadonlySet<string>;
}

/** A proposal of one class: its descriptor and whether it lies on a labelled box of its class. */
export interface Proposal {
  photo: number;
  x: Float64Array;
  positive: boolean;
}

export interface ProposalRule {
  proposalThreshold: number;
  minSeedCells: number;
  minAreaCells: number;
  regionGrow: number;
}

/** A proposal counts as the incident when it overlaps a box of its class this much (IoU) … */
const MIN_IOU = 0.3;
/** … or this share of its cells lies inside such boxes. */
const MIN_INSIDE = 0.5;

/** The regions of a class a score map proposes under `rule` (all cells on the photo). */
export function proposals(p: { scores: Float32Array; h: number; w: number }, channel: number, rule: ProposalRule) {
  const base = channel * p.h * p.w;
  return cellRegions(
    (q) => p.scores[base + q]!,
    channel,
    p.h,
    p.w,
    rule.proposalThreshold,
    rule.proposalThreshold * rule.regionGrow,
  ).filter((r) => r.cells.length >= rule.minAreaCells && r.seeds >= rule.minSeedCells);
}

/** Whether a region lies on one of `boxes` (input pixels; `cellPx` per cell). */
export function onLabelledBox(r: CellRegion, w: number, cellPx: number, boxes: InputBox[]): boolean {
  if (!boxes.length) return false;
  const rx0 = r.minX * cellPx;
  const ry0 = r.minY * cellPx;
  const rx1 = (r.maxX + 1) * cellPx;
  const ry1 = (r.maxY + 1) * cellPx;
  for (const b of boxes) {
    const ix = Math.max(0, Math.min(rx1, b.x1) - Math.max(rx0, b.x0));
    const iy = Math.max(0, Math.min(ry1, b.y1) - Math.max(ry0, b.y0));
    const inter = ix * iy;
    const union = (rx1 - rx0) * (ry1 - ry0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
    if (union > 0 && inter / union >= MIN_IOU) return true;
  }
  let inside = 0;
  for (const q of r.cells) {
    const cx = ((q % w) + 0.5) * cellPx;
    const cy = (Math.floor(q / w) + 0.5) * cellPx;
    if (boxes.some((b) => cx >= b.x0 && cx <= b.x1 && cy >= b.y0 && cy <= b.y1)) inside++;
  }
  return inside / r.cells.length >= MIN_INSIDE;
}

/** Every proposal of class `channel` in the photos, with descriptor and label. */
export function labelledProposals(
  photos: ScoredLabelledPhoto[],
  channel: number,
  rule: ProposalRule,
  cellPx: number,
): Proposal[] {
  const cls = TRIAGE_CLASSES[channel]!;
  const out: Proposal[] = [];
  photos.forEach((p, photo) => {
    const onPhoto = new Uint8Array(p.h * p.w).fill(1);
    const boxes = p.boxes.filter((b) => b.cls === cls);
    for (const r of proposals(p, channel, rule))
      out.push({
        photo,
        x: regionDescriptor(p.scores, TRIAGE_CLASSES.length, p.h, p.w, r, onPhoto),
        positive: onLabelledBox(r, p.w, cellPx, boxes),
      });
  });
  return out;
}

/** The verifier is fitted by the head's trainer, without its dropout, mask, warm start or callbacks. */
export type VerifierFitOptions = Pick<
  TrainMlpOptions,
  'hiddenSize' | 'epochs' | 'learningRate' | 'l2' | 'batchSize' | 'seed'
>;

export const DEFAULT_VERIFIER_FIT: VerifierFitOptions = {
  hiddenSize: 8,
  epochs: 60,
  learningRate: 3e-3,
  l2: 1e-3,
  batchSize: 64,
  seed: 7,
};

/** The verifier's net as the manifest stores it. */
export function verifierNet(m: Mlp): VerifierNet {
  return {
    mean: Array.from(m.mean),
    std: Array.from(m.std),
    w1: Array.from({ length: m.inputSize }, (_, i) =>
      Array.from(m.w1.subarray(i * m.hiddenSize, (i + 1) * m.hiddenSize)),
    ),
    b1: Array.from(m.b1),
    w2: Array.from(m.w2),
    b2: m.b2[0]!,
  };
}

/** Fits one class's verifier on labelled proposals (positives weighted up to balance the classes). */
export function fitVerifierNet(props: Proposal[], o: VerifierFitOptions = DEFAULT_VERIFIER_FIT): Mlp {
  const d = props[0]?.x.length ?? descriptorNames(TRIAGE_CLASSES.length).length;
  const n = props.length;
  const pos = props.filter((p) => p.positive).length;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  const w = new Float32Array(n);
  const posWeight = pos ? Math.max(1, (n - pos) / pos) : 1;
  props.forEach((p, i) => {
    x.set(p.x, i * d);
    y[i] = p.positive ? 1 : 0;
    w[i] = p.positive ? posWeight : 1;
  });
  return trainMlp(
    { n, d, k: 1, x, y, w },
    {
      hiddenSize: o.hiddenSize,
      epochs: o.epochs,
      learningRate: o.learningRate,
      l2: o.l2,
      batchSize: o.batchSize,
      seed: o.seed,
    },
  );
}

/** Highest verifier score of a class's proposals per photo (0 when it proposes none). */
export function photoVerifierScores(
  photos: { scores: Float32Array; h: number; w: number }[],
  channel: number,
  rule: ProposalRule,
  net: VerifierNet,
): number[] {
  return photos.map((p) => {
    const onPhoto = new Uint8Array(p.h * p.w).fill(1);
    let best = 0;
    for (const r of proposals(p, channel, rule))
      best = Math.max(
        best,
        verifierScore(net, regionDescriptor(p.scores, TRIAGE_CLASSES.length, p.h, p.w, r, onPhoto)),
      );
    return best;
  });
}

/** An operating point on the verifier score, with the validation figures at it. */
export interface VerifierPoint {
  threshold: number;
  precision: number;
  recall: number;
  negativeRate: number;
  reached: boolean;
}

/**
 * The lowest verifier threshold whose image-level precision on `val` reaches `targetPrecision` while at most
 * `maxNegativeRate` of the negative photos fire (and something is found); else the best F1 among the
 * thresholds that keep that negative limit (none: threshold 1, nothing fires), as the cell rule does.
 */
export function chooseVerifierThreshold(
  valScores: number[],
  valPositive: boolean[],
  negativeScores: number[],
  targetPrecision: number,
  maxNegativeRate: number,
): VerifierPoint {
  const candidates = [...new Set([...valScores, ...negativeScores].filter((s) => s > 0))].sort((a, b) => a - b);
  let best: VerifierPoint & { f1: number } = {
    threshold: 1,
    precision: 1,
    recall: 0,
    negativeRate: 0,
    reached: false,
    f1: -1,
  };
  for (const t of candidates) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    valScores.forEach((s, i) => {
      const hit = s >= t;
      if (hit && valPositive[i]) tp++;
      else if (hit) fp++;
      else if (valPositive[i]) fn++;
    });
    const negativeRate = negativeScores.length
      ? negativeScores.filter((s) => s >= t).length / negativeScores.length
      : 0;
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    if (precision >= targetPrecision && negativeRate <= maxNegativeRate && tp > 0)
      return { threshold: t, precision, recall, negativeRate, reached: true };
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (negativeRate <= maxNegativeRate && f1 > best.f1)
      best = { threshold: t, precision, recall, negativeRate, reached: false, f1 };
  }
  const { f1: _f1, ...point } = best;
  return point;
}

/** The manifest's verifier block for a class. */
export function verifierBlock(net: VerifierNet, rule: ProposalRule, threshold: number) {
  return {
    descriptor: descriptorNames(TRIAGE_CLASSES.length),
    proposalThreshold: rule.proposalThreshold,
    minSeedCells: rule.minSeedCells,
    threshold,
    ...net,
  };
}

/**
 * Scores of each training photo's proposals by a verifier fitted without that photo (`folds` folds by photo
 * index): the verifier has seen the training negatives, so only out-of-fold scores can check how often it
 * lets a negative photo fire. Returns the highest score per photo (0 without proposals).
 */
export function outOfFoldPhotoScores(
  props: Proposal[],
  photos: number,
  folds: number,
  o: VerifierFitOptions = DEFAULT_VERIFIER_FIT,
): number[] {
  const best = new Array<number>(photos).fill(0);
  for (let f = 0; f < folds; f++) {
    const fitOn = props.filter((p) => p.photo % folds !== f);
    if (!fitOn.length) continue;
    const net = verifierNet(fitVerifierNet(fitOn, o));
    for (const p of props) if (p.photo % folds === f) best[p.photo] = Math.max(best[p.photo]!, verifierScore(net, p.x));
  }
  return best;
}

/** How the verifiers are fitted and chosen. */
export interface RegionVerifierOptions {
  /** Candidate proposal rules: [threshold, minSeedCells]; each class gets the one with the best `val` recall. */
  grid: [number, number][];
  minAreaCells: number;
  regionGrow: number;
  targetPrecision: number;
  maxNegativeRate: number;
  folds: number;
  fit: VerifierFitOptions;
}

export const DEFAULT_REGION_VERIFIER: RegionVerifierOptions = {
  grid: [
    [0.3, 1],
    [0.5, 1],
    [0.5, 2],
    [0.6, 2],
    [0.7, 2],
    [0.7, 4],
  ],
  minAreaCells: 2,
  regionGrow: 0.5,
  targetPrecision: 0.9,
  maxNegativeRate: 0.015,
  folds: 5,
  fit: DEFAULT_VERIFIER_FIT,
};

/** A class's verifier block as the manifest stores it. */
export type VerifierBlock = ReturnType<typeof verifierBlock>;

/**
 * Fits a verifier per class on the proposals of the training and `val` photos, and chooses its proposal
 * rule and threshold on out-of-fold scores: `val`'s labelled photos for precision and recall, `val`'s and
 * the training split's photos without incidents for the negative rate (`cellPx`: input pixels per cell).
 * A class gets a verifier only when
 * it reaches the targets at a higher `val` recall than its cell rule (`cellRecall`).
 */
export function fitRegionVerifiers(
  train: ScoredLabelledPhoto[],
  val: ScoredLabelledPhoto[],
  cellRecall: Partial<Record<string, number>>,
  cellPx: number,
  o: RegionVerifierOptions,
  log: (line: string) => void = () => {},
): Partial<Record<string, VerifierBlock>> {
  const out: Partial<Record<string, VerifierBlock>> = {};
  for (const [ci, cls] of TRIAGE_CLASSES.entries()) {
    let best: { block: VerifierBlock; point: VerifierPoint } | null = null;
    for (const [proposalThreshold, minSeedCells] of o.grid) {
      const rule: ProposalRule = {
        proposalThreshold,
        minSeedCells,
        minAreaCells: o.minAreaCells,
        regionGrow: o.regionGrow,
      };
      const props = [
        ...labelledProposals(train, ci, rule, cellPx),
        ...labelledProposals(val, ci, rule, cellPx).map((p) => ({ ...p, photo: p.photo + train.length })),
      ];
      if (!props.some((p) => p.positive) || props.every((p) => p.positive)) continue;
      const oof = outOfFoldPhotoScores(props, train.length + val.length, o.folds, o.fit);
      const valScores = val.map((_, i) => oof[train.length + i]!);
      const negatives = [...val, ...train].flatMap((p, i) =>
        p.classes.size ? [] : [i < val.length ? valScores[i]! : oof[i - val.length]!],
      );
      const point = chooseVerifierThreshold(
        valScores,
        val.map((p) => p.classes.has(cls)),
        negatives,
        o.targetPrecision,
        o.maxNegativeRate,
      );
      log(
        `verifier ${cls} proposals ≥ ${proposalThreshold} (${minSeedCells} seed cells): ${props.length} proposals, ${props.filter((p) => p.positive).length} on a box; threshold ${point.threshold.toFixed(3)}, validation precision ${point.precision.toFixed(3)}, recall ${point.recall.toFixed(3)}, ${(point.negativeRate * 100).toFixed(1)} % of ${negatives.length} negative photos fire${point.reached ? '' : ' (targets not reached)'}`,
      );
      if (point.reached && (!best || point.recall > best.point.recall))
        best = { block: verifierBlock(verifierNet(fitVerifierNet(props, o.fit)), rule, point.threshold), point };
    }
    if (best && best.point.recall > (cellRecall[cls] ?? 0)) {
      out[cls] = best.block;
      log(
        `verifier ${cls}: used (validation recall ${best.point.recall.toFixed(3)}, cell rule ${cellRecall[cls] ?? 0})`,
      );
    } else log(`verifier ${cls}: not used (no better validation recall than the cell rule's ${cellRecall[cls] ?? 0})`);
  }
  return out;
}
