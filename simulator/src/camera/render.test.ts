import { describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoDem, demoLayers, demoRiverY } from '../scene/demo-world.ts';
import type { Incident } from '../scene/incident-schema.ts';
import { localFrame } from '../scene/local-frame.ts';
import { buildScene } from '../scene/scene.ts';
import type { CaptureRequest } from './capture-request.ts';
import { renderRaw, type RawImage } from './render.ts';
import { StageClock } from './stage-clock.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(480);
const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);
const fireY = demoRiverY(0) + 100;
const [fireLon, fireLat] = frame.toLonLat(0, fireY);
// 60 m behind the fire along a heading of 20°: at 60 m up and 45° down the fire is mid-frame.
const [backLon, backLat] = frame.toLonLat(
  -60 * Math.sin((20 * Math.PI) / 180),
  fireY - 60 * Math.cos((20 * Math.PI) / 180),
);
const incidents: Incident[] = [
  { id: 'fire', class: 'straw_burning', lon: fireLon, lat: fireLat, radiusM: 12, intensity: 0.9 },
];

function request(over: Partial<CaptureRequest>): CaptureRequest {
  return {
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: fireLon,
    lat: fireLat,
    altAmslM: 250,
    altRelM: 60,
    headingDeg: 20,
    gimbalPitchDeg: -90,
    ...over,
  };
}

/** Mean absolute difference between neighbouring pixels, across and down: how much fine detail shows. */
function detail(img: RawImage): number {
  const { data, width, height } = img;
  let sum = 0;
  let n = 0;
  for (let j = 0; j + 1 < height; j++)
    for (let i = 0; i + 1 < width; i++) {
      const k = (j * width + i) * 3;
      for (let c = 0; c < 3; c++) {
        sum += Math.abs(data[k + c]! - data[k + 3 + c]!) + Math.abs(data[k + c]! - data[k + width * 3 + c]!);
        n += 2;
      }
    }
  return sum / n;
}

function meanAbsDiff(a: RawImage, b: RawImage): number {
  let sum = 0;
  for (let k = 0; k < a.data.length; k++) sum += Math.abs(a.data[k]! - b.data[k]!);
  return sum / a.data.length;
}

describe('renderRaw adaptive shading', () => {
  it.each([
    ['nadir, flat', {}, false],
    ['oblique 45°, DEM', { gimbalPitchDeg: -45, lon: backLon, lat: backLat }, true],
  ] as const)('%s: interpolates some samples, looks like shading every one, same labels', (_, pose, withDem) => {
    const scene = buildScene({ layers: demoLayers(), incidents, seed: 7, ...(withDem ? { dem: demoDem() } : {}) });
    const shapes = scene.incidents.map((i) => i.shape);
    const req = request(pose);
    const w = cam.imageWidthPx;
    const h = cam.imageHeightPx;
    const full = renderRaw(scene, cam, req, shapes, w, h, { adaptive: false });
    const fast = renderRaw(scene, cam, req, shapes, w, h);
    expect(full.stats.shadedShare).toBe(1);
    expect(fast.stats.shadedShare).toBeLessThan(0.7);
    expect(fast.stats.shadedShare).toBeGreaterThan(0.25);
    // Same picture up to texture grain: a few 8-bit levels on average, the same amount of detail.
    expect(meanAbsDiff(fast, full)).toBeLessThan(6);
    const df = detail(full);
    expect(Math.abs(detail(fast) - df) / df).toBeLessThan(0.1);
    // Labels: incidents are only interpolated between samples that all show them, so boxes and
    // pixel counts stay those of shading every sample.
    const bf = full.stats.incidents[0];
    const bs = fast.stats.incidents[0];
    expect(bf).not.toBeNull();
    expect(bs).toEqual(bf);
    const pf = full.stats.incidentPixels[0]!;
    expect(Math.abs(fast.stats.incidentPixels[0]! - pf) / pf).toBeLessThan(0.02);
  });

  it('two-scale photos (shaded at half resolution): interpolates some samples, same look and labels', () => {
    const scene = buildScene({ layers: demoLayers(), incidents, seed: 7 });
    const shapes = scene.incidents.map((i) => i.shape);
    const req = request({ altAmslM: 220, altRelM: 30 });
    const w = cam.imageWidthPx;
    const h = cam.imageHeightPx;
    const full = renderRaw(scene, cam, req, shapes, w, h, { shadingScale: 2, adaptive: false });
    const fast = renderRaw(scene, cam, req, shapes, w, h, { shadingScale: 2 });
    expect(fast.stats.shadedShare).toBeLessThan(0.75);
    expect(meanAbsDiff(fast, full)).toBeLessThan(6);
    const df = detail(full);
    expect(Math.abs(detail(fast) - df) / df).toBeLessThan(0.1);
    expect(full.stats.incidents[0]).not.toBeNull();
    expect(fast.stats.incidents[0]).toEqual(full.stats.incidents[0]);
  });

  it('coarse lattice: away from incidents shades fewer samples than the every-other lattice, same look', () => {
    // No incident: nothing forces refinement but the picture itself (and hard negatives' outlines).
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 7, dem: demoDem() });
    const req = request({ gimbalPitchDeg: -45 });
    const w = cam.imageWidthPx;
    const h = cam.imageHeightPx;
    const full = renderRaw(scene, cam, req, [], w, h, { adaptive: false });
    const everyOther = renderRaw(scene, cam, req, [], w, h, { coarseLattice: false });
    const fast = renderRaw(scene, cam, req, [], w, h);
    // Measured 0.43 against 0.52; the coarse lattice alone is 1/16.
    expect(fast.stats.shadedShare).toBeLessThan(everyOther.stats.shadedShare - 0.06);
    expect(fast.stats.shadedShare).toBeGreaterThan(0.2);
    expect(meanAbsDiff(fast, full)).toBeLessThan(6);
    const df = detail(full);
    expect(Math.abs(detail(fast) - df) / df).toBeLessThan(0.1);
    // Hard negatives' outlines are refined: their pixel counts stay those of shading every sample.
    const hf = full.stats.hardNegativePixels;
    const hs = fast.stats.hardNegativePixels;
    console.log(
      hf,
      hs,
      fast.stats.shadedShare,
      everyOther.stats.shadedShare,
      detail(fast) / df,
      meanAbsDiff(fast, full),
    );
    expect(hf.some((p) => p > 0)).toBe(true);
    hf.forEach((p, k) => expect(Math.abs(hs[k]! - p)).toBeLessThanOrEqual(0.01 * p));
  });

  it('renders the same bytes for the same scene and request', () => {
    const scene = buildScene({ layers: demoLayers(), incidents, seed: 7 });
    const shapes = scene.incidents.map((i) => i.shape);
    const a = renderRaw(scene, cam, request({}), shapes, 320, 240);
    const b = renderRaw(scene, cam, request({}), shapes, 320, 240);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('times its stages when given a clock, without changing a pixel', () => {
    const scene = buildScene({ layers: demoLayers(), incidents, seed: 7, dem: demoDem() });
    const shapes = scene.incidents.map((i) => i.shape);
    const req = request({ lon: backLon, lat: backLat, gimbalPitchDeg: -45 });
    const clock = new StageClock();
    const timed = renderRaw(scene, cam, req, shapes, 320, 240, { clock });
    const plain = renderRaw(scene, cam, req, shapes, 320, 240);
    expect(Buffer.compare(timed.data, plain.data)).toBe(0);
    const stages = ['setup', 'demGrid', 'volumes', 'shading', 'sunShadowMask', 'interpolation', 'grain', 'labels'];
    for (const st of [...stages, 'develop', 'finish']) expect(clock.ms[st], st).toBeGreaterThanOrEqual(0);
    // The shadow mask's fill is moved out of shading, never more than shading held.
    expect(clock.ms.shading).toBeGreaterThan(0);
  });
});

