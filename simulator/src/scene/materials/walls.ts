/**
 * Walls of houses as oblique drone photos of southern-Chinese villages and towns show them: white or
 * cream render, grey concrete, red-brown or old grey brick, with rows of dark windows, one row per
 * 3 m storey (none in the gable), dirt splashed along the foot. Low walls (site hoarding) keep the colour
 * painted on their top.
 */
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Surface } from '../surface.ts';

const WALLS: { colour: RGB; weight: number }[] = [
  { colour: [0.74, 0.73, 0.69], weight: 0.35 }, // white render / tiles
  { colour: [0.72, 0.66, 0.52], weight: 0.15 }, // cream render
  { colour: [0.52, 0.52, 0.5], weight: 0.2 }, // bare grey concrete
  { colour: [0.5, 0.29, 0.21], weight: 0.2 }, // red-brown brick
  { colour: [0.4, 0.39, 0.37], weight: 0.1 }, // old grey brick
];
const WALL_TOTAL = WALLS.reduce((a, w) => a + w.weight, 0);
// Glass in daylight: dark, a little blue (it mirrors the sky as well, Surface.spec).
const GLASS: RGB = [0.09, 0.1, 0.12];
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
  const inRow = zr > 0.9 && zr < 2.2;
  const inCol = (f - Math.floor(f)) * period < width;
  const sharp = Math.min(1, Math.max(0, (1.2 - gsd) / 0.6));
  const mean = (1.3 / STOREY_M) * (width / period);
  const w = sharp * (inRow && inCol ? 1 : 0) + (1 - sharp) * mean;
  if (w <= 0) return;
  s.r += (GLASS[0] - s.r) * w;
  s.g += (GLASS[1] - s.g) * w;
  s.b += (GLASS[2] - s.b) * w;
  s.spec = 0.25 * w;
}
