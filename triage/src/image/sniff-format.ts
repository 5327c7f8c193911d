/**
 * Image format from the first bytes (never from the file name).
 */

export type ImageFormat = 'jpeg' | 'tiff' | 'png' | 'heif' | 'webp' | 'gif' | 'bmp' | 'unknown';

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

/** Detects the container format from magic bytes. */
export function sniffFormat(b: Uint8Array): ImageFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))
  )
    return 'tiff';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') return 'heif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 6 && ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (b.length >= 2 && ascii(b, 0, 2) === 'BM') return 'bmp';
  return 'unknown';
}

/**
 * True when a JPEG ends with its end-of-image marker (FF D9), allowing trailing padding/appended
 * data of up to `slackBytes` after it. Entropy-coded data never contains FF D9, so a missing
 * marker near the end means the file was cut short.
 */
export function jpegHasEnd(b: Uint8Array, slackBytes = 4096): boolean {
  const from = Math.max(2, b.length - slackBytes - 2);
  for (let i = b.length - 2; i >= from; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
}
