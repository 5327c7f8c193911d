/**
 * Photometric and geometric augmentation of a training photo, drawn from a seeded generator: the
 * renders are clean, real photos are not (exposure, white balance, haze, blur, noise, JPEG).
 */
import sharp from 'sharp';

/** One draw of augmentation parameters. */
export interface Augmentation {
  flip: boolean;
  brightness: number;
  saturation: number;
  hueDeg: number;
  contrast: number;
  /** White balance: per-channel gains (R, G, B) of a camera's colour temperature and tint. */
  gains: [number, number, number];
  /** Added haze: blend towards a light grey, 0..1. */
  haze: number;
  blurSigma: number;
  noiseSigma: number;
  jpegQuality: number;
  /**
   * Resampled to this share of the width and back (absent = not): a lens and sensor that resolve less
   * than the renderer draws, before the blur.
   */
  resample?: number;
}

/**
 * Draws an augmentation. The ranges are wide on purpose: the head must not key on the renderer's exact
 * colours, which is where renders and real photos differ most.
 */
export function drawAugmentation(rnd: () => number): Augmentation {
  const u = (a: number, b: number): number => a + (b - a) * rnd();
  const warmth = u(-0.12, 0.12);
  const tint = u(-0.06, 0.06);
  return {
    flip: rnd() < 0.5,
    brightness: u(0.6, 1.4),
    saturation: u(0.45, 1.5),
    hueDeg: u(-18, 18),
    contrast: u(0.65, 1.35),
    gains: [1 + warmth, 1 + tint, 1 - warmth],
    haze: rnd() < 0.3 ? u(0, 0.35) : 0,
    blurSigma: rnd() < 0.35 ? u(0.5, 2) : 0,
    noiseSigma: rnd() < 0.5 ? u(2, 10) : 0,
    jpegQuality: Math.round(u(40, 95)),
  };
}

/**
 * Draws how another camera would take the same scene (`--shifted-negatives`): less resolved detail,
 * duller colour, a softer lens and stronger JPEG than the renders; milder on colour than the training
 * augmentation, whose wide ranges teach invariance rather than model one camera.
 */
export function drawCameraShift(rnd: () => number): Augmentation {
  const u = (a: number, b: number): number => a + (b - a) * rnd();
  const warmth = u(-0.06, 0.06);
  return {
    flip: false,
    brightness: u(0.95, 1.15),
    saturation: u(0.7, 1),
    hueDeg: u(-6, 6),
    contrast: u(0.85, 1.05),
    gains: [1 + warmth, 1, 1 - warmth],
    haze: rnd() < 0.3 ? u(0, 0.15) : 0,
    blurSigma: u(0.3, 1),
    noiseSigma: rnd() < 0.5 ? u(1, 5) : 0,
    jpegQuality: Math.round(u(45, 75)),
    resample: u(0.45, 0.8),
  };
}

/** Applies `a` to an encoded photo; returns a JPEG (re-encoded at `a.jpegQuality`). */
export async function augmentPhoto(bytes: Uint8Array, a: Augmentation, seed: number): Promise<Buffer> {
  let img = sharp(bytes).removeAlpha().toColourspace('srgb');
  if (a.flip) img = img.flop();
  if (a.resample !== undefined && a.resample < 1) {
    const { width = 0, height = 0 } = await sharp(bytes).metadata();
    const small = await img
      .resize(Math.max(1, Math.round(width * a.resample)))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width: w, height: h, channels } = small.info;
    img = sharp(small.data, { raw: { width: w, height: h, channels } }).resize(width, height, { fit: 'fill' });
  }
  img = img.modulate({ brightness: a.brightness, saturation: a.saturation, hue: Math.round(a.hueDeg) });
  // white balance gains, contrast about mid-grey, then haze towards (200, 200, 205)
  const k = a.gains.map((g) => g * a.contrast * (1 - a.haze));
  const off = 128 * (1 - a.contrast) * (1 - a.haze);
  img = img.linear(k, [off + 200 * a.haze, off + 200 * a.haze, off + 205 * a.haze]);
  if (a.blurSigma >= 0.3) img = img.blur(a.blurSigma);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (a.noiseSigma > 0) {
    // Seeded Gaussian-ish noise (sum of uniforms), per channel.
    let s = seed >>> 0 || 1;
    for (let i = 0; i < data.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const u1 = ((s >>> 0) & 0xffff) / 65536;
      const u2 = ((s >>> 16) & 0xffff) / 65536;
      const v = data[i]! + (u1 + u2 - 1) * a.noiseSigma * 2.45;
      data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: a.jpegQuality })
    .toBuffer();
}
