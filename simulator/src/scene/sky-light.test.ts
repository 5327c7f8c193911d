/**
 * Light by weather: clear-sky fill is blue, so shade reads blue-grey as in real photos, while the camera's white
 * balance keeps lit ground neutral and overcast light as it was.
 */
import { describe, expect, it } from 'vitest';
import { demoShader } from './demo-shader.ts';
import { DEFAULT_WEATHER, type Weather } from './incident-schema.ts';
import type { Shader } from './shade.ts';
import { Surface } from './surface.ts';
import { WALL_SKY_SEEN } from './materials/walls.ts';

const shaderIn = (weather: Partial<Weather>): Shader => demoShader({ weather: { ...DEFAULT_WEATHER, ...weather } });

/** A flat white (or grey) surface lit by the sun (`vis` 1) or in full shade (`vis` 0), seen from straight above. */
function colour(sh: Shader, vis: number, grey = 0.6): [number, number, number] {
  const s = new Surface();
  s.r = s.g = s.b = grey;
  s.ao = 1;
  const out = new Float64Array(3);
  sh.light(s, 0, 0, vis, 1, 0, 0, -1, out);
  return [out[0]!, out[1]!, out[2]!];
}

describe('sky light and white balance', () => {
  it('lit grey ground is neutral under a high sun, in clear weather and under overcast', () => {
    for (const overcast of [0, 0.5, 1]) {
      const [r, g, b] = colour(shaderIn({ sunElevationDeg: 50, overcast }), 1);
      expect(Math.abs(b / r - 1), `overcast ${overcast}`).toBeLessThan(0.03);
      expect(Math.abs(g / r - 1), `overcast ${overcast}`).toBeLessThan(0.03);
    }
  });

  it('shade is blue under a clear sky (B/R ≥ 1.5) and grey under overcast', () => {
    const [r, , b] = colour(shaderIn({ sunElevationDeg: 50, overcast: 0 }), 0);
    expect(b / r).toBeGreaterThan(1.5);
    const [ro, , bo] = colour(shaderIn({ sunElevationDeg: 50, overcast: 1 }), 0);
    expect(Math.abs(bo / ro - 1)).toBeLessThan(0.03);
  });
});

describe('walls in shade', () => {
  /** A white wall facing north-west (away from a southern sun), in shade, seen level. */
  function shadeWallColour(sh: Shader, bounce: number): [number, number, number] {
    const s = new Surface();
    s.r = s.g = s.b = 0.7;
    // A vertical wall's normal as the shader takes it: a steep slope toward its outward side.
    s.gx = 25 * Math.SQRT1_2;
    s.gy = -25 * Math.SQRT1_2;
    s.ao = WALL_SKY_SEEN;
    s.bounce = bounce;
    const out = new Float64Array(3);
    sh.light(s, 0, 0, 0, 1, Math.SQRT1_2, -Math.SQRT1_2, 0, out);
    return [out[0]!, out[1]!, out[2]!];
  }

  it('get the light the sunlit ground bounces: warmer and brighter than sky light alone, still dimmer than lit ground', () => {
    const sh = shaderIn({ sunElevationDeg: 50, sunAzimuthDeg: 180, overcast: 0 });
    const sky = shadeWallColour(sh, 0);
    const [r, g, b] = shadeWallColour(sh, 1);
    const lit = colour(sh, 1, 0.7);
    expect(r + g + b).toBeGreaterThan(1.2 * (sky[0] + sky[1] + sky[2]));
    expect(b / r).toBeLessThan(sky[2] / sky[0]);
    // Grey with a little of the sky's blue (sky light alone: B/R ≈ 1.6).
    expect(b / r).toBeLessThan(1.2);
    expect(r + g + b).toBeLessThan(0.6 * (lit[0] + lit[1] + lit[2]));
  });
});
