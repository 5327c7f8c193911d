import { describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoLayers } from '../scene/demo-world.ts';
import type { Incident } from '../scene/incident-schema.ts';
import { localFrame } from '../scene/local-frame.ts';
import { buildScene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import { Surface } from '../scene/surface.ts';
import type { CaptureRequest } from './capture-request.ts';
import { standingAndFlat, visibleShares } from './test-render.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(320);
const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);
// An exposed slope cut into the forest on the demo world's southern hillside (the world flat here).
const SLOPE: [number, number] = [600, -600];
const [sLon, sLat] = frame.toLonLat(...SLOPE);
const incidents: Incident[] = [{ id: 'slope', class: 'exposed_slope', lon: sLon, lat: sLat, lengthM: 40, widthM: 25 }];

function request(over: Partial<CaptureRequest>): CaptureRequest {
  return {
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: sLon,
    lat: sLat,
    altAmslM: 250,
    altRelM: 60,
    headingDeg: 0,
    gimbalPitchDeg: -90,
    ...over,
  };
}

const scene = () => buildScene({ layers: demoLayers(), incidents, seed: 7 });

describe('trees standing in the render', () => {
  // 70 m north of the scar, 60 m up, looking south 35° down across the forest in front of it.
  const [oLon, oLat] = frame.toLonLat(SLOPE[0], SLOPE[1] + 70);
  const oblique = request({ lon: oLon, lat: oLat, headingDeg: 180, gimbalPitchDeg: -35 });

  it('hides the part of a slope that the forest in front of it stands over in an oblique view', () => {
    const { seen, painted } = standingAndFlat(scene, cam, oblique, 'treeHeight');
    expect(painted).toBeGreaterThan(1000);
    expect(seen).toBeLessThan(painted * 0.9);
    expect(seen).toBeGreaterThan(0);
  });

  it("counts the part hidden by trees out of the ground truth's visible share", async () => {
    const { open, seen: gt } = await visibleShares(scene, cam, oblique, 'slope');
    expect(open.visibleFraction).toBeGreaterThan(0.9);
    expect(gt.visibleFraction).toBeLessThan(open.visibleFraction * 0.9);
    expect(gt.visibleFraction).toBeGreaterThan(0);
  });

  it('stands no tree in the slope scar, and crowns in the forest round it', () => {
    const s = scene();
    const sh = new Shader(
      s,
      s.incidents.map((i) => i.shape),
      () => 0,
    );
    expect(sh.treeHeight(SLOPE[0], SLOPE[1])).toBe(0);
    let standing = 0;
    for (let k = 0; k < 100; k++)
      if (sh.treeHeight(SLOPE[0] + 60 + (k % 10), SLOPE[1] + Math.floor(k / 10)) > 0) standing++;
    expect(standing).toBeGreaterThan(60);
  });

  it('stands crowns only where the shader draws one: the heights rays meet agree with the picture', () => {
    // Forest, farmland with ridge trees and village trees round the demo world's fields and village.
    const sh = new Shader(scene(), [], () => 0);
    const s = new Surface();
    let standing = 0;
    let drawn = 0;
    for (const [x0, y0] of [
      [600, -640],
      [0, 200],
      [-1700, -300],
      [300, 150],
    ] as const)
      for (let j = 0; j < 60; j++)
        for (let i = 0; i < 60; i++) {
          const x = x0 + i * 0.5;
          const y = y0 + j * 0.5;
          const h = sh.treeHeight(x, y);
          if (!(h > 0)) continue;
          standing++;
          sh.surface(x, y, 0, 0, 0, 0.05, s, true);
          if (!sh.canopyGap && s.objH >= 0.5 * h) drawn++;
        }
    expect(standing).toBeGreaterThan(1000);
    expect(drawn / standing).toBeGreaterThan(0.99);
  });
});
