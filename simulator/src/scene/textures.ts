/**
 * Precomputed, tileable textures the ground shader samples instead of evaluating fractal noise per
 * pixel (a table read costs a few nanoseconds, an fbm of six octaves fifty or more), each with a mip
 * pyramid so that ground seen at a coarse pixel size reads a pre-averaged level and does not alias.
 * They are the same in every process (fixed seeds); scenes vary them by scale, offset and colour.
 *
 * - NOISE: 512² periodic fractal noise, octaves of period 256 … 2 texels, in about [0, 1]; for
 *   large-scale variation (used at ≥ 5 cm per texel, so it repeats no more often than every 25 m).
 * - DETAIL4: four 1024² fractal noise fields with features up to 32, 8, 2 and 16 texels, packed
 *   8 bits each into one word per texel so one lookup gives four numbers: blobs, tufts and grain whose repeat is 32 times their size,
 *   too far apart to see.
 * - CANOPY: 1024² tree crowns (0.125 m per texel, 128 m period): height 0..1 (domes with leaf-cluster
 *   bumps), its surface normal (x, y components), and a per-crown random number in [0, 1), so a
 *   density threshold keeps or drops whole crowns.
 */
import { hash2 } from './noise.ts';

export interface MipTexture {
  /** Side of level 0 in texels (a power of two). */
  size: number;
  /** Levels 0 (full) … log2(size) (1 texel), each size>>k squared, row-major. */
  levels: Float32Array[];
}

function buildMips(base: Float32Array, size: number): MipTexture {
  const levels = [base];
  let n = size;
  let cur = base;
  while (n > 1) {
    const m = n >> 1;
    const next = new Float32Array(m * m);
    for (let j = 0; j < m; j++)
      for (let i = 0; i < m; i++) {
        const a = 2 * j * n + 2 * i;
        next[j * m + i] =
          ((cur[a] as number) + (cur[a + 1] as number) + (cur[a + n] as number) + (cur[a + n + 1] as number)) * 0.25;
      }
    levels.push(next);
    cur = next;
    n = m;
  }
  return { size, levels };
}

/**
 * Bilinear, wrapping sample of `tex` at texel coordinates (u, v) of level 0, read from the level
 * that suits a footprint of `footTexels` level-0 texels per pixel.
 */
export function sampleTex(tex: MipTexture, u: number, v: number, footTexels: number): number {
  let level = 0;
  if (footTexels >= 2) {
    // ⌊log2⌋ by counting leading zeros: far cheaper than Math.log2 per sample.
    level = 31 - Math.clz32(footTexels < 2147483647 ? footTexels : 2147483647);
    const top = tex.levels.length - 1;
    if (level > top) level = top;
    const k = 1 / (1 << level);
    u *= k;
    v *= k;
  }
  const data = tex.levels[level] as Float32Array;
  const n = tex.size >> level;
  const mask = n - 1;
  u -= 0.5;
  v -= 0.5;
  const iu = Math.floor(u);
  const iv = Math.floor(v);
  const fu = u - iu;
  const fv = v - iv;
  const i0 = iu & mask;
  const i1 = (iu + 1) & mask;
  const r0 = (iv & mask) * n;
  const r1 = ((iv + 1) & mask) * n;
  const a = data[r0 + i0] as number;
  const b = data[r0 + i1] as number;
  const c = data[r1 + i0] as number;
  const d = data[r1 + i1] as number;
  const ab = a + (b - a) * fu;
  return ab + (c + (d - c) * fu - ab) * fv;
}

/** Nearest-texel read of level 0 (for per-crown ids, which must not be blended). */
export function texelAt(data: Float32Array, size: number, u: number, v: number): number {
  const mask = size - 1;
  return data[(Math.floor(v) & mask) * size + (Math.floor(u) & mask)] as number;
}

