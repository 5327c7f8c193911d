export { demFromGrid, haversineM } from './dem-grid.ts';
export type { Dem, DemGrid, DemLineSample } from './dem-grid.ts';
export { DEM_MAX_PIXELS, DemError, openDem } from './open-dem.ts';
export type { OpenDemOptions } from './open-dem.ts';
export { encodeDemGeoTiff } from './encode-dem.ts';
