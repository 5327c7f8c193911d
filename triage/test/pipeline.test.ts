import sharp from 'sharp';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import type { ElevationSource } from '@xuncha/geodata';
import { Detector } from '../src/model/detector.ts';
import { evidenceCrop } from '../src/merge/evidence-crop.ts';
import { IncidentMerger } from '../src/merge/incident-merger.ts';
import { triageBatch } from '../src/pipeline/triage-batch.ts';
import type { PhotoInput } from '../src/pipeline/triage-batch.ts';
import { triagePhoto } from '../src/pipeline/triage-photo.ts';
import { colourDetectorManifest, colourDetectorOnnx } from '../src/testing/colour-models.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import type { SyntheticPose } from '../src/testing/synthetic-photo.ts';

// FC6310 preset: 13.2 mm wide sensor, 8.8 mm lens; 900×600 photos → GSD at 100 m = 100·13.2/(8.8·900) m/px
const W = 900;
const H = 600;
const GSD_100 = (100 * 13.2) / (8.8 * W);
const LON = 119.14;
const LAT = 28.08;

let detector: Detector;
beforeAll(async () => {
  detector = await Detector.create(
    colourDetectorManifest('x.onnx', {}, 256),
    colourDetectorOnnx({ inputPx: 256, windowPx: 16, stridePx: 4 }),
    { size: 2 },
  );
});
afterAll(() => detector.close());

function photo(pose: SyntheticPose, fire: { u: number; v: number } | null): Promise<Buffer> {
  const side = 60;
  return syntheticPhoto({
    widthPx: W,
    heightPx: H,
    focalLengthMm: 8.8,
    pose: { gimbalPitchDeg: -90, gimbalYawDeg: 0, altAmslM: 300, altRelM: 100, ...pose },
    rects: fire ? [{ x: fire.u - side / 2, y: fire.v - side / 2, width: side, height: side, colour: '#ff1100' }] : [],
  });
}

function offsetM(lon: number, lat: number): { eastM: number; northM: number } {
  return toLocal(localFrame(LON, LAT), lon, lat);
}

describe('one photo end to end', () => {
  it('nadir at 100 m: pose, centre, footprint, and the fire placed at its true offset', async () => {
    const r = await triagePhoto('a.jpg', await photo({ lat: LAT, lon: LON }, { u: 700, v: 150 }), { detector });
    expect(r.status).toBe('ok');
    expect(r.camera!.pose).toMatchObject({ lon: LON, lat: LAT, altAmslM: 300, pitchDeg: -90, headingDeg: 0 });
    expect(r.ground.centerGround!.lon).toBeCloseTo(LON, 9);
    expect(r.ground.centerGround!.altAmslM).toBeCloseTo(200, 6);
    const ring = r.ground.footprint!.coordinates[0]!;
    const xs = ring.map(([lo, la]) => offsetM(lo, la).eastM);
    expect(Math.max(...xs) - Math.min(...xs)).toBeCloseTo(W * GSD_100, 3);
    expect(r.detections).toHaveLength(1);
    const d = r.detections[0]!;
    expect(d.cls).toBe('straw_burning');
    const o = offsetM(d.ground!.lon, d.ground!.lat);
    // the fire is 250 px right and 150 px up of centre; the toy model's anchors are 14 photo px apart
    expect(Math.abs(o.eastM - 250 * GSD_100)).toBeLessThan(1);
    expect(Math.abs(o.northM - 150 * GSD_100)).toBeLessThan(1);
    expect(d.ground!.errorM).toBeGreaterThan(2.5); // at least the GNSS sigma
    expect(d.ground!.errorM).toBeLessThan(6);
    expect(d.groundOutline!.coordinates[0]).toHaveLength(9);
  });

  it('error grows with pitch: oblique photos place things less surely than nadir ones', async () => {
    const nadir = await triagePhoto('n.jpg', await photo({ lat: LAT, lon: LON }, null));
    const oblique = await triagePhoto('o.jpg', await photo({ lat: LAT, lon: LON, gimbalPitchDeg: -45 }, null));
    expect(oblique.ground.centerGround!.errorM).toBeGreaterThan(nadir.ground.centerGround!.errorM + 0.5);
    const o = offsetM(oblique.ground.centerGround!.lon, oblique.ground.centerGround!.lat);
    expect(o.northM).toBeCloseTo(100, 3);
  });

  it('with a DEM the ray meets the terrain instead of the takeoff plane', async () => {
    const hill: ElevationSource = { elevationAt: () => 250 };
    const r = await triagePhoto('d.jpg', await photo({ lat: LAT, lon: LON, gimbalPitchDeg: -45 }, null), { dem: hill });
    expect(r.ground.centerGround!.surface).toBe('dem');
    expect(offsetM(r.ground.centerGround!.lon, r.ground.centerGround!.lat).northM).toBeCloseTo(50, 3);
  });
});

