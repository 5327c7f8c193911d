/**
 * A vehicle_dust hard negative draws a light truck (issue 15: a 2 m cab, a lower cargo bed): it stands in the
 * shadow test too, so in sun it casts a shadow on the side away from the sun instead of floating over the
 * ground.
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from './demo-shader.ts';
import { demoRiverY } from './demo-world.ts';
import { Shader } from './shade.ts';
import { Surface } from './surface.ts';

const Y0 = demoRiverY(0) + 150;
const SUN_AZ_DEG = 150;
const SUN = { sunElevationDeg: 40, sunAzimuthDeg: SUN_AZ_DEG, haze: 0.2, season: 'summer' as const };

function vehicleShader(seed: number): Shader {
  const [lon, lat] = demoLonLat(0, Y0);
  // Heading 0: the vehicle's 4.6 m length runs north (y), its 2 m width east (x); the dust trails south.
  return demoShader({
    distractors: [{ id: 'v', kind: 'vehicle_dust', lon, lat, lengthM: 30, widthM: 4, headingDeg: 0, intensity: 0.5 }],
    weather: SUN,
    seed,
  });
}

/** Mean share of sun on the ground in a 1.5 m ring around the vehicle, on the sun's side (+1) or away (−1). */
function sunBeside(sh: Shader, side: 1 | -1): number {
  const sx = Math.sin(SUN_AZ_DEG * (Math.PI / 180));
  const sy = Math.cos(SUN_AZ_DEG * (Math.PI / 180));
  let sum = 0;
  let n = 0;
  for (let x = -2.5; x <= 2.5; x += 0.25)
    for (let y = -3.8; y <= 3.8; y += 0.25) {
      if (Math.abs(x) < 1.1 && Math.abs(y) < 2.4) continue; // on or at the edge of the vehicle
      if (side * (x * sx + y * sy) < 0.5) continue;
      sum += sh.sunVisibility(x, Y0 + y, 0, 0.05);
      n++;
    }
  return sum / n;
}

describe('vehicle (vehicle_dust)', () => {
  it('stands as tall as it is drawn where it is drawn: a 2 m cab in front, a lower bed behind', () => {
    const sh = vehicleShader(3);
    const s = new Surface();
    let body = 0;
    const cab: number[] = [];
    const bed: number[] = [];
    for (let x = -2; x <= 2; x += 0.2)
      for (let y = -3.5; y <= 3.5; y += 0.2) {
        sh.surface(x, Y0 + y, 0, 0, 0, 0.05, s);
        if (s.tag !== Shader.tagOf.vehicle_dust) continue;
        body++;
        expect(s.objH).toBeGreaterThan(0);
        expect(sh.objectHeight(x, Y0 + y)).toBe(s.objH);
        // Heading 0: the truck faces north, its cab the last 1.55 m.
        (y > 0.8 ? cab : y < 0.5 ? bed : []).push(s.objH);
      }
    expect(body).toBeGreaterThan(150);
    expect(Math.min(...cab)).toBe(2);
    expect(Math.max(...bed)).toBeLessThan(2);
    expect(Math.min(...bed)).toBeGreaterThanOrEqual(0.9);
  });

  it('casts a shadow away from the sun, none toward it', () => {
    for (const seed of [3, 8]) {
      const sh = vehicleShader(seed);
      // Sun 40° up: a 2 m vehicle's shadow reaches ~2.4 m beyond it; the ring away from the sun is about 0.7
      // lit with it (the mask softens its edge), 1 when the vehicle did not stand in the shadow test.
      expect(sunBeside(sh, -1)).toBeLessThan(0.85);
      expect(sunBeside(sh, 1)).toBe(1);
    }
  });
});
