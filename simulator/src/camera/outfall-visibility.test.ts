import { describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoLayers, demoRiverY } from '../scene/demo-world.ts';
import { sqToEN } from '../scene/incident-shape.ts';
import type { DISCHARGES, Incident } from '../scene/incident-schema.ts';
import { localFrame } from '../scene/local-frame.ts';
import { DISCHARGE_COLOURS } from '../scene/materials/incidents.ts';
import { buildScene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import { Surface } from '../scene/surface.ts';
import { renderRaw } from './render.ts';
import { JND_DELTA_E, PhotoColour, srgbToLab } from './visibility.ts';
import { drawEffects } from './effects.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(320);
const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);
const [lon, lat] = frame.toLonLat(-300, demoRiverY(-300) + 20);

/** Render a 60 m plume of `discharge` at `intensity`, 30 m up, looking down at the plume `alongM` from the culvert (`meter`: auto exposure). */
function shoot(discharge: (typeof DISCHARGES)[number], intensity: number, alongM: number, meter = true) {
  const inc: Incident = { id: 'o', class: 'sewage_outfall', lon, lat, lengthM: 60, widthM: 14, intensity, discharge };
  const scene = buildScene({ layers: demoLayers(), incidents: [inc], seed: 5 });
  const shape = scene.incidents[0]!.shape;
  const [ax, ay] = scene.frame.toLocal(shape.lon, shape.lat);
  const [e, n] = sqToEN(shape, alongM, 0);
  const [clon, clat] = scene.frame.toLonLat(ax + e, ay + n);
  const req = {
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: clon,
    lat: clat,
    altAmslM: 220,
    altRelM: 30,
    headingDeg: 0,
    gimbalPitchDeg: -90,
  };
  return { scene, shape, stats: renderRaw(scene, cam, req, [shape], 320, 240, { meter }).stats };
}

describe('outfalls are labelled where they show (round 20)', () => {
  it('gives a plume of the water’s own colour no box, and keeps a strong plume’s box whole', () => {
    // The river's own albedo where the plume spreads, as the discharge colour.
    const probe = shoot('black', 1, 45);
    const shader = new Shader(probe.scene, [], () => 0);
    const s = new Surface();
    const [ax, ay] = probe.scene.frame.toLocal(probe.shape.lon, probe.shape.lat);
    const [e, n] = sqToEN(probe.shape, 45, probe.shape.side * 3);
    shader.surface(ax + e, ay + n, 0, 0, 0, 0.05, s);
    const kept = DISCHARGE_COLOURS.green!;
    DISCHARGE_COLOURS.green = [s.r, s.g, s.b];
    let faint;
    try {
      // At the probe's exposure: metering a dark river brightens it up to 2.8×, and then the river's own
      // ripples under the plume cross the JND at 0.5 % of its pixels.
      faint = shoot('green', 0.25, 45, false).stats;
    } finally {
      DISCHARGE_COLOURS.green = kept;
    }
    // The plume is painted (labelled before round 20) but changes nothing one can see.
    expect(faint.paintedBoxes[0]).not.toBeNull();
    expect(faint.faintPixels[0]).toBeGreaterThan(1000);
    expect(faint.meanDeltaE[0]).toBeLessThan(JND_DELTA_E);
    expect(faint.incidents[0]).toBeNull();
    expect(faint.incidentPixels[0]).toBe(0);
    expect(Math.max(...faint.labelGrid.shares[0]!)).toBe(0);

    const strong = probe.stats;
    expect(strong.meanDeltaE[0]).toBeGreaterThan(10);
    expect(strong.faintPixels[0]).toBe(0);
    expect(strong.incidents[0]).toEqual(strong.paintedBoxes[0]);
  });

  it('labels only the visible part of a faint grey plume', () => {
    const { stats } = shoot('grey', 0.25, 30);
    const painted = stats.paintedBoxes[0]!;
    const seen = stats.incidents[0]!;
    expect(stats.faintPixels[0]).toBeGreaterThan(0);
    expect(stats.incidentPixels[0]).toBeGreaterThan(0);
    // The box of what shows lies inside the painted one and is smaller.
    expect(seen[0]).toBeGreaterThanOrEqual(painted[0]);
    expect(seen[1]).toBeGreaterThanOrEqual(painted[1]);
    expect(seen[2]).toBeLessThanOrEqual(painted[2]);
    expect(seen[3]).toBeLessThanOrEqual(painted[3]);
    expect((seen[2] - seen[0]) * (seen[3] - seen[1])).toBeLessThan(
      (painted[2] - painted[0]) * (painted[3] - painted[1]),
    );
  });
});

describe('visibility: CIELAB and the camera pipeline', () => {
  it('converts sRGB to CIELAB (D65)', () => {
    const lab = new Float64Array(3);
    srgbToLab(255, 255, 255, lab);
    expect(lab[0]).toBeCloseTo(100, 1);
    expect(Math.abs(lab[1]!)).toBeLessThan(0.05);
    expect(Math.abs(lab[2]!)).toBeLessThan(0.05);
    srgbToLab(255, 0, 0, lab);
    expect(lab[0]).toBeCloseTo(53.24, 1);
    expect(lab[1]).toBeCloseTo(80.09, 1);
    expect(lab[2]).toBeCloseTo(67.2, 1);
  });

  it('measures ΔE between two shading samples as the photo shows them', () => {
    const c = new PhotoColour(drawEffects(1, 320));
    expect(c.deltaE([0.2, 0.25, 0.2], [0.2, 0.25, 0.2])).toBe(0);
    const small = c.deltaE([0.2, 0.25, 0.2], [0.201, 0.251, 0.2]);
    const large = c.deltaE([0.2, 0.25, 0.2], [0.05, 0.05, 0.05]);
    expect(small).toBeLessThan(JND_DELTA_E);
    expect(large).toBeGreaterThan(20);
  });
});
