import type { Feature, FeatureCollection } from 'geojson';
import { planCorridor } from '../src/planning/corridor.ts';
import { planSurvey } from '../src/planning/survey.ts';
import type { Plan } from '../src/plan-schema.ts';

/** Runs the planner a fixture asks for: options in the launch point's `properties.options`. */
export function planFixture(input: FeatureCollection): Plan {
  const launchF = input.features.find((f) => f.properties?.kind === 'launch');
  const opts = { ...((launchF?.properties?.options as Record<string, unknown>) ?? {}) };
  const launch =
    launchF && launchF.geometry.type === 'Point'
      ? (launchF.geometry.coordinates.slice(0, 2) as [number, number])
      : undefined;
  const nofly: Feature[] = input.features.filter((f) => f.properties?.kind === 'nofly');
  const areas = input.features.filter((f) => f.properties?.kind === 'area' || f.properties?.kind === 'line');
  const base = {
    ...opts,
    launch,
    ...(nofly.length ? { nofly: { type: 'FeatureCollection' as const, features: nofly } } : {}),
  };
  const fc: FeatureCollection = { type: 'FeatureCollection', features: areas };
  return opts.pattern === 'corridor' ? planCorridor(fc, base) : planSurvey(fc, base);
}
