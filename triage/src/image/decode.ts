/**
 * Decoding photos with sharp, with limits: only JPEG and TIFF, never more than `maxPixels`,
 * truncated files refused. Errors are {@link PhotoError}s with a per-photo reason.
 */
import sharp from 'sharp';
import { PhotoError } from '../issues.ts';
import { jpegHasEnd, sniffFormat } from './sniff-format.ts';

/** Default pixel limit: far below sharp's (268 MP), above any drone camera (100 MP). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Accepted input: a JPEG or TIFF photo's size as decoded (not as EXIF declares it). */
export interface ImageInfo {
  format: 'jpeg' | 'tiff';
  widthPx: number;
  heightPx: number;
}

/** Raw interleaved RGB pixels. */
export interface RgbImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

function toPhotoError(e: unknown): PhotoError {
  if (e instanceof PhotoError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/premature end|truncated|unexpected end|corrupt|EOF/i.test(msg))
    return new PhotoError('truncated', `图像数据不完整 / image data truncated or corrupt: ${msg}`);
  if (/pixel limit/i.test(msg)) return new PhotoError('too_large', `图像像素过多 / image too large: ${msg}`);
  return new PhotoError('decode_failed', `图像解码失败 / image decode failed: ${msg}`);
}

/** Checks format and size from the bytes and header; throws a PhotoError when the photo cannot be triaged. */
export async function inspectImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Promise<ImageInfo> {
  const format = sniffFormat(bytes);
  if (format !== 'jpeg' && format !== 'tiff') {
    throw new PhotoError(
      'unsupported_format',
      `不支持的图像格式（${format}），只接受 JPEG/TIFF / unsupported image format ${format}, only JPEG and TIFF are triaged`,
    );
  }
  if (format === 'jpeg' && !jpegHasEnd(bytes)) {
    throw new PhotoError('truncated', 'JPEG 文件被截断（缺少结束标记）/ JPEG truncated (no end-of-image marker)');
  }
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch((e: unknown) => {
      throw toPhotoError(e);
    });
  const widthPx = meta.width ?? 0;
  const heightPx = meta.height ?? 0;
  if (!(widthPx > 0 && heightPx > 0)) throw new PhotoError('decode_failed', '无法读取图像尺寸 / image size unreadable');
  if (widthPx * heightPx > maxPixels) {
    throw new PhotoError(
      'too_large',
      `图像 ${widthPx}×${heightPx} 超过 ${Math.round(maxPixels / 1e6)} MP 上限 / image ${widthPx}×${heightPx} exceeds the ${Math.round(maxPixels / 1e6)} MP limit`,
    );
  }
  return { format, widthPx, heightPx };
}

/** How to bring a photo to the model's input. */
export interface DecodeTarget {
  /** Output width/height; omitted → full resolution. */
  widthPx?: number;
  heightPx?: number;
  /** `stretch` ignores the aspect ratio; `letterbox` fits inside and pads with grey 114 (YOLO). */
  fit?: 'stretch' | 'letterbox';
  /**
   * Letterbox bands: flat grey 114 (YOLO), or the photo mirrored at its edges (a model that never saw
   * padding in training sees photo-like content there instead of a straight grey edge).
   */
  padding?: 'grey' | 'mirror';
}

/** Decoded pixels plus the mapping back to the original: `origPx = (decodedPx − pad) / scale`. */
export interface DecodedImage extends RgbImage {
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
  /** Size of the photo this was decoded from. */
  sourceWidthPx: number;
  sourceHeightPx: number;
}

/**
 * Decodes to raw RGB (shrink-on-load when the target is smaller). Alpha is dropped, 16-bit scaled to 8.
 * `source` is the photo's size from {@link inspectImage}.
 */
export async function decodeRgb(
  bytes: Uint8Array,
  source: { widthPx: number; heightPx: number },
  target: DecodeTarget = {},
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<DecodedImage> {
  try {
    let img = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated', sequentialRead: true })
      .removeAlpha()
      .toColourspace('srgb');
    let scaleX = 1;
    let scaleY = 1;
    let padX = 0;
    let padY = 0;
    if (target.widthPx && target.heightPx) {
      if (target.fit === 'stretch') {
        scaleX = target.widthPx / source.widthPx;
        scaleY = target.heightPx / source.heightPx;
        img = img.resize(target.widthPx, target.heightPx, { fit: 'fill', fastShrinkOnLoad: true });
      } else {
        const s = Math.min(target.widthPx / source.widthPx, target.heightPx / source.heightPx);
        const w = Math.max(1, Math.round(source.widthPx * s));
        const h = Math.max(1, Math.round(source.heightPx * s));
        scaleX = w / source.widthPx;
        scaleY = h / source.heightPx;
        padX = Math.floor((target.widthPx - w) / 2);
        padY = Math.floor((target.heightPx - h) / 2);
        img = img.resize(w, h, { fit: 'fill', fastShrinkOnLoad: true });
        if (w !== target.widthPx || h !== target.heightPx) {
          img = img.extend({
            left: padX,
            right: target.widthPx - w - padX,
            top: padY,
            bottom: target.heightPx - h - padY,
            background: { r: 114, g: 114, b: 114 },
            ...(target.padding === 'mirror' ? { extendWith: 'mirror' as const } : {}),
          });
        }
      }
    }
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3)
      throw new PhotoError(
        'decode_failed',
        `解码通道数 ${info.channels} / decoded ${info.channels} channels, expected 3`,
      );
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      widthPx: info.width,
      heightPx: info.height,
      scaleX,
      scaleY,
      padX,
      padY,
      sourceWidthPx: source.widthPx,
      sourceHeightPx: source.heightPx,
    };
  } catch (e) {
    throw toPhotoError(e);
  }
}
