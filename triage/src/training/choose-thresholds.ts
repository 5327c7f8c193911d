/**
 * Per-class operating points of the segmentation detector: a threshold and the seed cells a region needs
 * (`minSeedCells`), chosen on validation score maps. Per class and candidate seed count: the lowest
 * threshold whose image-level precision reaches the target while firing on at most `maxNegativeRate` of
 * the negative photos; of those, the one with the highest recall (ties: the smaller seed count). With
 * `pick: 'f1'` (round 22) every threshold meeting those targets is a candidate and the best F1 wins (ties:
 * higher recall, the smaller seed count, the lower threshold): one more validation photo found at a much
 * lower threshold and a lower precision no longer outweighs a clean point. When no
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
  /** Per class, the fewest seed cells a region may need (`seedGridFor`; absent = the whole grid). */
  minSeedFloor?: Partial<Record<TriageClass, number>>;
  /** How a point is picked among those meeting the targets: the highest recall (default) or the best F1. */
  pick?: 'recall' | 'f1';
  targetPrecision: number;
  maxNegativeRate: number;
  /** Only these classes (absent = all): a head answering for some classes need not choose the others'. */
  classes?: readonly TriageClass[];
  /** Classes whose point is given (a kept head's, `--keep-points`): measured here, not searched for. */
  fixed?: Partial<Record<TriageClass, OperatingPoint>>;
}

