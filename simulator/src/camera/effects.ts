/**
 * What the drone's camera does to the light: exposure (auto exposure with a bias), white balance,
 * contrast and saturation of the picture style, vignetting, lens softness, motion blur at speed, and
 * sensor noise, then the in-camera sharpening every drone JPEG carries. The renderer applies the
 * per-pixel parts through a lookup table; `finishImage` does the neighbourhood parts (blur, noise,
 * sharpening) on the 8-bit image. Every parameter is drawn from a seed.
 */
import { Rng, mixSeed } from '../scene/random.ts';

export interface CameraEffects {
  /**
   * Exposure in stops over the one that makes sunlit white ground white: drawn as the camera's bias, and
   * the metered stops added per photo (render.ts; meteredEv), which the rendered photo's effects carry.
   */
  exposureEv: number;
  contrast: number;
  saturation: number;
  /** White balance: red and blue gains − 1. */
  wbR: number;
  wbB: number;
  /** Corner darkening share (0 = none). */
  vignette: number;
  /** Sensor noise: standard deviation in 8-bit levels at mid grey. */
  noise: number;
  /** Lens softness: weight of each neighbour in a 3-tap blur (0 = none). */
  blur: number;
  /** Exposure time for motion blur (s). */
  shutterS: number;
  /**
   * In-camera sharpening after noise, as the image processor does: weight of each neighbour in a
   * 3-tap [−s, 1 + 2s, −s] kernel per axis (0 = none; optional for effects saved before it existed).
   */
  sharpen?: number;
}

/** Draw camera effects for a photo of `widthPx` from `seed` (smaller renders stand for downscaled photos). */
export function drawEffects(seed: number, widthPx: number): CameraEffects {
  const r = new Rng(mixSeed(seed, 0xcafe));
  const large = widthPx >= 2000;
  return {
    exposureEv: r.range(-0.45, 0.35),
    contrast: r.range(0.92, 1.2),
    saturation: r.range(0.8, 1.1),
    wbR: r.range(-0.05, 0.05),
    wbB: r.range(-0.06, 0.05),
    vignette: r.range(0.02, 0.3),
    noise: large ? r.range(1, 4) : r.range(0.5, 2.5),
    blur: large ? r.range(0.12, 0.22) : r.range(0.03, 0.1),
    shutterS: 1 / r.range(200, 1600),
    // Drawn last so the draws above keep their values. Renders below full size stand for downscaled
    // photos, whose detail is denser: they get more.
    sharpen: large ? r.range(0.1, 0.3) : r.range(0.15, 0.4),
  };
}

/**
 * Auto exposure: the linear level (before the tone curve, about 112 of 255 after it) a drone camera's
 * centre-weighted metering brings the scene's mean to. Real drone frames of farmland and villages average
 * 96–124 grey levels; with the exposure that only made sunlit white ground white, renders had a median of ~80.
 */
export const METER_TARGET = 0.44;
/** How far (stops) metering may move the exposure, as a camera's range for bright and dark scenes. */
const METER_MIN_EV = -1;
const METER_MAX_EV = 1.5;

/**
 * Stops the camera's auto exposure adds for a metered mean linear luminance (centre-weighted, before the
 * camera's bias `exposureEv`, which still applies on top): the mean brought to METER_TARGET.
 */
export function meteredEv(meanLuminance: number): number {
  if (!(meanLuminance > 0)) return METER_MAX_EV;
  return Math.max(METER_MIN_EV, Math.min(METER_MAX_EV, Math.log2(METER_TARGET / meanLuminance)));
}

/** Level (of 1) under which the tone curve's toe bends the shadows toward black. */
const TOE = 0.08;

/** Exposure scale and tone lookup table: linear value v ∈ [0, 2) → 8-bit level at index ⌊v·2048⌋. */
export function toneTable(e: CameraEffects): { scale: number; lut: Float32Array } {
  const lut = new Float32Array(4096);
  for (let i = 0; i < 4096; i++) {
    const v = i / 2048;
    // Contrast around mid grey, then a soft toe and shoulder so shadows and highlights roll off instead
    // of clipping. Clipped, a contrast of 1.2 turned every level under 0.077 black: forest gaps and deep
    // shade came out flat black, where real drone frames keep 1 % or less of their pixels under level 8.
    let y = 0.46 + (v - 0.46) * e.contrast;
    if (y < TOE) y = TOE * Math.exp((y - TOE) / TOE);
    const knee = 0.82;
    if (y > knee) y = knee + (1 - knee) * (1 - Math.exp(-(y - knee) / (1 - knee)));
    lut[i] = Math.min(255, y * 255);
  }
  return { scale: Math.pow(2, e.exposureEv), lut };
}

