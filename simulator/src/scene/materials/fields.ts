/**
 * Farmland as it looks from the air: blocks split into plots by grassy ridges (田埂), each plot in a
 * crop state of the season (paddy water with seedlings, green or golden rice, harvested stubble with
 * straw windrows and machine swaths, ploughed furrows, dark wet soil, weedy fallow, rapeseed, milk
 * vetch, vegetable beds with mulch film). Unmapped ground ("background") is the same plot grid with
 * some plots left to scrub and tree clumps, so any area reads as countryside. Trees stand along
 * some ridges, whole crowns at a time.
 */
import type { SceneFeature } from '../layers.ts';
import { CROP, pickCrop, type CropState, type RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Shader } from '../shade.ts';
import { periodicAmp, stripeShare, smooth, thinLineMark, type Surface } from '../surface.ts';
import { rowCrown, rowCrownAt } from './tree-rows.ts';
import {
  canopyHeight,
  crownHeight,
  paintCrown,
  crownColour,
  shadeCanopy,
  shadeScrub,
  TREE_BASE_SHARE,
} from './vegetation.ts';

import { paintTunnels, tunnelHeight, tunnelRow, type TunnelRow } from './greenhouse.ts';
import { detailBuffer } from '../textures.ts';

/** A path's colour between tunnels, for pixels over film and path (reused buffer). */
const PATH: [number, number, number] = [0, 0, 0];
/** A furrow's colour between raised beds (reused buffer), and the furrows' share of the beds' pitch. */
const FURROW: [number, number, number] = [0, 0, 0];
const FURROW_SHARE = 0.22;

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const farmDetail = detailBuffer();

const TAU = Math.PI * 2;

/** Plot grid of one farmland feature (or of the background). */
export interface PlotGrid {
  cos: number;
  sin: number;
  widthM: number;
  lengthM: number;
  salt: number;
}

export function plotGrid(sh: Shader, feat: SceneFeature | undefined): PlotGrid {
  const a = feat ? feat.axisRad : sh.look.gridAngle;
  const r = feat ? feat.rand : 0.5;
  return {
    cos: Math.cos(a),
    sin: Math.sin(a),
    widthM: sh.look.plotWidthM * (0.7 + 0.6 * r),
    lengthM: sh.look.plotLengthM * (0.7 + 0.6 * hash2(feat?.index ?? 0, 5, sh.seed)),
    salt: (feat?.index ?? 0) * 7919 + 17,
  };
}

const SOIL_GAP: RGB = [0.3, 0.25, 0.2];
const STRAW: RGB = [0.8, 0.74, 0.58];
const SEEDLING: RGB = [0.3, 0.44, 0.2];
const FILM: RGB = [0.84, 0.85, 0.86];
const WEED: RGB = [0.32, 0.4, 0.2];
/** Purple-pink milk vetch in flower (a constant: not an array built per pixel). */
const VETCH_FLOWER: RGB = [0.5, 0.35, 0.45];
/** Green rice by growth stage: young plots yellow-green, rice given much nitrogen a deep blue-green. */
const RICE_YOUNG: RGB = [0.4, 0.46, 0.15];
const RICE_LUSH: RGB = [0.13, 0.3, 0.14];
/** Paddy water between young rice rows. */
const PADDY_GAP: RGB = [0.24, 0.26, 0.2];

/**
 * The plot the last shaded pixel lies in, for what is painted over the ground after it (a straw burn stops
 * at the ridges). `on` is false when the pixel is not a plot's (another class, a ridge tree's crown).
 */
export interface PixelPlot {
  on: boolean;
  grid: PlotGrid | null;
  iu: number;
  iv: number;
  /** Length of the plot's strip and the strip's offset along v (see locate). */
  stripL: number;
  off: number;
  /** Distance to the plot's edge across u and along v (m), and where in the plot (0..1). */
  du: number;
  dv: number;
  fu: number;
  fv: number;
  /** Half-width of the ridges around the plot (m). */
  ridgeHalf: number;
}

