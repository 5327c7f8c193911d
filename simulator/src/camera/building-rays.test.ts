import { describe, expect, it } from 'vitest';
import { BuildingRays, type BuildingSource } from './building-rays.ts';

/** One house: 10 m (x) × 8 m (y) centred on the origin, 6 m tall, on flat ground at z = 0. */
function oneHouse(): BuildingSource {
  return {
    builtHash: 0,
    builtAx: 1,
    builtAy: 0,
    builtHeight(x: number, y: number): number {
      return Math.abs(x) <= 5 && Math.abs(y) <= 4 ? 6 : 0;
    },
  };
}

/** Cast from the camera at `o` to ground point (gx, gy, 0); returns the hit t (NaN: ground) and the rays. */
function cast(rays: BuildingRays, o: [number, number, number], gx: number, gy: number): number {
  const [ox, oy, oz] = o;
  return rays.hit(ox, oy, oz, gx - ox, gy - oy, -oz, 1);
}

describe('BuildingRays', () => {
  // A camera south of the house, 30 m up, looking north and down (≈ 40° below the horizon).
  const cam: [number, number, number] = [0, -40, 30];

  it('an oblique ray into the near side meets its wall, facing the camera', () => {
    const rays = new BuildingRays(oneHouse(), () => 0);
    // Ground just behind the house: the ray passes the south wall low down first.
    const t = cast(rays, cam, 0, 4.5);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(1);
    expect(rays.wall).toBe(true);
    expect(rays.y).toBeCloseTo(-4, 1);
    expect(rays.nx).toBeCloseTo(0, 6);
    expect(rays.ny).toBeCloseTo(-1, 6);
    expect(rays.aboveM).toBeGreaterThan(0);
    expect(rays.aboveM).toBeLessThan(6);
    expect(rays.topM).toBe(6);
  });

  it('a steeper ray meets the roof at its height, displaced from where the ground ray lands', () => {
    const rays = new BuildingRays(oneHouse(), () => 0);
    // Aimed 8 m behind the house, the ray comes down onto its roof at y = 1.6.
    const t = cast(rays, cam, 0, 12);
    expect(rays.wall).toBe(false);
    expect(30 - 30 * t).toBeCloseTo(6, 2);
    expect(rays.y).toBeCloseTo(1.6, 2);
  });

  it('shows walls on the near side only and hides the ground behind the house', () => {
    const rays = new BuildingRays(oneHouse(), () => 0);
    let near = 0;
    let hidden = 0;
    for (let gy = -10; gy <= 20; gy += 0.25)
      for (let gx = -8; gx <= 8; gx += 0.5) {
        const t = cast(rays, cam, gx, gy);
        if (Number.isNaN(t)) {
          // Ground seen: never inside the footprint, nor in the strip the house stands in front of.
          expect(Math.abs(gx) <= 5 && Math.abs(gy) <= 4).toBe(false);
          continue;
        }
        if (gy > 4) hidden++;
        if (!rays.wall) continue;
        // No wall faces away from the camera (the north wall is never seen from the south).
        expect(rays.ny).toBeLessThanOrEqual(1e-9);
        expect(rays.nx * (gx - cam[0]) + rays.ny * (gy - cam[1])).toBeLessThan(0);
        near++;
      }
    expect(near).toBeGreaterThan(20);
    expect(hidden).toBeGreaterThan(20);
  });

  it('in front of the house and straight down beside it the ground is seen as before', () => {
    const rays = new BuildingRays(oneHouse(), () => 0);
    expect(cast(rays, cam, 0, -6)).toBeNaN();
    expect(cast(rays, [8, 0, 60], 8, 0)).toBeNaN();
    // Straight down onto the house: its roof, not a wall.
    const t = cast(rays, [0, 0, 60], 0, 0);
    expect(60 - 60 * t).toBeCloseTo(6, 2);
    expect(rays.wall).toBe(false);
  });

  describe('on the lattice alone (tree crowns)', () => {
    /** A round crown 4 m in radius, 8 m tall at its rim and 10 m at its top, centred on the origin. */
    const crown: BuildingSource = {
      builtHash: 0,
      builtAx: 1,
      builtAy: 0,
      builtHeight: (x, y) => {
        const r2 = (x * x + y * y) / 16;
        return r2 < 1 ? 8 + 2 * Math.sqrt(1 - r2) : 0;
      },
    };

    it('meets the crown where it stands, within a lattice step of its outline and height', () => {
      const rays = new BuildingRays(crown, () => 0, true, 1);
      // Straight down onto the top.
      const top = rays.hit(0.3, 0.2, 50, 0, 0, -1, 50);
      expect(50 - top).toBeCloseTo(10, 0);
      expect(rays.wall).toBe(false);
      // Low from the south: the crown's south side, facing the camera.
      const t = cast(rays, [0, -40, 6], 0, 10);
      expect(t).toBeGreaterThan(0);
      expect(rays.wall).toBe(true);
      expect(Math.abs(Math.hypot(rays.x, rays.y) - 4)).toBeLessThan(0.75);
      expect(rays.ny).toBeLessThan(-0.7);
      // Past it to the side, and over its top, the ground is seen.
      expect(cast(rays, [0, -40, 6], 8, 10)).toBeNaN();
      expect(cast(rays, [0, -40, 30], 0, 30)).toBeNaN();
    });
  });
});
