/** Per-cell training targets from boxes: half-covered cells positive, touched cells ignored, optional core. */
import { describe, expect, it } from 'vitest';
import { cellTargets } from '../src/training/cell-targets.ts';

// 8×4 cells of 10 px; an outfall box (class index 1) over cells x 1–6, y 0–3 (60×40 px)
const box = { cls: 'sewage_outfall' as const, x0: 10, y0: 0, x1: 70, y1: 40 };
const plane = 32;
const grid = (a: Uint8Array): string[] =>
  Array.from({ length: 4 }, (_, y) => Array.from(a.subarray(plane + y * 8, plane + (y + 1) * 8)).join(''));

describe('cellTargets', () => {
  it('cells at least half inside the box are positive', () => {
    const t = cellTargets([box], 8, 4, 10);
    expect(grid(t.y)).toEqual(['01111110', '01111110', '01111110', '01111110']);
    expect(grid(t.ignore)).toEqual(['00000000', '00000000', '00000000', '00000000']);
  });

  it('with a core share only the centre of the box is positive, the rest of it ignored', () => {
    const t = cellTargets([box], 8, 4, 10, { sewage_outfall: 0.5 });
    // core: x 25–55, y 10–30 → cell centres 25, 35, 45, 55 and 15, 25
    expect(grid(t.y)).toEqual(['00000000', '00111100', '00111100', '00000000']);
    expect(grid(t.ignore)).toEqual(['01111110', '01000010', '01000010', '01111110']);
    // other classes are untouched by another class's core
    expect(Array.from(t.y.subarray(0, plane)).every((v) => v === 0)).toBe(true);
  });
});

describe('cellTargets from a mask', () => {
  // The plume covers cells x 2–3 of row 1 fully, x 4 of row 1 by 30 % and x 2 of row 2 by 10 %.
  const masked = {
    ...box,
    mask: [
      { x0: 20, y0: 10, x1: 40, y1: 20, share: 1 },
      { x0: 40, y0: 10, x1: 50, y1: 20, share: 0.3 },
      { x0: 20, y0: 20, x1: 25, y1: 22, share: 1 },
    ],
  };

  it('takes as positive the cells the object covers, ignoring the rest of its box', () => {
    const t = cellTargets([masked], 8, 4, 10, {}, { sewage_outfall: { share: 0.25 } });
    expect(grid(t.y)).toEqual(['00000000', '00111000', '00000000', '00000000']);
    expect(grid(t.ignore)).toEqual(['01111110', '01000110', '01111110', '01111110']);
  });

  it('with outside, the box cells it covers none of are negatives; barely covered ones stay ignored', () => {
    const t = cellTargets([masked], 8, 4, 10, {}, { sewage_outfall: { share: 0.5, outside: true } });
    expect(grid(t.y)).toEqual(['00000000', '00110000', '00000000', '00000000']);
    expect(grid(t.ignore)).toEqual(['00000000', '00001000', '00100000', '00000000']);
  });

  it('boxes without a mask, and classes without the option, keep the box rule', () => {
    const withMask = cellTargets([box], 8, 4, 10, {}, { sewage_outfall: { share: 0.25 } });
    expect(withMask).toEqual(cellTargets([box], 8, 4, 10));
    const otherClass = cellTargets([masked], 8, 4, 10, {}, { straw_burning: { share: 0.25 } });
    expect(otherClass).toEqual(cellTargets([box], 8, 4, 10));
  });
});
