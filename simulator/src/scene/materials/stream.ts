/**
 * A planted clean stream (the `clean_tributary` hard negative): its course and its banks. It runs from the
 * river bank (a = 0) inland along the feature's heading. The course meanders and its water narrows toward
 * the head, where it ends in a rounded pool, so it reads as a stream and not as a straight grey lane. Its
 * banks stand a little above the water: their height is what objectHeight gives the sun-shadow mask, so
 * the bank toward the sun shades the water below it, and the painter gives the bank the same height.
 */
import type { SceneFeature } from '../layers.ts';
import { hash2 } from '../noise.ts';
import { mixSeed } from '../random.ts';
import type { Shader } from '../shade.ts';
import { smooth, type Surface } from '../surface.ts';
import { shadeScrub } from './vegetation.ts';
import { shadeBank, shadeWater } from './water-and-built.ts';

export interface StreamCourse {
  lengthM: number;
  /** Half the water's width at the mouth (m). */
  halfWidthM: number;
  /** Width of the grassy or walled bank on each side (m). */
  bankM: number;
  /** Height of the bank above the water (m). */
  bankHeightM: number;
  /** Banks faced with a dry-stone wall at the waterline (as many Zhejiang village streams are). */
  walled: boolean;
  /** Two meanders (amplitude m, wavenumber rad/m, phase) and the width's own slow swell. */
  a1: number;
  k1: number;
  p1: number;
  a2: number;
  k2: number;
  p2: number;
  kw: number;
  pw: number;
}

/** The course of a stream `lengthM` long whose water is `widthM` wide at the mouth, drawn from its salt. */
export function planStream(salt: number, lengthM: number, widthM: number): StreamCourse {
  const u = (i: number): number => hash2(i, 0x57e, mixSeed(salt, 0x5a11));
  const tau = 2 * Math.PI;
  return {
    lengthM,
    halfWidthM: widthM / 2,
    bankM: 1.2 + 1.6 * u(1),
    bankHeightM: 0.35 + 0.5 * u(2),
    walled: u(3) < 0.35,
    a1: 1 + 3 * u(4),
    k1: tau / (40 + 50 * u(5)),
    p1: tau * u(6),
    a2: 0.3 + 0.8 * u(7),
    k2: tau / (12 + 14 * u(8)),
    p2: tau * u(9),
    kw: tau / (25 + 30 * u(10)),
    pw: tau * u(11),
  };
}

/** How far the largest meander and the bank reach from the axis (m): the stream's bounds. */
export function streamReachM(c: StreamCourse): number {
  return c.a1 + c.a2 + c.halfWidthM * 1.15 + c.bankM;
}

/** Offset of the centre line across the axis at `a` m from the mouth; the stream meets the river square on. */
export function streamCentre(c: StreamCourse, a: number): number {
  return smooth(0, 20, a) * (c.a1 * Math.sin(c.k1 * a + c.p1) + c.a2 * Math.sin(c.k2 * a + c.p2));
}

/** Half the water's width at `a`: swelling ±15 %, narrowing to a third over the last quarter. */
export function streamHalfWidth(c: StreamCourse, a: number): number {
  const head = 0.35 + 0.65 * smooth(c.lengthM, c.lengthM * 0.75, a);
  return c.halfWidthM * (1 + 0.15 * Math.sin(c.kw * a + c.pw)) * head;
}

/**
 * Where (a, q) lies: its distance from the water's edge in metres (negative in the water, 0 at the edge, up to
 * `bankM` on the bank), or NaN off the stream. Past the head the water and bank end in a rounded cap.
 */
export function streamEdgeDistance(c: StreamCourse, a: number, q: number): number {
  if (a < 0 || a > c.lengthM + c.halfWidthM + c.bankM) return NaN;
  const along = Math.min(a, c.lengthM);
  const across = Math.abs(q - streamCentre(c, along));
  const d = Math.hypot(across, a - along) - streamHalfWidth(c, along);
  return d < c.bankM ? d : NaN;
}

/** The bank's height above the water at `d` m from the water's edge: a steep inner face, a flat top, a slope down. */
export function bankHeight(c: StreamCourse, d: number): number {
  if (!(d > 0)) return 0;
  return c.bankHeightM * smooth(0, 0.3, d) * smooth(c.bankM, c.bankM - 0.5, d);
}

const STREAM_WATER = { water: 'stream', rand: 0.9 } as SceneFeature;
/** shadeBank's dry-stone revetment (its `rand` below 0.45). */
const STONE_WALL = { water: 'river', rand: 0.2 } as SceneFeature;
/** Width of a walled bank's stone face seen from above (m). */
const WALL_M = 0.45;

/**
 * Paint a stream at `edge` m from its water's edge (streamEdgeDistance): shallow water over its bed, then the
 * bank — a dry-stone face or wet mud at the waterline, rough grass and shrubs above — at the bank's height.
 */
export function shadeStream(
  sh: Shader,
  s: Surface,
  x: number,
  y: number,
  gsd: number,
  edge: number,
  c: StreamCourse,
): void {
  if (edge < 0) {
    shadeWater(sh, s, x, y, gsd, Math.max(0, 1 + edge / c.halfWidthM), STREAM_WATER);
    return;
  }
  if (c.walled && edge < WALL_M) shadeBank(sh, s, x, y, gsd, edge / WALL_M, STONE_WALL);
  else {
    shadeScrub(sh, s, x, y, gsd);
    // Lusher and darker by the water, wet mud right at it.
    s.mul(0.78 + 0.12 * smooth(0, c.bankM, edge));
    if (!c.walled) s.mix(sh.look.dirt, 0.55 * smooth(0.35, 0.1, edge));
  }
  s.objH = bankHeight(c, edge);
}
