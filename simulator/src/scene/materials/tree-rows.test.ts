import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoLayers } from '../demo-world.ts';
import { buildScene } from '../scene.ts';
import { Shader } from '../shade.ts';
import { Surface } from '../surface.ts';
import { farmlandHeight, plotGrid, shadeFarmland } from './fields.ts';
import { ROW_CROWN_REACH, rowCrown, rowCrownAt } from './tree-rows.ts';

describe('rowCrownAt', () => {
  it('draws round crowns on the row line: a domed top, an outward normal, nothing past their reach', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.integer({ min: -50, max: 50 }),
        (along, across, row) => {
          const ang = 0.7;
          const [ax, ay, bx, by] = [Math.cos(ang), Math.sin(ang), -Math.sin(ang), Math.cos(ang)];
          const on = rowCrownAt(along, across, row, 6, 2, 0.7, 5, ax, ay, bx, by);
          if (Math.abs(across) > 2 * ROW_CROWN_REACH) expect(on).toBe(false);
          if (!on) return;
          expect(rowCrown.hgt).toBeGreaterThan(0);
          expect(rowCrown.hgt).toBeLessThanOrEqual(1);
          expect(Math.hypot(rowCrown.nx, rowCrown.ny)).toBeLessThan(1);
          // The normal leans away from the row line, to the side the point is on.
          if (Math.abs(across) > 0.5) expect(Math.sign(rowCrown.nx * bx + rowCrown.ny * by)).toBe(Math.sign(across));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('ridge trees', () => {
  it('stand whole: the crowns along ridges are round, not slivers cut out of the canopy texture', () => {
    const sh = new Shader(buildScene({ layers: demoLayers(), incidents: [], seed: 7 }), [], () => 0);
    const grid = plotGrid(sh, undefined);
    const s = new Surface();
    // Ridge crowns stand 3.85–7 m; greenhouse tunnels (greenhouse.ts) 3 m at most.
    const tree = (x: number, y: number): boolean => farmlandHeight(sh, x, y, grid, false) > 3.2;
    let trees = 0;
    let inner = 0;
    for (let x = 0; x < 300; x += 0.5)
      for (let y = 0; y < 300; y += 0.5) {
        if (!tree(x, y)) continue;
        trees++;
        if (tree(x + 0.5, y) && tree(x - 0.5, y) && tree(x, y + 0.5) && tree(x, y - 0.5)) inner++;
        // What the height says stands there is what is painted: a crown, not the plot.
        s.reset();
        shadeFarmland(sh, s, x, y, 0.05, grid, false);
        expect(sh.pixelPlot.on).toBe(false);
        expect(s.objH).toBeGreaterThan(0);
      }
    expect(trees).toBeGreaterThan(500);
    // Crowns of ~2 m radius sampled every 0.5 m: over half their points lie 0.5 m inside them (cut slivers: few).
    expect(inner / trees).toBeGreaterThan(0.5);
  });
});
