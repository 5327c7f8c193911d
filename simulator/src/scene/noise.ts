/**
 * Deterministic procedural noise keyed by ground position (metres in the scene frame) and a seed, so
 * two photos that overlap draw the same field rows, trees and roofs.
 */

/** Integer hash of a lattice point → [0, 1). */
export function hash2(ix: number, iy: number, seed: number): number {
  let h = (Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(seed, 1442695041)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Integer hash of one integer → [0, 1). */
export function hash1(i: number, seed: number): number {
  return hash2(i, 0x5bd1e995, seed);
}

// Lattice values in a 256×256 table (wrapping); the seed shifts the lattice so seeds decorrelate.
// A table read is several times cheaper than hashing four corners per sample.
const N = 256;
const LATTICE = new Float32Array(N * N);
for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) LATTICE[j * N + i] = hash2(i, j, 0x2545f491);

/** Smooth value noise in [0, 1) with unit lattice spacing. */
export function valueNoise(x: number, y: number, seed: number): number {
  const sx = x + ((Math.imul(seed, 0x9e3779b1) >>> 8) & 0xffff) * 0.0137;
  const sy = y + ((Math.imul(seed, 0x85ebca6b) >>> 8) & 0xffff) * 0.0113;
  const ix = Math.floor(sx);
  const iy = Math.floor(sy);
  let fx = sx - ix;
  let fy = sy - iy;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const i0 = ix & (N - 1);
  const i1 = (ix + 1) & (N - 1);
  const j0 = (iy & (N - 1)) * N;
  const j1 = ((iy + 1) & (N - 1)) * N;
  const a = LATTICE[j0 + i0] as number;
  const b = LATTICE[j0 + i1] as number;
  const c = LATTICE[j1 + i0] as number;
  const d = LATTICE[j1 + i1] as number;
  const ab = a + (b - a) * fx;
  const cd = c + (d - c) * fx;
  return ab + (cd - ab) * fy;
}

/**
 * Smooth 3-D value noise in [0, 1): 2-D slices at integer z (each shifted across the lattice)
 * blended smoothly in z. Unlike sums of 2-D noise in skewed planes it has no direction along which
 * it stays constant, so a ray integrating it through smoke sees no streaks.
 */
export function valueNoise3(x: number, y: number, z: number, seed: number): number {
  const iz = Math.floor(z);
  let fz = z - iz;
  fz = fz * fz * (3 - 2 * fz);
  const a = valueNoise(x + iz * 37.17, y + iz * 17.31, seed);
  const b = valueNoise(x + (iz + 1) * 37.17, y + (iz + 1) * 17.31, seed);
  return a + (b - a) * fz;
}

/**
 * Fractal value noise in about [0, 1): octaves from `scaleM` down, skipping those finer than
 * `minScaleM` (the pixel's ground size) so distant ground does not alias into moiré.
 */
export function fbm(x: number, y: number, seed: number, scaleM: number, octaves: number, minScaleM: number): number {
  let sum = 0;
  let amp = 0.5;
  let norm = 0;
  let s = scaleM;
  for (let o = 0; o < octaves; o++) {
    // Octaves fade out smoothly (to their mean) as they approach the pixel size: no visible seams.
    const fade = o === 0 ? 1 : Math.min(1, Math.max(0, s / minScaleM - 1));
    sum += fade > 0 ? amp * (fade * valueNoise(x / s, y / s, seed + o * 7919) + (1 - fade) * 0.5) : amp * 0.5;
    norm += amp;
    amp *= 0.5;
    s *= 0.5;
  }
  return sum / norm;
}
