import { describe, expect, it } from 'vitest';
import { labelGrid, labelGridRows } from './label-grid.ts';

describe('labelGrid', () => {
  it('gives each incident the share of each cell where it is seen, and nothing to hard negatives', () => {
    // 8 × 6 samples, a 4 × 3 grid of 2 × 2-sample cells.
    const sw = 8;
    const shh = 6;
    const label = new Int16Array(sw * shh);
    const set = (i: number, j: number, v: number): void => {
      label[j * sw + i] = v;
    };
    // Incident 1 fills cell (0, 0) and one sample of cell (1, 0); incident 2 covers half of cell (3, 2).
    for (const [i, j] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
    ] as const)
      set(i, j, 1);
    set(6, 4, 2);
    set(7, 5, 2);
    set(4, 4, -3); // a hard negative: not an incident
    const g = labelGrid(label, sw, shh, 2, 4);
    expect([g.cols, g.rows]).toEqual([4, 3]);
    expect(g.shares).toHaveLength(2);
    const [a, b] = g.shares as [Uint8Array, Uint8Array];
    expect(a[0]).toBe(255);
    expect(a[1]).toBe(64);
    expect([...a].filter((v) => v > 0)).toHaveLength(2);
    expect(b[2 * 4 + 3]).toBe(128);
    expect([...b].filter((v) => v > 0)).toHaveLength(1);
  });

  it('keeps cells about square and counts uneven cells by their own size', () => {
    expect(labelGridRows(512, 384)).toBe(48);
    expect(labelGridRows(4000, 3000)).toBe(48);
    expect(labelGridRows(100, 100)).toBe(64);
    // 5 samples over 2 columns: cells of 3 and 2 samples; a full second cell is 255, not 2/3 of it.
    const label = new Int16Array([0, 0, 0, 1, 1]);
    const g = labelGrid(label, 5, 1, 1, 2);
    expect(g.rows).toBe(1);
    expect([...(g.shares[0] as Uint8Array)]).toEqual([0, 255]);
  });
});