/** Where a class fires: its score threshold and the seed cells a region needs. */
export interface OperatingPoint {
  threshold: number;
  minSeedCells: number;
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
    const fixed = targets.fixed?.[cls];
    for (const k of fixed ? [fixed.minSeedCells] : seedGridFor(targets.minSeedGrid, targets.minSeedFloor?.[cls])) {
      for (const t of fixed ? [fixed.threshold] : targets.grid) {
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
        if (fixed) chosen = r;
        else if (precision >= targets.targetPrecision && negativeRate <= targets.maxNegativeRate && tp > 0) {
          if (targets.pick !== 'f1') {
            if (!chosen || recall > chosen.recall) chosen = r;
            break; // higher thresholds at this seed count can only lose recall
          }
          if (!chosen || r.f1 > chosen.f1 + 1e-12 || (Math.abs(r.f1 - chosen.f1) <= 1e-12 && recall > chosen.recall))
            chosen = r;
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
      `threshold ${cls}: ${pick.threshold}${fixed ? ' (kept)' : ''}, regions of at least ${pick.minSeedCells} seed cells (validation precision ${pick.precision.toFixed(3)}, recall ${pick.recall.toFixed(3)}; ${(pick.negativeRate * 100).toFixed(1)} % of ${negatives.length} negative photos fire${chosen ? '' : `; precision ${targets.targetPrecision} not reached, ${pick.negativeRate <= targets.maxNegativeRate ? 'best F1 within the negative limit used' : 'no threshold keeps the negative limit: the quietest used'}`})`,
    );
  }
  return out;
}

/**
 * The seed counts a class may use: the grid's at or above its floor, or the floor alone when the grid has
 * none. A floor says a class's real incidents are large, coherent regions (round 22: real look-alikes —
 * canopy gaps, shrub shadows, a town's lanes — fire as scattered small regions, which renders do not show).
 */
export function seedGridFor(grid: readonly number[], floor: number | undefined): number[] {
  if (!floor) return [...grid];
  const kept = grid.filter((k) => k >= floor);
  return kept.length ? kept : [floor];
}

/** `--min-seed-cells straw_burning=8,exposed_slope=8`: a floor per class (1–64 cells). */
export function parseSeedFloor(text: string): Partial<Record<TriageClass, number>> {
  const out: Partial<Record<TriageClass, number>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [cls, value] = part.split('=');
    if (!(TRIAGE_CLASSES as readonly string[]).includes(cls ?? ''))
      throw new Error(`--min-seed-cells: 未知类别 ${cls} / unknown class ${cls} (one of ${TRIAGE_CLASSES.join(', ')})`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new Error(
        `--min-seed-cells: ${cls} 的种子格数须为 1–64 的整数 / the seed cells of ${cls} must be an integer 1–64, got ${value}`,
      );
    out[cls as TriageClass] = n;
  }
  if (!Object.keys(out).length)
    throw new Error('--min-seed-cells 需要 类别=格数 / --min-seed-cells needs class=cells, e.g. exposed_slope=8');
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
 * `maxRate` of the negative photos, and three classes add up. Each class may only move up from its point:
 * its candidates are its point and every higher grid threshold (same seed count) at which it fires on fewer
 * negative photos. Of all combinations whose union of firing negative photos keeps the limit, the one with
 * the highest sum of per-class `val` recall (each class counts alike, so a rare class is not the first to
 * go; ties: more true positives, then the lower thresholds). When none keeps it, the combination with the
 * fewest firing photos (logged). Returns new points, validation figures updated.
 *
 * `otherSeeds` (round 14; absent = off): a class may also change its seed count. For each other count of
 * `otherSeeds.grid` its candidates are the lowest grid threshold at which its `val` precision reaches
 * `otherSeeds.targetPrecision` (with a true positive) while it fires on at most the allowed number of
 * negative photos, and every higher threshold at that count that fires on fewer: the per-class rule's
 * points at the other counts, within the whole model's budget. Raising the threshold at a fixed count
 * often costs more recall than a larger region at a lower one (three classes, each firing on a different
 * negative photo, must give up photos to a 2-photo limit).
 *
 * `fixed`: classes whose point was kept from another model (`--keep-points`); they stay where they are and
 * are left out of the count, so the other classes keep the limit among themselves.
 */
export function limitModelNegatives(
  points: ChosenThresholds,
  val: (ScoredPhoto & { classes: ReadonlySet<string> })[],
  negatives: ScoredPhoto[],
  manifestFor: (cls: TriageClass, threshold: number, minSeedCells: number) => ModelManifest,
  grid: number[],
  maxRate: number,
  log: (line: string) => void = () => {},
  otherSeeds?: { grid: number[]; targetPrecision: number; floor?: Partial<Record<TriageClass, number>> },
  fixed: ReadonlySet<string> = new Set(),
): ChosenThresholds {
  const allowed = Math.floor(maxRate * negatives.length + 1e-9);
  // Kept points neither move nor count: the classes chosen here keep the limit among themselves (were the
  // kept classes' photos counted, a kept class already over the limit would silence every other class).
  const classes = TRIAGE_CLASSES.filter((c) => points[c] && !fixed.has(c));
  if (!classes.length) {
    log('whole-model negative limit: every point is kept, none moves');
    return structuredClone(points);
  }
  const kept = fixed.size ? `, kept points of ${[...fixed].join(', ')} left out` : '';
  type Candidate = { threshold: number; minSeedCells: number; neg: Set<number>; tp: number; fp: number; fn: number };
  const firing = (cls: TriageClass, t: number, k: number): Candidate => {
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
    return { threshold: t, minSeedCells: k, neg, tp, fp, fn };
  };
  /** From `first` up the grid at its seed count: each threshold that fires on fewer negative photos. */
  const chain = (c: TriageClass, first: Candidate): Candidate[] => {
    const list = [first];
    for (const t of grid.filter((g) => g > first.threshold)) {
      if (!list.at(-1)!.neg.size) break;
      const next = firing(c, t, first.minSeedCells);
      if (next.neg.size < list.at(-1)!.neg.size) list.push(next);
    }
    return list;
  };
  const candidates = classes.map((c) => {
    const { threshold, minSeedCells } = points[c]!;
    const list = chain(c, firing(c, threshold, minSeedCells));
    for (const k of otherSeeds ? seedGridFor(otherSeeds.grid, otherSeeds.floor?.[c]) : []) {
      if (k === minSeedCells) continue;
      for (const t of grid) {
        const x = firing(c, t, k);
        if (x.tp > 0 && x.tp / (x.tp + x.fp) >= otherSeeds!.targetPrecision && x.neg.size <= allowed) {
          list.push(...chain(c, x));
          break;
        }
      }
    }
    return list;
  });
  const recall = (x: Candidate): number => (x.tp + x.fn ? x.tp / (x.tp + x.fn) : 0);
  type Combo = { pick: Candidate[]; fired: number; score: number; tp: number };
  let best: Combo | null = null;
  const better = (a: Combo, b: Combo): boolean => {
    const aOk = a.fired <= allowed;
    const bOk = b.fired <= allowed;
    if (aOk !== bOk) return aOk;
    if (!aOk && a.fired !== b.fired) return a.fired < b.fired;
    if (Math.abs(a.score - b.score) > 1e-12) return a.score > b.score;
    return a.tp > b.tp;
  };
  const walk = (ci: number, pick: Candidate[]): void => {
    if (ci === classes.length) {
      const fired = new Set(pick.flatMap((p) => [...p.neg])).size;
      const combo = {
        pick: [...pick],
        fired,
        score: pick.reduce((s, p) => s + recall(p), 0),
        tp: pick.reduce((s, p) => s + p.tp, 0),
      };
      if (!best || better(combo, best)) best = combo;
      return;
    }
    for (const c of candidates[ci]!) walk(ci + 1, [...pick, c]);
  };
  walk(0, []);
  const out: ChosenThresholds = structuredClone(points);
  const chosen = best as Combo | null;
  if (!chosen) return out;
  const before = new Set(candidates.flatMap((l) => [...l[0]!.neg])).size;
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  classes.forEach((c, i) => {
    const f = chosen.pick[i]!;
    if (f.threshold === points[c]!.threshold && f.minSeedCells === points[c]!.minSeedCells) return;
    out[c] = {
      ...points[c]!,
      threshold: f.threshold,
      minSeedCells: f.minSeedCells,
      precision: round(f.tp + f.fp ? f.tp / (f.tp + f.fp) : 1),
      recall: round(recall(f)),
      negativeRate: round(negatives.length ? f.neg.size / negatives.length : 0),
    };
    const seeds =
      f.minSeedCells === points[c]!.minSeedCells ? '' : `, seed cells ${points[c]!.minSeedCells} → ${f.minSeedCells}`;
    log(
      `whole-model negative limit: ${c} threshold ${points[c]!.threshold} → ${f.threshold}${seeds} (validation recall ${points[c]!.recall.toFixed(3)} → ${out[c]!.recall.toFixed(3)})`,
    );
  });
  log(
    chosen.fired <= allowed
      ? `whole-model negative limit: the model fires on ${chosen.fired} of ${negatives.length} negative photos (${before} at the per-class points; at most ${allowed} allowed${kept})`
      : `whole-model negative limit: ${chosen.fired} of ${negatives.length} negative photos still fire and no threshold of the grid removes them (at most ${allowed} allowed${kept})`,
  );
  return out;
}
