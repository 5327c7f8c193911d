import {
  openDem,
  planCorridor,
  planHillside,
  planSurvey,
  sampleDemPath,
  type Plan,
  type PresetRegistry,
} from '@xuncha/geodata';
import type { PlanParams } from '../contract/plans.ts';
import { AppError } from '../app-error.ts';

/** The plan document geodata's planners produce (plan-schema.ts); only what the service reads is typed here. */
export interface PlanDocument {
  version: 1;
  pattern: string;
  sorties: Array<{
    index: number;
    route: { type: 'LineString'; coordinates: number[][] };
    items: Array<
      Record<string, unknown> & { seq: number; command: number; frame: number; x: number; y: number; z: number }
    >;
    lengthM: number;
    durationS: number;
    photoCount: number;
  }>;
  stats: Record<string, unknown>;
  warnings: Array<{ code: string; message: string }>;
  speedMps?: number;
  launch?: { lon: number; lat: number; altAmslM?: number };
  geofence?: { polygons: Array<{ inclusion: boolean; polygon: GeoJSON.Polygon }> };
  [k: string]: unknown;
}

const PLANNERS = {
  survey: (a: GeoJSON.FeatureCollection, o: Record<string, unknown>) => planSurvey(a, o),
  corridor: (a: GeoJSON.FeatureCollection, o: Record<string, unknown>) => planCorridor(a, o),
  hillside: (a: GeoJSON.FeatureCollection, o: Record<string, unknown>) => planHillside(a, o as never),
} satisfies Record<string, (a: GeoJSON.FeatureCollection, o: Record<string, unknown>) => Plan>;
export type PlannerPattern = keyof typeof PLANNERS;

let demPromise: ReturnType<typeof openDem> | undefined;

/** The DEM hillside plans follow (the sample DEM of Longquan), opened once. */
function dem(): ReturnType<typeof openDem> {
  demPromise ??= openDem(sampleDemPath).catch((e: unknown) => {
    demPromise = undefined;
    throw new AppError('unavailable', 'dem_unavailable', `高程模型不可用 / DEM unavailable: ${(e as Error).message}`);
  });
  return demPromise;
}

/**
 * Runs geodata's planner for a pattern over the area features, avoiding the no-fly features.
 * Planner input errors (PlanInputError) become 422 with the planner's message (it names the feature and field).
 */
export async function runPlanner(
  pattern: PlannerPattern,
  areas: GeoJSON.FeatureCollection,
  nofly: GeoJSON.FeatureCollection,
  params: PlanParams,
  registry?: PresetRegistry,
): Promise<PlanDocument> {
  const fn = PLANNERS[pattern];
  const options: Record<string, unknown> = { ...params };
  if (registry) options.registry = registry;
  if (nofly.features.length) options.nofly = nofly;
  if (pattern === 'hillside') options.dem = await dem();
  try {
    return fn(areas, options) as unknown as PlanDocument;
  } catch (err) {
    const e = err as Error & { field?: string; featureId?: string };
    if (e.name === 'PlanInputError') {
      throw new AppError('unprocessable', 'plan_failed', `无法规划 / cannot plan: ${e.message}`, {
        field: e.field,
        featureId: e.featureId,
      });
    }
    throw err;
  }
}
