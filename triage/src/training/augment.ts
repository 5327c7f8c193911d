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
  /** Added haze: blend towards a light grey, 0..1. */
  haze: number;
  blurSigma: number;
  noiseSigma: number;
  jpegQuality: number;
}

/** Draws an augmentation. */
export function drawAugmentation(rnd: () => number): Augmentation {
  const u = (a: number, b: number): number => a + (b - a) * rnd();
  return {
    flip: rnd() < 0.5,
    brightness: u(0.7, 1.3),
    saturation: u(0.6, 1.4),
    hueDeg: u(-12, 12),
    contrast: u(0.75, 1.25),
    haze: rnd() < 0.3 ? u(0, 0.3) : 0,
    blurSigma: rnd() < 0.35 ? u(0.5, 1.8) : 0,
    noiseSigma: rnd() < 0.5 ? u(2, 9) : 0,
    jpegQuality: Math.round(u(55, 95)),
  };
}

/** Applies `a` to an encoded photo; returns a JPEG (re-encoded at `a.jpegQuality`). */
export async function augmentPhoto(bytes: Uint8Array, a: Augmentation, seed: number): Promise<Buffer> {
  let img = sharp(bytes).removeAlpha().toColourspace('srgb');
  if (a.flip) img = img.flop();
  img = img.modulate({ brightness: a.brightness, saturation: a.saturation, hue: Math.round(a.hueDeg) });
  // contrast about mid-grey, then haze towards (200, 200, 205)
  const k = a.contrast * (1 - a.haze);
  img = img.linear(
    [k, k, k],
    [
      128 * (1 - a.contrast) * (1 - a.haze) + 200 * a.haze,
      128 * (1 - a.contrast) * (1 - a.haze) + 200 * a.haze,
      128 * (1 - a.contrast) * (1 - a.haze) + 205 * a.haze,
    ],
  );
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
