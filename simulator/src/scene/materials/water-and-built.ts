/**
 * Water (rivers, streams, ponds), their banks and embankments, roads and dirt tracks (construction sites
 * are construction.ts). Water is mostly mirror (its colour comes from the sky it reflects, see the
 * lighting), with its own body colour, sediment near the banks and wind ripples. Embankments are stone revetment,
 * concrete slabs or grass. Roads are concrete slabs or asphalt with markings; tracks have two ruts.
 */
import type { SceneFeature } from '../layers.ts';
import type { RGB } from '../look.ts';
import { hash2 } from '../noise.ts';
import type { Shader } from '../shade.ts';
import { segmentDistance } from '../segment-distance.ts';
import { periodicAmp, smooth, thinLineShare, type Surface } from '../surface.ts';

import { detailBuffer } from '../textures.ts';

// det4 results, one buffer per read, so no read overwrites another that is still being used (see Shader.det4).
const waterRipples = detailBuffer();
const bankDetail = detailBuffer();
const roadDetail = detailBuffer();
const trackDetail = detailBuffer();

const MORTAR: RGB = [0.38, 0.37, 0.34];
const ALGAE: RGB = [0.25, 0.36, 0.16];
const WHITE_LINE: RGB = [0.88, 0.88, 0.85];
/** Road markings: the centre line's and the edge lines' paint, their width (m) and where the edge lines run. */
const WHITE_CENTRE: RGB = [0.95 * WHITE_LINE[0], 0.95 * WHITE_LINE[1], 0.95 * WHITE_LINE[2]];
const WHITE_EDGE: RGB = [0.9 * WHITE_LINE[0], 0.9 * WHITE_LINE[1], 0.9 * WHITE_LINE[2]];
const MARKING_M = 0.15;
const EDGE_LINE_AT = 0.88;

/** Distance (m) from (x, y) to the nearest of a feature's centre lines (flat [x0, y0, x1, y1, …] polylines). */
export function centreLineDistance(lines: readonly Float64Array[], x: number, y: number): number {
  let best = Infinity;
  for (const l of lines)
    for (let k = 0; k + 3 < l.length; k += 2) {
      const ax = l[k] as number;
      const ay = l[k + 1] as number;
      const bx = l[k + 2] as number;
      const by = l[k + 3] as number;
      // A segment whose box lies further off than the best so far cannot be nearer.
      if (x < Math.min(ax, bx) - best || x > Math.max(ax, bx) + best) continue;
      if (y < Math.min(ay, by) - best || y > Math.max(ay, by) + best) continue;
      const d = segmentDistance(x, y, ax, ay, bx, by);
      if (d < best) best = d;
    }
  return best;
}

export function shadeWater(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  rel: number,
  feat: SceneFeature | undefined,
): void {
  const look = sh.look;
  const kind = feat?.water ?? 'river';
  s.set(look.water);
  if (kind === 'pond') {
    s.mix(ALGAE, 0.25 + 0.3 * (feat?.rand ?? 0));
    s.mul(0.85);
  }
  // Shallow water near the banks shows sediment and the bed; small streams are shallow throughout.
  const shallow = kind === 'stream' ? 0.2 + 0.4 * rel * rel : kind === 'pond' ? 0.15 * rel : Math.pow(rel, 4) * 0.8;
  const swirl = sh.tex(x, y, 0.12, gsd, 61);
  s.mix(look.waterShallow, shallow + (swirl - 0.5) * 0.25);
  // Wind ripples tilt the mirror a little; they decide how much sky and sun glint each pixel sees.
  const d = sh.det4(x, y, 0.03, gsd, waterRipples);
  s.gx = ((d[1] as number) - 0.5 + ((d[3] as number) - 0.5) * 0.5) * 0.5 * sh.ripple;
  s.gy = ((d[2] as number) - 0.5 + ((d[0] as number) - 0.5) * 0.5) * 0.5 * sh.ripple;
  // A stream mirrors less than open water (its banks and bed show) but still the sky: at 0.35 and dimmed
  // it read as a grey lane.
  s.spec = kind === 'stream' ? 0.78 : 0.85;
  s.grain = 0.08;
  if (kind === 'stream') s.mul(0.9);
  if (kind === 'stream') sh.tagIfNegative(s, 'clean_tributary');
}

