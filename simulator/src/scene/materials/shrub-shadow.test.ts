/**
 * Shrubs of a dry_scrub patch (1.2–2.5 m) cast their shadows on the grass in a high sun (issue 15): a
 * real drone frame of a dry slope (Agung) shows a dark crescent beside every shrub. The shadow mask skips
 * the nodes within 0.75 m toward the sun for points on an object, which for bare ground left shrubs of
 * less than 0.75 m × tan(elevation) without any shadow.
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from '../demo-shader.ts';
import { demoRiverY } from '../demo-world.ts';
import { Surface } from '../surface.ts';

const Y0 = demoRiverY(0) + 150;
const SUN_AZ_DEG = 150;

/** Share of the patch's bare ground (no shrub, boulder or crown over it) in shadow, sun `elevationDeg` up. */
function groundInShadow(seed: number, elevationDeg: number): number {
  const [lon, lat] = demoLonLat(0, Y0);
  const sh = demoShader({
    distractors: [{ id: 's', kind: 'dry_scrub', lon, lat, lengthM: 200, widthM: 150, headingDeg: 0 }],
    weather: { sunElevationDeg: elevationDeg, sunAzimuthDeg: SUN_AZ_DEG, haze: 0.2, season: 'summer' },
    seed,
  });
  const s = new Surface();
  let ground = 0;
  let shade = 0;
  for (let x = -30; x <= 30; x += 0.37)
    for (let y = Y0 - 30; y <= Y0 + 30; y += 0.41) {
      sh.surface(x, y, 0, 0, 0, 0.05, s);
      if (s.objH > 0) continue;
      ground++;
      if (sh.sunVisibility(x, y, 0, 0.05) < 0.5) shade++;
    }
  return shade / ground;
}

describe('dry scrub in a high sun', () => {
  it('every shrub shades the grass beside it, a thinner strip the higher the sun', () => {
    for (const seed of [3, 8]) {
      // 68° (a summer late morning in Zhejiang): a domed shrub's low rim casts a thin crescent, 0.5 % of
      // the grass under half sun (seed 3; none at all without the ground's own tops).
      const high = groundInShadow(seed, 68);
      expect(high).toBeGreaterThan(0.002);
      // 40°: longer shadows, more ground in them (seed 3: 4.9 %).
      expect(groundInShadow(seed, 40)).toBeGreaterThan(3 * high);
    }
  });
});
