/** File type from the first bytes (never from the name). */
export function sniffType(head: Uint8Array): string {
  const b = (i: number) => head[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if ((b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a) || (b(0) === 0x4d && b(1) === 0x4d && b(3) === 0x2a))
    return 'tiff';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(4, 8) === 'ftyp') return 'heif/mp4';
  if (b(0) === 0x50 && b(1) === 0x4b) return 'zip';
  if (ascii(0, 5) === '%PDF-') return 'pdf';
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  return 'unknown';
}
