/**
 * Straw is burnt on harvested fields: the plots under and around a burn are stubble, whatever the
 * season would grow there (a scar over a smooth green crop had no stubble showing through its char).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoLayers, demoRiverY } from './demo-world.ts';
import { localFrame } from './local-frame.ts';
import { CROP } from './look.ts';
import { buildScene } from './scene.ts';
import { Shader } from './shade.ts';

const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);

function shaderWith(withBurn: boolean): Shader {
  const [lon, lat] = frame.toLonLat(0, demoRiverY(0) + 150);
  const scene = buildScene({
    layers: demoLayers(),
    incidents: withBurn ? [{ id: 'b', class: 'straw_burning', lon, lat, radiusM: 20, intensity: 0.8 }] : [],
    seed: 5,
  });
  return new Shader(
    scene,
    scene.incidents.map((i) => i.shape),
    () => 0,
  );
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
