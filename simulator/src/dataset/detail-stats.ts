/**
 * Detail statistics of a photo, the numbers used to compare renders with real drone photos:
 * - Laplacian variance: variance of the 4-neighbour Laplacian of the grey image (0.299 R + 0.587 G +
 *   0.114 B, 0..255) after resizing to 768 px width — how much fine detail there is;
 * - colourfulness (Hasler & Süsstrunk 2003): σ_rgyb + 0.3 μ_rgyb with rg = R − G, yb = (R + G)/2 − B.
 */
import sharp from 'sharp';

export interface DetailStats {
  laplacianVar: number;
  colourfulness: number;
}

/** The statistics of RGB pixels (packed, 3 channels) of an image `width` wide. */
export function detailStatsOfPixels(data: Uint8Array, width: number, height: number): DetailStats {
  const grey = new Float32Array(width * height);
  let srg = 0;
  let srg2 = 0;
  let syb = 0;
  let syb2 = 0;
  for (let k = 0, p = 0; k < grey.length; k++, p += 3) {
    const r = data[p] as number;
    const g = data[p + 1] as number;
    const b = data[p + 2] as number;
    grey[k] = 0.299 * r + 0.587 * g + 0.114 * b;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    srg += rg;
    srg2 += rg * rg;
    syb += yb;
    syb2 += yb * yb;
  }
  const n = grey.length;
  const mrg = srg / n;
  const myb = syb / n;
  const vrg = Math.max(0, srg2 / n - mrg * mrg);
  const vyb = Math.max(0, syb2 / n - myb * myb);
  const colourfulness = Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (let j = 1; j < height - 1; j++)
    for (let i = 1; i < width - 1; i++) {
      const k = j * width + i;
      const l =
        (grey[k - 1] as number) +
        (grey[k + 1] as number) +
        (grey[k - width] as number) +
        (grey[k + width] as number) -
        4 * (grey[k] as number);
      s += l;
      s2 += l * l;
      m++;
    }
  const mean = m ? s / m : 0;
  return { laplacianVar: m ? s2 / m - mean * mean : 0, colourfulness };
}

/** Detail statistics of an image file or buffer (any format sharp reads), at 768 px width. */
export async function detailStats(input: Buffer | string): Promise<DetailStats> {
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .resize({ width: 768, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return detailStatsOfPixels(data, info.width, info.height);
}

/** Minimum, median and maximum of a list (NaN for an empty one). */
export function summary(xs: readonly number[]): { min: number; median: number; max: number } {
  if (!xs.length) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] as number, median: s[Math.floor(s.length / 2)] as number, max: s[s.length - 1] as number };
}
