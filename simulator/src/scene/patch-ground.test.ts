/**
 * Where the forest, town and dirt-lane patches draw: never over water, houses and bare-earth lanes
 * only on gentle ground (red earth on a steep slope is an exposed slope, the class they must not be).
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from './demo-shader.ts';
import { demoRiverY } from './demo-world.ts';
import { PATCH_KINDS, type PatchKind } from './distractor-schema.ts';
import { Shader } from './shade.ts';
import { Surface } from './surface.ts';

const riverY = demoRiverY(0);

/** A shader of the demo world with one patch of `kind` centred on the river at x = 0. */
function shaderWith(kind: PatchKind): Shader {
  const [lon, lat] = demoLonLat(0, riverY);
  return demoShader({ distractors: [{ id: 'p', kind, lon, lat, lengthM: 300, widthM: 300, headingDeg: 10 }], seed: 5 });
}

/** Share of sample points in the patch tagged as `kind`, at terrain slope (hx, 0). */
function taggedShare(sh: Shader, kind: PatchKind, yFrom: number, yTo: number, hx: number): number {
  const s = new Surface();
  let n = 0;
  let tagged = 0;
  for (let x = -60; x <= 60; x += 7)
    for (let y = yFrom; y <= yTo; y += 3) {
      sh.surface(x, y, 0, hx, 0, 0.3, s);
      n++;
      if (s.tag === Shader.tagOf[kind]) tagged++;
    }
  return tagged / n;
}

describe('patch hard negatives on the ground', () => {
  it.each(PATCH_KINDS)('%s covers land inside it but never the river', (kind) => {
    const sh = shaderWith(kind);
    // Water at the river's centre line, land 40–80 m from it.
    expect(taggedShare(sh, kind, riverY - 1, riverY + 1, 0)).toBe(0);
    expect(taggedShare(sh, kind, riverY + 40, riverY + 80, 0)).toBeGreaterThan(0.8);
  });

  it('houses and lanes stay off steep ground; forest, woodland and scrub stand on hillsides', () => {
    for (const kind of ['town_roofs', 'dirt_lanes'] as const)
      expect(taggedShare(shaderWith(kind), kind, riverY + 40, riverY + 80, 0.6)).toBe(0);
    for (const kind of ['dark_forest', 'sparse_canopy', 'dry_scrub'] as const)
      expect(taggedShare(shaderWith(kind), kind, riverY + 40, riverY + 80, 0.6)).toBeGreaterThan(0.8);
  });
});
