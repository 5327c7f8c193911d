import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATCH_KINDS } from '../distractor-schema.ts';
import { demoLayers } from '../demo-world.ts';
import { buildScene } from '../scene.ts';
import { Shader } from '../shade.ts';
import { Surface } from '../surface.ts';
import { drawPatchLook, patchHeight, shadePatch, type BlockLook } from './built-and-dark.ts';
import type { ForestLook } from './dark-forest.ts';
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
        const here = patchHeight(sh, a, q, a, q, look, 11, 1, 0) > 0;
        const there = patchHeight(sh, a + 537, q + 211, a, q, look, 11, 1, 0) > 0;
        if (here) houses++;
        if (here !== there) differ++;
      }
    sh.builtOnly = false;
    expect(houses).toBeGreaterThan(1000);
    expect(differ).toBe(0);
  });

  describe('town blocks', () => {
    const sh = new Shader(buildScene({ layers: demoLayers(), incidents: [], seed: 7 }), [], () => 0);
    // A heading of 30°: the patch frame is turned against the scene's axes.
    const sinH = Math.sin(Math.PI / 6);
    const cosH = Math.cos(Math.PI / 6);
    const scene = (a: number, q: number): [number, number] => [a * sinH + q * cosH, a * cosH - q * sinH];
    const built = (look: BlockLook, a: number, q: number): number => {
      const [x, y] = scene(a, q);
      sh.builtOnly = true;
      const h = patchHeight(sh, x, y, a, q, look, 11, sinH, cosH);
      sh.builtOnly = false;
      return h;
    };

    it('stands what it paints on flat roofs: stairwells, heaters, tanks and sheds rise above the roof', () => {
      const s = new Surface();
      let seeds = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const look = { ...(drawPatchLook('town_roofs', seed) as BlockLook), flatShare: 1 };
        const bare = { ...look, shedShare: -1 };
        let roof = 0;
        let above = 0;
        for (let a = 0; a < 80; a += 0.37)
          for (let q = 0; q < 80; q += 0.41) {
            const h = built(look, a, q);
            if (h <= 0) continue;
            roof++;
            const [x, y] = scene(a, q);
            s.reset();
            shadePatch(sh, s, x, y, a, q, 0.05, look, 11, sinH, cosH);
            // The height the shadows and camera rays meet is the one the roof's paint says.
            expect(s.objH).toBeCloseTo(h, 9);
            const h0 = built(bare, a, q);
            expect(h).toBeGreaterThanOrEqual(h0);
            if (h > h0) above++;
          }
        expect(roof).toBeGreaterThan(5000);
        // Something stands on a few per cent of the roof area (a stairwell alone is ~8 m² of ~100 m²).
        if (above / roof > 0.03 && above / roof < 0.5) seeds++;
      }
      expect(seeds).toBe(6);
    });

    it('lines its avenues with street trees and keeps them off the narrow lanes and the roofs', () => {
      const look = drawPatchLook('town_roofs', 3) as BlockLook;
      expect(look.avenueEvery).toBeGreaterThan(0);
      let trees = 0;
      for (let a = 0; a < 150; a += 0.5)
        for (let q = 0; q < 150; q += 0.5) {
          const [x, y] = scene(a, q);
          const h = patchHeight(sh, x, y, a, q, look, 11, sinH, cosH);
          const pitch = look.rowM + look.laneM;
          const rowsM = look.avenueEvery * pitch - look.laneM;
          const inGroup = q - Math.floor(q / (rowsM + look.avenueM)) * (rowsM + look.avenueM);
          // A narrow lane between two rows of the group: nothing stands in it.
          if (inGroup < rowsM && inGroup % pitch > look.rowM + 0.01) expect(h).toBe(0);
          if (h <= 0 || built(look, a, q) > 0) continue;
          // Not a house: a tree, in a yard's tree lot or along an avenue.
          if (inGroup >= rowsM) {
            trees++;
            // Street trees are as tall as the look says, within their dome.
            expect(h).toBeLessThanOrEqual(look.streetTreeM + 1e-9);
            expect(h).toBeGreaterThan(0.5 * look.streetTreeM);
          }
        }
      // Rows of crowns: a fair share of each avenue's area under trees.
      expect(trees).toBeGreaterThan(2000);
    });
  });
});
