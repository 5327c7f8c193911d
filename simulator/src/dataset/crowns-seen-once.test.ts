/**
 * Open woodland with its trees standing shows each crown once: a ray that reached the ground under a
 * standing crown, past its side, met the crown painted flat on the ground there again, lit as at its top,
 * so in oblique and even nadir views every crown had a bright twin beside it (a fifth to a third more lit
 * foliage than the same photo with the crowns painted flat). Rendered from the gallery's open-woodland patch.
 */
import { describe, expect, it } from 'vitest';
import { renderTest } from '../camera/test-render.ts';
import { gallerySpec } from './gallery-spec.ts';
import { sceneOf } from './render-sample.ts';

/** Pixels of sunlit foliage: green above red and blue, and bright. */
function litFoliage(rgb: Buffer): number {
  let n = 0;
  for (let k = 0; k < rgb.length; k += 3) {
    const r = rgb[k] as number;
    const g = rgb[k + 1] as number;
    const b = rgb[k + 2] as number;
    if (g > r && g > b && g > 120) n++;
  }
  return n;
}

describe('standing crowns in open woodland', () => {
  it.each([-90, -45])('are seen once at %i° pitch: as much lit foliage as with the crowns painted flat', (pitchDeg) => {
    const spec = gallerySpec({
      subject: 'sparse_canopy',
      season: 'autumn',
      weather: 'clear',
      pitchDeg,
      widthPx: 400,
      heightPx: 300,
      seed: 7,
    });
    const scene = () => sceneOf(spec);
    const standing = litFoliage(renderTest(scene, spec.camera, spec.request).data);
    const flat = litFoliage(renderTest(scene, spec.camera, spec.request, 'treeHeight').data);
    expect(flat).toBeGreaterThan(5000);
    // With the twins: 1.26 straight down, 1.42 at 45°. Without: 1.03 straight down and 1.18 at 45°, since far
    // crowns are drawn one by one (standing, they hide the ground behind them; BLEND_FOOT_TEXELS). Measured
    // with light applied to display colours as light^(1/2.2) (shade.ts, displayGain); with light multiplied
    // in straight the figures were 1.29 / 1.21 and 0.98 / 1.13, and foliage under a standing crown lit as
    // if in the sun (its shadow now lies off the trunk) 1.26 at 45°.
    expect(standing / flat).toBeLessThan(1.22);
    expect(standing / flat).toBeGreaterThan(0.85);
  });
});