function periodicValueNoise(size: number, period: number, seed: number): Float32Array {
  // Value noise on a lattice of `period` texels that wraps at `size` texels. The lattice values are
  // hashed once per lattice point and the column terms once per column (textures are built at every
  // process start: hashing four corners per texel and octave cost most of it).
  const cells = size / period;
  const lattice = new Float64Array(cells * cells);
  for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) lattice[y * cells + x] = hash2(x, y, seed);
  const colX0 = new Int32Array(size);
  const colX1 = new Int32Array(size);
  const colFx = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const gx = i / period;
    const ix = Math.floor(gx);
    const fx = gx - ix;
    colFx[i] = fx * fx * (3 - 2 * fx);
    colX0[i] = ix % cells;
    colX1[i] = (ix + 1) % cells;
  }
  const out = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    const gy = j / period;
    const iy = Math.floor(gy);
    let fy = gy - iy;
    fy = fy * fy * (3 - 2 * fy);
    const r0 = (iy % cells) * cells;
    const r1 = ((iy + 1) % cells) * cells;
    for (let i = 0; i < size; i++) {
      const fx = colFx[i] as number;
      const x0 = colX0[i] as number;
      const x1 = colX1[i] as number;
      const a = lattice[r0 + x0] as number;
      const b = lattice[r0 + x1] as number;
      const c = lattice[r1 + x0] as number;
      const d = lattice[r1 + x1] as number;
      const ab = a + (b - a) * fx;
      out[j * size + i] = ab + (c + (d - c) * fx - ab) * fy;
    }
  }
  return out;
}

function fractalTexture(size: number, maxPeriod: number, seed: number, slope: number): MipTexture {
  const acc = new Float32Array(size * size);
  for (let period = maxPeriod, o = 0; period >= 2; period >>= 1, o++) {
    const amp = Math.pow(period / maxPeriod, slope);
    const layer = periodicValueNoise(size, period, seed + o * 7919);
    for (let k = 0; k < acc.length; k++) acc[k] = (acc[k] as number) + amp * (layer[k] as number);
  }
  // Normalise to mean 0.5 and a standard deviation of 0.17 (about ±0.5 at the extremes).
  let mean = 0;
  for (let k = 0; k < acc.length; k++) mean += acc[k] as number;
  mean /= acc.length;
  let sd = 0;
  for (let k = 0; k < acc.length; k++) sd += ((acc[k] as number) - mean) ** 2;
  sd = Math.sqrt(sd / acc.length) || 1;
  for (let k = 0; k < acc.length; k++) acc[k] = 0.5 + (((acc[k] as number) - mean) / sd) * 0.17;
  return buildMips(acc, size);
}

let noiseTex: MipTexture | null = null;
let detail4Tex: PackedTexture | null = null;

/** The shared large-scale fractal noise: 512² texels, features up to 256 texels (built once, ~40 ms). */
export function noiseTexture(): MipTexture {
  noiseTex ??= fractalTexture(512, 256, 0x51f15e, 0.62);
  return noiseTex;
}

/**
 * crownId of a texel between crowns: above every crown's, so a thinned stand (keeping crowns whose id is
 * under its density) never keeps one there. With 0 there, the filtered height's fringe of a thinned-out
 * crown, read where the nearest texel was bare ground, was kept: broken rings of dark, steep crown rim
 * in open ground around every crown a sparse stand left out.
 */
export const NO_CROWN_ID = 1;

/** Texels (1/8 m at crown scale 1) a crown's rim frays out or in by, at most. */
const CROWN_FRAY = 2.5;

export interface CanopyTexture {
  /** Metres per level-0 texel. */
  texelM: number;
  /** Height (0..1) and surface normal x, y (−1..1), packed, with mips. */
  hn: PackedTexture;
  /** Per-crown random number in [0, 1) (level 0 only, nearest read); NO_CROWN_ID between crowns. */
  crownId: Float32Array;
  /** Offset from each texel to its crown's centre, in texels (level 0, nearest read). */
  centreDu: Float32Array;
  centreDv: Float32Array;
  size: number;
}

/**
 * Four independent small-feature noise fields interleaved in one 1024² texture, so one lookup gives
 * a pixel four numbers at four scales: channel 0 blobs up to 32 texels, 1 up to 8 texels, 2 up to
 * 2 texels (grain), 3 an independent field of blobs up to 16 texels.
 */