export function pixelPlot(): PixelPlot {
  return { on: false, grid: null, iu: 0, iv: 0, stripL: 1, off: 0, du: 0, dv: 0, fu: 0, fv: 0, ridgeHalf: 0 };
}

/** Where (x, y) falls in a plot grid (reused object; the last plot's hashes are kept). */
const plot = { iu: 0, iv: 0, u: 0, v: 0, fu: 0, fv: 0, stripL: 0, off: 0, h: 0, h2: 0, du: 0, dv: 0, salt: NaN };

function locate(sh: Shader, x: number, y: number, grid: PlotGrid, gsd: number): typeof plot {
  // Plot edges wander a little: paddies are laid out by hand, not by a ruler.
  const wob = sh.tex(x, y, 0.5, gsd, 11) - 0.5;
  const u = x * grid.cos + y * grid.sin + wob * 1.4;
  const v = -x * grid.sin + y * grid.cos + wob * 1.1;
  const iu = Math.floor(u / grid.widthM);
  // Neighbouring pixels are mostly in the same strip and plot: reuse their hashes.
  if (iu !== plot.iu || grid.salt !== plot.salt) {
    plot.stripL = grid.lengthM * (0.6 + 0.8 * hash2(iu, grid.salt, sh.seed));
    plot.off = hash2(iu, grid.salt + 1, sh.seed) * plot.stripL;
    plot.iv = Number.NaN;
  }
  const stripL = plot.stripL;
  const vv = v + plot.off;
  const iv = Math.floor(vv / stripL);
  if (iv !== plot.iv || iu !== plot.iu || grid.salt !== plot.salt) {
    plot.h = hash2(iu * 7919 + iv, grid.salt + 2, sh.seed);
    plot.h2 = hash2(iu * 7919 + iv, grid.salt + 3, sh.seed);
  }
  plot.iu = iu;
  plot.iv = iv;
  plot.salt = grid.salt;
  plot.u = u;
  plot.v = v;
  plot.fu = u / grid.widthM - iu;
  plot.fv = vv / stripL - iv;
  plot.du = Math.min(plot.fu, 1 - plot.fu) * grid.widthM;
  plot.dv = Math.min(plot.fv, 1 - plot.fv) * stripL;
  return plot;
}

/** The last plot shadeFarmland picked a crop state for (a grid is one shader's: it stands for the scene). */
const cropMemo = {
  grid: null as PlotGrid | null,
  iu: Number.NaN,
  iv: Number.NaN,
  stripL: Number.NaN,
  off: Number.NaN,
  h: Number.NaN,
  state: 0 as CropState,
};

function isWild(sh: Shader, x: number, y: number, gsd: number, h: number): boolean {
  return sh.tex(x, y, 4, gsd, 12) > 0.5 + sh.look.backgroundFields * 0.35 || h > 0.93;
}

/** Trees along ridges: 7 m tall, a crown of ~2 m radius every 6 m, a third of the spots empty. */
const RIDGE_TREE_M = 7;
const RIDGE_CROWN_M = 2;
const RIDGE_SPACING_M = 6;
const RIDGE_PLANTED = 0.65;

/**
 * The ridge-tree crown over (x, y) into rowCrown, false where none: rows along some of the long ridges
 * between the grid's strips (on the grid's straight lines; the ridges wander about them by a metre at most).
 */
function ridgeCrown(sh: Shader, x: number, y: number, grid: PlotGrid): boolean {
  const u = x * grid.cos + y * grid.sin;
  const e = Math.round(u / grid.widthM);
  if (hash2(e, grid.salt + 9, sh.seed) >= sh.look.treeDensity * 0.35) return false;
  const v = -x * grid.sin + y * grid.cos;
  const across = u - e * grid.widthM;
  return rowCrownAt(
    v,
    across,
    e,
    RIDGE_SPACING_M,
    RIDGE_CROWN_M,
    RIDGE_PLANTED,
    grid.salt,
    -grid.sin,
    grid.cos,
    grid.cos,
    grid.sin,
  );
}