const NOISE_N = 1 << 16;
let gauss: Float32Array | null = null;
function gaussTable(): Float32Array {
  if (gauss) return gauss;
  gauss = new Float32Array(NOISE_N);
  const r = new Rng(0x6a055);
  for (let i = 0; i < NOISE_N; i++) gauss[i] = r.normal();
  return gauss;
}

/**
 * Lens softness, motion blur and sensor noise on packed 8-bit RGB, in place, then the in-camera
 * sharpening. Motion is the image shift during the exposure in pixels (dx, dy); noise follows the seed.
 */
export function finishImage(
  data: Buffer,
  width: number,
  height: number,
  e: CameraEffects,
  motionPx: [number, number],
  seed: number,
): void {
  const [mx, my] = motionPx;
  const mlen = Math.hypot(mx, my);
  if (mlen >= 1) motionBlur(data, width, height, mx, my);
  softenSharpenNoise(data, width, height, e.blur > 0 ? e.blur : 0, e.sharpen ?? 0, e.noise > 0 ? e.noise : 0, seed);
}

/**
 * Taps [p, q, r, q, p] of lens softness [a, 1 − 2a, a] followed by sharpening [−s, 1 + 2s, −s]
 * (the two 3-tap filters convolved: one 5-tap filter per axis instead of two 3-tap passes each).
 */
export function softSharpTaps(a: number, s: number): [number, number, number] {
  return [-a * s, a * (1 + 2 * s) - s * (1 - 2 * a), (1 - 2 * a) * (1 + 2 * s) - 2 * a * s];
}

/**
 * Lens softness (3-tap blur `a`), sensor noise (sd `sd` in 8-bit levels at mid grey) and sharpening
 * (3-tap, `s`), in place, in one pass down the image. The two filters are linear, so the image goes
 * through their product (5 taps per axis, rounded once) and the noise, which the sensor adds between
 * them, is added after as sharpened noise: a seeded noise tile filtered by the same sharpening,
 * read at an offset drawn per photo (no per-pixel random draws). Edges repeat their pixels.
 */
export function softenSharpenNoise(
  image: Uint8Array,
  width: number,
  height: number,
  a: number,
  s: number,
  sd: number,
  seed: number,
): void {
  const data = new Uint8Array(image.buffer, image.byteOffset, width * height * 3);
  const [p, q, r] = softSharpTaps(a, s);
  const stride = width * 3;
  const last = height - 1;
  // Across-filtered rows j − 2 … j + 2 (Float64: overshoot beyond 0..255 is kept until the down pass).
  let r0 = new Float64Array(stride);
  let r1 = new Float64Array(stride);
  let r2 = new Float64Array(stride);
  let r3 = new Float64Array(stride);
  let r4 = new Float64Array(stride);
  acrossRow(data, 0, r2, width, p, q, r);
  r0.set(r2);
  r1.set(r2);
  acrossRow(data, Math.min(1, last) * stride, r3, width, p, q, r);
  acrossRow(data, Math.min(2, last) * stride, r4, width, p, q, r);
  const tile = sd > 0 ? sharpenedNoise(s) : null;
  const scaleBySum = new Float64Array(766);
  // Shot noise grows with the signal; dark areas keep a floor of read noise. Indexed by R + G + B.
  for (let t = 0; t < 766; t++) scaleBySum[t] = sd * (0.45 + 0.55 * Math.sqrt(t / 3 / 128));
  const off = mixSeed(seed, 0x0153);
  const tx = off & TILE_MASK;
  const ty = (off >>> 12) & TILE_MASK;
  for (let j = 0; j < height; j++) {
    if (tile)
      downRowNoisy(
        r0,
        r1,
        r2,
        r3,
        r4,
        data,
        j * stride,
        width,
        p,
        q,
        r,
        tile,
        ((ty + j) & TILE_MASK) << TILE_SHIFT,
        tx,
        scaleBySum,
      );
    else downRow(r0, r1, r2, r3, r4, data, j * stride, stride, p, q, r);
    // Row j + 3 is read before row j + 1 is written (and an edge row repeats the last one).
    const t = r0;
    r0 = r1;
    r1 = r2;
    r2 = r3;
    r3 = r4;
    r4 = t;
    if (j + 3 <= last) acrossRow(data, (j + 3) * stride, r4, width, p, q, r);
    else r4.set(r3);
  }
}

