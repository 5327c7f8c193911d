import { describe, expect, it } from 'vitest';
import type { Incident } from '../scene/incident-schema.ts';
import { DEFAULT_WEATHER } from '../scene/incident-schema.ts';
import { resolveIncidentShape } from '../scene/incident-shape.ts';
import { localFrame } from '../scene/local-frame.ts';
import { parseCaptureRequest } from './capture-request.ts';
import { footprint, groundTruth, projectIncident } from './ground-truth.ts';
import { poseGeometry } from './pose-geometry.ts';
import { testCamera } from './test-camera.ts';

const cam = testCamera(1600, 1200, 'test');
const LON = 119.14;
const LAT = 28.07;
const f = localFrame(LON, LAT);
// Independent pinhole numbers: fx = f·W/sw = 1000 px, principal point (800, 600).
const FX = 1000;

const req = (over: Record<string, unknown> = {}) =>
  parseCaptureRequest({
    sysId: 1,
    index: 0,
    time: new Date('2025-10-20T02:00:00Z'),
    lon: LON,
    lat: LAT,
    altAmslM: 300,
    altRelM: 100,
    headingDeg: 0,
    gimbalPitchDeg: -90,
    ...over,
  });

function incidentAt(eastM: number, northM: number, over: Partial<Incident> = {}): Incident {
  const [lon, lat] = f.toLonLat(eastM, northM);
  return { id: 'i1', class: 'straw_burning', lon, lat, radiusM: 10, ...over };
}

const shape = (i: Incident) => resolveIncidentShape(i, DEFAULT_WEATHER);

describe('ground-truth boxes', () => {
  it('puts an incident under a nadir camera at the image centre', () => {
    const g = poseGeometry(null, cam, req());
    const p = projectIncident(g, shape(incidentAt(0, 0)))!;
    // Disc of 10 m seen from 100 m: ±100 px around the centre.
    expect(p.centerPx![0]).toBeCloseTo(800, 3);
    expect(p.centerPx![1]).toBeCloseTo(600, 3);
    expect(p.bboxPx[0]).toBeCloseTo(700, 0);
    expect(p.bboxPx[2]).toBeCloseTo(900, 0);
    expect(p.bboxPx[1]).toBeCloseTo(500, 0);
    expect(p.bboxPx[3]).toBeCloseTo(700, 0);
    expect(p.visibleFraction).toBe(1);
  });

  it('places offsets by the pinhole formula for a rotated nadir shot', () => {
    // Heading east: image up = east, image right = south.
    const g = poseGeometry(null, cam, req({ headingDeg: 90 }));
    const p = projectIncident(g, shape(incidentAt(30, 20)))!;
    expect(p.centerPx![0]).toBeCloseTo(800 - (FX * 20) / 100, 1);
    expect(p.centerPx![1]).toBeCloseTo(600 - (FX * 30) / 100, 1);
  });

  it('puts a point at distance h·tan(θ) on the centre row of an oblique shot', () => {
    // Pitch −45°: the optical axis meets the ground 100 m ahead; a point 100 m ahead and 20 m to the
    // right lies on the centre row at u = cx + fx·20/(100·√2).
    const g = poseGeometry(null, cam, req({ gimbalPitchDeg: -45 }));
    const p = projectIncident(g, shape(incidentAt(20, 100, { radiusM: 1 })))!;
    expect(p.centerPx![1]).toBeCloseTo(600, 3);
    expect(p.centerPx![0]).toBeCloseTo(800 + (FX * 20) / (100 * Math.SQRT2), 3);
    // A point 100·tan(60°) ahead sits at 15° above the axis: v = cy − fy·tan 15°.
    const q = projectIncident(g, shape(incidentAt(0, 100 * Math.tan(Math.PI / 3), { radiusM: 1 })))!;
    expect(q.centerPx![1]).toBeCloseTo(600 - FX * Math.tan(Math.PI / 12), 3);
  });

  it('clips boxes at the image edge and reports the visible share', () => {
    const g = poseGeometry(null, cam, req());
    // Centred on the right edge: 80 m east at 100 m height → u = 800 + 800 = 1600.
    const p = projectIncident(g, shape(incidentAt(80, 0)))!;
    expect(p.bboxPx[2]).toBe(1600);
    expect(p.bboxPx[0]).toBeCloseTo(1500, 0);
    expect(p.visibleFraction).toBeGreaterThan(0.4);
    expect(p.visibleFraction).toBeLessThan(0.6);
    expect(projectIncident(g, shape(incidentAt(200, 0)))).toBeNull();
    // Behind an oblique camera.
    const o = poseGeometry(null, cam, req({ gimbalPitchDeg: -20 }));
    expect(projectIncident(o, shape(incidentAt(0, -50)))).toBeNull();
  });

  it('lists only incidents in frame and gives a counter-clockwise footprint', () => {
    const g = poseGeometry(null, cam, req());
    const shapes = [shape(incidentAt(0, 0)), shape({ ...incidentAt(500, 0), id: 'far' })];
    const gt = groundTruth(g, 'a.JPG', req(), cam, shapes);
    expect(gt.incidents.map((i) => i.id)).toEqual(['i1']);
    expect(gt.centerGround![0]).toBeCloseTo(LON, 9);
    expect(gt.centerGround![1]).toBeCloseTo(LAT, 9);
    const ring = gt.footprint!.coordinates[0]!;
    expect(ring).toHaveLength(5);
    const [x0, y0] = f.toLocal(ring[0]![0]!, ring[0]![1]!);
    expect(Math.abs(x0)).toBeCloseTo(80, 6);
    expect(Math.abs(y0)).toBeCloseTo(60, 6);
    let area = 0;
    for (let i = 0; i + 1 < ring.length; i++) area += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
    expect(area).toBeGreaterThan(0);
  });

  it('clips an oblique footprint to the ground below the horizon', () => {
    const g = poseGeometry(null, cam, req({ gimbalPitchDeg: -10 }));
    const fp = footprint(g)!;
    expect(fp.coordinates[0]!.length).toBeGreaterThan(5);
    const gt = groundTruth(g, 'b.JPG', req({ gimbalPitchDeg: -10 }), cam, []);
    expect(gt.centerGround).not.toBeNull();
  });
});
