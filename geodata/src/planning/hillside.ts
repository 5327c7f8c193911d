import type { Plan } from '../plan-schema.ts';
import { halfFovTangents } from '../camera/gsd.ts';
import { samplePolyline, simplifyProfile, type AltitudeModel } from './altitude.ts';
import { PlanInputError } from './errors.ts';
import { bboxOf, dist, pointInPoly, type Poly, type Pt } from './geom.ts';
import type { GeoInput } from './input.ts';
import { MAV_FRAME } from './mavlink.ts';
import { projectPolygon } from './pipeline.ts';
import type { Projection } from './projection.ts';
import { planFromCells, surveyCells, surveyContext, type SurveyOptions } from './survey.ts';

/** What the hillside planner needs from a DEM (the `Dem` of `geodata/src/dem` fits). */
export interface DemLike {
  /** Ground elevation AMSL (m) at a WGS84 point, or null outside the DEM. */
  elevationAt(lon: number, lat: number): number | null;
}

export interface HillsideOptions extends SurveyOptions {
  dem: DemLike;
  /** `amsl` (default: AMSL altitudes from the DEM, MAV_FRAME_GLOBAL_INT) or `terrain` (ArduPilot frame 10). */
  altitudeFrame?: 'amsl' | 'terrain';
  /** Keep the height above ground within this fraction of the target (default 0.1). */
  aglTolerance?: number;
  /** DEM sampling step along the route (m). Default 10. */
  sampleStepM?: number;
}

function elevation(dem: DemLike, proj: Projection, p: Pt, field: string, id?: string): number {
  const [lon, lat] = proj.inverse(p);
  const z = dem.elevationAt(lon, lat);
  if (z === null || !Number.isFinite(z)) {
    throw new PlanInputError(
      `DEM 未覆盖 (${lon.toFixed(6)}, ${lat.toFixed(6)}) / DEM does not cover (${lon.toFixed(6)}, ${lat.toFixed(6)})`,
      field,
      id,
    );
  }
  return z;
}

/** Mean downhill gradient (dz/dx, dz/dy) over a polygon, from a grid of DEM samples. */
export function meanGradient(dem: DemLike, proj: Projection, poly: Poly, id: string): Pt {
  const [x0, y0, x1, y1] = bboxOf(poly[0]!);
  const n = 12;
  const h = Math.max(5, Math.min(x1 - x0, y1 - y0) / (4 * n));
  let gx = 0;
  let gy = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p: Pt = [x0 + ((i + 0.5) * (x1 - x0)) / n, y0 + ((j + 0.5) * (y1 - y0)) / n];
      if (!pointInPoly(p, poly)) continue;
      const e = (q: Pt) => elevation(dem, proj, q, 'dem', id);
      gx += (e([p[0] + h, p[1]]) - e([p[0] - h, p[1]])) / (2 * h);
      gy += (e([p[0], p[1] + h]) - e([p[0], p[1] - h])) / (2 * h);
      count++;
    }
  }
  return count > 0 ? [gx / count, gy / count] : [0, 0];
}

