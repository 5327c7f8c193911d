import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATCH_KINDS } from '../distractor-schema.ts';
import { demoLayers } from '../demo-world.ts';
import { buildScene } from '../scene.ts';
import { Shader } from '../shade.ts';
import { drawPatchLook, patchHeight, type BlockLook, type ForestLook } from './built-and-dark.ts';
import { isOpenLook } from './open-ground.ts';

const colours = (look: ReturnType<typeof drawPatchLook>): (readonly number[])[] =>
  look.kind === 'dark_forest'
    ? [look.crown, look.crownAlt, look.floor, look.crownBlue, look.litter, look.deadWood]
    : isOpenLook(look)
      ? [look.soil, look.cover, look.crown, look.itemColour]
      : [...look.roofs, look.lane, look.yard];

describe('drawPatchLook', () => {
  it('is a function of the seed: the same seed gives the same look, another seed another', () => {
    for (const kind of PATCH_KINDS) {
      expect(drawPatchLook(kind, 42)).toEqual(drawPatchLook(kind, 42));
      expect(drawPatchLook(kind, 42)).not.toEqual(drawPatchLook(kind, 43));
    }
  });

  it('stays inside the ranges that make each kind what it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        for (const kind of PATCH_KINDS) {
          const look = drawPatchLook(kind, seed);
          for (const c of colours(look))
            for (const v of c) {
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThan(1);
            }
        }
        // Dark forest: green crowns darker than the scene's broadleaf forest, a darker floor.
        const f = drawPatchLook('dark_forest', seed) as ForestLook;
        expect(f.crown[1]).toBeGreaterThan(f.crown[0]);
        expect(f.crown[1]).toBeLessThan(0.3);
        expect(Math.max(...f.floor)).toBeLessThan(Math.min(f.crown[1], f.crownAlt[1]));
        // Town: narrow lanes, mostly built over, grey roofs (no channel far from the others).
        const t = drawPatchLook('town_roofs', seed) as BlockLook;
        expect(t.laneM).toBeLessThanOrEqual(3.2);
        expect(t.houseShare).toBeGreaterThan(0.8);
        for (const r of t.roofs) expect(Math.max(...r) - Math.min(...r)).toBeLessThan(0.15);
        // Dirt lanes: red to ochre bare earth (r > g > b), wide wandering lanes.
        const d = drawPatchLook('dirt_lanes', seed) as BlockLook;
        expect(d.lane[0]).toBeGreaterThan(d.lane[1]);
        expect(d.lane[1]).toBeGreaterThan(d.lane[2]);
        expect(d.laneM).toBeGreaterThanOrEqual(3);
        expect(d.wander).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it("stands dirt-lane houses on straight rows: where a house stands does not follow the lanes' wander", () => {
    const sh = new Shader(buildScene({ layers: demoLayers(), incidents: [], seed: 7 }), [], () => 0);
    const look = drawPatchLook('dirt_lanes', 5) as BlockLook;
    expect(look.wander).toBeGreaterThan(0);
    // The same patch-frame point (a, q) read at two scene points: the lanes' wander noise differs there.
    sh.builtOnly = true;
    let houses = 0;
    let differ = 0;
    for (let a = 0; a < 60; a += 0.5)
      for (let q = 0; q < 60; q += 0.5) {
        const here = patchHeight(sh, a, q, a, q, look, 11) > 0;
        const there = patchHeight(sh, a + 537, q + 211, a, q, look, 11) > 0;
        if (here) houses++;
        if (here !== there) differ++;
      }
    sh.builtOnly = false;
    expect(houses).toBeGreaterThan(1000);
    expect(differ).toBe(0);
  });
});
