export { importQgcPlan, exportQgcPlan, PlanFormatError, type QgcExportOptions } from './qgc-plan.ts';
export { readWpl, writeWpl, type WaypointFile } from './wpl.ts';
export { readKml, readKmz, readShapefile, readGmlPolygons } from './areas.ts';
