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

  it('shade on flat ground under a clear sky is about half as bright as the sunlit ground, not a fifth', () => {
    // Real frames: darkest tenth / median grey level 0.38–0.64 (shade and dark leaves among it). Light
    // multiplied straight into display colours left shade at 0.3 of the lit ground: black blots.
    for (const sunElevationDeg of [30, 50, 70]) {
      const sh = shaderIn({ sunElevationDeg, overcast: 0 });
      const luma = ([r, g, b]: [number, number, number]): number => 0.299 * r + 0.587 * g + 0.114 * b;
      const ratio = luma(colour(sh, 0)) / luma(colour(sh, 1));
      expect(ratio, `sun ${sunElevationDeg}°`).toBeGreaterThan(0.4);
      expect(ratio, `sun ${sunElevationDeg}°`).toBeLessThan(0.65);
    }
  });

  it('shade is blue under a clear sky (B/R ≥ 1.5) and grey under overcast', () => {
    const [r, , b] = colour(shaderIn({ sunElevationDeg: 50, overcast: 0 }), 0);
    expect(b / r).toBeGreaterThan(1.5);
    const [ro, , bo] = colour(shaderIn({ sunElevationDeg: 50, overcast: 1 }), 0);
    expect(Math.abs(bo / ro - 1)).toBeLessThan(0.03);
  });

  it('shade turns from blue to grey as haze thickens, and lit ground stays neutral', () => {
    // A hazy sky is milky: its light scatters all colours alike. Measured B/R: haze 0.1 1.61, 0.2 1.61, 0.3 1.53,
    // 0.5 1.25, 0.85 1.08.
    const shadeBR = (haze: number): number => {
      const [r, , b] = colour(shaderIn({ sunElevationDeg: 50, overcast: 0, haze }), 0);
      return b / r;
    };
    expect(shadeBR(0.1)).toBeGreaterThan(1.5);
    expect(Math.abs(shadeBR(0.1) - shadeBR(0.2))).toBeLessThan(0.02);
    expect(shadeBR(0.5)).toBeLessThan(1.35);
    expect(shadeBR(0.85)).toBeLessThan(1.15);
    expect(shadeBR(0.85)).toBeGreaterThan(1);
    for (const haze of [0.5, 0.85]) {
      const [r, g, b] = colour(shaderIn({ sunElevationDeg: 50, overcast: 0, haze }), 1);
      expect(Math.abs(b / r - 1), `haze ${haze}`).toBeLessThan(0.03);
      expect(Math.abs(g / r - 1), `haze ${haze}`).toBeLessThan(0.03);
    }
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

describe('clouds', () => {
  it('do not repeat across the layer: no grid of cloudlets toward the horizon', () => {
    const sh = shaderIn({ clouds: 0.5 });
    const out = new Float64Array(3);
    // The sky's brightness toward a point (x, y) of the cloud layer, 1.2 km up, seen from near the ground.
    const at = (x: number, y: number): number => {
      const n = Math.hypot(x, y, 1200);
      sh.sky(x / n, y / n, 1200 / n, out);
      return out[0] as number;
    };
    let seed = 1;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 20000 - 10000;
    const pts: [number, number][] = [];
    for (let i = 0; i < 400; i++) pts.push([rnd(), rnd()]);
    const meanDiff = (sx: number, sy: number): number =>
      pts.reduce((a, [x, y]) => a + Math.abs(at(x, y) - at(x + sx, y + sy)), 0) / pts.length;
    // Two unrelated points differ by this much on average. A shift by one texture's repeat (1.5 km when the
    // layer was one octave: 0.13 of it) leaves at most one octave alike; the other still differs.
    const apart = meanDiff(3737, -5151);
    expect(apart).toBeGreaterThan(0.01);
    for (const shift of [1536, 3072, 4096, 8192]) {
      expect(meanDiff(shift, 0)).toBeGreaterThan(0.3 * apart);
      expect(meanDiff(0, shift)).toBeGreaterThan(0.3 * apart);
    }
  });
});

describe('sun glint', () => {
  /** A still water surface seen along the sun's mirror direction, and 10° off it. */
  const glint = (sh: Shader): [number, number] => {
    const s = new Surface();
    const out = new Float64Array(3);
    const look = (tilt: number): number => {
      s.reset();
      s.r = s.g = s.b = 0.2;
      s.spec = 0.8;
      // The view ray that mirrors into the sun: (sunX, sunY, −sunZ), tilted in its vertical plane.
      const h = Math.hypot(sh.sunX, sh.sunY);
      const el = Math.atan2(sh.sunZ, h) + tilt;
      const vx = (sh.sunX / h) * Math.cos(el);
      const vy = (sh.sunY / h) * Math.cos(el);
      sh.light(s, 0, 0, 1, 1, vx, vy, -Math.sin(el), out);
      return out[1] as number;
    };
    return [look(0), look((10 * Math.PI) / 180)];
  };

  it('mirrors the sun on water under a clear sky, and nothing of it under an overcast', () => {
    const [onClear, offClear] = glint(shaderIn({}));
    expect(onClear).toBeGreaterThan(offClear * 1.5);
    const [onOvercast, offOvercast] = glint(shaderIn({ overcast: 1 }));
    // Only the sky's gradient differs 10° apart under an overcast: no disc.
    expect(Math.abs(onOvercast - offOvercast)).toBeLessThan(0.05 * offOvercast);
  });
});
