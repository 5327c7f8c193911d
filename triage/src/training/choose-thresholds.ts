/**
 * Per-class operating points of the segmentation detector: a threshold and the seed cells a region needs
 * (`minSeedCells`), chosen on validation score maps. Per class and candidate seed count: the lowest
 * threshold whose image-level precision reaches the target while firing on at most `maxNegativeRate` of
 * the negative photos; of those, the one with the highest recall (ties: the smaller seed count). When no
 * candidate reaches the precision, the best F1 among those that keep the negative limit: a class the head
 * cannot separate must stay quiet (a flood of false leads buries the review queue), not fire on most
 * negative photos for a better F1. When none keeps the limit either, the quietest candidate.
 */
import { decodeSegmentation } from '../model/decode-output.ts';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { ModelManifest, TriageClass } from '../model/manifest.ts';

/** A score map `[k × h × w]` of one photo. */
export interface ScoredPhoto {
  scores: Float32Array;
  h: number;
  w: number;
}

/** What was chosen for each class, with the validation figures at that point. */
export type ChosenThresholds = Record<
  string,
  { threshold: number; minSeedCells: number; precision: number; recall: number; negativeRate: number }
>;

export interface ThresholdTargets {
  grid: number[];
  minSeedGrid: number[];
  targetPrecision: number;
  maxNegativeRate: number;
  /** Only these classes (absent = all): a head answering for some classes need not choose the others'. */
  classes?: readonly TriageClass[];
}

/**
 * `val`: labelled validation photos (precision, recall); `negatives`: photos without incidents (the rate
 * of false alarms, may include more than val's); `manifestFor` gives the decoder's manifest for a class,
 * threshold and seed count.
 */
export function chooseThresholds(
  val: (ScoredPhoto & { classes: ReadonlySet<string> })[],
  negatives: ScoredPhoto[],
  manifestFor: (cls: TriageClass, threshold: number, minSeedCells: number) => ModelManifest,
  targets: ThresholdTargets,
  log: (line: string) => void = () => {},
): ChosenThresholds {
  const out: ChosenThresholds = {};
  const fires = (m: ModelManifest, cls: string, p: ScoredPhoto): boolean =>
    decodeSegmentation(m, p.scores, [1, TRIAGE_CLASSES.length, p.h, p.w]).some((d) => d.cls === cls);
  for (const [ci, cls] of TRIAGE_CLASSES.entries()) {
    if (targets.classes && !targets.classes.includes(cls)) continue;
    type Point = ChosenThresholds[string] & { f1: number };
    let best: Point | null = null;
    let chosen: Point | null = null;
    for (const k of targets.minSeedGrid) {
      for (const t of targets.grid) {
        const m = manifestFor(cls, t, k);
        const only = { ...m, classMap: { [String(ci)]: cls } };
        let tp = 0;
        let fp = 0;
        let fn = 0;
        for (const p of val) {
          const hit = fires(only, cls, p);
          const pos = p.classes.has(cls);
          if (hit && pos) tp++;
          else if (hit) fp++;
          else if (pos) fn++;
        }
        const negativeRate = negatives.length
          ? negatives.filter((p) => fires(only, cls, p)).length / negatives.length
          : 0;
        const precision = tp + fp ? tp / (tp + fp) : 1;
        const recall = tp + fn ? tp / (tp + fn) : 0;
        const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
        const r = { threshold: t, minSeedCells: k, precision, recall, f1, negativeRate };
        if (!best || betterFallback(r, best, targets.maxNegativeRate)) best = r;
        if (precision >= targets.targetPrecision && negativeRate <= targets.maxNegativeRate && tp > 0) {
          if (!chosen || recall > chosen.recall) chosen = r;
          break; // higher thresholds at this seed count can only lose recall
        }
      }
    }
    const pick = chosen ?? best;
    if (!pick) throw new Error('chooseThresholds: empty threshold or seed grid');
    const round = (v: number): number => Math.round(v * 1000) / 1000;
    out[cls] = {
      threshold: pick.threshold,
      minSeedCells: pick.minSeedCells,
      precision: round(pick.precision),
      recall: round(pick.recall),
      negativeRate: round(pick.negativeRate),
    };
    log(
      `threshold ${cls}: ${pick.threshold}, regions of at least ${pick.minSeedCells} seed cells (validation precision ${pick.precision.toFixed(3)}, recall ${pick.recall.toFixed(3)}; ${(pick.negativeRate * 100).toFixed(1)} % of ${negatives.length} negative photos fire${chosen ? '' : `; precision ${targets.targetPrecision} not reached, ${pick.negativeRate <= targets.maxNegativeRate ? 'best F1 within the negative limit used' : 'no threshold keeps the negative limit: the quietest used'}`})`,
    );
  }
  return out;
}

