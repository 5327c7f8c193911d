/**
 * The site bench:render and the render profile both shoot: the centre of geodata's Longquan sample layers
 * over its DEM, with a straw fire and an exposed slope planted beside it (one place, so their figures compare).
 */
import { loadSampleLayers, openDem, sampleDemPath } from '@xuncha/geodata';
import type { Incident } from '../scene/incident-schema.ts';
import { layersBounds } from '../scene/layers.ts';

export async function loadBenchSite() {
  const layers = await loadSampleLayers();
  const dem = await openDem(sampleDemPath);
  const b = layersBounds(layers as unknown as Record<string, unknown>);
  if (!b) throw new Error('sample layers are empty');
  const lon0 = (b[0] + b[2]) / 2;
  const lat0 = (b[1] + b[3]) / 2;
  const ground = dem.elevationAt(lon0, lat0) ?? 200;
  const incidents: Incident[] = [
    { id: 'fire', class: 'straw_burning', lon: lon0 + 0.0002, lat: lat0 + 0.0001, radiusM: 15, intensity: 0.9 },
    { id: 'slope', class: 'exposed_slope', lon: lon0 - 0.0003, lat: lat0 - 0.0002, lengthM: 40, widthM: 25 },
  ];
  return { layers, dem, lon0, lat0, ground, incidents };
}
