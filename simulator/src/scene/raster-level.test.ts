import { describe, expect, it, vi } from 'vitest';
import { renderRaw } from '../camera/render.ts';
import { testCamera } from '../camera/test-camera.ts';
import { DEMO_ORIGIN, demoLayers } from './demo-world.ts';
import { GROUND } from './layers.ts';
import { LEVEL_CELL_M, TILE_CELLS } from './raster.ts';
import { buildScene } from './scene.ts';
import { Shader } from './shade.ts';
import { Surface } from './surface.ts';

describe('class raster level', () => {
  it('follows the footprint across the ray, not the one stretched along it at oblique incidence', () => {
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 7 });
    const sh = new Shader(scene, [], () => 0);
    const s = new Surface();
    const isWater = (level: number, x: number, y: number): boolean => {
      const cell = LEVEL_CELL_M[level] as number;
      const span = cell * TILE_CELLS;
      const tx = Math.floor(x / span);
      const ty = Math.floor(y / span);
      const t = scene.raster.tile(level, tx, ty);
      const k = Math.floor((y - ty * span) / cell) * TILE_CELLS + Math.floor((x - tx * span) / cell);
      return t.cls[k] === GROUND.water;
    };
    // Points where the 1 m and the 4 m rasters disagree about the river: the edge's steps at 4 m.
    let tried = 0;
    for (let x = -600; x < 600 && tried < 40; x += 0.7)
      for (let y = -600; y < 600 && tried < 40; y += 3.1) {
        const fine = isWater(1, x, y);
        if (fine === isWater(2, x, y)) continue;
        tried++;
        // A pixel 1 m across and 4 m along the ray (incidence ~75°): the river as the 1 m raster has it.
        sh.surface(x, y, 0, 0, 0, 4, s, false, 1);
        expect(s.spec >= 0.35).toBe(fine);
        // Without the across footprint, the 4 m raster's (what drew the steps).
        sh.surface(x, y, 0, 0, 0, 4, s);
        expect(s.spec >= 0.35).toBe(!fine);
      }
    expect(tried).toBe(40);
  });

  it('is given the footprint across the ray by the renderer: oblique pixels read finer rasters than their stretch', () => {
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 7 });
    const cam = testCamera(160);
    const spy = vi.spyOn(Shader.prototype, 'surface');
    try {
      renderRaw(
        scene,
        cam,
        {
          sysId: 1,
          index: 0,
          time: new Date('2025-10-20T02:00:00Z'),
          lon: DEMO_ORIGIN[0],
          lat: DEMO_ORIGIN[1],
          altAmslM: 120,
          altRelM: 120,
          headingDeg: 20,
          gimbalPitchDeg: -30,
        },
        [],
        cam.imageWidthPx,
        cam.imageHeightPx,
      );
      let stretched = 0;
      for (const call of spy.mock.calls) {
        const gsd = call[5];
        const across = call[8] as number;
        expect(across).toBeLessThanOrEqual(gsd * (1 + 1e-9));
        if (across < gsd / 2) stretched++;
      }
      // Near the horizon rays meet the ground at grazing incidence: their stretch is capped at 4.
      expect(stretched).toBeGreaterThan(spy.mock.calls.length / 10);
    } finally {
      spy.mockRestore();
    }
  });
});
