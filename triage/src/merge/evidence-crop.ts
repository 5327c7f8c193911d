/**
 * The evidence crop of an incident: the detection's box with some context around it, as a JPEG.
 */
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS } from '../image/decode.ts';
import type { BoxPx } from '../model/nms.ts';

/** Options of {@link evidenceCrop}. */
export interface CropOptions {
  /** Context added on each side, as a share of the box size. Default 0.5. */
  marginFrac?: number;
  /** Longest side of the output, pixels. Default 640. */
  maxSidePx?: number;
  /** Never smaller than this around the box centre, pixels. Default 64. */
  minSidePx?: number;
}

/** Cuts the box (plus margin) out of the photo and returns a JPEG. */
export async function evidenceCrop(
  photo: Uint8Array,
  photoSize: { widthPx: number; heightPx: number },
  box: BoxPx,
  options: CropOptions = {},
): Promise<Buffer> {
  const m = options.marginFrac ?? 0.5;
  const minSide = options.minSidePx ?? 64;
  const w = Math.max(minSide, box.width * (1 + 2 * m));
  const h = Math.max(minSide, box.height * (1 + 2 * m));
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const left = Math.max(0, Math.floor(cx - w / 2));
  const top = Math.max(0, Math.floor(cy - h / 2));
  const width = Math.max(1, Math.min(photoSize.widthPx - left, Math.ceil(w)));
  const height = Math.max(1, Math.min(photoSize.heightPx - top, Math.ceil(h)));
  const max = options.maxSidePx ?? 640;
  return sharp(photo, { limitInputPixels: DEFAULT_MAX_PIXELS })
    .extract({ left, top, width, height })
    .resize(max, max, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer();
}
