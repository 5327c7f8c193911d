/**
 * Issue 16.6: a geotagged photo stays located when its height above ground is unknown (no relative
 * altitude, no DEM, no flight record): nadir at its GPS point with a stated uncertainty, oblique along
 * its ray with a wide one.
 */
import { describe, expect, it } from 'vitest';
import { localFrame, toLocal } from '@xuncha/geodata';
import { ASSUMED_HEIGHT_AGL_M } from '../src/metadata/camera-pose.ts';
import { triagePhoto } from '../src/pipeline/triage-photo.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';
import type { SyntheticPose } from '../src/testing/synthetic-photo.ts';

const LON = 119.14;
const LAT = 28.08;

async function triage(pose: SyntheticPose) {
  const bytes = await syntheticPhoto({
    widthPx: 600,
    heightPx: 400,
    focalLengthMm: 8.8,
    pose: { lat: LAT, lon: LON, ...pose },
  });
  return triagePhoto('p.jpg', bytes);
}

function offset(lon: number, lat: number): { eastM: number; northM: number; m: number } {
  const p = toLocal(localFrame(LON, LAT), lon, lat);
  return { ...p, m: Math.hypot(p.eastM, p.northM) };
}

describe('photos without a height above ground', () => {
  it('nadir with only GPS latitude/longitude: at its GPS point, surface "assumed", error stated, a warning says why', async () => {
    const r = await triage({ gimbalPitchDeg: -90, gimbalYawDeg: 0 });
    expect(r.status).toBe('ok');
    expect(r.camera!.heightAssumed).toBe(true);
    const c = r.ground.centerGround!;
    expect(offset(c.lon, c.lat).m).toBeLessThan(0.01);
    expect(c.surface).toBe('assumed');
    expect(c.errorM).toBeGreaterThan(2);
    expect(c.errorM).toBeLessThan(30);
    expect(r.ground.footprint).not.toBeNull();
    expect(r.issues.some((i) => i.code === 'field_assumed' && i.field === 'altRelM')).toBe(true);
    expect(r.issues.some((i) => i.code === 'unlocated')).toBe(false);
  });

  it('no gimbal pitch either (assumed nadir): still at its GPS point, with a wider error than a known nadir', async () => {
    const known = await triage({ gimbalPitchDeg: -90, gimbalYawDeg: 0 });
    const r = await triage({});
    expect(r.status).toBe('ok');
    const c = r.ground.centerGround!;
    expect(offset(c.lon, c.lat).m).toBeLessThan(0.01);
    expect(c.errorM).toBeGreaterThan(known.ground.centerGround!.errorM);
    expect(c.errorM).toBeLessThan(60);
  });

  it('GNSS altitude only (no relative altitude, no DEM), nadir: located at its GPS point, no longer "unlocated"', async () => {
    const r = await triage({ altAmslM: 312, gimbalPitchDeg: -90, gimbalYawDeg: 0 });
    expect(r.status).toBe('ok');
    expect(r.camera!.heightAssumed).toBe(false);
    const c = r.ground.centerGround!;
    expect(offset(c.lon, c.lat).m).toBeLessThan(0.01);
    expect(c.altAmslM).toBeCloseTo(312 - ASSUMED_HEIGHT_AGL_M, 6);
    expect(c.surface).toBe('assumed');
    expect(r.issues.some((i) => i.code === 'field_assumed' && i.field === 'altRelM')).toBe(true);
  });

  it('oblique (30° down, looking east): placed along its ray at the assumed height, with a wide error', async () => {
    const r = await triage({ altAmslM: 312, gimbalPitchDeg: -30, gimbalYawDeg: 90 });
    expect(r.status).toBe('ok');
    const c = r.ground.centerGround!;
    const o = offset(c.lon, c.lat);
    // 100 m up, 30° down: the centre ray lands 100/tan 30° ≈ 173 m east.
    expect(o.eastM).toBeCloseTo(ASSUMED_HEIGHT_AGL_M / Math.tan(Math.PI / 6), 0);
    expect(Math.abs(o.northM)).toBeLessThan(0.5);
    // ±50 m of height moves the point ±87 m along the ray: the error says so.
    expect(c.errorM).toBeGreaterThan(80);
    const known = await triage({ altAmslM: 312, altRelM: 100, gimbalPitchDeg: -30, gimbalYawDeg: 90 });
    expect(known.ground.centerGround!.errorM).toBeLessThan(c.errorM / 5);
    expect(known.ground.centerGround!.surface).toBe('plane');
  });

  it('looking at the horizon with no height: kept at its own position with a kilometres-wide error', async () => {
    const r = await triage({ altAmslM: 312, gimbalPitchDeg: 0, gimbalYawDeg: 90 });
    expect(r.status).toBe('ok');
    const c = r.ground.centerGround!;
    expect(offset(c.lon, c.lat).m).toBeLessThan(0.01);
    expect(c.errorM).toBeGreaterThanOrEqual(5000);
  });

  it('no position at all: still unlocated', async () => {
    const bytes = await syntheticPhoto({ widthPx: 60, heightPx: 40, pose: { altRelM: 80 } });
    const r = await triagePhoto('q.jpg', bytes);
    expect(r.status).toBe('unlocated');
    expect(r.ground.centerGround).toBeNull();
  });
});
