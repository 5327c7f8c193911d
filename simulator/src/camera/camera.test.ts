import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ORIGIN, demoDem, demoLayers, demoRiverY } from '../scene/demo-world.ts';
import type { Incident } from '../scene/incident-schema.ts';
import { localFrame } from '../scene/local-frame.ts';
import { createCamera } from './camera.ts';
import { CaptureError, type CaptureRequest } from './capture-request.ts';
import { GroundTruthSchema } from './ground-truth.ts';
import { sidecarPathFor } from './photo.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(400);
const frame = localFrame(DEMO_ORIGIN[0], DEMO_ORIGIN[1]);
const at = (x: number, y: number) => frame.toLonLat(x, y);

// Planted on the demo world: a fire in a field north of the river, an outfall on the north bank,
// an exposed slope on the southern hillside.
const fieldY = demoRiverY(0) + 100;
const [fireLon, fireLat] = at(0, fieldY);
const [sewLon, sewLat] = at(-300, demoRiverY(-300) + 20);
const [slopeLon, slopeLat] = at(600, -600);
const incidents: Incident[] = [
  { id: 'fire', class: 'straw_burning', lon: fireLon, lat: fireLat, radiusM: 12, intensity: 0.9 },
  { id: 'sewage', class: 'sewage_outfall', lon: sewLon, lat: sewLat, lengthM: 60, widthM: 14, intensity: 0.9 },
  { id: 'slope', class: 'exposed_slope', lon: slopeLon, lat: slopeLat, lengthM: 40, widthM: 25 },
];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function request(over: Partial<CaptureRequest>): CaptureRequest {
  return {
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: DEMO_ORIGIN[0],
    lat: DEMO_ORIGIN[1],
    altAmslM: 290,
    altRelM: 100,
    headingDeg: 0,
    gimbalPitchDeg: -90,
    ...over,
  };
}

async function pixels(jpeg: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanRGB(
  img: { data: Buffer; width: number },
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  inside = true,
  box?: number[],
): number[] {
  let r = 0;
  let g = 0;
  let bl = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.data.length / 3 / img.width, Math.ceil(y1)); y++)
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, Math.ceil(x1)); x++) {
      if (!inside && box && x >= box[0]! && x < box[2]! && y >= box[1]! && y < box[3]!) continue;
      const k = (y * img.width + x) * 3;
      r += img.data[k]!;
      g += img.data[k + 1]!;
      bl += img.data[k + 2]!;
      n++;
    }
  return [r / n, g / n, bl / n];
}

