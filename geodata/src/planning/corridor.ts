import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Plan, PlanWarning } from '../plan-schema.ts';
import { flatAltitudeModel } from './altitude.ts';
import { PlanInputError } from './errors.ts';
import { dist, endDirections, polylineLength, subPolyline, type Poly, type Pt } from './geom.ts';
import { readLines, type GeoInput } from './input.ts';
import type { Cell } from './lanes.ts';
import { orderCells } from './order.ts';
import { resolveFlightParams, type FlightOptions } from './params.ts';
import {
  buildObstacles,
  checkLaunch,
  coverableParts,
  finishPlan,
  launchSitesOf,
  projectPolygon,
  setupFrame,
  type NoflyOptions,
} from './pipeline.ts';
import { assembleLegs, roundLaneToTrigger } from './route.ts';
import { splitSorties } from './sorties.ts';

/** Options of a corridor scan along (multi)lines such as rivers. */
export interface CorridorOptions extends FlightOptions, NoflyOptions {
  /** Half-width to cover on each side of the line (m); a feature's `halfWidthM` property overrides it. */
  halfWidthM?: number;
  turnaroundM?: number;
  /** Longest piece of line flown as one block of passes (m). Default: from the battery. */
  chunkM?: number;
}

/** Removes vertices closer than `tolM` to the line through their neighbours (Douglas–Peucker). */
export function simplifyLine(pts: readonly Pt[], tolM: number): Pt[] {
  if (pts.length <= 2) return pts.map((p) => [p[0], p[1]] as Pt);
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, pts.length - 1]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const a = pts[i]!;
    const b = pts[j]!;
    const L = dist(a, b) || 1e-9;
    let worst = -1;
    let wd = tolM;
    for (let k = i + 1; k < j; k++) {
      const p = pts[k]!;
      const d = Math.abs((b[0] - a[0]) * (a[1] - p[1]) - (a[0] - p[0]) * (b[1] - a[1])) / L;
      if (d > wd) {
        wd = d;
        worst = k;
      }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([i, worst], [worst, j]);
    }
  }
  return pts.filter((_, i) => keep[i]).map((p) => [p[0], p[1]] as Pt);
}

/** Offsets a polyline sideways by `d` (left positive) with mitred joins limited to 3·|d|. */
export function offsetPolyline(pts: readonly Pt[], d: number): Pt[] {
  if (Math.abs(d) < 1e-9) return pts.map((p) => [p[0], p[1]] as Pt);
  const normals: Pt[] = [];
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const l = dist(a, b) || 1;
    normals.push([-(b[1] - a[1]) / l, (b[0] - a[0]) / l]);
  }
  return pts.map((p, i) => {
    const n0 = normals[Math.max(0, i - 1)]!;
    const n1 = normals[Math.min(normals.length - 1, i)]!;
    let nx = n0[0] + n1[0];
    let ny = n0[1] + n1[1];
    const l = Math.hypot(nx, ny);
    if (l < 1e-9) {
      nx = n1[0];
      ny = n1[1];
    } else {
      nx /= l;
      ny /= l;
    }
    const cos = nx * n1[0] + ny * n1[1];
    const scale = Math.min(3, 1 / Math.max(cos, 1e-3));
    return [p[0] + nx * d * scale, p[1] + ny * d * scale] as Pt;
  });
}

/**
 * Plans a corridor scan (river and banks): enough parallel passes to cover `halfWidthM` each side,
 * photos along every pass (triggered per pass, so reversed passes are photographed the same way),
 * the line cut into chunks flown pass-by-pass so long rivers split cleanly into sorties.
 */
export function planCorridor(lines: GeoInput, options: CorridorOptions = {}): Plan {
  const params = resolveFlightParams(options);
  const input = readLines(lines);
  const warnings: PlanWarning[] = [];
  const { proj, launchLonLat } = setupFrame(input[0]!.coordinates[0]!, options.launch, warnings);
  const { map: obstacles, raw } = buildObstacles(proj, options.nofly, options.noflyMarginM ?? 20);
  const launch = proj.forward(launchLonLat);
  checkLaunch(launch, obstacles);
  const marginM = options.turnaroundM ?? 10;
  const d = params.drone;
  const model = flatAltitudeModel({
    altAglM: params.altAglM,
    speedMps: params.speedMps,
    ascentMps: d.ascentMps,
    descentMps: d.descentMps,
    acrossM: params.acrossM,
    alongM: params.alongM,
  });
  const budgetS = d.flightTimeS * (1 - d.reserveFraction);
  const cells: Cell[] = [];
  const coverage = new Map<string, Poly[]>();
  for (const line of input) {
    const hwRaw = line.properties.halfWidthM ?? options.halfWidthM;
    const hw = Number(hwRaw);
    if (hwRaw === undefined || !Number.isFinite(hw) || hw <= 0 || hw > 2000) {
      throw new PlanInputError(
        `半宽无效 / halfWidthM must be in (0, 2000] m, got ${String(hwRaw)}`,
        'halfWidthM',
        line.id,
      );
    }
    const buf = turf.buffer(turf.lineString(line.coordinates.map((c) => [c[0]!, c[1]!])), hw, {
      units: 'meters',
      steps: 8,
    }) as Feature<Polygon | MultiPolygon> | undefined;
    if (buf) {
      const list = buf.geometry.type === 'Polygon' ? [buf.geometry.coordinates] : buf.geometry.coordinates;
      for (const rings of list) {
        const parts = coverableParts(line.id, projectPolygon(proj, rings), obstacles, warnings);
        coverage.set(line.id, [...(coverage.get(line.id) ?? []), ...parts]);
      }
    }
    const raw0 = simplifyLine(
      line.coordinates.map((c) => proj.forward(c)),
      Math.min(params.spacingM / 8, 2),
    );
    // Extend the ends by the half-width so the round ends of the corridor are photographed.
    const { start, end } = endDirections(raw0);
    const a = raw0[0]!;
    const z = raw0[raw0.length - 1]!;
    const center: Pt[] = [
      [a[0] - start[0] * hw, a[1] - start[1] * hw],
      ...raw0.slice(1, -1),
      [z[0] + end[0] * hw, z[1] + end[1] * hw],
    ];
    if (raw0.length === 2) center.splice(1, 0);
    const passes = Math.max(1, Math.ceil((2 * hw) / params.spacingM - 1e-9));
    const offsets = Array.from({ length: passes }, (_, i) => (i - (passes - 1) / 2) * params.spacingM);
    const L = polylineLength(center);
    const flyable = Math.max(200, (budgetS - model.climbDescentS) * params.speedMps);
    const chunk = options.chunkM ?? Math.max(200, flyable / (passes + 2));
    const nChunks = Math.max(1, Math.ceil(L / chunk));
    for (let k = 0; k < nChunks; k++) {
      const piece = subPolyline(center, (k * L) / nChunks, ((k + 1) * L) / nChunks);
      cells.push({ areaId: line.id, lanes: offsets.map((o) => offsetPolyline(piece, o)) });
    }
  }
  const lanes = orderCells(cells, launch).map((l) => ({ ...l, pts: roundLaneToTrigger(l.pts, params.triggerM) }));
  const legs = assembleLegs(lanes, marginM, obstacles);
  const sorties = splitSorties(legs, launchSitesOf(proj, launch, options.launchSites, obstacles), obstacles, {
    budgetS,
    climbDescentS: model.climbDescentS,
    turnPenaltyS: d.turnPenaltyS,
    legTimeS: model.legTimeS,
  });
  return finishPlan({ pattern: 'corridor', proj, launch, sorties, model, params, coverage, warnings, nofly: raw });
}
