import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEIGHT_CELL_M, HeightGrid } from './height-grid.ts';

describe('HeightGrid', () => {
  it('gives the exact height at lattice nodes and interpolates a plane exactly between them', () => {
    const plane = (x: number, y: number) => 2 + 0.5 * x - 0.25 * y;
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (x, y) => {
          const g = new HeightGrid(plane);
          expect(g.at(x, y, 0)).toBeCloseTo(plane(x, y), 3);
          const nx = Math.round(x / HEIGHT_CELL_M) * HEIGHT_CELL_M;
          const ny = Math.round(y / HEIGHT_CELL_M) * HEIGHT_CELL_M;
          expect(g.at(nx, ny, 1)).toBeCloseTo(plane(nx, ny), 3);
        },
      ),
    );
  });

  it('evaluates each node once and reads the same values in any order', () => {
    let calls = 0;
    const bumpy = (x: number, y: number) => {
      calls++;
      return Math.abs(Math.sin(x * 1.3) * Math.cos(y * 0.7)) * 9;
    };
    const pts = Array.from({ length: 400 }, (_, k) => [(k % 20) * 0.11 - 1, Math.floor(k / 20) * 0.13 - 1] as const);
    const a = new HeightGrid(bumpy);
    const fwd = pts.map(([x, y], k) => a.at(x, y, k));
    const nodes = calls;
    pts.forEach(([x, y], k) => a.at(x, y, k + 3));
    expect(calls).toBe(nodes);
    expect(nodes).toBeLessThan(pts.length);
    const b = new HeightGrid(bumpy);
    const rev = [...pts].reverse().map(([x, y], k) => b.at(x, y, k));
    expect(rev.reverse()).toEqual(fwd);
  });

  it('uses a coarser lattice for larger footprints', () => {
    let calls = 0;
    const f = () => {
      calls++;
      return 1;
    };
    const g = new HeightGrid(f);
    g.setFootprint(2);
    for (let k = 0; k < 100; k++) g.at(k * 0.1, 0, 0);
    expect(calls).toBeLessThanOrEqual(2 * 7);
  });
});
