/**
 * Dead wood of a dense conifer stand (dark_forest), and the logs of open woodland (open-ground.ts). Real
 * stands (DeepForest SOAP, YELL) hold standing dead snags, whose bare grey branches read from above as a pale
 * star with a dense core, and weathered grey logs lying on the floor between the crowns, most of them fallen
 * the same way (wind). Logs and a snag's branches come from position hashes only, so the shading and the
 * heights find the same ones.
 */
import { hash2 } from '../noise.ts';
import { smooth } from '../surface.ts';

/** Radius (m) of a fallen log: a thin trunk, as in the real frames' grey lines. */
export const LOG_RADIUS_M = 0.2;

/** Height (m) of a log's round top `d` metres off its axis (d < LOG_RADIUS_M). */
export const logRise = (d: number): number => LOG_RADIUS_M * Math.sqrt(1 - (d / LOG_RADIUS_M) ** 2);

/** Where logs lie: a cell grid, a share of cells holding one, lengths, and the wind's direction (rad). */
export interface LogField {
  cellM: number;
  share: number;
  lengthM: [number, number];
  headingRad: number;
  /** Share of logs fallen with the wind (within ±0.3 rad of headingRad); the rest lie within ±1.5 rad. */
  alignedShare: number;
}

/** The log nearest (x, y) (reused object: read before the next call). */
export const log = { d: Infinity, across: 0, sin: 0, cos: 1 };

/**
 * The log of the cell under (x, y): `d` the distance (m) from its axis, Infinity beside it or where the cell
 * has none; `across` the signed distance and (sin, cos) its direction, for its round profile.
 */
export function logAt(x: number, y: number, f: LogField, salt: number): typeof log {
  const c = f.cellM;
  const i = Math.floor(x / c);
  const j = Math.floor(y / c);
  log.d = Infinity;
  if (hash2(i, j, salt + 61) >= f.share) return log;
  const len = f.lengthM[0] + (f.lengthM[1] - f.lengthM[0]) * hash2(i, j, salt + 62);
  // Centre kept far enough inside the cell for the whole log to lie in it (no log cut at a cell edge).
  const m = Math.min(0.45, len / 2 / c + 0.03);
  const cx = (i + m + (1 - 2 * m) * hash2(i, j, salt + 63)) * c;
  const cy = (j + m + (1 - 2 * m) * hash2(i, j, salt + 64)) * c;
  // Most fell with the wind, some across it.
  const a = f.headingRad + (hash2(i, j, salt + 65) - 0.5) * (hash2(i, j, salt + 66) < f.alignedShare ? 0.6 : 3);
  const sin = Math.sin(a);
  const cos = Math.cos(a);
  const ex = x - cx;
  const ey = y - cy;
  if (Math.abs(ex * cos + ey * sin) > len / 2) return log;
  log.across = -ex * sin + ey * cos;
  log.d = Math.abs(log.across);
  log.sin = sin;
  log.cos = cos;
  return log;
}

/**
 * Dome height (0 rim, 1 top) above which a snag's twigs are dense enough to stand solid for the sun and the
 * camera's rays. Its sparse rim stands nothing: drawn branch by branch, the sun mask's lattice striped the
 * snag with shadow lines, and camera rays striped its side with wood and the floor behind.
 */
export const SNAG_CORE_DOME = 0.7;

/** Mean share of a snag's outline its wood covers, where pixels are too wide to draw single branches. */
export const SNAG_MEAN_COVER = 0.45;

/**
 * Share (0..1) of the pixel at (x, y) a snag's grey wood covers: the snag's crown centred at (cx, cy), `dome`
 * its dome height there (1 at the top, 0 at the rim), `twig` a fine noise 0..1. A
 * fuzz of twigs thinning from the stem to the rim, and a few bare main branches (SOAP_061). Pixels wider
 * than the branches get the mean cover: single branches drawn there alias into stripes.
 */
export function snagCover(
  x: number,
  y: number,
  cx: number,
  cy: number,
  dome: number,
  gsd: number,
  twig: number,
  /** The snag's own random number in [0, 1): how many branches, which way. */
  hc: number,
): number {
  const mean = SNAG_MEAN_COVER * (0.5 + 0.8 * dome);
  const fade = smooth(0.3, 0.12, gsd);
  if (fade <= 0) return mean;
  // A fuzz of fine twigs, densest round the stem and thinning to the rim.
  const fuzz = smooth(0.1, 0.85, dome) * (0.3 + 1.1 * twig);
  const ex = x - cx;
  const ey = y - cy;
  const rM = Math.hypot(ex, ey);
  const n = 4 + Math.floor(4 * hc);
  // A few bare main branches, bending a little along their length (not a wheel of straight spokes).
  const turn = (Math.atan2(ey, ex) / (2 * Math.PI)) * n + 5 * hc + 0.15 * Math.sin(1.3 * rM + 11 * hc);
  const across = Math.abs(turn - Math.round(turn)) * ((2 * Math.PI) / n) * rM;
  const width = 0.06 + 0.12 * dome;
  const branch = smooth(width + 0.05, width - 0.05, across) * (0.6 + 0.4 * twig);
  return Math.min(1, Math.max(fuzz, branch)) * fade + mean * (1 - fade);
}
