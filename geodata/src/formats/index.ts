export {
  importQgcPlan,
  exportQgcPlan,
  PlanFormatError,
  type QgcExportOptions,
  type ImportOptions,
  type ImportTerrain,
  type ImportWarning,
} from './qgc-plan.ts';
export { readWpl, writeWpl, type WaypointFile } from './wpl.ts';
export { readKml, readKmz, readShapefile, readGmlPolygons } from './areas.ts';