/** Terrain-following altitude model: target height above the DEM, densified where the ground changes. */
export function terrainAltitudeModel(o: {
  dem: DemLike;
  proj: Projection;
  launch: Pt;
  altAglM: number;
  speedMps: number;
  ascentMps: number;
  descentMps: number;
  tanAcross: number;
  tanAlong: number;
  frame: 'amsl' | 'terrain';
  tolerance: number;
  stepM: number;
}): AltitudeModel {
  const ground = (p: Pt) => elevation(o.dem, o.proj, p, 'dem');
  const launchAmsl = ground(o.launch);
  const h = o.altAglM;
  // Half the tolerance for the simplification leaves room for the terrain between samples.
  const tolM = (o.tolerance * h) / 2;
  const cache = new Map<string, { pts: Pt[]; amsl: number[] }>();
  const densify = (pts: readonly Pt[]) => {
    const key = pts.map((p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`).join(';');
    let v = cache.get(key);
    if (!v) {
      const smp = samplePolyline(pts, o.stepM);
      const target = smp.pts.map((p) => ground(p) + h);
      const keep = new Set(simplifyProfile(smp.s, target, tolM));
      smp.vertex.forEach((isV, i) => isV && keep.add(i));
      const idx = [...keep].sort((a, b) => a - b);
      v = { pts: idx.map((i) => smp.pts[i]!), amsl: idx.map((i) => target[i]!) };
      cache.set(key, v);
    }
    return v;
  };
  const gradient = (p: Pt): Pt => {
    const d = 5;
    return [
      (ground([p[0] + d, p[1]]) - ground([p[0] - d, p[1]])) / (2 * d),
      (ground([p[0], p[1] + d]) - ground([p[0], p[1] - d])) / (2 * d),
    ];
  };
  return {
    mode: o.frame === 'amsl' ? 'amsl' : 'terrain',
    frame: o.frame === 'amsl' ? MAV_FRAME.GLOBAL_INT : MAV_FRAME.GLOBAL_TERRAIN_ALT,
    takeoffZ: o.frame === 'amsl' ? launchAmsl + h : h,
    launchAmslM: launchAmsl,
    profile(pts) {
      const v = densify(pts);
      return {
        pts: v.pts.map((p) => [p[0], p[1]] as Pt),
        z: o.frame === 'amsl' ? [...v.amsl] : v.pts.map(() => h),
        altRel: v.amsl.map((z) => z - launchAmsl),
      };
    },
    zAt: (p) => (o.frame === 'amsl' ? ground(p) + h : h),
    altRelAt: (p) => ground(p) + h - launchAmsl,
    legTimeS(pts) {
      const v = densify(pts);
      let t = 0;
      for (let i = 1; i < v.pts.length; i++) {
        const dz = v.amsl[i]! - v.amsl[i - 1]!;
        // The autopilot flies the straight 3D line; a steep one is limited by the climb/descent rate.
        t += Math.max(dist(v.pts[i - 1]!, v.pts[i]!) / o.speedMps, dz > 0 ? dz / o.ascentMps : -dz / o.descentMps);
      }
      return t;
    },
    footprint(p, dir) {
      const g = gradient(p);
      const left: Pt = [-dir[1], dir[0]];
      const corners: Array<[number, number]> = [
        [-1, 1],
        [-1, -1],
        [1, -1],
        [1, 1],
      ];
      return corners.map(([sa, sc]) => {
        // Ray from the camera (h above the ground below it) through the image corner, meeting the
        // local ground plane z = z0 + g·offset.
        const ox = dir[0] * sa * o.tanAlong + left[0] * sc * o.tanAcross;
        const oy = dir[1] * sa * o.tanAlong + left[1] * sc * o.tanAcross;
        const t = h / Math.max(0.25, 1 + g[0] * ox + g[1] * oy);
        return [p[0] + t * ox, p[1] + t * oy] as Pt;
      });
    },
    climbDescentS: h / o.ascentMps + h / o.descentMps,
  };
}

/**
 * Plans a hillside survey with terrain following: lanes along the contours (across the mean slope)
 * when the slope is noticeable, waypoints added wherever the ground changes so the height above
 * ground stays within ±10 % of the target, AMSL altitudes from the DEM in MAV_FRAME_GLOBAL_INT
 * (PX4 rejects terrain frames; ArduPilot's terrain frame is `altitudeFrame: 'terrain'`).
 */
export function planHillside(areas: GeoInput, options: HillsideOptions): Plan {
  if (!options || !options.dem || typeof options.dem.elevationAt !== 'function') {
    throw new PlanInputError('需要 DEM / a DEM is required for hillside plans', 'dem');
  }
  const ctx = surveyContext(areas, options);
  const dem = options.dem;
  // The DEM must cover every area (vertices and an inner grid) and the launch point.
  for (const a of ctx.areas) {
    const poly = projectPolygon(ctx.proj, a.coordinates);
    for (const r of poly) for (const p of r) elevation(dem, ctx.proj, p, 'dem', a.id);
    meanGradient(dem, ctx.proj, poly, a.id);
  }
  elevation(dem, ctx.proj, ctx.launch, 'dem', 'launch');
  const tol = options.aglTolerance ?? 0.1;
  if (!(tol > 0 && tol < 1))
    throw new PlanInputError(`容差无效 / aglTolerance must be in (0, 1), got ${tol}`, 'aglTolerance');
  const p = ctx.params;
  const tan = halfFovTangents(p.camera, p.orientation);
  const model = terrainAltitudeModel({
    dem,
    proj: ctx.proj,
    launch: ctx.launch,
    altAglM: p.altAglM,
    speedMps: p.speedMps,
    ascentMps: p.drone.ascentMps,
    descentMps: p.drone.descentMps,
    tanAcross: tan.across,
    tanAlong: tan.along,
    frame: options.altitudeFrame ?? 'amsl',
    tolerance: tol,
    stepM: options.sampleStepM ?? 10,
  });
  const fixedHeading = options.headingDeg === undefined ? undefined : ((90 - options.headingDeg) * Math.PI) / 180;
  const { cells, coverage } = surveyCells(ctx, {
    decompose: false,
    angleFor: (id, poly) => {
      if (fixedHeading !== undefined) return fixedHeading;
      const g = meanGradient(dem, ctx.proj, poly, id);
      // Below ~3° the contours mean little: search the angle as on flat ground.
      if (Math.hypot(g[0], g[1]) < 0.05) return undefined;
      return Math.atan2(g[1], g[0]) + Math.PI / 2;
    },
  });
  return planFromCells(ctx, cells, coverage, model, 'hillside');
}
