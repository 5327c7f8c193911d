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
 * 250 m grid cell plus its Jacobian; the error within a cell is far below a millimetre in UTM.
 * Writes [lon, lat] into `out` (no allocation per point).
 */
export function fastInverseTo(proj: Projection): (x: number, y: number, out: Float64Array) => void {
  const cell = 250;
  // Direct-mapped cache of cells (integer ids and the 8 coefficients each): no keys to box or
  // hash per point; a cell pushed out is recomputed identically when it comes back.
  const slots = 256;
  const ids = new Int32Array(slots * 2);
  const filled = new Uint8Array(slots);
  const coef = new Float64Array(slots * 8);
  return (x, y, out) => {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    const slot = ((cx * 31 + cy) & (slots - 1)) >>> 0;
    const k = slot * 8;
    if (!filled[slot] || ids[slot * 2] !== cx || ids[slot * 2 + 1] !== cy) {
      const ax = (cx + 0.5) * cell;
      const ay = (cy + 0.5) * cell;
      const o = proj.inverse([ax, ay]);
      const dx = proj.inverse([ax + 1, ay]);
      const dy = proj.inverse([ax, ay + 1]);
      coef[k] = ax;
      coef[k + 1] = ay;
      coef[k + 2] = o[0];
      coef[k + 3] = o[1];
      coef[k + 4] = dx[0] - o[0];
      coef[k + 5] = dx[1] - o[1];
      coef[k + 6] = dy[0] - o[0];
      coef[k + 7] = dy[1] - o[1];
      ids[slot * 2] = cx;
      ids[slot * 2 + 1] = cy;
      filled[slot] = 1;
    }
    const u = x - coef[k]!;
    const v = y - coef[k + 1]!;
    out[0] = coef[k + 2]! + u * coef[k + 4]! + v * coef[k + 6]!;
    out[1] = coef[k + 3]! + u * coef[k + 5]! + v * coef[k + 7]!;
  };
}