export function shadeBank(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  rel: number,
  feat: SceneFeature | undefined,
): void {
  const look = sh.look;
  const r = feat?.rand ?? 0.5;
  const d = sh.det4(x, y, 0.05, gsd, bankDetail);
  const grain = d[1] as number;
  if (feat?.water === 'stream' || r > 0.72) {
    // Grassy earth bank, muddy at the waterline.
    s.set(look.grass, 0.8 + 0.35 * (d[0] as number));
    s.mix(look.dirt, (1 - rel) * 0.7);
    return;
  }
  if (r < 0.45) {
    // Dry-stone revetment: irregular blocks with dark joints.
    const cell = 0.45;
    const px = x / cell;
    const py = y / (cell * 0.7);
    const jy = Math.floor(py);
    const jx = Math.floor(px + (jy % 2) * 0.5);
    const fx = px + (jy % 2) * 0.5 - jx;
    const fy = py - jy;
    const stone = hash2(jx, jy, sh.seed + 65);
    s.set(look.bankStone, 0.75 + 0.4 * stone + 0.15 * (grain - 0.5));
    const amp = periodicAmp(cell, gsd);
    // Mortar lines (7 and 5 cm: 0.16 of a block each way), their share of a coarser pixel.
    const joint =
      amp > 0
        ? Math.max(
            thinLineShare(s, Math.min(fx, 1 - fx) * cell, 0.16 * cell, gsd),
            thinLineShare(s, Math.min(fy, 1 - fy) * cell * 0.7, 0.16 * cell * 0.7, gsd),
          )
        : 0;
    if (joint > 0) s.mix(MORTAR, 0.8 * amp * joint);
    if (amp < 1) s.mix(MORTAR, 0.12 * (1 - amp));
  } else {
    // Concrete slabs in a grid.
    const slab = 2.5;
    const amp = periodicAmp(slab, gsd);
    const fx = (((x / slab) % 1) + 1) % 1;
    const fy = (((y / slab) % 1) + 1) % 1;
    s.set(look.concrete, 0.82 + 0.2 * grain + 0.12 * ((d[0] as number) - 0.5));
    // Joints 10 cm wide, as their share of a coarser pixel.
    const joint =
      amp > 0
        ? Math.max(
            thinLineShare(s, Math.min(fx, 1 - fx) * slab, 0.1, gsd),
            thinLineShare(s, Math.min(fy, 1 - fy) * slab, 0.1, gsd),
          )
        : 0;
    if (joint > 0) s.mul(1 - 0.3 * amp * joint);
  }
  // Wet, algae-stained toe at the waterline; weeds growing through.
  if (rel < 0.3) s.mix(ALGAE, (0.3 - rel) * 1.5);
  const weeds = d[3] as number;
  if (weeds > 0.66) s.mix(look.grass, smooth(0.66, 0.76, weeds) * 0.8);
  if (rel > 0.88) s.mix(look.grass, 0.7);
}

export function shadeRoad(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  rel: number,
  feat: SceneFeature | undefined,
): void {
  const look = sh.look;
  const d = sh.det4(x, y, 0.05, gsd, roadDetail);
  const grain = d[2] as number;
  const stain = d[0] as number;
  s.grain = 0.3;
  const asphalt = look.asphaltRoads && (feat?.halfWidthM ?? 3) > 2.4;
  const ax = feat ? Math.cos(feat.axisRad) : 1;
  const ay = feat ? Math.sin(feat.axisRad) : 0;
  const along = x * ax + y * ay;
  // Distance (m) from the road's centre line: exact where the road has one (the raster's 25 cm cells drew
  // lines along it as staircases), else from the raster.
  const hw = feat?.halfWidthM ?? 3;
  const dc = feat?.lines.length ? centreLineDistance(feat.lines, x, y) : rel * hw;
  if (asphalt) {
    s.set(look.asphalt, 0.85 + 0.25 * grain + 0.15 * (stain - 0.5));
    // Dashed centre line and solid edge lines, 15 cm wide, as their share of a coarser pixel.
    const dash = (((along / 6) % 1) + 1) % 1;
    const centre = dash < 0.5 ? thinLineShare(s, dc, MARKING_M, gsd) : 0;
    if (centre > 0) s.mix(WHITE_CENTRE, centre);
    const edge = thinLineShare(s, dc - EDGE_LINE_AT * hw, MARKING_M, gsd);
    if (edge > 0) s.mix(WHITE_EDGE, edge);
  } else {
    s.set(look.concrete, 0.84 + 0.18 * grain + 0.14 * (stain - 0.5));
    // Slab joints: one along the centre, one across every ~5 m.
    const amp = periodicAmp(5, gsd);
    const j = (((along / 5) % 1) + 1) % 1;
    // The joints are 8 cm wide, their share of a coarser pixel.
    const across = amp > 0 ? thinLineShare(s, Math.min(j, 1 - j) * 5, 0.08, gsd) : 0;
    const centreJoint = amp > 0 ? thinLineShare(s, dc, 0.08, gsd) : 0;
    const joint = Math.max(across, centreJoint);
    if (joint > 0) s.mul(1 - 0.35 * amp * joint);
  }
  // Tyre wear and dirt at the shoulders.
  if (rel > 0.4 && rel < 0.65) s.mul(0.95);
  if (rel > 0.92) s.mix(look.dirt, 0.5);
}

export function shadeTrack(sh: Shader, s: Surface, x: number, y: number, gsd: number, rel: number): void {
  const look = sh.look;
  const d = sh.det4(x, y, 0.05, gsd, trackDetail);
  const grain = d[1] as number;
  s.set(look.dirt, 0.8 + 0.3 * grain + 0.15 * ((d[0] as number) - 0.5));
  // Grass strip between the two wheel ruts, grassy verges.
  if (rel < 0.22) s.mix(look.grass, 0.55 * smooth(0.22, 0.08, rel));
  if (rel > 0.4 && rel < 0.7) s.mul(0.9);
  if (rel > 0.85) s.mix(look.grass, smooth(0.85, 1, rel) * 0.8);
}