/** The across part: packed RGB row at offset `o` through taps [p, q, r, q, p] into `out`. */
function acrossRow(
  src: Uint8Array,
  o: number,
  out: Float64Array,
  width: number,
  p: number,
  q: number,
  r: number,
): void {
  const lastX = width - 1;
  for (let ch = 0; ch < 3; ch++) {
    // Window x − 2 … x + 2 of one channel, edge pixels repeating themselves.
    let m2 = src[o + ch] as number;
    let m1 = m2;
    let c0 = m2;
    let p1 = src[o + Math.min(1, lastX) * 3 + ch] as number;
    let p2 = src[o + Math.min(2, lastX) * 3 + ch] as number;
    for (let x = 0, k = ch; x <= lastX; x++, k += 3) {
      out[k] = p * (m2 + p2) + q * (m1 + p1) + r * c0;
      m2 = m1;
      m1 = c0;
      c0 = p1;
      p1 = p2;
      if (x + 3 <= lastX) p2 = src[o + k + 9] as number;
    }
  }
}

/** The down part without noise: rows j − 2 … j + 2 into 8-bit row at `o` (clamped, rounded). */
function downRow(
  r0: Float64Array,
  r1: Float64Array,
  r2: Float64Array,
  r3: Float64Array,
  r4: Float64Array,
  out: Uint8Array,
  o: number,
  stride: number,
  p: number,
  q: number,
  r: number,
): void {
  for (let k = 0; k < stride; k++) {
    const v =
      p * ((r0[k] as number) + (r4[k] as number)) + q * ((r1[k] as number) + (r3[k] as number)) + r * (r2[k] as number);
    out[o + k] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
  }
}

/**
 * The down part with sensor noise from the sharpened noise tile (row `tileRow` offset, columns from
 * `tx`), scaled by the pixel's level: luminance noise in all channels, a little chroma noise in red
 * against blue.
 */
function downRowNoisy(
  r0: Float64Array,
  r1: Float64Array,
  r2: Float64Array,
  r3: Float64Array,
  r4: Float64Array,
  out: Uint8Array,
  o: number,
  width: number,
  p: number,
  q: number,
  r: number,
  tile: NoiseTile,
  tileRow: number,
  tx: number,
  scaleBySum: Float64Array,
): void {
  const lumT = tile.lum;
  const chromaT = tile.chroma;
  for (let i = 0, k = 0; i < width; i++, k += 3) {
    let R =
      p * ((r0[k] as number) + (r4[k] as number)) + q * ((r1[k] as number) + (r3[k] as number)) + r * (r2[k] as number);
    let G =
      p * ((r0[k + 1] as number) + (r4[k + 1] as number)) +
      q * ((r1[k + 1] as number) + (r3[k + 1] as number)) +
      r * (r2[k + 1] as number);
    let B =
      p * ((r0[k + 2] as number) + (r4[k + 2] as number)) +
      q * ((r1[k + 2] as number) + (r3[k + 2] as number)) +
      r * (r2[k + 2] as number);
    const sum = (R < 0 ? 0 : R > 255 ? 255 : R) + (G < 0 ? 0 : G > 255 ? 255 : G) + (B < 0 ? 0 : B > 255 ? 255 : B);
    const sc = scaleBySum[sum | 0] as number;
    const t = tileRow + ((tx + i) & TILE_MASK);
    const d = (lumT[t] as number) * sc;
    const c = (chromaT[t] as number) * sc * 0.35;
    R += d + c;
    G += d;
    B += d - c;
    out[o + k] = R < 0 ? 0 : R > 255 ? 255 : R + 0.5;
    out[o + k + 1] = G < 0 ? 0 : G > 255 ? 255 : G + 0.5;
    out[o + k + 2] = B < 0 ? 0 : B > 255 ? 255 : B + 0.5;
  }
}

/** Side of the noise tile: 1024 px, so a 4000-px photo repeats it four times across, each at another phase of the scene. */
const TILE_SHIFT = 10;
const TILE = 1 << TILE_SHIFT;
const TILE_MASK = TILE - 1;

interface NoiseTile {
  sharpen: number;
  lum: Float32Array;
  chroma: Float32Array;
}
let noiseTile: NoiseTile | null = null;
let unitNoise: { lum: Float32Array; chroma: Float32Array } | null = null;
/** Scratch field of the across pass, and the last sharpened fields (reused by the next sharpening). */
let across: Float32Array | null = null;
let spare: { lum: Float32Array; chroma: Float32Array } | null = null;

/**
 * Unit Gaussian luminance and chroma noise on a wrapping 1024² tile (fixed seed, drawn once), through
 * the sharpening [−s, 1 + 2s, −s] across and down: the noise a sensor adds before the camera sharpens.
 * One camera keeps one sharpening, so the last tile is kept; another sharpening (every photo of
 * `render:dataset` is another camera) filters the unit tile again, ~20 ms, into the previous tile's arrays.
 */