describe('auto exposure', () => {
  const mean = (img: RawImage): number => img.data.reduce((a, v) => a + v, 0) / img.data.length;
  // The demo world's forested north hill (dark canopy) and the fields by the river, nadir at 60 m.
  const [forestLon, forestLat] = frame.toLonLat(0, 1000);

  it('meters each photo toward mid grey: the bias still applies, and the photo records the stops it added', () => {
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 3 });
    for (const [lon, lat] of [
      [fireLon, fireLat],
      [forestLon, forestLat],
    ] as const) {
      const req = request({ lon, lat });
      const fixed = renderRaw(scene, cam, req, [], cam.imageWidthPx, cam.imageHeightPx, { meter: false });
      const metered = renderRaw(scene, cam, req, [], cam.imageWidthPx, cam.imageHeightPx);
      const added = metered.effects.exposureEv - fixed.effects.exposureEv;
      // Brighter where the unmetered photo was darker than mid grey, and by what the effects say.
      expect(Math.sign(added)).toBe(Math.sign(112 - mean(fixed)));
      expect(Math.abs(mean(metered) - 112 * 2 ** fixed.effects.exposureEv)).toBeLessThan(
        Math.abs(mean(fixed) - 112 * 2 ** fixed.effects.exposureEv),
      );
      // The same scene shaded: only the exposure differs, so pixel order of brightness is kept.
      expect(metered.stats.incidentPixels).toEqual(fixed.stats.incidentPixels);
      expect(metered.stats.hardNegativePixels).toEqual(fixed.stats.hardNegativePixels);
    }
  });

  it('brings a dark forest and open fields to within a stop of each other', () => {
    const scene = buildScene({ layers: demoLayers(), incidents: [], seed: 3 });
    const shot = (lon: number, lat: number, meter: boolean) =>
      mean(renderRaw(scene, cam, request({ lon, lat }), [], cam.imageWidthPx, cam.imageHeightPx, { meter }));
    const ratioFixed = shot(fireLon, fireLat, false) / shot(forestLon, forestLat, false);
    const ratioMetered = shot(fireLon, fireLat, true) / shot(forestLon, forestLat, true);
    expect(Math.abs(Math.log2(ratioMetered))).toBeLessThan(Math.abs(Math.log2(ratioFixed)));
    expect(Math.abs(Math.log2(ratioMetered))).toBeLessThan(1);
  });
});
