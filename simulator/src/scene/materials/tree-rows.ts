/**
 * Trees planted in rows (street trees along avenues, trees along field ridges): round crowns with a lobed
 * rim at a regular spacing along a line, a share of the spots empty. Explicit crowns rather than the canopy
 * texture's, whose crowns overlap: keeping only those centred on a line cut the kept ones wherever a dropped
 * one lay over them, and at oblique views the cut crowns stood up as thin posts.
 */
import { hash2 } from '../noise.ts';

/** The row crown under the last point asked (reused object): 0..1 up its dome, outward normal, own tone. */
export const rowCrown = { hgt: 0, nx: 0, ny: 0, id: 0 };

/** How far (m) a crown reaches past its mean radius (the largest radius it draws is 1.2 × 1.17 of it). */
export const ROW_CROWN_REACH = 1.41;

/**
 * The crown over a point `along` metres along row `row` and `across` metres off its line, into rowCrown;
 * false where none. Crowns stand every `spacingM` (jittered), `planted` the share of spots with one, mean
 * radius `radiusM`; where two meet, the nearer centre (in radii) wins. (ax, ay) and (bx, by) are the row's
 * and the across direction in the scene, for the normal.
 */
export function rowCrownAt(
  along: number,
  across: number,
  row: number,
  spacingM: number,
  radiusM: number,
  planted: number,
  salt: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): boolean {
  if (Math.abs(across) > radiusM * ROW_CROWN_REACH) return false;
  const k0 = Math.floor(along / spacingM);
  let best = 1;
  for (let k = k0 - 1; k <= k0 + 1; k++) {
    const id = hash2(k, row, salt + 21);
    if (id > planted) continue;
    const da = along - (k + 0.5 + 0.3 * (hash2(k, row, salt + 22) - 0.5)) * spacingM;
    const ang = Math.atan2(across, da);
    const lobe = 1 + 0.1 * Math.sin(5 * ang + id * 40) + 0.07 * Math.sin(3 * ang + id * 17);
    const r = radiusM * (0.8 + 0.4 * hash2(k, row, salt + 23)) * lobe;
    const d2 = (da * da + across * across) / (r * r);
    if (d2 >= best) continue;
    best = d2;
    rowCrown.hgt = Math.sqrt(1 - d2);
    // The dome's outward normal in the scene, flattened (a crown is a low dome of leaves, not a ball).
    rowCrown.nx = (0.7 * (da * ax + across * bx)) / r;
    rowCrown.ny = (0.7 * (da * ay + across * by)) / r;
    rowCrown.id = id / planted;
  }
  return best < 1;
}
