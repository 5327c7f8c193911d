/**
 * A small synthetic piece of the Longquan valley for tests and benchmarks when geodata's sample
 * layers are not wanted: a river flowing east-north-east through farmland blocks, a village with a
 * road, forested hillsides to the north and south, and an analytic DEM (valley floor ~190 m rising
 * to ~420 m ridges). Entirely made up; not the real 龙泉溪.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { DemLike } from './terrain.ts';

export const DEMO_ORIGIN: [number, number] = [119.14, 28.07];
const M_LON = 98_300; // metres per degree of longitude near 28.07° N
const M_LAT = 110_860;

function at(xM: number, yM: number): [number, number] {
  return [DEMO_ORIGIN[0] + xM / M_LON, DEMO_ORIGIN[1] + yM / M_LAT];
}

/** River centreline y (metres north of the origin) at x metres east. */
export function demoRiverY(xM: number): number {
  return 0.25 * xM + 40 * Math.sin(xM / 300);
}

function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return { type: 'Polygon', coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]] };
}

function fc(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

/** Demo layers keyed like geodata's sample layers. */
export function demoLayers(): Record<string, FeatureCollection> {
  const river: Feature[] = [
    {
      type: 'Feature',
      id: 'river-main',
      properties: { name: '示例溪 / demo river', widthM: 40 },
      geometry: {
        type: 'LineString',
        coordinates: Array.from({ length: 81 }, (_, i) => {
          const x = -2000 + i * 50;
          return at(x, demoRiverY(x));
        }),
      },
    },
  ];
  const farmland: Feature[] = [];
  let n = 0;
  for (let bx = -1500; bx < 1500; bx += 150)
    for (const side of [-1, 1]) {
      // Two rows of blocks on each bank, leaving a 20 m margin to the water.
      for (let row = 0; row < 2; row++) {
        const yc = demoRiverY(bx + 60);
        const y0 = side > 0 ? yc + 45 + row * 110 : yc - 45 - (row + 1) * 110;
        farmland.push({
          type: 'Feature',
          id: `field-${n++}`,
          properties: { name: `田块 ${n}` },
          geometry: rect(bx + 5, y0, bx + 140, y0 + 100),
        });
      }
    }
  const hillside: Feature[] = [
    { type: 'Feature', id: 'hill-n', properties: { name: '北山' }, geometry: rect(-2000, 350, 2000, 2000) },
    { type: 'Feature', id: 'hill-s', properties: { name: '南山' }, geometry: rect(-2000, -2000, 2000, -450) },
  ];
  const village: Feature[] = [
    {
      type: 'Feature',
      id: 'v1',
      properties: { name: '示例村', radiusM: 110 },
      geometry: { type: 'Point', coordinates: at(-1700, -300) },
    },
  ];
  const road: Feature[] = [
    {
      type: 'Feature',
      id: 'road-1',
      properties: { widthM: 6 },
      geometry: { type: 'LineString', coordinates: [at(-1700, -300), at(-1000, -320), at(0, -330), at(1500, -300)] },
    },
  ];
  return {
    river: fc(river),
    farmland: fc(farmland),
    hillside: fc(hillside),
    village: fc(village),
    road: fc(road),
    nofly: fc([]),
  };
}

/** Analytic demo DEM: flat valley floor along the river, hills rising beyond ±400 m. */
export function demoDem(): DemLike {
  return (lon, lat) => {
    const x = (lon - DEMO_ORIGIN[0]) * M_LON;
    const y = (lat - DEMO_ORIGIN[1]) * M_LAT;
    const d = Math.abs(y - demoRiverY(x));
    // Softplus: a valley floor that bends smoothly into the hillsides.
    const rise = 40 * Math.log1p(Math.exp((d - 400) / 40));
    return 190 + 0.002 * x + 0.35 * rise * (1 + 0.3 * Math.sin(x / 170)) - Math.max(0, 0.5 * (1 - d / 30)) * 3;
  };
}
