import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Plan, PlanWarning } from '../plan-schema.ts';
import type { AltitudeModel } from './altitude.ts';
import { differencePolys, intersectPolys, normalizeOrientation } from './clip.ts';
import { coveredFraction } from './coverage.ts';
import { PlanInputError } from './errors.ts';
import { bboxOf, openRing, polyArea, type Poly, type Pt } from './geom.ts';
import { readPolygons, type GeoInput, type InputPolygon } from './input.ts';
import { sortieItems } from './items.ts';
import { ObstacleMap, type Obstacle } from './obstacles.ts';
import type { FlightParams } from './params.ts';
import { PhotoWriter } from './photo-writer.ts';
import { makeProjection, type Projection } from './projection.ts';
import { roundTo } from './round.ts';
import type { SortieLegs } from './sorties.ts';

/** No-fly options shared by the patterns. */
export interface NoflyOptions {
  /** No-fly polygons (WGS84 GeoJSON). */
  nofly?: GeoInput;
  /** Safety margin around each no-fly polygon (m). Default 20. */
  noflyMarginM?: number;
  /** Launch point [lon, lat]. Default: the first vertex of the first area (with a warning). */
  launch?: [number, number];
  /** More launch sites [lon, lat] (long rivers): each sortie uses the one nearest its first lane. */
  launchSites?: Array<[number, number]>;
}

/** Projects a WGS84 polygon into the planning frame (outer CCW, holes CW). */
export function projectPolygon(proj: Projection, rings: readonly (readonly number[])[][]): Poly {
  return normalizeOrientation(rings.map((r) => openRing(r.map((c) => proj.forward(c)))));
}

function bufferedRings(f: InputPolygon, marginM: number): number[][][][] {
  const feat = turf.polygon(f.coordinates.map((r) => r.map((c) => [c[0]!, c[1]!])));
  if (marginM <= 0) return [feat.geometry.coordinates];
  const b = turf.buffer(feat, marginM, { units: 'meters', steps: 8 }) as Feature<Polygon | MultiPolygon> | undefined;
  if (!b) return [feat.geometry.coordinates];
  return b.geometry.type === 'Polygon' ? [b.geometry.coordinates] : b.geometry.coordinates;
}

/** Reads no-fly zones and builds their margin-grown metric obstacles. */
export function buildObstacles(
  proj: Projection,
  nofly: GeoInput | undefined,
  marginM: number,
): { map: ObstacleMap; raw: InputPolygon[] } {
  if (!nofly) return { map: new ObstacleMap([]), raw: [] };
  if (!Number.isFinite(marginM) || marginM < 0)
    throw new PlanInputError(`安全距离无效 / invalid margin ${marginM}`, 'noflyMarginM');
  const raw = readPolygons(nofly, { field: 'nofly', maxAreaM2: Infinity });
  const obstacles: Obstacle[] = [];
  for (const f of raw) {
    const forb = bufferedRings(f, marginM);
    const nav = bufferedRings(f, marginM * 1.05 + 3);
    forb.forEach((rings, i) => {
      const navRings = nav[i] ?? nav[0]!;
      obstacles.push({ id: f.id, forbidden: projectPolygon(proj, rings), nav: projectPolygon(proj, navRings) });
    });
  }
  return { map: new ObstacleMap(obstacles), raw };
}

