/**
 * RGB pixels → model input tensor data, as the manifest says (layout, channel order, normalisation).
 */
import type { ModelManifest } from './manifest.ts';
import type { RgbImage } from '../image/decode.ts';

/** Per-channel lookup tables byte → normalised float (input channel order RGB). */
export function normalisationLuts(m: ModelManifest): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = (v * m.input.scale - m.input.mean[c]!) / m.input.std[c]!;
    return lut;
  });
}

/**
 * Fills a tensor of the manifest's input size from the `w`×`h` window at (x, y) of `img`; pixels
 * outside the image are grey 114 (as YOLO letterboxing pads).
 */
export function toTensorData(m: ModelManifest, luts: Float32Array[], img: RgbImage, x = 0, y = 0): Float32Array {
  const W = m.input.widthPx;
  const H = m.input.heightPx;
  const out = new Float32Array(3 * W * H);
  const plane = W * H;
  const bgr = m.input.channelOrder === 'BGR';
  const nchw = m.input.layout === 'NCHW';
  const l0 = luts[0]!;
  const l1 = luts[1]!;
  const l2 = luts[2]!;
  const src = img.data;
  for (let j = 0; j < H; j++) {
    const sy = y + j;
    for (let i = 0; i < W; i++) {
      const sx = x + i;
      let r = 114;
      let g = 114;
      let b = 114;
      if (sy < img.heightPx && sx < img.widthPx && sx >= 0 && sy >= 0) {
        const p = (sy * img.widthPx + sx) * 3;
        r = src[p]!;
        g = src[p + 1]!;
        b = src[p + 2]!;
      }
      const c0 = bgr ? l2[b]! : l0[r]!;
      const c1 = l1[g]!;
      const c2 = bgr ? l0[r]! : l2[b]!;
      const o = j * W + i;
      if (nchw) {
        out[o] = c0;
        out[plane + o] = c1;
        out[2 * plane + o] = c2;
      } else {
        out[3 * o] = c0;
        out[3 * o + 1] = c1;
        out[3 * o + 2] = c2;
      }
    }
  }
  return out;
}
