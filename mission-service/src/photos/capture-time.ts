/**
 * When a photo was taken, from its EXIF: `DateTimeOriginal` is a local wall-clock time without a zone; DJI and our
 * simulator add `OffsetTimeOriginal` (`+08:00`). Without an offset the local zone is China's (UTC+8, no DST since
 * 1991): never the server's own zone, which would put a 10:31 Longquan photo at 10:31 UTC.
 */

/** Default offset of photos without OffsetTimeOriginal (Asia/Shanghai). */
export const DEFAULT_PHOTO_OFFSET = '+08:00';

export interface RawCaptureTime {
  DateTimeOriginal?: unknown;
  OffsetTimeOriginal?: unknown;
  SubSecTimeOriginal?: unknown;
}

/** The capture instant, or null when the EXIF time is missing or not a real date. */
export function captureInstant(raw: RawCaptureTime | undefined, defaultOffset = DEFAULT_PHOTO_OFFSET): Date | null {
  const dt = raw?.DateTimeOriginal;
  if (typeof dt !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(dt.trim());
  if (!m) return null;
  const off = typeof raw?.OffsetTimeOriginal === 'string' ? raw.OffsetTimeOriginal.trim() : '';
  const offset = /^[+-]\d{2}:\d{2}$/.test(off) ? off : defaultOffset;
  const sub = raw?.SubSecTimeOriginal;
  const frac = typeof sub === 'string' || typeof sub === 'number' ? String(sub).replace(/\D/g, '').slice(0, 3) : '';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac ? `.${frac.padEnd(3, '0')}` : ''}${offset}`;
  const t = new Date(iso);
  // Date accepts 2026-02-30 by rolling over: refuse what does not read back as written.
  if (Number.isNaN(t.getTime()) || Number(m[2]) > 12 || Number(m[3]) > 31 || Number(m[4]) > 23) return null;
  return t;
}
