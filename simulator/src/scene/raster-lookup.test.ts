import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoLayers } from './demo-world.ts';
import { GROUND, type SceneFeature } from './layers.ts';
import { LEVEL_CELL_M, GroundRaster, type GroundTile } from './raster.ts';
import { RasterMemo, edgeWarp, lookupBlended, lookupCell } from './raster-lookup.ts';
import { buildScene } from './scene.ts';
import { Shader } from './shade.ts';

/** A raster holding one field: the half-plane below the line y = slope·x, clipped to a 60 m square. */
function fieldBelow(slope: number): GroundRaster {
  const ring = new Float64Array([-30, -30, 30, -30, 30, 30 * slope, -30, -30 * slope]);
  const f: SceneFeature = {
    cls: GROUND.farmland,
    index: 1,
    polygons: [[ring]],
    lines: [],
    halfWidthM: 0,
    bankM: 0,
    bbox: [-30, -30, 30, 30],
    rand: 0.5,
    axisRad: 0,
  };
  return new GroundRaster([f]);
}

/** Where, along x at height y, the read turns from field to no field (m), to 1 mm. */
function edgeAt(read: (x: number, y: number) => number, y: number, x0: number, x1: number): number {
  // The field is below the line: at a fixed y it lies right of the edge for a rising line.
  let lo = x0;
  let hi = x1;
  while (hi - lo > 1e-3) {
    const mid = (lo + hi) / 2;
    if (read(mid, y) === GROUND.farmland) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

describe('class raster reads', () => {
  const level = 0;
  const cell = LEVEL_CELL_M[level];

  it('run a slanted class edge as a smooth line near the polygon, not in steps of a cell', () => {
    // Edges steeper than 45° to 76°, read along y (the method is the same along x, so shallower edges read
    // along x are these).
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (slope, yStart) => {
          const raster = fieldBelow(slope);
          const m = new RasterMemo();
          const out = { aux: 0 };
          const blended = (x: number, y: number): number => {
            const k = lookupBlended(raster, m, x, y, level, out);
            return (m.tile as GroundTile).cls[k] as number;
          };
          const nearest = (x: number, y: number): number => {
            const k = lookupCell(raster, m, x, y, level);
            return (m.tile as GroundTile).cls[k] as number;
          };
          // The edge's x along 1 cm steps of y: the blended read moves by about slope⁻¹ cm a step, the cell
          // read jumps a whole cell at a time.
          let worstBlended = 0;
          let worstNearest = 0;
          let prevB = Number.NaN;
          let prevN = Number.NaN;
          for (let y = yStart; y < yStart + 1; y += 0.01) {
            const xb = edgeAt(blended, y, y / slope - 2, y / slope + 2);
            const xn = edgeAt(nearest, y, y / slope - 2, y / slope + 2);
            // It stays on the polygon's own edge to within half a cell (across the edge).
            expect(Math.abs(slope * xb - y) / Math.hypot(1, slope)).toBeLessThan(cell / 2);
            if (prevB === prevB) worstBlended = Math.max(worstBlended, Math.abs(xb - prevB));
            if (prevN === prevN) worstNearest = Math.max(worstNearest, Math.abs(xn - prevN));
            prevB = xb;
            prevN = xn;
          }
          // Measured 0.010–0.011 m for slopes 1–3; a cell is 0.25 m.
          expect(worstBlended).toBeLessThan(0.03);
          // What the blend replaces: steps of a cell.
          expect(worstNearest).toBeGreaterThan(cell * 0.8);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('interpolate the auxiliary value inside one region, so gradients across a river have no steps', () => {
    const raster = fieldBelow(1);
    const m = new RasterMemo();
    const out = { aux: 0 };
    // Fill a patch of aux values that rise by one per cell, as a river's distance from its centreline does.
    const k0 = lookupCell(raster, m, 10.1, -20.1, level);
    const t = m.tile as GroundTile;
    for (let j = -4; j <= 4; j++) for (let i = -4; i <= 4; i++) t.aux[k0 + j * 256 + i] = 100 + i;
    const xs: number[] = [];
    for (let x = 10.1 - 0.5; x <= 10.1 + 0.5; x += 0.02) {
      lookupBlended(raster, m, x, -20.1, level, out);
      xs.push(out.aux);
    }
    for (let k = 1; k < xs.length; k++) {
      const d = (xs[k] as number) - (xs[k - 1] as number);
      // One per cell, 0.02 m apart: 0.08 a step, never a whole one.
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThan(0.1);
    }
  });

  it('bend edges by a smooth warp of a few tenths of the amplitude between points a centimetre apart', () => {
    let worst = 0;
    let spread = 0;
    for (let x = 0; x < 20; x += 0.01) {
      const a = edgeWarp(x, 3.7, 0);
      const b = edgeWarp(x + 0.01, 3.7, 0);
      worst = Math.max(worst, Math.abs(a - b));
      spread = Math.max(spread, Math.abs(a));
      expect(Math.abs(a)).toBeLessThan(1.1);
    }
    // Continuous (the hashed jitter it replaced jumped by up to 2 between lattice cells) …
    expect(worst).toBeLessThan(0.05);
    // … and large enough to wander: it uses most of its range.
    expect(spread).toBeGreaterThan(0.5);
  });
});

describe('class edges in the shader', () => {
  it('are wandering lines at a centimetre footprint, not steps of the raster', () => {
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 7 });
    const sh = new Shader(scene, [], () => 0);
    const n = 300;
    const g = new Uint8Array(n * n);
    for (const y0 of [0, 40, -80, 120]) {
      // A river bank: the first change from land to water along x at y0.
      const water = (x: number, y: number): boolean => sh.groundClassAt(x, y, 0.01) === GROUND.water;
      let x0 = -600;
      while (x0 < 600 && water(x0, y0) === water(x0 + 2, y0)) x0 += 2;
      expect(x0).toBeLessThan(600);
      // The classes of a 3 m square around it, read 1 cm apart.
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) g[j * n + i] = sh.groundClassAt(x0 - 1.5 + i * 0.01, y0 - 1.5 + j * 0.01, 0.01);
      // Straight runs of the boundary along x or y, 12 cm and longer: the treads and risers of steps.
      let runs = 0;
      for (const along of [1, n]) {
        const across = along === 1 ? n : 1;
        for (let a = 0; a + 1 < n; a++) {
          let run = 0;
          for (let b = 0; b <= n; b++) {
            const k = a * across + b * along;
            if (b < n && g[k] !== g[k + across]) run++;
            else {
              if (run >= 12) runs++;
              run = 0;
            }
          }
        }
      }
      // Measured 1–5 (the hashed jitter and cell read it replaced: 18–31 in the same squares).
      expect(runs).toBeLessThan(8);
    }
  });
});