function sharpenedNoise(s: number): NoiseTile {
  if (noiseTile && noiseTile.sharpen === s) return noiseTile;
  const unit = unitNoiseTile();
  if (s === 0) {
    noiseTile = { sharpen: s, ...unit };
    return noiseTile;
  }
  const out = spare ?? { lum: new Float32Array(TILE * TILE), chroma: new Float32Array(TILE * TILE) };
  sharpenWrapped(unit.lum, out.lum, s);
  sharpenWrapped(unit.chroma, out.chroma, s);
  spare = out;
  noiseTile = { sharpen: s, ...out };
  return noiseTile;
}

function unitNoiseTile(): { lum: Float32Array; chroma: Float32Array } {
  if (unitNoise) return unitNoise;
  const g = gaussTable();
  const n = TILE * TILE;
  const lum = new Float32Array(n);
  const chroma = new Float32Array(n);
  // xorshift32 picks table entries: cheap, and no visible period across the tile.
  let x = 0x2f6b1 | 1;
  for (let k = 0; k < n; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    lum[k] = g[x & (NOISE_N - 1)] as number;
    chroma[k] = g[(x >>> 16) & (NOISE_N - 1)] as number;
  }
  unitNoise = { lum, chroma };
  return unitNoise;
}

/** 3-tap sharpening of a wrapping TILE² field `f` into `out`, across then down. */
function sharpenWrapped(f: Float32Array, out: Float32Array, s: number): void {
  const c = 1 + 2 * s;
  across ??= new Float32Array(TILE * TILE);
  const tmp = across;
  for (let j = 0; j < TILE; j++)
    for (let i = 0; i < TILE; i++) {
      const o = j << TILE_SHIFT;
      tmp[o + i] =
        c * (f[o + i] as number) -
        s * ((f[o + ((i + TILE_MASK) & TILE_MASK)] as number) + (f[o + ((i + 1) & TILE_MASK)] as number));
    }
  for (let j = 0; j < TILE; j++) {
    const up = ((j + TILE_MASK) & TILE_MASK) << TILE_SHIFT;
    const down = ((j + 1) & TILE_MASK) << TILE_SHIFT;
    const o = j << TILE_SHIFT;
    for (let i = 0; i < TILE; i++)
      out[o + i] = c * (tmp[o + i] as number) - s * ((tmp[up + i] as number) + (tmp[down + i] as number));
  }
}

function motionBlur(data: Buffer, width: number, height: number, mx: number, my: number): void {
  const src = Buffer.from(data);
  const taps = Math.min(24, Math.ceil(Math.hypot(mx, my)) + 1);
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < taps; t++) {
        const f = t / (taps - 1) - 0.5;
        let x = Math.round(i + mx * f);
        let y = Math.round(j + my * f);
        x = x < 0 ? 0 : x >= width ? width - 1 : x;
        y = y < 0 ? 0 : y >= height ? height - 1 : y;
        const k = (y * width + x) * 3;
        r += src[k] as number;
        g += src[k + 1] as number;
        b += src[k + 2] as number;
      }
      const k = (j * width + i) * 3;
      data[k] = r / taps + 0.5;
      data[k + 1] = g / taps + 0.5;
      data[k + 2] = b / taps + 0.5;
    }
}

const F_STOPS = [2.8, 3.2, 3.5, 4, 4.5, 5, 5.6, 6.3, 7.1, 8, 9, 10, 11];
const ISO_STOPS = [
  100, 125, 160, 200, 250, 320, 400, 500, 640, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000, 5000, 6400,
];
const nearest = (xs: readonly number[], v: number): number =>
  xs.reduce((a, b) => (Math.abs(Math.log(b / v)) < Math.abs(Math.log(a / v)) ? b : a));

/**
 * The exposure an auto-exposure camera with an f/2.8–11 lens would record for `e` under `light`
 * (scene brightness as EV at ISO 100: about 15 for a sunny midday, 12 overcast): the drawn shutter
 * time, the aperture that exposes at ISO 100, and a higher ISO only once the aperture is wide open.
 */
export function exposureOf(
  e: CameraEffects,
  light: { sunElevationDeg: number; overcast?: number; haze: number },
): { exposureTimeS: number; fNumber: number; iso: number } {
  const lowSun = Math.max(0, Math.min(1, (25 - light.sunElevationDeg) / 25));
  const ev100 = 15 - 3 * (light.overcast ?? 0) - 2 * lowSun - 0.5 * light.haze - e.exposureEv;
  const t = e.shutterS;
  // N² / t = 2^EV · ISO / 100
  const n = nearest(F_STOPS, Math.max(2.8, Math.min(11, Math.sqrt(t * 2 ** ev100))));
  const iso = nearest(ISO_STOPS, Math.max(100, Math.min(6400, (100 * n * n) / (t * 2 ** ev100))));
  return { exposureTimeS: t, fNumber: n, iso };
}
