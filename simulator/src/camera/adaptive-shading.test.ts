import { describe, expect, it } from 'vitest';
import { THIN, shadeAdaptive, type ShadingBuffers } from './adaptive-shading.ts';

/**
 * A synthetic picture: flat grey ground crossed by a one-sample-wide dark line (a field ridge seen from
 * afar), x = 0.37·y + 5.2. `markReach`: samples within that many of the line are marked `fine`, as the
 * shader marks them near a thin line (Surface.nearThin); 0 marks none.
 */
function shadeLine(markReach: number): { b: ShadingBuffers; onLine: (i: number, j: number) => boolean } {
  const sw = 97;
  const shh = 81;
  const n = sw * shh;
  const b: ShadingBuffers = {
    sw,
    shh,
    lin: new Float32Array(n * 3),
    gxy: new Float32Array(n * 3),
    grain: new Float32Array(n),
    label: new Int16Array(n),
    fine: new Uint8Array(n),
  };
  const dist = (i: number, j: number): number => Math.abs(i - (0.37 * j + 5.2) - 30);
  const onLine = (i: number, j: number): boolean => dist(i, j) < 0.5;
  shadeAdaptive(
    b,
    (list, count) => {
      for (let q = 0; q < count; q++) {
        const o = list[q] as number;
        const j = Math.floor(o / sw);
        const i = o - j * sw;
        const v = onLine(i, j) ? 0.1 : 0.5;
        b.lin.fill(v, o * 3, o * 3 + 3);
        b.gxy[o * 3] = i;
        b.gxy[o * 3 + 1] = j;
        b.gxy[o * 3 + 2] = 1;
        // As the shader marks samples near a ridge: 2 within two samples, 1 within the reach.
        if (markReach > 0 && dist(i, j) < markReach) b.fine[o] = dist(i, j) < 2 ? THIN : 1;
      }
    },
    { adaptive: true, coarse: true },
  );
  return { b, onLine };
}

/** Rows in which the line's own sample did not come out dark. */
function rowsMissingTheLine(markReach: number): number {
  const { b, onLine } = shadeLine(markReach);
  let missing = 0;
  for (let j = 0; j < b.shh; j++)
    for (let i = 0; i < b.sw; i++) if (onLine(i, j) && (b.lin[(j * b.sw + i) * 3] as number) > 0.3) missing++;
  return missing;
}

describe('adaptive shading of thin lines', () => {
  it('interpolates across a line narrower than the coarse lattice where nothing marks it: it comes out dashed', () => {
    // The fault the shader's marks are for (measured 57 of 81 rows).
    expect(rowsMissingTheLine(0)).toBeGreaterThan(10);
  });

  it('keeps the line whole when the samples within the coarse spacing (4) of it are marked fine', () => {
    expect(rowsMissingTheLine(4)).toBe(0);
  });
});
