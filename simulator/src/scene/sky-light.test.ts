/**
 * Light by weather: clear-sky fill is blue, so shade reads blue-grey as in real photos, while the camera's white
 * balance keeps lit ground neutral and overcast light as it was.
 */
import { describe, expect, it } from 'vitest';
import { demoShader } from './demo-shader.ts';
import { DEFAULT_WEATHER, type Weather } from './incident-schema.ts';
import type { Shader } from './shade.ts';
import { Surface } from './surface.ts';

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
