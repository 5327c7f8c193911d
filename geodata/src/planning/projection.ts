import proj4 from 'proj4';
import type { Pt } from './geom.ts';

/** A local metric frame: UTM (zone of the area; 50N for Longquan) shifted to a nearby origin. */
export interface Projection {
  readonly epsg: string;
  forward(lonLat: readonly number[]): Pt;
  inverse(xy: readonly number[]): Pt;
}

/** UTM zone number for a longitude. */
export function utmZone(lon: number): number {
  return Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
}

/**
 * Makes the planning projection for an area around (lon, lat): UTM of that zone (EPSG:32650 around
 * Longquan), with the origin moved to the reference point so polygon clipping works on small numbers.
 */
export function makeProjection(lon: number, lat: number): Projection {
  const zone = utmZone(lon);
  const south = lat < 0;
  const def = `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  const conv = proj4('EPSG:4326', def);
  const o = conv.forward([lon, lat]) as number[];
  const ox = o[0]!;
  const oy = o[1]!;
  return {
    epsg: `EPSG:${south ? 32700 + zone : 32600 + zone}`,
    forward(ll) {
      const r = conv.forward([ll[0]!, ll[1]!]) as number[];
      return [r[0]! - ox, r[1]! - oy];
    },
    inverse(xy) {
      const r = conv.inverse([xy[0]! + ox, xy[1]! + oy]) as number[];
      return [r[0]!, r[1]!];
    },
  };
}

/**
 * A fast approximate inverse for dense output (photo footprints): exact inverse at the centre of each
 * 250 m grid cell plus its Jacobian. The error within a cell is far below a millimetre in UTM.
 */
export function fastInverse(proj: Projection): (xy: readonly number[]) => Pt {
  const cell = 250;
  const cache = new Map<string, [number, number, number, number, number, number, number, number]>();
  return (xy) => {
    const x = xy[0]!;
    const y = xy[1]!;
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    const key = `${cx},${cy}`;
    let c = cache.get(key);
    if (!c) {
      const ax = (cx + 0.5) * cell;
      const ay = (cy + 0.5) * cell;
      const o = proj.inverse([ax, ay]);
      const dx = proj.inverse([ax + 1, ay]);
      const dy = proj.inverse([ax, ay + 1]);
      c = [ax, ay, o[0], o[1], dx[0] - o[0], dx[1] - o[1], dy[0] - o[0], dy[1] - o[1]];
      cache.set(key, c);
    }
    const u = x - c[0];
    const v = y - c[1];
    return [c[2] + u * c[4] + v * c[6], c[3] + u * c[5] + v * c[7]];
  };
}
