/**
 * What the drone's camera does to the light: exposure (auto exposure with a bias), white balance,
 * contrast and saturation of the picture style, vignetting, lens softness, motion blur at speed, and
 * sensor noise, then the in-camera sharpening every drone JPEG carries. The renderer applies the per-pixel parts through a lookup table; `finishImage` does
 * the neighbourhood parts (blur, noise) on the 8-bit image. Every parameter is drawn from a seed.
 */
import { Rng, mixSeed } from '../scene/random.ts';

export interface CameraEffects {
  /** Exposure bias in stops (auto exposure already brings flat sunlit ground to its albedo). */
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
    saturation: r.range(0.95, 1.3),
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

/** Exposure scale and tone lookup table: linear value v ∈ [0, 2) → 8-bit level at index ⌊v·2048⌋. */
export function toneTable(e: CameraEffects): { scale: number; lut: Float32Array } {
  const lut = new Float32Array(4096);
  for (let i = 0; i < 4096; i++) {
    const v = i / 2048;
    // Contrast around mid grey, then a soft shoulder so highlights roll off instead of clipping.
    let y = 0.46 + (v - 0.46) * e.contrast;
    if (y < 0) y = 0;
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
 * Lens softness, motion blur and sensor noise on packed 8-bit RGB, in place. Motion is the image
 * shift during the exposure in pixels (dx, dy); noise follows the seed.
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
  if (e.blur > 0) blur3(data, width, height, e.blur);
  if (e.noise > 0) addNoise(data, e.noise, seed);
  if (e.sharpen) blur3(data, width, height, -e.sharpen);
}

/**
 * Separable 3-tap filter [a, 1 − 2a, a]: a blur for a > 0, a sharpening for a < 0 (clamped to 0..255).
 * It runs twice over every photo (lens softness, then sharpening), 36 million bytes at 4000×3000, so
 * it makes one pass over the image: each row is filtered across into a small ring of three rows
 * (above, current, below; rounded to bytes as a separate across pass would), and the down filter of
 * the current row is written straight back. Same bytes as filtering the whole image across, then down.
 */
export function blur3(image: Uint8Array, width: number, height: number, a: number): void {
  // A plain Uint8Array view: a Buffer's own subarray and element maps keep the loops from optimising.
  const data = new Uint8Array(image.buffer, image.byteOffset, width * height * 3);
  const c = 1 - 2 * a;
  const stride = width * 3;
  let up = new Uint8Array(stride);
  let mid = new Uint8Array(stride);
  let down = new Uint8Array(stride);
  blurRow(data, 0, mid, stride, a, c);
  // The first row repeats itself as its upper neighbour, the last as its lower one.
  up.set(mid);
  for (let j = 0; j < height; j++) {
    const o = j * stride;
    if (j < height - 1) blurRow(data, o + stride, down, stride, a, c);
    else down.set(mid);
    for (let k = 0; k < stride; k++) {
      const v = (up[k] as number) * a + (mid[k] as number) * c + (down[k] as number) * a + 0.5;
      data[o + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    const t = up;
    up = mid;
    mid = down;
    down = t;
  }
}

/** The across part of blur3: row at offset `o` of `src` into `out`, edge pixels repeating themselves. */
function blurRow(src: Uint8Array, o: number, out: Uint8Array, stride: number, a: number, c: number): void {
  for (let ch = 0; ch < 3; ch++) {
    let prev = src[o + ch] as number;
    let cur = prev;
    const last = stride - 3 + ch;
    for (let k = ch; k <= last; k += 3) {
      const next = k < last ? (src[o + k + 3] as number) : cur;
      const v = prev * a + cur * c + next * a + 0.5;
      out[k] = v < 0 ? 0 : v > 255 ? 255 : v;
      prev = cur;
      cur = next;
    }
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

function addNoise(image: Uint8Array, sd: number, seed: number): void {
  const data = new Uint8Array(image.buffer, image.byteOffset, image.length);
  const g = gaussTable();
  // xorshift32 picks table entries: cheap, and no visible period across the image.
  let x = mixSeed(seed, 0x0153) | 1;
  // Shot noise grows with the signal; dark areas keep a floor of read noise. Indexed by R + G + B.
  const scaleBySum = new Float64Array(766);
  for (let t = 0; t < 766; t++) scaleBySum[t] = sd * (0.45 + 0.55 * Math.sqrt(t / 3 / 128));
  const n = data.length;
  for (let k = 0; k < n; k += 3) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const lum = g[x & (NOISE_N - 1)] as number;
    const chroma = g[(x >>> 16) & (NOISE_N - 1)] as number;
    const s = scaleBySum[(data[k] as number) + (data[k + 1] as number) + (data[k + 2] as number)] as number;
    const d = lum * s;
    const c = chroma * s * 0.35;
    const r = (data[k] as number) + d + c;
    const gg = (data[k + 1] as number) + d;
    const b = (data[k + 2] as number) + d - c;
    data[k] = r < 0 ? 0 : r > 255 ? 255 : r + 0.5;
    data[k + 1] = gg < 0 ? 0 : gg > 255 ? 255 : gg + 0.5;
    data[k + 2] = b < 0 ? 0 : b > 255 ? 255 : b + 0.5;
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
