import type { Plan, PlanWarning } from '../plan-schema.ts';
import { flatAltitudeModel, type AltitudeModel } from './altitude.ts';
import { decomposeAndLayout, type CoverageCostParams } from './decompose.ts';
import { PlanInputError } from './errors.ts';
import type { Poly, Pt } from './geom.ts';
import { readPolygons, type GeoInput, type InputPolygon } from './input.ts';
import type { Cell } from './lanes.ts';
import { orderCells } from './order.ts';
import { resolveFlightParams, type FlightOptions, type FlightParams } from './params.ts';
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
import type { Projection } from './projection.ts';
import { assembleLegs } from './route.ts';
import { splitSorties } from './sorties.ts';
import type { ObstacleMap } from './obstacles.ts';

/** Options of an area survey (lawnmower over polygons). */
export interface SurveyOptions extends FlightOptions, NoflyOptions {
  /** Straight run beyond each lane end to turn around (m). Default 10, as QGroundControl. */
  turnaroundM?: number;
  /** Fix the lane heading (degrees clockwise from north) instead of searching it. */
  headingDeg?: number;
  /** Cut concave areas into pieces flown separately when cheaper. Default true. */
  decompose?: boolean;
  /** Largest accepted polygon (m²). */
  maxAreaM2?: number;
}

/** Everything the survey-like patterns share after reading the input. */
export interface SurveyContext {
  areas: InputPolygon[];
  proj: Projection;
  launch: Pt;
  launchSites: Pt[];
  obstacles: ObstacleMap;
  noflyRaw: InputPolygon[];
  params: FlightParams;
  warnings: PlanWarning[];
  marginM: number;
  cost: CoverageCostParams;
}

/** Reads and checks the inputs of survey and hillside plans. */
export function surveyContext(areasInput: GeoInput, o: SurveyOptions): SurveyContext {
  const params = resolveFlightParams(o);
  const areas = readPolygons(areasInput, { maxAreaM2: o.maxAreaM2 });
  const warnings: PlanWarning[] = [];
  const first = areas[0]!.coordinates[0]![0]!;
  const { proj, launchLonLat } = setupFrame(first, o.launch, warnings);
  const { map: obstacles, raw } = buildObstacles(proj, o.nofly, o.noflyMarginM ?? 20);
  const launch = proj.forward(launchLonLat);
  checkLaunch(launch, obstacles);
  const marginM = o.turnaroundM ?? 10;
  if (!Number.isFinite(marginM) || marginM < 0 || marginM > 500) {
    throw new PlanInputError(`掉头距离无效 / invalid turnaround ${o.turnaroundM}`, 'turnaroundM');
  }
  return {
    areas,
    proj,
    launch,
    launchSites: launchSitesOf(proj, launch, o.launchSites, obstacles),
    obstacles,
    noflyRaw: raw,
    params,
    warnings,
    marginM,
    cost: {
      spacingM: params.spacingM,
      marginM,
      speedMps: params.speedMps,
      turnPenaltyS: params.drone.turnPenaltyS,
      insetM: params.alongM / 2,
    },
  };
}

/** Stages 1–2 for every area: coverable parts, decomposition and lane angle. */
export function surveyCells(
  ctx: SurveyContext,
  o: { decompose?: boolean; angleFor?: (areaId: string, poly: Poly) => number | undefined },
): { cells: Cell[]; coverage: Map<string, Poly[]> } {
  const cells: Cell[] = [];
  const coverage = new Map<string, Poly[]>();
  for (const a of ctx.areas) {
    const poly = projectPolygon(ctx.proj, a.coordinates);
    const parts = coverableParts(a.id, poly, ctx.obstacles, ctx.warnings);
    coverage.set(a.id, [...(coverage.get(a.id) ?? []), ...parts]);
    for (const part of parts) {
      const fixed = o.angleFor?.(a.id, part);
      cells.push(
        ...decomposeAndLayout(part, ctx.cost, a.id, { maxDepth: o.decompose === false ? 0 : 2, fixedAngleRad: fixed }),
      );
    }
  }
  return { cells, coverage };
}

/** Stages 3–7 from cells to the plan document. */
export function planFromCells(
  ctx: SurveyContext,
  cells: Cell[],
  coverage: Map<string, Poly[]>,
  model: AltitudeModel,
  pattern: Plan['pattern'],
): Plan {
  const lanes = orderCells(cells, ctx.launch);
  const legs = assembleLegs(lanes, ctx.marginM, ctx.obstacles);
  const d = ctx.params.drone;
  const sorties = splitSorties(legs, ctx.launchSites, ctx.obstacles, {
    budgetS: d.flightTimeS * (1 - d.reserveFraction),
    climbDescentS: model.climbDescentS,
    turnPenaltyS: d.turnPenaltyS,
    legTimeS: model.legTimeS,
  });
  return finishPlan({
    pattern,
    proj: ctx.proj,
    launch: ctx.launch,
    sorties,
    model,
    params: ctx.params,
    coverage,
    warnings: ctx.warnings,
    nofly: ctx.noflyRaw,
  });
}

/**
 * Plans a photo survey of farmland (or any) polygons: lanes at the cheapest heading per block
 * (concave blocks cut into pieces when that is cheaper, holes respected), turnaround margins,
 * distance-triggered photos, entry at the corner nearest the launch point, blocks ordered to keep
 * transit short, no-fly zones avoided, split into sorties by battery. Pure: GeoJSON in, plan out.
 */
export function planSurvey(areas: GeoInput, options: SurveyOptions = {}): Plan {
  const ctx = surveyContext(areas, options);
  const p = ctx.params;
  const model = flatAltitudeModel({
    altAglM: p.altAglM,
    speedMps: p.speedMps,
    ascentMps: p.drone.ascentMps,
    descentMps: p.drone.descentMps,
    acrossM: p.acrossM,
    alongM: p.alongM,
  });
  const fixed = options.headingDeg === undefined ? undefined : ((90 - options.headingDeg) * Math.PI) / 180;
  if (fixed !== undefined && !Number.isFinite(fixed))
    throw new PlanInputError('航向无效 / invalid heading', 'headingDeg');
  const { cells, coverage } = surveyCells(ctx, { decompose: options.decompose, angleFor: () => fixed });
  return planFromCells(ctx, cells, coverage, model, 'survey');
}
