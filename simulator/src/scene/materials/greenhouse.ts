/**
 * Plastic tunnel greenhouses (塑料大棚): rows of arched tunnels 6–8 m wide and 2.2–3 m high under white
 * film, a narrow path between them, over a vegetable plot. Zhejiang's vegetable and strawberry land is
 * full of them. From the air they are long bright, low-saturation shapes with soft shading across: what
 * a smoke detector must not take for smoke or ash. A quarter of the plots' tunnels carry a black shade net
 * over their crests.
 * The painter and the heights (sun shadows in the paths) read the one layout below, in the plot's frame:
 * `across` metres over the plot's width, `along` metres down its length.
 */
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import { periodicAmp, smooth, type Surface } from '../surface.ts';

/** A plot's tunnels across its width: where the first starts, their width, pitch and count, height. */
export interface TunnelRow {
  start: number;
  widthM: number;
  pitchM: number;
  count: number;
  heightM: number;
  /** A black shade net over the tunnels' crests. */
  net: boolean;
  /** How weathered the film is, 0 clean … 1 grey. */
  dust: number;
}

/** Paths round the plot's edge (m). */
const MARGIN_M = 1.2;
/** Hoops under the film, along the tunnel (m). */
const HOOP_M = 1;
const FILM: RGB = [0.83, 0.85, 0.85];
const DUSTY_FILM: RGB = [0.66, 0.67, 0.65];
const SHADE_NET: RGB = [0.11, 0.11, 0.12];
const CROP_UNDER: RGB = [0.3, 0.45, 0.22];

/** The tunnels of a plot `plotWidthM` wide, from its hash `h` (0..1); null where not even one fits. */
export function tunnelRow(plotWidthM: number, h: number): TunnelRow | null {
  const key = Math.floor(h * 65536);
  const widthM = 6 + 2 * hash2(key, 1, 0x6e1);
  const gap = 0.8 + 0.5 * hash2(key, 2, 0x6e1);
  const pitchM = widthM + gap;
  const count = Math.floor((plotWidthM - 2 * MARGIN_M + gap) / pitchM);
  if (count < 1) return null;
  const used = count * pitchM - gap;
  return {
    start: (plotWidthM - used) / 2,
    widthM,
    pitchM,
    count,
    heightM: 2.2 + 0.8 * hash2(key, 3, 0x6e1),
    net: hash2(key, 4, 0x6e1) < 0.25,
    dust: hash2(key, 5, 0x6e1),
  };
}

/**
 * Height (m) of the film at (across, along) of a plot `lengthM` long, 0 in the paths, and in `slope`
 * (when given) its rise per metre across.
 */
export function tunnelHeight(row: TunnelRow, across: number, along: number, lengthM: number, slope?: number[]): number {
  if (along < MARGIN_M || along > lengthM - MARGIN_M) return 0;
  const a = across - row.start;
  if (a < 0) return 0;
  const k = Math.floor(a / row.pitchM);
  if (k >= row.count) return 0;
  const t = a - k * row.pitchM;
  if (t >= row.widthM) return 0;
  // A semicircular hoop, flattened to the tunnel's height: h = H √(1 − c²), c from −1 to 1 across it.
  const c = (2 * t) / row.widthM - 1;
  const root = Math.sqrt(Math.max(0.0025, 1 - c * c));
  if (slope) slope[0] = Math.max(-3, Math.min(3, (-row.heightM * c * 2) / (row.widthM * root)));
  return row.heightM * Math.sqrt(Math.max(0, 1 - c * c));
}

const slopeOut = [0];

/**
 * Share of a footprint `gsd` wide across the tunnels, centred at `across`, that is film (the rest is path):
 * a path a metre wide seen by coarser pixels is their share, not a dashed line where a sample falls in it.
 */
export function filmCover(row: TunnelRow, across: number, gsd: number): number {
  const lo = across - row.start - gsd / 2;
  const hi = lo + gsd;
  const k0 = Math.max(0, Math.floor(lo / row.pitchM));
  const k1 = Math.min(row.count - 1, Math.floor(hi / row.pitchM));
  let cover = 0;
  for (let k = k0; k <= k1; k++) {
    const t0 = k * row.pitchM;
    cover += Math.max(0, Math.min(hi, t0 + row.widthM) - Math.max(lo, t0));
  }
  return Math.min(1, cover / gsd);
}

/**
 * Paint the tunnels at (across, along) into `s`, the plot's across axis the unit (ax, ay) in the scene
 * frame, seen with pixels `gsd` m across, `grain` the ground's fine detail (0..1). Returns the share of the
 * pixel that is film: 0 where it shows only path (nothing painted: the caller paints the ground there),
 * between 0 and 1 where the caller mixes its path into the film by the rest.
 */
export function paintTunnels(
  s: Surface,
  row: TunnelRow,
  across: number,
  along: number,
  lengthM: number,
  ax: number,
  ay: number,
  gsd: number,
  grain: number,
): number {
  if (along < MARGIN_M || along > lengthM - MARGIN_M) return 0;
  const cover = filmCover(row, across, gsd);
  if (cover <= 0) return 0;
  const h = tunnelHeight(row, across, along, lengthM, slopeOut);
  // The arch's tilt across the pixel: its slope where the pixel is a point on it, else the mean slope over
  // the footprint (a coarse sample at a tunnel's edge took the edge's near-vertical film for the pixel's).
  const rise =
    h > 0 && gsd <= FINE_GSD_M
      ? (slopeOut[0] as number)
      : Math.max(
          -3,
          Math.min(
            3,
            (tunnelHeight(row, across + gsd / 2, along, lengthM) -
              tunnelHeight(row, across - gsd / 2, along, lengthM)) /
              gsd,
          ),
        );
  s.dropLeaves();
  s.set(FILM, 0.93 + 0.1 * grain);
  s.mix(DUSTY_FILM, 0.6 * row.dust);
  // The crop shows faintly through the film.
  s.mix(CROP_UNDER, 0.12);
  // Film sags between the hoops and is taut over each: a soft band across the tunnel every metre, where it
  // can be seen (soft: a hard 6 cm line came out dashed where every other sample is shaded).
  const amp = periodicAmp(HOOP_M, gsd);
  if (amp > 0) {
    const f = along / HOOP_M - Math.floor(along / HOOP_M);
    s.mul(1 - 0.1 * amp * smooth(0.18, 0, Math.min(f, 1 - f) * HOOP_M));
  }
  // A black shade net over the middle of the arch, its mesh averaging to dark grey; film has a sheen.
  const netted = row.net && h > 0 && Math.abs(rise) < 1.2;
  if (netted) s.mix(SHADE_NET, 0.85 * cover);
  s.spec = (netted ? 0.05 : 0.35) * cover;
  // The arch's normal: the surface falls away from the tunnel's crest (gx, gy: the normal's tilt).
  s.gx = -rise * ax;
  s.gy = -rise * ay;
  s.objH = h;
  return cover;
}

/** Pixels up to this size (m) see the arch's slope where they sample it. */
const FINE_GSD_M = 0.05;