describe('a flight', () => {
  it('merges the same fire seen from three positions into one incident; bad photos are reported, none lost', async () => {
    // the fire sits 20 m east of (LON, LAT); photos taken 0, 10 and 20 m further north
    const f = localFrame(LON, LAT);
    const fireE = 20;
    const shots = [0, 10, 20].map((northM) => {
      const lat = LAT + northM / f.mPerDegLat;
      return photo({ lat, lon: LON }, { u: W / 2 + fireE / GSD_100, v: H / 2 + northM / GSD_100 });
    });
    const good = await Promise.all(shots);
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const truncated = good[0]!.subarray(0, good[0]!.length - 300);
    const unlocated = await photo({ lat: 200, lon: LON }, { u: 100, v: 100 });
    const inputs: PhotoInput[] = [
      ...good.map((b, i) => ({ source: `g${i}.jpg`, read: async () => b })),
      { source: 'x.png.jpg', read: async () => png },
      { source: 'cut.jpg', read: async () => truncated },
      { source: 'lost.jpg', read: async () => unlocated },
      { source: 'missing.jpg', read: () => Promise.reject(new Error('ENOENT')) },
    ];
    const progress: number[] = [];
    const r = await triageBatch(inputs, { detector, onProgress: (p) => progress.push(p.done) });
    expect(r.photos.map((p) => [p.source, p.status])).toEqual([
      ['g0.jpg', 'ok'],
      ['g1.jpg', 'ok'],
      ['g2.jpg', 'ok'],
      ['x.png.jpg', 'error'],
      ['cut.jpg', 'error'],
      ['lost.jpg', 'unlocated'],
      ['missing.jpg', 'error'],
    ]);
    expect(r.photos[3]!.issues[0]!.code).toBe('unsupported_format');
    expect(r.photos[4]!.issues[0]!.code).toBe('truncated');
    expect(r.photos[5]!.detections).toHaveLength(1); // found, but not on the map
    expect(r.photos[5]!.detections[0]!.ground).toBeNull();
    expect(progress).toHaveLength(7);
    expect(r.incidents).toHaveLength(1);
    const inc = r.incidents[0]!;
    expect(inc.photoIds).toHaveLength(3);
    const o = offsetM(inc.lon, inc.lat);
    expect(Math.hypot(o.eastM - fireE, o.northM)).toBeLessThan(1.5);
    const crop = await evidenceCrop(good[0]!, { widthPx: W, heightPx: H }, inc.best.box);
    const meta = await sharp(crop).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeGreaterThanOrEqual(64);
  });

  it('a later flight over a known incident adds evidence instead of a new incident', () => {
    const m1 = new IncidentMerger({ distanceM: 25 });
    const e = { photoId: 'p1', score: 0.8, box: { x: 0, y: 0, width: 10, height: 10 }, lon: LON, lat: LAT, errorM: 3 };
    m1.add('straw_burning', e);
    const m2 = new IncidentMerger({ distanceM: 25 }, m1.list());
    const near = m2.add('straw_burning', {
      ...e,
      photoId: 'p2',
      score: 0.9,
      lon: LON + 10 / localFrame(LON, LAT).mPerDegLon,
    });
    expect(near.created).toBe(false);
    expect(near.incident.photoIds).toEqual(['p1', 'p2']);
    expect(near.incident.best.photoId).toBe('p2');
    expect(m2.add('exposed_slope', e).created).toBe(true);
    expect(m2.add('straw_burning', { ...e, lon: LON + 40 / localFrame(LON, LAT).mPerDegLon }).created).toBe(true);
    expect(m2.list()).toHaveLength(3);
  });
});
