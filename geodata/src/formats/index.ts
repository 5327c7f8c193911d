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
export {
  exportWpmlKmz,
  wpmlDocuments,
  type DjiIdentity,
  type WpmlDocuments,
  type WpmlExportOptions,
} from './wpml-export.ts';
export { importWpmlDocuments, importWpmlKmz, isWpmlKmz, unzipWpml } from './wpml-import.ts';
export { waylineFromSortie, WPML_MAPPED_COMMANDS } from './wayline-from-sortie.ts';
export * from './wpml-model.ts';
export { exportPlanGeoJson, type RouteExportOptions } from './route-geojson.ts';
export { exportPlanKml, exportPlanKmz } from './route-kml.ts';
export {
  bd09ToWgs84,
  convertToWgs84,
  crsName,
  gcj02ToWgs84,
  INPUT_CRS,
  isInMainlandChina,
  toWgs84,
  wgs84ToBd09,
  wgs84ToGcj02,
  type ChineseCrs,
  type InputCrs,
} from './chinese-crs.ts';
export { checkCrsOffset } from './crs-offset-check.ts';
