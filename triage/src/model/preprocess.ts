/**
 * RGB pixels → model input tensor data, as the manifest says (layout, channel order, normalisation).
 */
import type { ModelManifest } from './manifest.ts';
import os from 'node:os';
import type { RgbImage } from '../image/decode.ts';

const LITTLE_ENDIAN = os.endianness() === 'LE';

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
 * outside the image are grey 114 (as YOLO letterboxing pads). `out` may be a buffer to reuse (every element is
 * written).
 */
export function toTensorData(
  m: ModelManifest,
  luts: Float32Array[],
  img: RgbImage,
  x = 0,
  y = 0,
  out: Float32Array = new Float32Array(3 * m.input.widthPx * m.input.heightPx),
): Float32Array {
  const W = m.input.widthPx;
  const H = m.input.heightPx;
  const plane = W * H;
  const bgr = m.input.channelOrder === 'BGR';
  const nchw = m.input.layout === 'NCHW';
  const l0 = luts[0]!;
  const l1 = luts[1]!;
  const l2 = luts[2]!;
  const src = img.data;
  const [ci0, ci2] = bgr ? [2, 0] : [0, 2];
  const la = bgr ? l2 : l0;
  const lc = bgr ? l0 : l2;
  // The common case, an RGB input filled by a photo resized or letterboxed to exactly its size: 4 pixels (three
  // 32-bit words) a step.
  if (
    nchw &&
    !bgr &&
    x === 0 &&
    y === 0 &&
    img.widthPx === W &&
    img.heightPx === H &&
    plane % 4 === 0 &&
    src.byteOffset % 4 === 0 &&
    LITTLE_ENDIAN
  ) {
    const words = new Uint32Array(src.buffer, src.byteOffset, (3 * plane) / 4);
    const o1 = plane;
    const o2 = 2 * plane;
    for (let o = 0, w = 0; o < plane; o += 4, w += 3) {
      const a = words[w]!; // r0 g0 b0 r1
      const b = words[w + 1]!; // g1 b1 r2 g2
      const c = words[w + 2]!; // b2 r3 g3 b3
      out[o] = l0[a & 255]!;
      out[o + 1] = l0[a >>> 24]!;
      out[o + 2] = l0[(b >>> 16) & 255]!;
      out[o + 3] = l0[(c >>> 8) & 255]!;
      out[o1 + o] = l1[(a >>> 8) & 255]!;
      out[o1 + o + 1] = l1[b & 255]!;
      out[o1 + o + 2] = l1[b >>> 24]!;
      out[o1 + o + 3] = l1[(c >>> 16) & 255]!;
      out[o2 + o] = l2[(a >>> 16) & 255]!;
      out[o2 + o + 1] = l2[(b >>> 8) & 255]!;
      out[o2 + o + 2] = l2[c & 255]!;
      out[o2 + o + 3] = l2[c >>> 24]!;
    }
    return out;
  }
  // A window inside the image (an inner tile): no bounds checks.
  if (nchw && x >= 0 && y >= 0 && x + W <= img.widthPx && y + H <= img.heightPx) {
    for (let j = 0; j < H; j++) {
      let p = ((y + j) * img.widthPx + x) * 3;
      const o = j * W;
      for (let i = 0; i < W; i++, p += 3) {
        out[o + i] = la[src[p + ci0]!]!;
        out[plane + o + i] = l1[src[p + 1]!]!;
        out[2 * plane + o + i] = lc[src[p + ci2]!]!;
      }
    }
    return out;
  }
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
