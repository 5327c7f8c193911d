import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHADOW_CELL_M, SunShadowMask } from './sun-shadow-mask.ts';

/** A block `h` m tall over |x| ≤ half, |y| ≤ half. */
const block =
  (h: number, half: number) =>
  (x: number, y: number): number =>
    Math.abs(x) <= half && Math.abs(y) <= half ? h : 0;

describe('SunShadowMask', () => {
  it('shadows the ground behind a block as far as its height reaches, not in front of it or beside it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), (az) => {
        // Sun 45° up (tan 1): a 6 m block casts a 6 m shadow away from the sun.
        const sx = Math.sin(az);
        const sy = Math.cos(az);
        const mask = new SunShadowMask(block(6, 2), sx, sy, 1);
        const at = (d: number, side = 0) => mask.top(-sx * d - sy * side, -sy * d + sx * side, 0);
        // Behind the block: the top is its height less the drop over the distance.
        expect(at(4)).toBeGreaterThan(1);
        expect(at(4)).toBeLessThan(6);
        expect(at(6.5)).toBeGreaterThan(0.5);
        // Past the shadow's end, in front of the block and well beside it: lit.
        expect(at(12)).toBeLessThan(0);
        expect(at(-6)).toBeLessThan(0);
        expect(at(4, 5)).toBeLessThan(0);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves open ground lit, and a point higher than the shadow top in the sun', () => {
    const mask = new SunShadowMask(() => 0, 0.3, -0.5, 0.8);
    for (let k = 0; k < 50; k++) expect(mask.top(k * 1.7 - 40, 13 - k * 0.9, 0)).toBeLessThan(0);
    const wall = new SunShadowMask(block(10, 3), 0, 1, 1);
    // 6 m behind a 10 m wall (north sun: behind is south): shadowed below ~4 m (its own 3 m half-depth adds).
    const top = wall.top(0, -9, 0);
    expect(top).toBeGreaterThan(2);
    expect(top).toBeLessThan(5);
  });

  it('lets a shrub shorter than its own skip cast a shadow on bare ground, not on itself', () => {
    // Sun 68° up (tan 2.5): a 1.6 m shrub 2 m wide shades the ground up to 0.64 m behind it. Points on an
    // object skip the nodes within 0.75 m toward the sun, which would leave that shadow out.
    const sx = 0.6;
    const sy = 0.8;
    const mask = new SunShadowMask(block(1.6, 1), sx, sy, 2.5);
    const behind = (d: number, ground: boolean) => mask.top(-sx * (1 + d), -sy * (1 + d), 0, ground);
    expect(behind(0.3, true)).toBeGreaterThan(0.5);
    expect(behind(0.3, false)).toBeLessThan(0);
    // past the shadow's end, and on the sun's side of the shrub: lit either way
    expect(behind(1.2, true)).toBeLessThan(0);
    expect(mask.top(sx * 1.5, sy * 1.5, 0, true)).toBeLessThan(0);
    // a point on the shrub's top stays in the sun (its own nodes are skipped)
    expect(mask.top(0, 0, 0)).toBeLessThan(1.6);
  });

  it('casts a crown on bare trunks as a blob a trunk’s length off, not a streak from the foot', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), (az) => {
        // Sun 45° up (tan 1): a crown from 5 to 8 m over a 2 m wide square shades the ground 5–8 m behind
        // its edge (plus its width), not under the crown or right behind it, where the trunk stands.
        const sx = Math.sin(az);
        const sy = Math.cos(az);
        const mask = new SunShadowMask(block(8, 1), sx, sy, 1, () => 5);
        const ground = (d: number) => mask.top(-sx * d, -sy * d, 0, true);
        expect(ground(0)).toBeLessThan(0);
        expect(ground(3)).toBeLessThan(0);
        expect(ground(6.5)).toBeGreaterThan(0.5);
        expect(ground(8)).toBeGreaterThan(0.5);
        expect(ground(11)).toBeLessThan(0);
        // Points on objects still read it as a solid column: 3 m behind, up to ~6 m.
        expect(mask.top(-sx * 3, -sy * 3, 0)).toBeGreaterThan(4);
      }),
      { numRuns: 40 },
    );
  });

  it('drops a lone node made tall by noise, keeps crowns metres wide', () => {
    // One lattice node's worth of pole (dithered class raster) casts no streak; a 2 m crown does.
    const pole = new SunShadowMask(block(8, SHADOW_CELL_M / 3), 0, 1, 1);
    expect(pole.top(0, -4, 0)).toBeLessThan(0);
    const crown = new SunShadowMask(block(8, 1), 0, 1, 1);
    expect(crown.top(0, -4, 0)).toBeGreaterThan(2);
  });

  it('evaluates each height once and gives the same tops in any reading order', () => {
    let calls = 0;
    const bumpy = (x: number, y: number) => {
      calls++;
      return Math.abs(Math.sin(x * 1.3) * Math.cos(y * 0.7)) * 9;
    };
    const pts = Array.from({ length: 400 }, (_, k) => [(k % 20) * 1.1 - 10, Math.floor(k / 20) * 1.3 - 10] as const);
    const a = new SunShadowMask(bumpy, 0.6, 0.8, 0.7);
    const fwd = pts.map(([x, y]) => a.top(x, y, 0));
    const nodes = calls;
    pts.forEach(([x, y]) => a.top(x, y, 0));
    expect(calls).toBe(nodes);
    const b = new SunShadowMask(bumpy, 0.6, 0.8, 0.7);
    const rev = [...pts].reverse().map(([x, y]) => b.top(x, y, 0));
    expect(rev.reverse()).toEqual(fwd);
  });

  it('uses a coarser lattice, with fewer heights, for larger footprints', () => {
    expect(SunShadowMask.levelFor(0.1)).toBe(0);
    expect(SunShadowMask.levelFor(2)).toBeGreaterThan(SunShadowMask.levelFor(0.5));
    const count = (level: number) => {
      let calls = 0;
      const m = new SunShadowMask(
        () => {
          calls++;
          return 1;
        },
        0,
        1,
        1,
      );
      for (let k = 0; k < 100; k++) m.top(k * 0.5, k * 0.3, level);
      return calls;
    };
    expect(count(3)).toBeLessThan(count(0) / 4);
  });
});
