import { describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoLayers, demoRiverY } from '../scene/demo-world.ts';
import type { Incident } from '../scene/incident-schema.ts';
import { localFrame } from '../scene/local-frame.ts';
import { buildScene } from '../scene/scene.ts';
import type { CaptureRequest } from './capture-request.ts';
import { standingAndFlat, visibleShares } from './test-render.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(320);
const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);
// The demo village's middle, and a burn scar (no smoke) across its houses and lanes.
const [vLon, vLat] = frame.toLonLat(-1700, -300);
const incidents: Incident[] = [{ id: 'scar', class: 'straw_burning', lon: vLon, lat: vLat, radiusM: 25, intensity: 0 }];

function request(over: Partial<CaptureRequest>): CaptureRequest {
  return {
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: vLon,
    lat: vLat,
    altAmslM: 250,
    altRelM: 60,
    headingDeg: 20,
    gimbalPitchDeg: -90,
    ...over,
  };
}

const scene = () => buildScene({ layers: demoLayers(), incidents, seed: 7 });

describe('building walls in the render', () => {
  // 80 m south-west of the village centre along the heading, 45° down: the village fills the frame.
  const h = (20 * Math.PI) / 180;
  const [bLon, bLat] = frame.toLonLat(-1700 - 60 * Math.sin(h), -300 - 60 * Math.cos(h));
  const oblique = request({ gimbalPitchDeg: -45, lon: bLon, lat: bLat });

  it('hides the part of an incident that houses stand in front of in an oblique view', () => {
    const { standing: walls, flat, seen, painted } = standingAndFlat(scene, cam, oblique, 'builtHeight');
    expect(painted).toBeGreaterThan(1000);
    // Walls carry no incident, so the scar loses the pixels they cover.
    expect(seen).toBeLessThan(painted * 0.9);
    expect(seen).toBeGreaterThan(0);
    // And the picture changed where walls stand.
    let changed = 0;
    for (let k = 0; k < walls.data.length; k += 3)
      if (Math.abs((walls.data[k] as number) - (flat.data[k] as number)) > 12) changed++;
    expect(changed / (walls.data.length / 3)).toBeGreaterThan(0.1);
  });

  it('leaves a nadir photo away from houses unchanged', () => {
    // Farmland by the river, no village in sight.
    const [fLon, fLat] = frame.toLonLat(0, demoRiverY(0) + 100);
    const req = request({ lon: fLon, lat: fLat });
    // With and without buildings standing (roofs painted on the ground, as before walls).
    const { standing, flat } = standingAndFlat(scene, cam, req, 'builtHeight');
    expect(standing.data.equals(flat.data)).toBe(true);
  });

  it('paints no burn on the roofs standing in it (straight down: roofs hide the scar under them)', () => {
    const { seen, painted } = standingAndFlat(scene, cam, request({}), 'builtHeight');
    expect(painted).toBeGreaterThan(1000);
    // Straight down walls barely show: what the scar loses is the roofs over it.
    expect(seen).toBeLessThan(painted * 0.9);
    expect(seen).toBeGreaterThan(painted * 0.2);
  });

  it("counts the part hidden by houses out of the ground truth's visible share", async () => {
    const { open, seen: gt } = await visibleShares(scene, cam, oblique, 'scar');
    expect(open.visibleFraction).toBeGreaterThan(0.5);
    // The houses in front hide a good part of the ground samples; the box is the outline's as before.
    expect(gt.visibleFraction).toBeLessThan(open.visibleFraction * 0.9);
    expect(gt.visibleFraction).toBeGreaterThan(0);
    expect(gt.bboxPx).toEqual(open.bboxPx.map((v) => Math.round(v * 100) / 100));
  });
});
