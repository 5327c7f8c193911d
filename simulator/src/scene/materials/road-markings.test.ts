/**
 * Road markings (issue 15). The centre and edge lines were read from the class raster's distance to the
 * road's centre, kept per 25 cm cell: a 24 cm line drawn as a staircase of cells, and at coarse pixels as
 * dashes. They are now 15 cm lines at their exact distance from the centre line, their share of a pixel.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { galleryShader } from '../../dataset/gallery-shader.ts';
import { GROUND, type SceneFeature } from '../layers.ts';
import { Surface } from '../surface.ts';
import { centreLineDistance, shadeRoad } from './water-and-built.ts';

/** A straight asphalt road 6 m wide along +x through the origin. */
const ROAD: SceneFeature = {
  cls: GROUND.road,
  index: 1,
  polygons: [],
  lines: [Float64Array.of(-500, 0, 500, 0)],
  halfWidthM: 3,
  bankM: 0,
  bbox: [-500, -3, 500, 3],
  rand: 0.5,
  axisRad: 0,
};

describe('road markings', () => {
  it('measure the distance to the nearest centre line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 4, maxLength: 12 }),
        fc.double({ min: -120, max: 120, noNaN: true }),
        fc.double({ min: -120, max: 120, noNaN: true }),
        (coords, x, y) => {
          const line = Float64Array.from(coords.length % 2 ? coords.slice(1) : coords);
          const d = centreLineDistance([line], x, y);
          // No point of the polyline is nearer, and one of its points (sampled finely) is about as near.
          let sampled = Infinity;
          for (let k = 0; k + 3 < line.length; k += 2)
            for (let t = 0; t <= 1; t += 1 / 512) {
              const px = line[k]! + t * (line[k + 2]! - line[k]!);
              const py = line[k + 1]! + t * (line[k + 3]! - line[k + 1]!);
              sampled = Math.min(sampled, Math.hypot(x - px, y - py));
            }
          expect(d).toBeLessThanOrEqual(sampled + 1e-9);
          expect(d).toBeGreaterThan(sampled - 0.6);
        },
      ),
    );
  });

  it('are 15 cm lines at fine pixels and their share of coarse ones, where the road is', () => {
    const { sh } = galleryShader('dirt_lanes', 'summer');
    (sh.look as { asphaltRoads: boolean }).asphaltRoads = true;
    const s = new Surface();
    // Across the road at x = 1 (on a centre-line dash), 1 cm apart: how white each sample is.
    const across = (gsd: number): number[] => {
      const out: number[] = [];
      for (let y = -3; y <= 3; y += 0.01) {
        s.reset();
        shadeRoad(sh, s, 1, y, gsd, Math.min(1, Math.abs(y) / 3), ROAD);
        out.push(s.r);
      }
      return out;
    };
    const white = (v: number): boolean => v > 0.7;
    const fine = across(0.02);
    const centre = fine.slice(280, 321).filter(white).length;
    const edges = fine.filter(white).length - centre;
    // 15 cm of centre line and two 15 cm edge lines at 2.64 m from the centre (a sample at each border of a
    // line is partly paint: the edge lines' duller paint falls under the bar there). Measured: 15 and 26.
    expect(centre).toBeGreaterThanOrEqual(13);
    expect(centre).toBeLessThanOrEqual(16);
    expect(edges).toBeGreaterThanOrEqual(24);
    expect(edges).toBeLessThanOrEqual(32);
    expect(white(fine[Math.round((3 - 2.64) / 0.01)]!)).toBe(true);
    // Half-metre pixels: no sample is all paint, and the paint is spread over the pixel's footprint.
    const coarse = across(0.5);
    expect(coarse.filter(white)).toHaveLength(0);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(coarse)).toBeCloseTo(mean(fine), 2);
  });
});
