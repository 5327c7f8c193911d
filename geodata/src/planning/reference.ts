import { dist, type Poly, type Pt } from './geom.ts';
import { layoutCenterlines } from './lanes.ts';

export interface ReferenceResult {
  lengthM: number;
  headingDeg: number;
  turns: number;
}

/**
 * The benchmark reference: the best single-heading lawnmower over a block — every heading at 1°
 * steps, lanes clipped to the block on their centre lines, flown in strip order with turnaround
 * extensions of `marginM`, connections straight. Returns the shortest.
 */
export function referenceLawnmower(poly: Poly, spacingM: number, marginM: number): ReferenceResult {
  let best: ReferenceResult = { lengthM: Infinity, headingDeg: 0, turns: 0 };
  for (let d = 0; d < 180; d++) {
    const a = (d * Math.PI) / 180;
    const layout = layoutCenterlines(poly, a, spacingM);
    let len = 0;
    let turns = 0;
    let prev: Pt | null = null;
    let forward = true;
    for (const strip of layout.strips) {
      const comps = forward ? strip.comps : [...strip.comps].reverse();
      for (const [x0, x1] of comps) {
        const s = forward ? x0 - marginM : x1 + marginM;
        const e = forward ? x1 + marginM : x0 - marginM;
        len += Math.abs(e - s);
        const start: Pt = [s, strip.y];
        if (prev) {
          len += dist(prev, start);
          turns++;
        }
        prev = [e, strip.y];
      }
      if (strip.comps.length > 0) forward = !forward;
    }
    if (len > 0 && len < best.lengthM) best = { lengthM: len, headingDeg: (450 - d) % 360, turns };
  }
  return best;
}
