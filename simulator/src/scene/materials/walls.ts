/**
 * Walls of houses as oblique drone photos of southern-Chinese villages and towns show them: white or
 * cream render, grey concrete, red-brown or old grey brick, with rows of framed windows of dark or tinted
 * glass, one row per 3 m storey (none in the gable), a band at each floor slab, roller shutters on half the
 * ground floors, dirt splashed along the foot. Low walls (site hoarding) keep the colour painted on their
 * top.
 */
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import { periodicAmp, type Surface } from '../surface.ts';

const WALLS: { colour: RGB; weight: number }[] = [
  { colour: [0.74, 0.73, 0.69], weight: 0.35 }, // white render / tiles
  { colour: [0.72, 0.66, 0.52], weight: 0.15 }, // cream render
  { colour: [0.52, 0.52, 0.5], weight: 0.2 }, // bare grey concrete
  { colour: [0.5, 0.29, 0.21], weight: 0.2 }, // red-brown brick
  { colour: [0.4, 0.39, 0.37], weight: 0.1 }, // old grey brick
];
const WALL_TOTAL = WALLS.reduce((a, w) => a + w.weight, 0);
// Glass in daylight: dark, a little blue (it mirrors the sky as well, Surface.spec); many village houses
// have blue-green or blue tinted panes, more mirrored. Half the houses have the dark glass (listed twice).
const DARK_GLASS = { colour: [0.09, 0.1, 0.12] as RGB, spec: 0.25 };
const GLASSES: { colour: RGB; spec: number }[] = [
  DARK_GLASS,
  DARK_GLASS,
  { colour: [0.12, 0.22, 0.23], spec: 0.4 },
  { colour: [0.1, 0.15, 0.24], spec: 0.4 },
];
/** Window frames: white or grey aluminium. */
const FRAME: RGB = [0.78, 0.78, 0.76];
/** Roller shutters of ground-floor shops and garages: grey steel. */
const SHUTTER: RGB = [0.55, 0.56, 0.56];
/** Width of a window's frame (m). */
const FRAME_M = 0.08;
const STOREY_M = 3;
/** Walls lower than this are not storeys (hoarding, garden walls): no windows, their top's colour. */
const MIN_HOUSE_M = 2.8;
/** A vertical wall's normal as a slope: steep enough that the light sees it near horizontal. */
const WALL_SLOPE = 25;

/**
 * The sky light a wall gets (Surface.ao): less open sky than the ground sees. The light the sunlit ground
 * bounces onto it comes on top (Surface.bounce = 1, Shader.bounceCol), so the shade side of a house is dim
 * warm grey as in photos, not black or sky blue.
 */
export const WALL_SKY_SEEN = 0.85;

/**
 * Shade a wall point into `s` (which holds what the shader painted on top of the building there): `hash`
 * the building's, `along` metres along the wall, `z` metres above the ground, `topM` the wall's height
 * there, (nx, ny) its outward normal, (hx, hy) the terrain slope, `gsd` the sample's footprint (m).
 */
export function shadeWall(
  s: Surface,
  hash: number,
  along: number,
  z: number,
  topM: number,
  nx: number,
  ny: number,
  hx: number,
  hy: number,
  gsd: number,
): void {
  s.level();
  s.gx = -nx * WALL_SLOPE - hx;
  s.gy = -ny * WALL_SLOPE - hy;
  s.objH = z;
  s.incident = 0;
  s.grain = 0.25;
  s.ao = WALL_SKY_SEEN;
  s.bounce = 1;
  if (topM < MIN_HOUSE_M) {
    s.mul(0.92);
    return;
  }
  let pick = ((hash * 13.37) % 1) * WALL_TOTAL;
  let c = (WALLS[0] as { colour: RGB }).colour;
  for (const w of WALLS) {
    pick -= w.weight;
    if (pick < 0) {
      c = w.colour;
      break;
    }
  }
  const tone = 0.88 + 0.22 * ((hash * 71.3) % 1);
  // Weathering: slow streaks down the wall, dirt splashed along the foot.
  const streak = hash2(Math.floor(along * 1.5), Math.floor(hash * 1e5), 31);
  const foot = z < 0.5 ? 0.82 : 1;
  s.set(c, tone * foot * (0.94 + 0.08 * streak));
  // Windows: a row per storey under the eaves, evenly spaced along the wall. Far off (a footprint
  // wider than a window) they average into a darker wall instead of aliasing.
  const k = Math.floor(z / STOREY_M);
  if ((k + 1) * STOREY_M > topM + 0.3) return;
  const zr = z - k * STOREY_M;
  const period = 2.8 + 0.9 * ((hash * 17.1) % 1);
  const width = 1.2 + 0.7 * ((hash * 5.3) % 1);
  const f = along / period + ((hash * 29.7) % 1);
  const sharp = Math.min(1, Math.max(0, (1.2 - gsd) / 0.6));
  // A floor slab shows as a band round the house at each storey (seen only where a pixel is well under it).
  const fine = Math.min(1, Math.max(0, (0.25 - gsd) / 0.15));
  if (k > 0 && zr < 0.18) s.mul(1 - 0.1 * fine);
  // Half the houses have a shop or garage on the ground floor: a roller shutter in each bay.
  const across = (f - Math.floor(f)) * period;
  if (k === 0 && (hash * 41.3) % 1 < 0.5) {
    const shutterW = Math.min(period - 0.5, 2.6);
    const inDoor = zr < 2.5 && across < shutterW;
    const wd = sharp * (inDoor ? 1 : 0) + (1 - sharp) * (2.5 / STOREY_M) * (shutterW / period);
    s.mix(SHUTTER, wd * (0.85 + 0.15 * periodicAmp(0.1, gsd) * Math.cos((2 * Math.PI * zr) / 0.1)));
    return;
  }
  const inRow = zr > 0.9 && zr < 2.2;
  const inCol = across < width;
  const mean = (1.3 / STOREY_M) * (width / period);
  const w = sharp * (inRow && inCol ? 1 : 0) + (1 - sharp) * mean;
  if (w <= 0) return;
  // The frame: where the pane's edge is within a frame's width and the pixel can tell it apart.
  const edge = Math.min(zr - 0.9, 2.2 - zr, across, width - across);
  if (inRow && inCol && edge < FRAME_M && fine > 0) {
    s.mix(FRAME, w * fine);
    if (fine >= 1) return;
  }
  const glass = GLASSES[Math.floor(((hash * 53.9) % 1) * GLASSES.length)]!;
  s.r += (glass.colour[0] - s.r) * w;
  s.g += (glass.colour[1] - s.g) * w;
  s.b += (glass.colour[2] - s.b) * w;
  s.spec = glass.spec * w;
}
