/**
 * Ground truth of a photo: which planted incidents are in frame, where (pixel boxes), how much of
 * each is visible, and the photo's ground footprint. Written beside each JPEG as `<photo>.json`.
 *
 * bboxPx = [x0, y0, x1, y1] in full-resolution pixel coordinates (u right, v down, (0,0) = top-left
 * corner of the image; see view.ts) of the incident's nominal ground outline (incident-shape.ts)
 * projected through the pinhole, clipped to the camera's near plane and then to the image.
 * visibleFraction = share of points spread evenly over the outline's ground area that project inside
 * the image and are not hidden behind terrain, a house or a tree crown (when the renderer says where they
 * stand). groundLonLat = the incident's anchor as planted
 * (a sewage plume's outfall). Incidents with visibleFraction 0 are left out.
 */
import { z } from 'zod';
import type { Polygon, Position } from 'geojson';
import { interiorSQ, outlineSQ, sqToEN, type IncidentShape } from '../scene/incident-shape.ts';
import { INCIDENT_CLASSES } from '../scene/incident-schema.ts';
import { intersectTerrain } from '../scene/terrain.ts';
import { CameraModelSchema, type CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import { MAX_RANGE_M, pixelToGround, type PoseGeometry } from './pose-geometry.ts';
import { projectPoint, toCameraSpace, type Vec3 } from './view.ts';

const lonLat = z.tuple([z.number(), z.number()]);

export const GroundTruthIncidentSchema = z.object({
  id: z.string(),
  class: z.enum(INCIDENT_CLASSES),
  bboxPx: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  groundLonLat: lonLat,
  visibleFraction: z.number().min(0).max(1),
  /** Pixel of the anchor point, null when it is behind the camera. May lie outside the image. */
  centerPx: z.tuple([z.number(), z.number()]).nullable(),
  /**
   * Box of the pixels where the incident is actually seen in the rendered photo (its ground outline
   * minus what smoke or terrain hide, plus a fire's dense smoke column); null when nothing of it shows
   * (e.g. hidden under smoke), absent when the renderer did not report it. Same convention as bboxPx.
   */
  visibleBboxPx: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable().optional(),
});
export type GroundTruthIncident = z.infer<typeof GroundTruthIncidentSchema>;

export const GroundTruthSchema = z.object({
  /** File name of the JPEG this describes. */
  photo: z.string(),
  pose: z.object({
    sysId: z.number(),
    index: z.number(),
    time: z.string(),
    /** The scenario's time at capture, when it differs from the photo's clock. */
    sceneTime: z.string().optional(),
    lon: z.number(),
    lat: z.number(),
    altAmslM: z.number(),
    altRelM: z.number(),
    headingDeg: z.number(),
    gimbalPitchDeg: z.number(),
    gimbalYawDeg: z.number().optional(),
    speedMps: z.number().optional(),
  }),
  camera: CameraModelSchema,
  /** 'dem' when rays were intersected with the DEM, else the takeoff plane at altAmslM − altRelM. */
  terrain: z.enum(['dem', 'takeoff-plane']),
  incidents: z.array(GroundTruthIncidentSchema),
  footprint: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }).nullable(),
  centerGround: lonLat.nullable(),
});
export type GroundTruth = z.infer<typeof GroundTruthSchema>;

function clipNear(poly: Vec3[], near: number): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i] as Vec3;
    const b = poly[(i + 1) % poly.length] as Vec3;
    const ina = a[2] >= near;
    const inb = b[2] >= near;
    if (ina) out.push(a);
    if (ina !== inb) {
      const t = (near - a[2]) / (b[2] - a[2]);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), near]);
    }
  }
  return out;
}

