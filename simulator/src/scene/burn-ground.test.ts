/**
 * Straw is burnt on harvested fields: the plots under and around a burn are stubble, whatever the
 * season would grow there (a scar over a smooth green crop had no stubble showing through its char).
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from './demo-shader.ts';
import { demoRiverY } from './demo-world.ts';
import { CROP } from './look.ts';
import type { Shader } from './shade.ts';
import { Surface } from './surface.ts';

function shaderWith(withBurn: boolean): Shader {
  const [lon, lat] = demoLonLat(0, demoRiverY(0) + 150);
  return demoShader({
    incidents: withBurn ? [{ id: 'b', class: 'straw_burning', lon, lat, radiusM: 20, intensity: 0.8 }] : [],
    seed: 5,
  });
}

describe('plots under a straw burn', () => {
  const y0 = demoRiverY(0) + 150;
  it('are stubble under the scar and a little around it, and only there', () => {
    const sh = shaderWith(true);
    expect(sh.forcedCrop(0, y0)).toBe(CROP.stubble);
    expect(sh.forcedCrop(25, y0 - 10)).toBe(CROP.stubble);
    expect(sh.forcedCrop(0, y0 + 80)).toBe(-1);
    expect(sh.forcedCrop(-90, y0)).toBe(-1);
  });

  it('keep the season’s crops without a burn', () => {
    const sh = shaderWith(false);
    expect(sh.hasForcedCrops).toBe(false);
    expect(sh.forcedCrop(0, y0)).toBe(-1);
  });
});

describe('a straw burn on farmland', () => {
  const y0 = demoRiverY(0) + 150;
  // Samples well inside the outline (radius 20 m; the ragged edge moves it by at most 30 %).
  const sh = shaderWith(true);
  const s = new Surface();
  const plots = new Map<string, { n: number; burnt: number }>();
  let ridge = 0;
  let ridgeBurnt = 0;
  for (let x = -13; x <= 13; x += 0.25)
    for (let y = y0 - 13; y <= y0 + 13; y += 0.25) {
      if (Math.hypot(x, y - y0) > 13) continue;
      sh.surface(x, y, 0, 0, 0, 0.05, s);
      const pp = sh.pixelPlot;
      if (!pp.on) continue;
      const burnt = s.incident > 0 ? 1 : 0;
      const dEdge = Math.min(pp.du, pp.dv);
      if (dEdge < pp.ridgeHalf) {
        ridge++;
        ridgeBurnt += burnt;
      } else if (dEdge > 2) {
        const key = `${pp.grid?.salt}/${pp.iu}/${pp.iv}`;
        const c = plots.get(key) ?? { n: 0, burnt: 0 };
        c.n++;
        c.burnt += burnt;
        plots.set(key, c);
      }
    }

  it('burns whole plots or none of them', () => {
    expect(plots.size).toBeGreaterThan(1);
    let burning = 0;
    for (const c of plots.values()) {
      expect([0, 1]).toContain(c.burnt / c.n);
      if (c.burnt) burning++;
    }
    expect(burning).toBeGreaterThan(0);
  });

  it('leaves plots its outline only reaches into (unless it jumped the ridge)', () => {
    // Plots whose interior the outline reaches (within 18 m of the centre) but not much further.
    const reached = new Map<string, { n: number; burnt: number }>();
    for (let x = -20; x <= 20; x += 0.5)
      for (let y = y0 - 20; y <= y0 + 20; y += 0.5) {
        if (Math.hypot(x, y - y0) > 18) continue;
        sh.surface(x, y, 0, 0, 0, 0.05, s);
        const pp = sh.pixelPlot;
        if (!pp.on || Math.min(pp.du, pp.dv) < 2) continue;
        const key = `${pp.grid?.salt}/${pp.iu}/${pp.iv}`;
        if (plots.has(key)) continue;
        const c = reached.get(key) ?? { n: 0, burnt: 0 };
        c.n++;
        c.burnt += s.incident > 0 ? 1 : 0;
        reached.set(key, c);
      }
    const unburnt = [...reached.values()].filter((c) => c.n >= 20 && c.burnt === 0);
    expect(unburnt.length).toBeGreaterThan(0);
  });

  it('stops at the ridges between plots, crossing one only here and there', () => {
    expect(ridge).toBeGreaterThan(50);
    expect(ridgeBurnt / ridge).toBeLessThan(0.4);
  });
});