const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('createCamera', () => {
  const camera = createCamera({ layers: demoLayers(), incidents, camera: cam, seed: 7, renderPixelBudget: 1e6 });

  it('saves a JPEG with pose metadata and a schema-valid sidecar', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-cam-'));
    dirs.push(dir);
    const saving = createCamera({
      layers: demoLayers(),
      incidents,
      camera: cam,
      imagesDir: dir,
      renderPixelBudget: 1e6,
    });
    const rec = await saving.capture(request({ lon: fireLon, lat: fireLat, index: 4, speedMps: 6 }));
    expect(rec.path).toBe(path.join(dir, 'DJI_20251020100000_0005_V1.JPG'));
    expect(await readFile(rec.path!)).toEqual(rec.jpeg);
    const side = GroundTruthSchema.parse(JSON.parse(await readFile(sidecarPathFor(rec.path!), 'utf8')));
    expect(side.photo).toBe('DJI_20251020100000_0005_V1.JPG');
    expect(side.pose.time).toBe('2025-10-20T02:00:00.000Z');
    expect(side.terrain).toBe('takeoff-plane');
    expect(side.incidents.map((i) => i.id)).toEqual(['fire']);
    const meta = await exifr.parse(rec.jpeg, { xmp: true, gps: true });
    expect(meta.ImageWidth).toBe(400);
    expect(Math.abs(meta.latitude - fireLat) * 111_000).toBeLessThan(1);
    expect(Math.abs(meta.longitude - fireLon) * 98_000).toBeLessThan(1);
    expect(meta.RelativeAltitude).toBe(100);
    const img = await sharp(rec.jpeg).metadata();
    expect([img.width, img.height, img.format]).toEqual([400, 300, 'jpeg']);
  });

  it.each([
    ['fire', fireLon, fireLat],
    ['sewage', ...at(-270, demoRiverY(-270))],
    ['slope', slopeLon, slopeLat],
  ] as const)('shows the %s incident inside its ground-truth box', async (id, lon, lat) => {
    const rec = await camera.capture(request({ lon, lat, altAmslM: 250, altRelM: 60 }));
    const gt = rec.groundTruth.incidents.find((i) => i.id === id)!;
    expect(gt).toBeDefined();
    // Most of it in view: the forest standing round a slope's ragged scar hides some of its nominal outline.
    expect(gt.visibleFraction).toBeGreaterThan(id === 'slope' ? 0.75 : 0.9);
    const img = await pixels(rec.jpeg);
    const [x0, y0, x1, y1] = gt.bboxPx;
    // Inner half of the box vs a ring around the box.
    const w = x1 - x0;
    const h = y1 - y0;
    const inner = meanRGB(img, x0 + w / 4, y0 + h / 4, x1 - w / 4, y1 - h / 4);
    const ring = meanRGB(img, x0 - w / 2, y0 - h / 2, x1 + w / 2, y1 + h / 2, false, [x0, y0, x1, y1]);
    expect(dist(inner, ring), `${id}: inner ${inner} vs ring ${ring}`).toBeGreaterThan(25);
  });

  it('renders the same ground alike from two poses', async () => {
    const a = await camera.capture(request({ headingDeg: 0 }));
    const b = await camera.capture(request({ headingDeg: 90, lon: at(15, 5)[0], lat: at(15, 5)[1] }));
    const ia = await pixels(a.jpeg);
    const ib = await pixels(b.jpeg);
    // Ground point (e, n) relative to each camera, 100 m below, through the independent pinhole formula.
    const pa = (e: number, n: number) => [200 + (250 * e) / 100, 150 - (250 * n) / 100];
    const pb = (e: number, n: number) => [200 - (250 * (n - 5)) / 100, 150 - (250 * (e - 15)) / 100];
    let same = 0;
    let other = 0;
    const pts = [
      [0, 0],
      [10, 10],
      [-10, 20],
      [20, -15],
      [5, 25],
      [25, 5],
    ];
    for (const [e, n] of pts) {
      const [ua, va] = pa(e!, n!);
      const [ub, vb] = pb(e!, n!);
      const ca = meanRGB(ia, ua! - 3, va! - 3, ua! + 4, va! + 4);
      const cb = meanRGB(ib, ub! - 3, vb! - 3, ub! + 4, vb! + 4);
      same += dist(ca, cb);
      const [uc, vc] = pb(-e! + 7, -n! - 9);
      other += dist(ca, meanRGB(ib, uc! - 3, vc! - 3, uc! + 4, vc! + 4));
    }
    expect(same / pts.length).toBeLessThan(12);
    expect(other).toBeGreaterThan(same * 2);
  });

  it('renders deterministically and varies with weather and season', async () => {
    const r = request({ lon: fireLon, lat: fireLat });
    const a = await camera.capture(r);
    const b = await camera.capture(r);
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    const winter = createCamera({
      layers: demoLayers(),
      incidents,
      camera: cam,
      seed: 7,
      renderPixelBudget: 1e6,
      weather: { sunElevationDeg: 20, sunAzimuthDeg: 200, haze: 0.8, season: 'winter' },
    });
    const c = await winter.capture(r);
    const [ma, mc] = [await pixels(a.jpeg), await pixels(c.jpeg)].map((p) => meanRGB(p, 0, 0, 400, 300));
    expect(dist(ma!, mc!)).toBeGreaterThan(5);
  });

  it('renders oblique shots with sky above the horizon and a DEM below', async () => {
    const hilly = createCamera({
      layers: demoLayers(),
      incidents,
      camera: cam,
      dem: demoDem(),
      renderPixelBudget: 1e6,
    });
    const rec = await hilly.capture(request({ altAmslM: 330, altRelM: 140, gimbalPitchDeg: -5, headingDeg: 90 }));
    expect(rec.groundTruth.terrain).toBe('dem');
    const img = await pixels(rec.jpeg);
    const top = meanRGB(img, 0, 0, 400, 20);
    const bottom = meanRGB(img, 0, 280, 400, 300);
    // Sky is bright and blue-ish; ground is darker.
    expect(top[2]!).toBeGreaterThan(top[0]!);
    expect(top[0]! + top[1]! + top[2]!).toBeGreaterThan(bottom[0]! + bottom[1]! + bottom[2]!);
  });

  it('refuses bad requests with a clear error', async () => {
    await expect(camera.capture(request({ lat: Number.NaN }))).rejects.toThrow(/lat/);
    await expect(camera.capture(request({ altRelM: -5 }))).rejects.toThrow(CaptureError);
    await expect(camera.capture(request({ altRelM: -5 }))).rejects.toThrow(/below the ground/);
    await expect(camera.capture(request({ gimbalPitchDeg: -120 }))).rejects.toThrow(/gimbalPitchDeg/);
    await expect(camera.capture({ ...request({}), time: new Date('x') })).rejects.toThrow(/time/);
    const hilly = createCamera({ layers: demoLayers(), incidents: [], camera: cam, dem: demoDem() });
    // The DEM is ~190 m at the origin: a camera at 150 m AMSL is underground whatever altRelM says.
    await expect(hilly.capture(request({ altAmslM: 150, altRelM: 50 }))).rejects.toThrow(/DEM/);
    expect(() =>
      createCamera({
        layers: demoLayers(),
        incidents: [{ id: '', class: 'straw_burning', lon: 0, lat: 0 } as Incident],
        camera: cam,
      }),
    ).toThrow();
  });
});