function clipRect(poly: [number, number][], w: number, h: number): [number, number][] {
  const edges: [(p: [number, number]) => number, number][] = [
    [(p) => p[0], 0],
    [(p) => -p[0], -w],
    [(p) => p[1], 0],
    [(p) => -p[1], -h],
  ];
  let cur = poly;
  for (const [f, lim] of edges) {
    const next: [number, number][] = [];
    for (let i = 0; i < cur.length; i++) {
      const a = cur[i] as [number, number];
      const b = cur[(i + 1) % cur.length] as [number, number];
      const fa = f(a) - lim;
      const fb = f(b) - lim;
      if (fa >= 0) next.push(a);
      if (fa >= 0 !== fb >= 0) {
        const t = fa / (fa - fb);
        next.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}

/** Whether a house or tree stands between the camera and the ground at (lon, lat): the render's `occluded`. */
export type Occlusion = (lon: number, lat: number) => boolean;

/** Pixel box and visible share of one incident, or null when none of it is in the photo. */
export function projectIncident(
  g: PoseGeometry,
  shape: IncidentShape,
  occluded?: Occlusion,
): { bboxPx: [number, number, number, number]; visibleFraction: number; centerPx: [number, number] | null } | null {
  const { view, frame, terrain } = g;
  const [ax, ay] = frame.toLocal(shape.lon, shape.lat);
  const toWorld = (s: number, q: number): Vec3 => {
    const [e, n] = sqToEN(shape, s, q);
    const x = ax + e;
    const y = ay + n;
    return [x, y, terrain.heightAt(x, y)];
  };
  const near = 0.5;
  const cam = clipNear(
    outlineSQ(shape, 64).map(([s, q]) => toCameraSpace(view, toWorld(s, q))),
    near,
  );
  if (cam.length < 3) return null;
  const img = clipRect(
    cam.map(([x, y, z]) => [view.cx + (view.fx * x) / z, view.cy + (view.fy * y) / z] as [number, number]),
    view.widthPx,
    view.heightPx,
  );
  if (img.length < 3) return null;
  const xs = img.map((p) => p[0]);
  const ys = img.map((p) => p[1]);
  const bbox: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  if (bbox[2] - bbox[0] <= 0 || bbox[3] - bbox[1] <= 0) return null;

  const samples = interiorSQ(shape, 20);
  let seen = 0;
  const [ox, oy, oz] = view.pos;
  for (const [s, q] of samples) {
    const p = toWorld(s, q);
    const px = projectPoint(view, p);
    if (!px || px.u < 0 || px.u > view.widthPx || px.v < 0 || px.v > view.heightPx) continue;
    if (!terrain.flat) {
      // Hidden when the ray toward p meets the terrain well before p.
      const t = intersectTerrain(terrain, ox, oy, oz, p[0] - ox, p[1] - oy, p[2] - oz, MAX_RANGE_M);
      if (Number.isFinite(t) && t < 0.98) continue;
    }
    if (occluded) {
      const [lon, lat] = frame.toLonLat(p[0], p[1]);
      if (occluded(lon, lat)) continue;
    }
    seen++;
  }
  const visibleFraction = samples.length ? seen / samples.length : 0;
  if (visibleFraction === 0) return null;
  const c = projectPoint(view, toWorld(0, 0));
  return { bboxPx: bbox, visibleFraction, centerPx: c ? [c.u, c.v] : null };
}

function groundLonLat(g: PoseGeometry, p: [number, number, number]): Position {
  return g.frame.toLonLat(p[0], p[1]);
}

/** Ground footprint of the photo: its corners on the terrain, or the visible ground part of the border. */
export function footprint(g: PoseGeometry): Polygon | null {
  const { widthPx: w, heightPx: h } = g.view;
  const corners: [number, number][] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  let pts = corners.map(([u, v]) => pixelToGround(g, u, v));
  let ring: Position[];
  if (pts.every((p) => p)) ring = pts.map((p) => groundLonLat(g, p as [number, number, number]));
  else {
    // Oblique: walk the border; where a ray misses, slide down its column to the first ground hit.
    const border: [number, number][] = [];
    const k = 16;
    for (let i = 0; i < k; i++) border.push([(w * i) / k, 0]);
    for (let i = 0; i < k; i++) border.push([w, (h * i) / k]);
    for (let i = 0; i < k; i++) border.push([w - (w * i) / k, h]);
    for (let i = 0; i < k; i++) border.push([0, h - (h * i) / k]);
    pts = border.map(([u, v]) => {
      const p = pixelToGround(g, u, v);
      if (p) return p;
      if (!pixelToGround(g, u, h)) return null;
      let lo = v;
      let hi = h;
      for (let it = 0; it < 30; it++) {
        const mid = (lo + hi) / 2;
        if (pixelToGround(g, u, mid)) hi = mid;
        else lo = mid;
      }
      return pixelToGround(g, u, hi);
    });
    ring = pts.filter((p): p is [number, number, number] => p !== null).map((p) => groundLonLat(g, p));
  }
  if (ring.length < 3) return null;
  // RFC 7946: exterior rings counter-clockwise.
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % ring.length] as Position;
    area += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  if (area < 0) ring.reverse();
  ring.push([...(ring[0] as Position)]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Ground truth of one capture from its geometry and the scene's incident shapes. */
export function groundTruth(
  g: PoseGeometry,
  photo: string,
  req: CaptureRequest,
  camera: CameraModel,
  shapes: readonly IncidentShape[],
  occluded?: Occlusion,
): GroundTruth {
  const incidents: GroundTruthIncident[] = [];
  for (const shape of shapes) {
    const p = projectIncident(g, shape, occluded);
    if (!p) continue;
    incidents.push({
      id: shape.id,
      class: shape.cls,
      bboxPx: p.bboxPx.map((v) => Math.round(v * 100) / 100) as [number, number, number, number],
      groundLonLat: [shape.lon, shape.lat],
      visibleFraction: Math.round(p.visibleFraction * 1000) / 1000,
      centerPx: p.centerPx ? [Math.round(p.centerPx[0] * 100) / 100, Math.round(p.centerPx[1] * 100) / 100] : null,
    });
  }
  const c = pixelToGround(g, g.view.widthPx / 2, g.view.heightPx / 2);
  const { time, sceneTime, ...rest } = req;
  return {
    photo,
    pose: { ...rest, time: time.toISOString(), ...(sceneTime ? { sceneTime: sceneTime.toISOString() } : {}) },
    camera: { ...camera },
    terrain: g.terrain.flat ? 'takeoff-plane' : 'dem',
    incidents,
    footprint: footprint(g),
    centerGround: c ? (groundLonLat(g, c) as [number, number]) : null,
  };
}