/** Shade farmland at (x, y); `background` = unmapped ground (plots mixed with scrub and trees). */
export function shadeFarmland(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  grid: PlotGrid,
  background: boolean,
): void {
  const look = sh.look;
  const p = locate(sh, x, y, grid, gsd);
  const h = p.h;
  const h2 = p.h2;
  const ridgeHalf = look.ridgeHalfM * (h2 < 0.15 ? 2.2 : 1);
  const pp = sh.pixelPlot;
  pp.on = true;
  pp.grid = grid;
  pp.iu = p.iu;
  pp.iv = p.iv;
  pp.stripL = p.stripL;
  pp.off = p.off;
  pp.du = p.du;
  pp.dv = p.dv;
  pp.fu = p.fu;
  pp.fv = p.fv;
  pp.ridgeHalf = ridgeHalf;
  // Ridges (田埂) between plots, a pixel or two wide from afar: a shading lattice wider than a ridge would
  // step over it and interpolate the plots' colour across, leaving it dashed (surface.ts, thinLineMark).
  const dEdge = Math.min(p.du, p.dv);
  s.nearThin = thinLineMark((2 * ridgeHalf) / gsd + 0.7, dEdge / gsd);
  if (background && isWild(sh, x, y, gsd, h)) {
    // Whole plots go to scrub or trees where the slow noise says the land is not farmed.
    if (h2 < 0.45 && shadeCanopy(sh, s, x, y, gsd, 0.85, 0.55, 9)) return;
    shadeScrub(sh, s, x, y, gsd);
    return;
  }
  const d = sh.det4(x, y, 0.08, gsd, farmDetail); // blobs ~2.5 m, 60 cm, grain 16 cm
  // Trees along some ridges.
  if (ridgeCrown(sh, x, y, grid)) {
    const c = rowCrown;
    paintCrown(sh, s, x, y, gsd, crownColour(sh, c.id), c.hgt, c.nx, c.ny, c.id, RIDGE_TREE_M);
    pp.on = false;
    return;
  }
  // Ridges between plots: grass, a beaten path down the middle of the wider ones.
  if (dEdge < ridgeHalf + gsd * 0.35) {
    s.set(look.ridge, 0.78 + 0.5 * (d[1] as number) + 0.2 * ((d[2] as number) - 0.5));
    if (ridgeHalf > 0.6 && dEdge > ridgeHalf * 0.55) s.mix(look.dirt, 0.6);
    // Ridges stand proud of the plots: their flanks catch the light.
    const side = p.du < p.dv ? (p.fu < 0.5 ? 1 : -1) : 0;
    s.gx = side * 0.3 * grid.cos;
    s.gy = side * 0.3 * grid.sin;
    return;
  }
  const state = plotCrop(sh, grid, p, pp);
  shadeCrop(sh, s, x, y, gsd, p.u, p.v, state, h2, dEdge, grid, d);
}

/**
 * The crop state of the plot `locate` found (`p`). It is a function of the plot alone (of what the memo's
 * key holds): worked out once for the run of samples in it instead of per sample.
 */
function plotCrop(sh: Shader, grid: PlotGrid, p: typeof plot, pp: PixelPlot): CropState {
  const m = cropMemo;
  const h = p.h;
  if (m.grid === grid && m.iu === p.iu && m.iv === p.iv && m.stripL === p.stripL && m.off === p.off && m.h === h)
    return m.state;
  let state = pickCrop(sh.look, h);
  if (sh.hasForcedCrops) {
    const uc = (p.iu + 0.5) * grid.widthM;
    const vc = (p.iv + 0.5) * p.stripL - p.off;
    const forced = sh.forcedCrop(uc * grid.cos - vc * grid.sin, uc * grid.sin + vc * grid.cos);
    if (forced >= 0) state = forced;
    // A long plot a burn reaches into may have its centre beyond the stubble margin: it is stubble too.
    else if (sh.plotBurns(pp)) state = CROP.stubble;
  }
  m.grid = grid;
  m.iu = p.iu;
  m.iv = p.iv;
  m.stripL = p.stripL;
  m.off = p.off;
  m.h = h;
  m.state = state;
  return state;
}

