/**
 * Per-class box growth of a segmentation model (`output.boxGrow`), chosen by measurement: the factor of its
 * threshold a kept region's box extends down to decides how much of the object the box covers. Which regions
 * are kept does not depend on it, only the boxes and the outlines the cases get. The shipped model's boxes
 * were its regions' (grown to 0.5): on rendered `val` photos a slide's box matched its label far more often
 * extended to 0.1 or 0.2 (AP@0.5 0.49 → 0.61, 0.47 → 0.61), burns' and outfalls' no more often.
 */
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';

/** The factors tried, tight to loose (only those below the model's regionGrow change anything). */
export const GROW_GRID = [1, 0.85, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1] as const;

/** AP@0.5 per class (null: no box labels of it) measured with one box growth factor for every class. */
export interface GrowTrial {
  grow: number;
  ap50: Partial<Record<TriageClass, number | null>>;
}

/**
 * AP@0.5 a box growth must add over the region's own box (the largest factor tried) to be taken: on rendered
 * `val` sets the straw and outfall figures move by a few hundredths from factor to factor and the held-out
 * `test` splits disagree with the best of them (straw 0.29 → 0.26 and 0.30 → 0.20 at the `val` pick of 0.4);
 * slopes gain 0.13–0.14 on `val` and 0.05–0.20 on `test`.
 */
export const MIN_AP_GAIN = 0.05;

/**
 * Per class the factor with the highest AP@0.5 over the trials, when it beats the trial with the largest factor
 * (the region's own box) by MIN_AP_GAIN; on a tie the tighter one (the larger factor: the same matches with less
 * ground outlined). A class that gains less, or has no box labels, keeps the factor it has (`current`), or none.
 */
export function pickBoxGrow(
  trials: readonly GrowTrial[],
  current: Partial<Record<TriageClass, number>>,
  minGain = MIN_AP_GAIN,
): Partial<Record<TriageClass, number>> {
  const out: Partial<Record<TriageClass, number>> = {};
  const own = trials.reduce<GrowTrial | null>((a, t) => (!a || t.grow > a.grow ? t : a), null);
  for (const cls of TRIAGE_CLASSES) {
    let best: { grow: number; ap: number } | null = null;
    for (const t of trials) {
      const ap = t.ap50[cls];
      if (ap === null || ap === undefined) continue;
      if (!best || ap > best.ap || (ap === best.ap && t.grow > best.grow)) best = { grow: t.grow, ap };
    }
    const base = own?.ap50[cls];
    const gains = best && base !== null && base !== undefined && best.ap >= base + minGain;
    const g = gains ? best!.grow : current[cls];
    if (g !== undefined) out[cls] = g;
  }
  return out;
}