/** Subtracts no-fly zones from an area, reporting (never dropping silently) what cannot be covered. */
export function coverableParts(areaId: string, poly: Poly, obstacles: ObstacleMap, warnings: PlanWarning[]): Poly[] {
  if (obstacles.isEmpty) return [poly];
  const [px0, py0, px1, py1] = bboxOf(poly[0]!);
  const forb = obstacles.obstacles
    .map((o) => o.forbidden)
    .filter((f) => {
      const [bx0, by0, bx1, by1] = bboxOf(f[0]!);
      return bx0 <= px1 && px0 <= bx1 && by0 <= py1 && py0 <= by1;
    });
  if (forb.length === 0) return [poly];
  const parts = differencePolys([poly], forb);
  const lost = polyArea(poly) - parts.reduce((s, p) => s + polyArea(p), 0);
  if (lost > 1) {
    const [ax0, ay0, ax1, ay1] = bboxOf(poly[0]!);
    const zones = obstacles.obstacles
      .filter((o) => {
        const [bx0, by0, bx1, by1] = bboxOf(o.forbidden[0]!);
        return bx0 <= ax1 && ax0 <= bx1 && by0 <= ay1 && ay0 <= by1 && intersectPolys([poly], [o.forbidden]).length > 0;
      })
      .map((o) => o.id);
    const names = [...new Set(zones)].join(', ');
    warnings.push({
      code: 'nofly-uncovered',
      message: `区域 ${areaId} 有 ${lost.toFixed(0)} m² 位于禁飞区 ${names}（含安全距离）内，无法覆盖 / ${lost.toFixed(0)} m² of area ${areaId} lies in no-fly zone ${names} (with margin) and cannot be covered`,
      featureId: areaId,
      areaM2: lost,
    });
  }
  return parts;
}

/** Picks the projection and launch point for a set of WGS84 points. */
export function setupFrame(
  firstLonLat: readonly number[],
  launch: [number, number] | undefined,
  warnings: PlanWarning[],
): { proj: Projection; launchLonLat: Pt } {
  if (launch !== undefined) {
    if (
      !Array.isArray(launch) ||
      launch.length !== 2 ||
      !launch.every(Number.isFinite) ||
      Math.abs(launch[0]) > 180 ||
      Math.abs(launch[1]) > 90
    ) {
      throw new PlanInputError(`起飞点无效 / invalid launch ${JSON.stringify(launch)} (expect [lon, lat])`, 'launch');
    }
  }
  const launchLonLat: Pt = launch ? [launch[0], launch[1]] : [firstLonLat[0]!, firstLonLat[1]!];
  if (!launch) {
    warnings.push({
      code: 'launch-defaulted',
      message: `未指定起飞点，使用第一个区域的第一个顶点 / no launch given, using the first vertex of the first area (${launchLonLat[0].toFixed(6)}, ${launchLonLat[1].toFixed(6)})`,
    });
  }
  return { proj: makeProjection(launchLonLat[0], launchLonLat[1]), launchLonLat };
}

/** Checks the launch point is outside every no-fly zone. */
export function checkLaunch(launch: Pt, obstacles: ObstacleMap): void {
  const z = obstacles.zoneAt(launch);
  if (z) throw new PlanInputError(`起飞点位于禁飞区 ${z.id} 内 / launch point is inside no-fly zone ${z.id}`, 'launch');
}

/** All launch sites in metres: the main one first, then `launchSites`, each checked. */
export function launchSitesOf(
  proj: Projection,
  launch: Pt,
  sites: Array<[number, number]> | undefined,
  obstacles: ObstacleMap,
): Pt[] {
  const out: Pt[] = [launch];
  for (const s of sites ?? []) {
    if (!Array.isArray(s) || s.length !== 2 || !s.every(Number.isFinite)) {
      throw new PlanInputError(`起飞点无效 / invalid launch site ${JSON.stringify(s)}`, 'launchSites');
    }
    const p = proj.forward(s);
    checkLaunch(p, obstacles);
    out.push(p);
  }
  return out;
}

export interface FinishInput {
  pattern: Plan['pattern'];
  proj: Projection;
  launch: Pt;
  sorties: SortieLegs[];
  model: AltitudeModel;
  params: FlightParams;
  /** Areas to cover per area id (metric), for coveredFraction. */
  coverage: Map<string, Poly[]>;
  warnings: PlanWarning[];
  nofly: InputPolygon[];
}

