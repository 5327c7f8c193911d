/**
 * The ground between village houses (issue 15): yards, gardens and lots without a house. It was all the
 * lanes' pale concrete (a village read as a car park with houses on it); lots without a house are now
 * kitchen gardens, weeds or bare earth, and yards are aged concrete or beaten earth.
 */
import { describe, expect, it } from 'vitest';
import { GROUND } from '../scene/layers.ts';
import { Surface } from '../scene/surface.ts';
import { galleryShader } from './gallery-shader.ts';

/** Shares of the village's open ground (no house, no crown) that are pale grey and that are green. */
function openGround(season: 'summer' | 'winter'): { grey: number; green: number } {
  // The gallery's cooking-smoke place: the middle of a village.
  const { sh, cx, cy } = galleryShader('cooking_smoke', season);
  const s = new Surface();
  let open = 0;
  let grey = 0;
  let green = 0;
  for (let y = cy - 60; y <= cy + 60; y += 0.7)
    for (let x = cx - 60; x <= cx + 60; x += 0.7) {
      if (sh.groundClassAt(x, y, 0.05) !== GROUND.village || sh.builtHeight(x, y) > 0) continue;
      sh.surface(x, y, 0, 0, 0, 0.05, s);
      if (s.objH > 0) continue;
      open++;
      const hi = Math.max(s.r, s.g, s.b);
      const lo = Math.min(s.r, s.g, s.b);
      if (hi - lo < 0.06 && (s.r + s.g + s.b) / 3 > 0.4) grey++;
      if (s.g > 1.15 * s.r && s.g > 1.15 * s.b) green++;
    }
  expect(open).toBeGreaterThan(5000);
  return { grey: grey / open, green: green / open };
}

describe('village ground', () => {
  it('is not all pale concrete: gardens, weeds and earth lie between the houses', () => {
    // Measured: pale grey 0.57 / 0.57, green 0.19 / 0.11 (summer / winter); all concrete before, 0.82 grey
    // and 0.05 green in both.
    const summer = openGround('summer');
    const winter = openGround('winter');
    expect(summer.grey).toBeLessThan(0.7);
    expect(winter.grey).toBeLessThan(0.7);
    expect(summer.green).toBeGreaterThan(0.14);
    expect(winter.green).toBeGreaterThan(0.08);
  });
});