const heightPlot = pixelPlot();

/** Share of vegetable plots under plastic tunnels (greenhouse.ts): those whose second hash is below it. */
const TUNNEL_SHARE = 0.3;

/** The last plot plotTunnels laid out: a plot's samples share it. */
const tunnelMemo = { h2: Number.NaN, widthM: Number.NaN, row: null as TunnelRow | null };

/** The tunnels of a plot in `state` with second hash `h2` and width `widthM`, or null for none. */
function plotTunnels(state: CropState, h2: number, widthM: number): TunnelRow | null {
  if (state !== CROP.vegetables || h2 >= TUNNEL_SHARE) return null;
  const m = tunnelMemo;
  if (m.h2 !== h2 || m.widthM !== widthM) {
    m.h2 = h2;
    m.widthM = widthM;
    m.row = tunnelRow(widthM, h2 / TUNNEL_SHARE);
  }
  return m.row;
}

/** Height of the trees and greenhouses `shadeFarmland` would draw at (x, y) (for shadows), 0 elsewhere. */
export function farmlandHeight(sh: Shader, x: number, y: number, grid: PlotGrid, background: boolean): number {
  const p = locate(sh, x, y, grid, 0.3);
  if (background && isWild(sh, x, y, 0.3, p.h)) return p.h2 < 0.45 ? canopyHeight(sh, x, y, 0.85, 0.55, 9) : 0;
  if (ridgeCrown(sh, x, y, grid)) return crownHeight(sh, rowCrown.hgt, RIDGE_TREE_M, 1, TREE_BASE_SHARE);
  if (sh.treesOnly) return 0;
  // The plot as plotCrop reads it, apart from the pixel's (heights are asked for while a pixel is shaded).
  const hp = heightPlot;
  hp.grid = grid;
  hp.iu = p.iu;
  hp.iv = p.iv;
  hp.stripL = p.stripL;
  hp.off = p.off;
  const row = plotTunnels(plotCrop(sh, grid, p, hp), p.h2, grid.widthM);
  return row ? tunnelHeight(row, p.fu * grid.widthM, p.fv * p.stripL, p.stripL) : 0;
}