/** Stage 7: photos, footprints, coverage, mission items and stats, published in WGS84. */
export function finishPlan(f: FinishInput): Plan {
  const { proj, model, params } = f;
  // Exact inverse for the route and mission items; each waypoint is asked for twice (route and
  // items), so results are memoised by coordinates.
  const inverseCache = new Map<number, Map<number, Pt>>();
  const toLonLat = (p: Pt): Pt => {
    let byY = inverseCache.get(p[0]);
    if (!byY) inverseCache.set(p[0], (byY = new Map()));
    let r = byY.get(p[1]);
    if (!r) {
      const q = proj.inverse(p);
      byY.set(p[1], (r = [roundTo(q[0], 8), roundTo(q[1], 8)]));
    }
    return [r[0], r[1]];
  };
  const photoWriter = new PhotoWriter(proj, model, params.triggerM);
  const sorties: Plan['sorties'] = f.sorties.map((s, index) => {
    let photoCount = 0;
    const coords: number[][] = [];
    const push = (p: Pt, altRel: number) => {
      const [lon, lat] = toLonLat(p);
      const last = coords[coords.length - 1];
      if (!last || last[0] !== lon || last[1] !== lat) coords.push([lon, lat, roundTo(altRel, 2)]);
    };
    push(s.launch, 0);
    for (const leg of s.legs) {
      const prof = model.profile(leg.pts);
      prof.pts.forEach((p, j) => push(p, prof.altRel[j]!));
      if (leg.kind === 'lane') photoCount += photoWriter.lane(leg.pts, leg.areaId, index);
    }
    push(s.launch, 0);
    if (coords.length < 2) coords.push([...coords[0]!]);
    return {
      index,
      route: { type: 'LineString' as const, coordinates: coords },
      ...(s.launch !== f.launch ? { launch: { lon: toLonLat(s.launch)[0], lat: toLonLat(s.launch)[1] } } : {}),
      items: sortieItems(s.legs, {
        launch: s.launch,
        speedMps: params.speedMps,
        triggerM: params.triggerM,
        trigger: params.trigger,
        model,
        toLonLat,
      }),
      lengthM: Number(s.lengthM.toFixed(1)),
      durationS: Number(s.durationS.toFixed(1)),
      photoCount,
    };
  });
  let areaM2 = 0;
  let coveredM2 = 0;
  for (const [id, polys] of f.coverage) {
    const r = coveredFraction(polys, photoWriter.chainsByArea.get(id)?.quads() ?? []);
    areaM2 += r.areaM2;
    coveredM2 += r.areaM2 * r.fraction;
    if (r.areaM2 > 0 && r.fraction < 0.995) {
      f.warnings.push({
        code: 'coverage-low',
        message: `区域 ${id} 覆盖率 ${(r.fraction * 100).toFixed(1)}% / area ${id} covered ${(r.fraction * 100).toFixed(1)}%`,
        featureId: id,
      });
    }
  }
  const [lon, lat] = toLonLat(f.launch);
  return {
    version: 1,
    pattern: f.pattern,
    camera: params.camera.name,
    drone: params.drone.name,
    launch: {
      lon,
      lat,
      ...(model.launchAmslM !== undefined ? { altAmslM: Number(model.launchAmslM.toFixed(2)) } : {}),
    },
    altitudeMode: model.mode,
    altAglM: Number(params.altAglM.toFixed(2)),
    speedMps: Number(params.speedMps.toFixed(2)),
    sorties,
    photos: photoWriter.photos,
    stats: {
      areaM2: Number(areaM2.toFixed(1)),
      coveredFraction: areaM2 > 0 ? Number((coveredM2 / areaM2).toFixed(5)) : 1,
      lengthM: Number(sorties.reduce((s, x) => s + x.lengthM, 0).toFixed(1)),
      durationS: Number(sorties.reduce((s, x) => s + x.durationS, 0).toFixed(1)),
      photoCount: photoWriter.photos.length,
      sortieCount: sorties.length,
      laneSpacingM: Number(params.spacingM.toFixed(2)),
      triggerDistanceM: Number(params.triggerM.toFixed(2)),
      gsdCm: Number(params.gsdCm.toFixed(3)),
    },
    warnings: [...params.warnings, ...f.warnings],
    geofence: {
      polygons: f.nofly.map((n) => ({
        inclusion: false,
        polygon: { type: 'Polygon' as const, coordinates: n.coordinates.map((r) => r.map((c) => [c[0]!, c[1]!])) },
      })),
    },
  };
}