export function detail4Texture(): PackedTexture {
  if (detail4Tex) return detail4Tex;
  const size = 1024;
  const chans = [
    fractalTexture(size, 32, 0xd4a0, 0.5),
    fractalTexture(size, 8, 0xd4a1, 0.5),
    fractalTexture(size, 2, 0xd4a2, 0.5),
    fractalTexture(size, 16, 0xd4a3, 0.5),
  ];
  // The fields have mean 0.5 and sd 0.17: [0, 1] clips only their rarest extremes.
  detail4Tex = packChannels(chans, [
    [0, 1],
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
  return detail4Tex;
}

/**
 * Up to four channels quantised to 8 bits and packed into one 32-bit word per texel, with mips,
 * stored in 32² tiles. A lookup reads four words instead of sixteen floats, level 0 of a 1024²
 * texture takes 4 MB instead of 16 MB, and neighbouring texels share a page: the float version,
 * row-major, missed the cache and the TLB on almost every pixel. Channel c decodes as
 * lo[c] + byte · scale[c]; 8 bits are far below what shows once bilinear filtering smooths them.
 */
export interface PackedTexture {
  /** Side of level 0 in texels (a power of two). */
  size: number;
  /** Levels 0 … log2(size), each (size>>k)² packed texels in tiles (channel c in bits 8c … 8c + 7). */
  levels: Int32Array[];
  lo: Float64Array;
  scale: Float64Array;
}

/** Texels per side of a storage tile: 32² packed texels fill one 4 KB memory page. */
const TILE_SHIFT = 5;

/**
 * Storage index of texel (i, j) (both in [0, n)) of an n² packed level: row-major 32² tiles, so
 * texels near each other on the ground share a memory page whatever the direction a photo row runs
 * across the texture (row-major storage put every texel of a slanted pixel row in another page).
 */
function tiled(i: number, j: number, n: number): number {
  const sh = n < 32 ? 31 - Math.clz32(n) : TILE_SHIFT;
  const m = (1 << sh) - 1;
  return ((((j >> sh) * (n >> sh) + (i >> sh)) << (2 * sh)) | ((j & m) << sh) | (i & m)) >>> 0;
}

/** Pack per-channel mip pyramids (same size) with channel value ranges [lo, hi] into one texture. */
function packChannels(chans: readonly MipTexture[], ranges: readonly (readonly [number, number])[]): PackedTexture {
  const first = chans[0] as MipTexture;
  const lo = new Float64Array(4);
  const scale = new Float64Array(4);
  ranges.forEach(([a, b], c) => {
    lo[c] = a;
    scale[c] = (b - a) / 255;
  });
  const levels = first.levels.map((l0, k) => {
    const n = first.size >> k;
    const out = new Int32Array(l0.length);
    chans.forEach((ch, c) => {
      const src = ch.levels[k] as Float32Array;
      const inv = 1 / (scale[c] as number);
      const base = lo[c] as number;
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          const q = Math.round(((src[j * n + i] as number) - base) * inv);
          const t = tiled(i, j, n);
          out[t] = (out[t] as number) | ((q < 0 ? 0 : q > 255 ? 255 : q) << (8 * c));
        }
    });
    return out;
  });
  return { size: first.size, levels, lo, scale };
}

/** The four channels of one det4 read. */
export type Detail4 = Float64Array;

/** A buffer for one det4 read; each read site keeps its own (module- or shader-level, allocated once). */
export function detailBuffer(): Detail4 {
  return new Float64Array(4);
}

/**
 * Bilinear, wrapping sample of a packed texture at level-0 texel coordinates (u, v), read from the
 * level that suits a footprint of `footTexels` texels per pixel: writes the four channels to out[0..3].
 */
export function samplePacked(tex: PackedTexture, u: number, v: number, footTexels: number, out: Float64Array): void {
  let level = 0;
  if (footTexels >= 2) {
    level = 31 - Math.clz32(footTexels < 2147483647 ? footTexels : 2147483647);
    const top = tex.levels.length - 1;
    if (level > top) level = top;
    const k = 1 / (1 << level);
    u *= k;
    v *= k;
  }
  const data = tex.levels[level] as Int32Array;
  const n = tex.size >> level;
  const mask = n - 1;
  u -= 0.5;
  v -= 0.5;
  const iu = Math.floor(u);
  const iv = Math.floor(v);
  const fu = u - iu;
  const fv = v - iv;
  const i0 = iu & mask;
  const i1 = (iu + 1) & mask;
  const j0 = iv & mask;
  const j1 = (iv + 1) & mask;
  // tiled(i, j, n) as a row part plus a column part (disjoint bits), two of each instead of four calls.
  const sh = n < 32 ? 31 - Math.clz32(n) : TILE_SHIFT;
  const m = (1 << sh) - 1;
  const c0 = ((i0 >> sh) << (2 * sh)) | (i0 & m);
  const c1 = ((i1 >> sh) << (2 * sh)) | (i1 & m);
  const r0 = (((j0 >> sh) * (n >> sh)) << (2 * sh)) | ((j0 & m) << sh);
  const r1 = (((j1 >> sh) * (n >> sh)) << (2 * sh)) | ((j1 & m) << sh);
  const a = data[r0 + c0] as number;
  const b = data[r0 + c1] as number;
  const c = data[r1 + c0] as number;
  const d = data[r1 + c1] as number;
  const w00 = (1 - fu) * (1 - fv);
  const w10 = fu * (1 - fv);
  const w01 = (1 - fu) * fv;
  const w11 = fu * fv;
  const lo = tex.lo;
  const sc = tex.scale;
  out[0] =
    (lo[0] as number) + (sc[0] as number) * ((a & 255) * w00 + (b & 255) * w10 + (c & 255) * w01 + (d & 255) * w11);
  out[1] =
    (lo[1] as number) +
    (sc[1] as number) *
      (((a >>> 8) & 255) * w00 + ((b >>> 8) & 255) * w10 + ((c >>> 8) & 255) * w01 + ((d >>> 8) & 255) * w11);
  out[2] =
    (lo[2] as number) +
    (sc[2] as number) *
      (((a >>> 16) & 255) * w00 + ((b >>> 16) & 255) * w10 + ((c >>> 16) & 255) * w01 + ((d >>> 16) & 255) * w11);
  out[3] =
    (lo[3] as number) + (sc[3] as number) * ((a >>> 24) * w00 + (b >>> 24) * w10 + (c >>> 24) * w01 + (d >>> 24) * w11);
}

/** The fine grain of a packed detail texture, one number per level-0 texel (see grainField). */
export interface GrainField {
  size: number;
  /** (g2 − 0.5)·1.1 + (g1 − 0.5)·0.5 per texel, in the texture's tiled order. */
  data: Float32Array;
}

const grainFields = new WeakMap<PackedTexture, GrainField>();

/**
 * The fine grain a two-scale render adds per pixel: channels 2 (grain) and 1 (tufts) of a packed
 * detail texture at level 0 as the relative brightness change (g2 − 0.5)·1.1 + (g1 − 0.5)·0.5, worked
 * out once per texel (built on first use): it is linear in the channels, so sampling it bilinearly
 * gives the grain of the bilinear channels, with one load per corner instead of two unpacked ones.
 */
export function grainField(tex: PackedTexture): GrainField {
  const known = grainFields.get(tex);
  if (known) return known;
  const src = tex.levels[0] as Int32Array;
  const data = new Float32Array(src.length);
  const lo1 = tex.lo[1] as number;
  const sc1 = tex.scale[1] as number;
  const lo2 = tex.lo[2] as number;
  const sc2 = tex.scale[2] as number;
  for (let t = 0; t < src.length; t++) {
    const x = src[t] as number;
    data[t] = (lo2 + sc2 * ((x >>> 16) & 255) - 0.5) * 1.1 + (lo1 + sc1 * ((x >>> 8) & 255) - 0.5) * 0.5;
  }
  const field = { size: tex.size, data };
  grainFields.set(tex, field);
  return field;
}

/** Grain at texel coordinates (u, v) of a grain field: bilinear, wrapping (it runs for millions of pixels). */
export function grainAt(field: GrainField, u: number, v: number): number {
  const data = field.data;
  const n = field.size;
  const mask = n - 1;
  u -= 0.5;
  v -= 0.5;
  const iu = Math.floor(u);
  const iv = Math.floor(v);
  const fu = u - iu;
  const fv = v - iv;
  const i0 = iu & mask;
  const i1 = (iu + 1) & mask;
  const j0 = iv & mask;
  const j1 = (iv + 1) & mask;
  // tiled(i, j, n) as a row part plus a column part (disjoint bits), each worked out once.
  const sh = n < 32 ? 31 - Math.clz32(n) : TILE_SHIFT;
  const m = (1 << sh) - 1;
  const c0 = ((i0 >> sh) << (2 * sh)) | (i0 & m);
  const c1 = ((i1 >> sh) << (2 * sh)) | (i1 & m);
  const r0 = (((j0 >> sh) * (n >> sh)) << (2 * sh)) | ((j0 & m) << sh);
  const r1 = (((j1 >> sh) * (n >> sh)) << (2 * sh)) | ((j1 & m) << sh);
  const top = (data[r0 + c0] as number) + ((data[r0 + c1] as number) - (data[r0 + c0] as number)) * fu;
  const bottom = (data[r1 + c0] as number) + ((data[r1 + c1] as number) - (data[r1 + c0] as number)) * fu;
  return top + (bottom - top) * fv;
}

let canopyTex: CanopyTexture | null = null;

/** The shared tree-crown texture (built on first use, ~150 ms). */
export function canopyTexture(): CanopyTexture {
  if (canopyTex) return canopyTex;
  const size = 1024;
  const texelM = 0.125;
  const h = new Float32Array(size * size);
  const id = new Float32Array(size * size).fill(NO_CROWN_ID);
  const cdu = new Float32Array(size * size);
  const cdv = new Float32Array(size * size);
  // Crowns on a jittered grid of 3.2 m cells (some empty, some doubled), radius 1.3–3.8 m.
  const cellTex = Math.round(3.2 / texelM);
  const cells = Math.floor(size / cellTex);
  const step = size / cells;
  // Rims fray at the scale of leaf sprays, up to CROWN_FRAY texels out or in.
  const fray = periodicValueNoise(size, 2, 0xf4a1);
  const fray2 = periodicValueNoise(size, 4, 0xf4a2);
  for (let cj = 0; cj < cells; cj++)
    for (let ci = 0; ci < cells; ci++)
      for (let k = 0; k < 2; k++) {
        const r0 = hash2(ci, cj, 101 + k * 13);
        if (k === 1 && r0 > 0.35) continue;
        const cx = (ci + hash2(ci, cj, 102 + k * 13)) * step;
        const cy = (cj + hash2(ci, cj, 103 + k * 13)) * step;
        const rad = (1.3 + 2.5 * Math.pow(hash2(ci, cj, 104 + k * 13), 1.5)) / texelM;
        const top = 0.55 + 0.45 * hash2(ci, cj, 105 + k * 13);
        const crown = hash2(ci, cj, 106 + k * 13);
        // The lobes reach 1.2 radii: a square of one radius cut them off straight (polygonal crowns).
        const ir = Math.ceil(rad * 1.2 + CROWN_FRAY);
        for (let dy = -ir; dy <= ir; dy++)
          for (let dx = -ir; dx <= ir; dx++) {
            const x = Math.floor(cx) + dx;
            const y = Math.floor(cy) + dy;
            const ddx = x + 0.5 - cx;
            const ddy = y + 0.5 - cy;
            const kk = ((y + size) % size) * size + ((x + size) % size);
            // Slightly lobed outline so crowns are not perfect discs, frayed by leaf sprays.
            const ang = Math.atan2(ddy, ddx);
            const lobe = 1 + 0.12 * Math.sin(5 * ang + crown * 20) + 0.08 * Math.sin(3 * ang + crown * 9);
            const rim = rad * lobe + CROWN_FRAY * ((fray[kk] as number) + (fray2[kk] as number) - 1);
            const q = (ddx * ddx + ddy * ddy) / (rim * rim);
            if (q >= 1) continue;
            const hh = top * Math.sqrt(1 - q);
            if (hh > (h[kk] as number)) {
              h[kk] = hh;
              id[kk] = crown;
              cdu[kk] = -ddx;
              cdv[kk] = -ddy;
            }
          }
      }
  // Leaf clusters: fine bumps on the crown surface give each crown its lit and shaded texture.
  const bumps = periodicValueNoise(size, 4, 0x1eaf);
  const bumps2 = periodicValueNoise(size, 8, 0x1eb0);
  for (let k = 0; k < h.length; k++)
    if ((h[k] as number) > 0)
      h[k] = Math.max(
        0.02,
        (h[k] as number) + 0.07 * ((bumps[k] as number) - 0.5) + 0.06 * ((bumps2[k] as number) - 0.5),
      );
  // Normals from central differences, scaled as if crowns were ~6 m tall over their ~5 m width.
  const nx = new Float32Array(size * size);
  const ny = new Float32Array(size * size);
  const zScale = 6 / texelM;
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      const l = h[j * size + ((i + size - 1) % size)] as number;
      const r = h[j * size + ((i + 1) % size)] as number;
      const d = h[((j + size - 1) % size) * size + i] as number;
      const u = h[((j + 1) % size) * size + i] as number;
      const gx = ((r - l) / 2) * zScale;
      const gy = ((u - d) / 2) * zScale;
      const inv = 1 / Math.sqrt(gx * gx + gy * gy + 1);
      nx[j * size + i] = -gx * inv;
      ny[j * size + i] = -gy * inv;
    }
  const hn = packChannels(
    [buildMips(h, size), buildMips(nx, size), buildMips(ny, size)],
    [
      [0, 1],
      [-1, 1],
      [-1, 1],
    ],
  );
  canopyTex = { texelM, size, hn, crownId: id, centreDu: cdu, centreDv: cdv };
  return canopyTex;
}

/**
 * Build every shared texture now (about 2 s on one core) rather than inside the first render: a
 * simulator that renders on its own event loop must not stall its MAVLink link on the first photo.
 */
export function warmTextures(): void {
  noiseTexture();
  grainField(detail4Texture());
  canopyTexture();
}