/** Shade a plot in `state`; (u, v) plot-grid coordinates, `d` the pixel's four detail channels. */
export function shadeCrop(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  u: number,
  v: number,
  state: CropState,
  rnd: number,
  edge: number,
  grid: PlotGrid,
  d: Float64Array,
): void {
  const look = sh.look;
  const base = look.crops[state] as RGB;
  s.set(base, 0.9 + 0.2 * rnd);
  const patch = sh.tex(x, y, 0.25, gsd, 21); // 15–60 m patches
  const blob = d[0] as number;
  const mid = d[1] as number;
  const grain = d[2] as number;
  const alt = d[3] as number;
  const rowAlongU = rnd > 0.7;
  const across = rowAlongU ? v : u;
  const along = rowAlongU ? u : v;
  switch (state) {
    case CROP.paddy_water: {
      // Standing water between seedling rows: mirror-like, muddy, seedlings as a green haze or dots.
      s.mul(0.85 + 0.3 * patch + 0.15 * (blob - 0.5));
      s.spec = 0.55 + 0.3 * rnd;
      const amp = periodicAmp(0.25, gsd);
      const cover = 0.15 + 0.45 * rnd;
      if (amp > 0) {
        const a = Math.abs(Math.sin((TAU * across) / 0.25)) * Math.abs(Math.sin((TAU * along) / 0.18));
        const dot = smooth(0.55, 0.85, a + (grain - 0.5) * 0.4);
        s.mix(SEEDLING, dot * cover * 1.6 * amp + cover * 0.5 * (1 - amp));
        s.spec *= 1 - dot * amp * 0.8;
      } else s.mix(SEEDLING, cover * 0.5);
      break;
    }
    case CROP.green_rice:
    case CROP.golden_rice:
    case CROP.rapeseed:
    case CROP.milk_vetch: {
      // Neighbouring paddies are planted weeks apart and fed differently: each plot its own stage and tint
      // (one saturated green over every summer plot read as a lawn).
      if (state === CROP.green_rice) greenRiceStage(s, rnd, across, gsd);
      s.mul(0.8 + 0.3 * patch + 0.22 * (blob - 0.5) + 0.2 * (mid - 0.5) + 0.2 * (grain - 0.5));
      const amp = periodicAmp(0.3, gsd);
      if (amp > 0) {
        const row = Math.sin((TAU * across) / 0.3 + (alt - 0.5) * 3);
        s.mul(1 + 0.1 * amp * row);
        s.gx = 0.2 * amp * row * grid.cos;
        s.gy = 0.2 * amp * row * grid.sin;
      }
      if (state === CROP.milk_vetch && look.season === 'spring') s.mix(VETCH_FLOWER, smooth(0.45, 0.65, blob) * 0.45);
      if (state === CROP.rapeseed) s.mix(WEED, smooth(0.58, 0.75, blob) * 0.4);
      // Lodged (flattened) patches read lighter in ripe rice; thin patches show the ground.
      if (state === CROP.golden_rice && alt > 0.66) s.mul(1.08);
      if (alt < 0.3) s.mix(look.soil, (0.3 - alt) * 0.8);
      break;
    }
    case CROP.stubble: {
      // Cut stubble in rows, straw left in windrows behind the harvester, machine swaths, bare gaps.
      const swath = 2.4 + 0.8 * rnd;
      const ampS = periodicAmp(swath, gsd);
      const sw = Math.sin((TAU * across) / swath);
      s.mul(0.82 + 0.3 * patch + 0.2 * (blob - 0.5) + 0.15 * (grain - 0.5));
      s.mul(1 + 0.07 * sw * ampS);
      const ampR = periodicAmp(0.25, gsd);
      if (ampR > 0) {
        const row = Math.sin((TAU * across) / 0.25 + (mid - 0.5) * 2);
        s.mix(SOIL_GAP, (0.5 - 0.5 * row) * 0.4 * ampR);
      } else s.mix(SOIL_GAP, 0.12);
      const wind = Math.abs(Math.sin((Math.PI * across) / (swath * 2)));
      const straw = smooth(0.93, 0.99, wind + (mid - 0.5) * 0.15) * (0.6 + 0.4 * rnd);
      s.mix(STRAW, straw * ampS * 0.9 + (1 - ampS) * 0.08);
      // Greenish regrowth between seasons.
      s.mix(WEED, smooth(0.62, 0.8, alt) * 0.35);
      sh.tagIfNegative(s, 'stubble_field');
      break;
    }
    case CROP.ploughed: {
      const period = 0.35 + 0.3 * rnd;
      const amp = periodicAmp(period, gsd);
      const ph = (TAU * across) / period + (blob - 0.5) * 3;
      const furrow = Math.sin(ph);
      s.mul(0.8 + 0.3 * patch + 0.3 * (grain - 0.5) + 0.15 * (mid - 0.5));
      s.mul(1 + 0.1 * furrow * amp);
      const slope = 0.9 * Math.cos(ph) * amp;
      s.gx = slope * (rowAlongU ? -grid.sin : grid.cos);
      s.gy = slope * (rowAlongU ? grid.cos : grid.sin);
      // Damp furrow bottoms.
      if (furrow < -0.75) s.spec = 0.12 * amp;
      sh.tagIfNegative(s, 'ploughed_field');
      break;
    }
    case CROP.wet_soil: {
      s.mul(0.75 + 0.5 * patch + 0.25 * (grain - 0.5) + 0.2 * (mid - 0.5));
      const pool = smooth(0.58, 0.66, blob * 0.7 + patch * 0.3);
      s.spec = 0.2 + 0.5 * pool;
      // Tractor tyre tracks in the mud.
      const amp = periodicAmp(1.8, gsd);
      if (amp > 0) {
        const tr = Math.abs(Math.sin((TAU * across) / 1.8));
        s.mul(1 - 0.15 * smooth(0.9, 0.98, tr) * amp);
      }
      sh.tagIfNegative(s, 'wet_field');
      break;
    }
    case CROP.fallow: {
      s.mul(0.82 + 0.3 * patch + 0.18 * (grain - 0.5));
      s.mix(look.soil, smooth(0.45, 0.6, blob) * 0.55);
      s.mix(WEED, smooth(0.55, 0.7, mid) * 0.5);
      s.mix(look.grassDry, smooth(0.6, 0.75, alt) * 0.4);
      break;
    }
    case CROP.vegetables: {
      // Some plots under plastic tunnels (the plot `locate` found, in sh.pixelPlot).
      const pp = sh.pixelPlot;
      const row = plotTunnels(state, rnd, grid.widthM);
      if (row) {
        const fu = pp.fu * grid.widthM;
        const film = paintTunnels(s, row, fu, pp.fv * pp.stripL, pp.stripL, grid.cos, grid.sin, gsd, grain);
        if (film === 0) {
          // Trodden earth paths between and round the tunnels.
          s.set(look.soil, 0.8 + 0.25 * grain);
          s.mix(look.dirt, 0.5);
        } else if (film < 1) {
          // A pixel over film and path: the path's share of it.
          const k = 0.4 + 0.125 * grain;
          for (let c = 0; c < 3; c++) PATH[c] = k * (look.soil[c] as number) + 0.5 * (look.dirt[c] as number);
          s.mix(PATH, 1 - film);
        }
        break;
      }
      // Raised beds with furrows; some plots under silver-white mulch film.
      const bed = 1.3;
      const amp = periodicAmp(bed, gsd);
      const soilK = 0.9 + 0.2 * patch;
      s.set(look.soil, soilK);
      if (rnd > 0.55) {
        s.mix(FILM, 0.85 * amp + 0.35 * (1 - amp));
        s.spec = 0.3 * amp;
      } else s.mix(base, (0.5 + 0.5 * smooth(0.35, 0.6, mid)) * (amp + 0.5 * (1 - amp)));
      // The furrows between the beds, bare soil a little darker: their share of the pixel's footprint (a
      // point sample drew them as dashes across white film at coarse pixels), faded with the beds.
      const furrow = amp * stripeShare(across / bed, gsd / bed, FURROW_SHARE);
      if (furrow > 0) {
        for (let c = 0; c < 3; c++) FURROW[c] = 0.8 * soilK * (look.soil[c] as number);
        s.mix(FURROW, furrow);
        s.spec *= 1 - furrow;
      }
      break;
    }
  }
  // Plot margins are trodden and a little darker.
  if (edge < 0.8) s.mul(0.92 + 0.1 * (edge / 0.8));
}

/**
 * A green-rice plot's growth stage from its random value: young plots yellow-green with the water showing
 * between their rows, older ones greener, the most fed a deep blue-green.
 */
function greenRiceStage(s: Surface, rnd: number, across: number, gsd: number): void {
  const stage = rnd * 7.31 - Math.floor(rnd * 7.31);
  if (stage < 0.3) {
    s.mix(RICE_YOUNG, 0.55 - stage);
    // Water between the rows, where they can be told apart; a darker, glossier plot where not.
    const amp = periodicAmp(0.3, gsd);
    const gap = smooth(0.4, 0.9, Math.cos((TAU * across) / 0.3)) * (0.6 - stage);
    s.mix(PADDY_GAP, gap * amp + 0.25 * (0.6 - stage) * (1 - amp));
    s.spec = 0.3 * (gap * amp + 0.3 * (1 - amp));
  } else if (stage > 0.72) s.mix(RICE_LUSH, (stage - 0.72) * 1.6);
}
