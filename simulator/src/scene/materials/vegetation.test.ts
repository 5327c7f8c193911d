/**
 * Tree crowns seen from the air: a heap of leaf clumps with dark pockets between them, not a smooth
 * dome, at close range; the clumps average out where a pixel covers several of them.
 */
import { describe, expect, it } from 'vitest';
import { demoShader } from '../demo-shader.ts';
import { Surface } from '../surface.ts';
import { canopyHeight, crownKey, shadeCanopy, standAt } from './vegetation.ts';

const sh = demoShader({ seed: 5 });

/** Mean relative brightness step between crown points `stepM` apart along x, at footprint gsd. */
function crownStep(gsd: number, stepM: number): number {
  const a = new Surface();
  const b = new Surface();
  let sum = 0;
  let n = 0;
  for (let y = 0; y < 60; y += 0.73)
    for (let x = 0; x < 60; x += 0.91) {
      a.reset();
      b.reset();
      if (!shadeCanopy(sh, a, x, y, gsd, 1, 1, 15) || !shadeCanopy(sh, b, x + stepM, y, gsd, 1, 1, 15)) continue;
      const la = a.r + a.g + a.b;
      const lb = b.r + b.g + b.b;
      sum += Math.abs(la - lb) / (la + lb);
      n++;
    }
  expect(n).toBeGreaterThan(1000);
  return sum / n;
}

describe('shadeCanopy', () => {
  it('shows leaf clumps within a crown up close (brightness changes over 15 cm)', () => {
    // A smooth dome changes by ~2 % over 15 cm; clumps of 40–80 cm by several times that.
    expect(crownStep(0.03, 0.15)).toBeGreaterThan(0.045);
  });

  it('lets the clumps average out where a pixel covers metres of ground', () => {
    expect(crownStep(1.5, 0.15)).toBeLessThan(crownStep(0.03, 0.15) / 2);
  });

  it("leaves the caller's det4 result intact", () => {
    const d = sh.det4(3.3, 4.4, 0.08, 0.05, new Float64Array(4));
    const before = [...d];
    const s = new Surface();
    let drawn = 0;
    for (let x = 0; x < 20; x += 0.37) if (shadeCanopy(sh, s, x, 7, 0.03, 1, 1, 15)) drawn++;
    expect(drawn).toBeGreaterThan(10);
    expect([...d]).toEqual(before);
  });
});

describe('a thinned stand (density < 1)', () => {
  /**
   * Points of a 4 cm grid over 40 × 40 m that `crown` calls crown, and how many of them have no crown among
   * their eight neighbours: a crown is metres wide, so a lone crown point is a speckle in open ground.
   */
  function speckles(crown: (x: number, y: number) => boolean): { crowns: number; lone: number } {
    const step = 0.04;
    const n = 1000;
    const grid = new Uint8Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) grid[j * n + i] = crown(i * step, j * step) ? 1 : 0;
    let crowns = 0;
    let lone = 0;
    for (let j = 1; j < n - 1; j++)
      for (let i = 1; i < n - 1; i++) {
        if (!grid[j * n + i]) continue;
        crowns++;
        let near = 0;
        for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) near += grid[(j + dj) * n + i + di] as number;
        if (near === 1) lone++;
      }
    return { crowns, lone };
  }

  it('paints no crown fringe in the open ground where a crown was left out', () => {
    // The fringe of a left-out crown, read where the nearest texel is bare, drew broken rings of lone
    // dark crown points around it (about 200 in this 40 m square).
    const s = new Surface();
    const { crowns, lone } = speckles((x, y) => shadeCanopy(sh, s, x, y, 0.04, 0.35, 0.6, 4));
    expect(crowns).toBeGreaterThan(20_000);
    expect(lone).toBeLessThan(crowns * 1e-4);
  });
});

describe('crownKey', () => {
  it('names a crown the same from every point of it, where its centre in metres wobbles by a texel', () => {
    const sh = demoShader();
    let pairs = 0;
    let keyFlips = 0;
    let metreFlips = 0;
    for (let x = 0; x < 200; x += 0.37)
      for (let y = 0; y < 60; y += 0.41) {
        if (canopyHeight(sh, x, y, 1, 0.7, 10) <= 0) continue;
        const cx = sh.crownX;
        const cy = sh.crownY;
        // A point 6 cm on, in the same crown (its centre within a texel of this one's).
        if (canopyHeight(sh, x + 0.06, y, 1, 0.7, 10) <= 0) continue;
        if (Math.hypot(sh.crownX - cx, sh.crownY - cy) > 0.15) continue;
        pairs++;
        // Read as canopyHeight reads the texture (the stand noise at a 30 cm footprint).
        const key = (px: number): number => crownKey(sh, px, y, standAt(sh, px, y, 0.3), 0.7, 5);
        const [a, b] = [key(x), key(x + 0.06)];
        // -1 on the frayed rim, where the texel holds no crown (the painter draws it as the crown's fringe).
        if (a >= 0 && b >= 0 && a !== b) keyFlips++;
        // What open woodland hashed before: the centre in metres, in 33 cm cells.
        if (Math.floor(cx * 3) !== Math.floor(sh.crownX * 3) || Math.floor(cy * 3) !== Math.floor(sh.crownY * 3))
          metreFlips++;
      }
    expect(pairs).toBeGreaterThan(5000);
    // Only where two crowns' centres lie within a texel of each other (doubled crowns) may the key change.
    expect(keyFlips).toBeLessThan(pairs / 5000);
    // The old choice flipped between neighbouring points of one crown (12 % of them here): snag and live
    // wood in stripes across a crown, and shadows that did not match it.
    expect(metreFlips).toBeGreaterThan(pairs / 20);
  });
});
