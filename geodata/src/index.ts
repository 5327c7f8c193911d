export * from './camera-geometry/index.ts';
export * from './layers/index.ts';
export * from './dem/index.ts';
export { loadSampleLayers, sampleDataDir, sampleDemPath, sampleLayerPath } from './sample-data.ts';
export * from './camera/index.ts';
export * from './planning/index.ts';
export * from './formats/index.ts';
export {
  planSchema,
  sortieSchema,
  photoSchema,
  planStatsSchema,
  warningSchema,
  geofenceSchema,
  parsePlan,
  type Plan,
  type Sortie,
  type Photo,
  type PlanStats,
  type PlanWarning,
} from './plan-schema.ts';