/** Fallback order: within the negative limit first, then the higher F1; outside it, the lower rate, then F1. */
function betterFallback(
  a: { f1: number; negativeRate: number },
  b: { f1: number; negativeRate: number },
  maxNegativeRate: number,
): boolean {
  const aQuiet = a.negativeRate <= maxNegativeRate;
  const bQuiet = b.negativeRate <= maxNegativeRate;
  if (aQuiet !== bQuiet) return aQuiet;
  if (!aQuiet && a.negativeRate !== b.negativeRate) return a.negativeRate < b.negativeRate;
  return a.f1 > b.f1;
}

/**
 * Share of `photos` on which the model (every class at its own operating point in `m`) fires at all: the
 * negative-photo limit is checked per class when thresholds are chosen, so three classes (or three
 * heads) can add up; this is the figure for the whole model.
 */
export function firingRate(m: ModelManifest, photos: ScoredPhoto[]): number {
  if (!photos.length) return 0;
  const firing = photos.filter(
    (p) => decodeSegmentation(m, p.scores, [1, TRIAGE_CLASSES.length, p.h, p.w]).length > 0,
  ).length;
  return firing / photos.length;
}

/**
 * Makes the negative-photo limit hold for the whole model: the per-class points may each fire on up to
 * `maxRate` of the negative photos, and three classes add up. While the union of the photos the classes
 * fire on is above the limit, the class whose next threshold (same seed count, next grid value that
 * shrinks the union) loses the fewest `val` true positives per negative photo it removes is raised
 * (ties: the class firing on more negative photos). Returns new points (validation figures updated); a
 * class stays where it is when no threshold of the grid removes its last photos (logged).
 */
export function limitModelNegatives(
  points: ChosenThresholds,
  val: (ScoredPhoto & { classes: ReadonlySet<string> })[],
  negatives: ScoredPhoto[],
  manifestFor: (cls: TriageClass, threshold: number, minSeedCells: number) => ModelManifest,
  grid: number[],
  maxRate: number,
  log: (line: string) => void = () => {},
): ChosenThresholds {
  const out: ChosenThresholds = structuredClone(points);
  const allowed = Math.floor(maxRate * negatives.length + 1e-9);
  const classes = TRIAGE_CLASSES.filter((c) => out[c]);
  type Firing = { neg: Set<number>; tp: number; fp: number; fn: number };
  const cache = new Map<string, Firing>();
  const firing = (cls: TriageClass, t: number, k: number): Firing => {
    const key = `${cls}|${t}|${k}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const ci = TRIAGE_CLASSES.indexOf(cls);
    const m = { ...manifestFor(cls, t, k), classMap: { [String(ci)]: cls } };
    const fires = (p: ScoredPhoto): boolean =>
      decodeSegmentation(m, p.scores, [1, TRIAGE_CLASSES.length, p.h, p.w]).some((d) => d.cls === cls);
    const neg = new Set(negatives.flatMap((p, i) => (fires(p) ? [i] : [])));
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of val) {
      const f = fires(p);
      const pos = p.classes.has(cls);
      if (f && pos) tp++;
      else if (f) fp++;
      else if (pos) fn++;
    }
    const r = { neg, tp, fp, fn };
    cache.set(key, r);
    return r;
  };
  const current = (c: TriageClass): Firing => firing(c, out[c]!.threshold, out[c]!.minSeedCells);
  const union = (except?: TriageClass, with_?: Set<number>): Set<number> => {
    const u = new Set<number>();
    for (const c of classes) for (const i of c === except ? with_! : current(c).neg) u.add(i);
    return u;
  };
  for (let size = union().size; size > allowed; size = union().size) {
    let best: { cls: TriageClass; t: number; cost: number; neg: number } | null = null;
    for (const c of classes) {
      const now = current(c);
      if (!now.neg.size) continue;
      for (const t of grid.filter((g) => g > out[c]!.threshold)) {
        const next = firing(c, t, out[c]!.minSeedCells);
        const removed = size - union(c, next.neg).size;
        if (removed <= 0) continue;
        const cost = (now.tp - next.tp) / removed;
        if (!best || cost < best.cost || (cost === best.cost && now.neg.size > best.neg))
          best = { cls: c, t, cost, neg: now.neg.size };
        break;
      }
    }
    if (!best) {
      log(
        `whole-model negative limit: ${size} of ${negatives.length} negative photos still fire and no threshold of the grid removes them`,
      );
      break;
    }
    const before = out[best.cls]!.threshold;
    const f = firing(best.cls, best.t, out[best.cls]!.minSeedCells);
    const round = (v: number): number => Math.round(v * 1000) / 1000;
    out[best.cls] = {
      ...out[best.cls]!,
      threshold: best.t,
      precision: round(f.tp + f.fp ? f.tp / (f.tp + f.fp) : 1),
      recall: round(f.tp + f.fn ? f.tp / (f.tp + f.fn) : 0),
      negativeRate: round(negatives.length ? f.neg.size / negatives.length : 0),
    };
    log(
      `whole-model negative limit: ${best.cls} threshold ${before} → ${best.t} (validation recall ${out[best.cls]!.recall.toFixed(3)}; the model fired on ${size} of ${negatives.length} negative photos, at most ${allowed} allowed)`,
    );
  }
  return out;
}
