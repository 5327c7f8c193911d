import { validateAreaInput, type ValidatedArea } from '../areas/validate-area.ts';
import type { PresetRegistry } from '@xuncha/geodata';
import type { PlanParams } from '../contract/plans.ts';
import { runPlanner, type PlanDocument, type PlannerPattern } from '../plans/planner.ts';

/** The heavy, pure work the compute pool runs off the request thread. */
export interface Tasks {
  /** Validates area features (geometry checks are quadratic in geodata: seconds for thousands of vertices). */
  validateAreas(input: { raw: unknown; id: string; where: string }[]): ValidatedArea[];
  /** Plans a route over areas (geodata's planners). */
  plan(input: {
    pattern: PlannerPattern;
    areas: GeoJSON.FeatureCollection;
    nofly: GeoJSON.FeatureCollection;
    params: PlanParams;
    /** Camera and drone presets the names resolve in (the service's tables); default geodata's built-ins. */
    registry?: PresetRegistry;
  }): Promise<PlanDocument>;
}
export type TaskName = keyof Tasks;

const TASKS: Tasks = {
  validateAreas: (input) => input.map((x) => validateAreaInput(x.raw, x.id, x.where)),
  plan: (input) => runPlanner(input.pattern, input.areas, input.nofly, input.params, input.registry),
};

/** Runs one task by name (the worker's entry, and the inline path for small inputs). */
export async function runTask<K extends TaskName>(
  task: K,
  input: Parameters<Tasks[K]>[0],
): Promise<Awaited<ReturnType<Tasks[K]>>> {
  const fn = TASKS[task] as (i: unknown) => unknown;
  return (await fn(input)) as Awaited<ReturnType<Tasks[K]>>;
}
