/**
 * Smoke, dust and mist as volumes the camera looks through: straw-fire plumes (a line source along
 * the fire front rising into a column that bends downwind, widening, thinning and drifting with the
 * scenario's wind, billowy, lit on the sun side), and the hard negatives that look like them:
 * cooking smoke from chimneys, dust behind a vehicle, and banks of low mist. Each volume knows its
 * bounding box, so rays that miss it pay nothing.
 */
import type { HardNegativeKind } from './distractor-schema.ts';
import type { RGB } from './look.ts';
import { valueNoise, valueNoise3 } from './noise.ts';

export type VolumeKind = 'fire' | 'cooking' | 'dust' | 'mist';

export interface Volume {
  kind: VolumeKind;
  /** Incident index + 1 for a fire's smoke, else 0. */
  incident: number;
  /** Hard-negative kind for the others. */
  tag: HardNegativeKind | null;
  sx: number;
  sy: number;
  sz: number;
  /** Downwind (drift) unit vector. */
  wx: number;
  wy: number;
  /** Cross-wind half-spread at the source (a fire front is a line source), metres. */
  sigmaQ0: number;
  /** Vertical spread at the source. */
  sigmaZ0: number;
  /** Spread growth per metre downwind. */
  growth: number;
  /** Height the plume levels off at, metres above the source. */
  ceilM: number;
  /** Initial rise per metre downwind (buoyant column in light wind, flat in strong wind). */
  rise: number;
  lengthM: number;
  /** Extinction per metre at the core, at the source. */
  beta: number;
  colour: RGB;
  /** How much thick parts darken (self-shadowing), 0..1. */
  darkening: number;
  /** Downwind distance that counts as the fire itself in labels. */
  columnM: number;
  seed: number;
  box: [number, number, number, number, number, number];
}

/** Fill in the bounding box of a volume from its parameters. */
export function withBox(v: Omit<Volume, 'box'>): Volume {
  if (v.kind === 'mist') {
    const r = v.sigmaQ0 * 2.2;
    return { ...v, box: [v.sx - r, v.sy - r, v.sz - 5, v.sx + r, v.sy + r, v.sz + v.ceilM * 3] };
  }
  const sigEnd = Math.max(v.sigmaQ0, v.sigmaZ0) + v.growth * v.lengthM;
  const m = 3 * sigEnd;
  const ex = [v.sx - v.wx * v.sigmaQ0 * 2, v.sx + v.wx * v.lengthM];
  const ey = [v.sy - v.wy * v.sigmaQ0 * 2, v.sy + v.wy * v.lengthM];
  return {
    ...v,
    box: [
      Math.min(ex[0] as number, ex[1] as number) - m,
      Math.min(ey[0] as number, ey[1] as number) - m,
      v.sz - 3,
      Math.max(ex[0] as number, ex[1] as number) + m,
      Math.max(ey[0] as number, ey[1] as number) + m,
      v.sz + v.ceilM + 3 * (v.sigmaZ0 + v.growth * v.lengthM) + 5,
    ],
  };
}

/** Result of one density evaluation (reused). */
export const sample = { density: 0, light: 0, s: 0 };

/**
 * Density of `v` at world point (px, py, pz) into `sample` (density per metre, light 0..1 on the
 * sun side, s = downwind distance). Sun direction (ux, uy, uz) toward the sun.
 */
export function density(v: Volume, px: number, py: number, pz: number, ux: number, uy: number, uz: number): void {
  sample.density = 0;
  const dx = px - v.sx;
  const dy = py - v.sy;
  const dz = pz - v.sz;
  if (v.kind === 'mist') {
    const d2 = (dx * dx + dy * dy) / (v.sigmaQ0 * v.sigmaQ0);
    if (d2 > 4.5 || dz < -2) return;
    const n = valueNoise(px / 40, py / 40, v.seed) * 0.7 + valueNoise(px / 12 + dz / 8, py / 12, v.seed + 1) * 0.6;
    sample.density = v.beta * Math.exp(-d2) * Math.exp(-Math.max(0, dz) / v.ceilM) * Math.max(0, n - 0.25);
    sample.light = 0.85 + 0.15 * Math.min(1, dz / v.ceilM);
    sample.s = 0;
    return;
  }
  const s = dx * v.wx + dy * v.wy;
  if (s < -2 * v.sigmaQ0 || s > v.lengthM) return;
  const sp = s > 0 ? s : 0;
  const q = -dx * v.wy + dy * v.wx;
  const sigQ = v.sigmaQ0 + v.growth * sp;
  const sigZ = v.sigmaZ0 + v.growth * sp;
  // Centreline height: rises steeply near the source, then levels off toward the ceiling.
  const hc = v.ceilM * (1 - Math.exp((-sp * v.rise) / Math.max(1, v.ceilM))) + sigZ * 0.6;
  const zq = dz - hc;
  const r2 = (q * q) / (sigQ * sigQ) + (zq * zq) / (sigZ * sigZ);
  if (r2 > 9) return;
  // Billows: three octaves of 3-D value noise in plume coordinates; they also roughen the
  // plume's outline (the Gaussian radius), so its edge is cauliflower-like, not a smooth tube.
  const a = s / sigZ;
  const b = zq / sigZ;
  const c = q / sigQ;
  const n1 = valueNoise3(a * 1.1, b * 1.1, c * 1.1, v.seed);
  const n2 = valueNoise3(a * 2.7 + 7, b * 2.6, c * 2.6, v.seed + 1);
  const n3 = valueNoise3(a * 6.5, b * 6.5, c * 6.5, v.seed + 2);
  const rough = r2 * (1 + 1.3 * (0.5 - n1) + 0.7 * (0.5 - n2));
  if (rough > 6) return;
  const puff = Math.max(0, 1 + 2.2 * (n1 - 0.5) + 1.5 * (n2 - 0.5) + 0.9 * (n3 - 0.5));
  const dilute = (v.sigmaQ0 * v.sigmaZ0) / (sigQ * sigZ);
  // Upwind of the source the plume fades out smoothly instead of ending at a plane.
  const back = s < 0 ? Math.exp((-2 * s * s) / (v.sigmaQ0 * v.sigmaQ0)) : 1;
  sample.density =
    v.beta * Math.sqrt(dilute) * Math.exp(-0.5 * rough) * Math.exp(-1.2 * (sp / v.lengthM)) * puff * back;
  // Lit side: the offset from the axis along the sun direction (cross-wind and up).
  const sq = -ux * v.wy + uy * v.wx;
  const lit = (q * sq) / sigQ + (zq * uz) / sigZ;
  sample.light =
    Math.min(1, Math.max(0, 0.5 + 0.45 * lit + 0.3 * (n2 - 0.5) + 0.2 * (n3 - 0.5))) *
    (1 - v.darkening * Math.exp(-0.5 * r2) * (0.4 + 0.6 * n1));
  sample.s = s;
}
