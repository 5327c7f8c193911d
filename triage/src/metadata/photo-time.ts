/**
 * When a photo was taken, as a UTC instant. EXIF `DateTimeOriginal` is a wall-clock time with no zone: the
 * offset comes from `OffsetTimeOriginal` (EXIF 2.31, "+08:00") when the camera wrote one, otherwise from the
 * configured local zone — DJI drones flown in China write Beijing time and most write no offset. Reading the
 * wall clock in the server's own zone instead would shift every photo by the difference (8 h on a UTC server).
 */
import { issue, type PhotoIssue } from '../issues.ts';

/** The zone a photo's wall-clock time is read in when it carries no offset. */
export const DEFAULT_PHOTO_TIME_ZONE = 'Asia/Shanghai';

/**
 * The EXIF tags this reads, in order of preference (original, digitized, file change), each with its offset and
 * sub-second tags; pass them to exifr's `pick` and read with `reviveValues: false` (strings, not Dates).
 */
const TIME_TAGS = [
  ['DateTimeOriginal', 'OffsetTimeOriginal', 'SubSecTimeOriginal'],
  ['CreateDate', 'OffsetTimeDigitized', 'SubSecTimeDigitized'],
  ['ModifyDate', 'OffsetTime', 'SubSecTime'],
] as const;
export const PHOTO_TIME_TAGS: string[] = TIME_TAGS.flat();

/** Throws a RangeError naming the zone when it is not an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`未知时区 / unknown time zone "${timeZone}" (expected an IANA name such as Asia/Shanghai)`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (east positive). */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time (ms as if it were UTC) in `timeZone`; across a DST gap, the later side. */
function wallClockToUtc(wallMs: number, timeZone: string): number {
  const first = wallMs - zoneOffsetMs(timeZone, wallMs);
  return wallMs - zoneOffsetMs(timeZone, first);
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const EXIF_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * The UTC ISO time of a photo from its EXIF tags (merged IFD0 + Exif IFD, as exifr returns them with
 * `reviveValues: false`), or null — with a warning when the date is there but not a date. A malformed offset is
 * reported and the local zone used instead.
 */
export function photoTakenAt(
  tags: Record<string, unknown>,
  timeZone: string = DEFAULT_PHOTO_TIME_ZONE,
  issues: PhotoIssue[] = [],
): string | null {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const [dateTag, offsetTag, subSecTag] = TIME_TAGS.find(([d]) => text(tags[d])) ?? TIME_TAGS[0];
  const raw = text(tags[dateTag]);
  if (!raw) return null;
  const m = EXIF_DATE.exec(raw);
  const [y, mo, d, h, mi, s] = (m ?? []).slice(1, 7).map(Number) as number[];
  const wall = m ? Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) : NaN;
  const valid = m && new Date(wall).getUTCDate() === d && mo! >= 1 && mo! <= 12 && h! < 24 && mi! < 60 && s! < 61;
  if (!valid) {
    issues.push(
      issue(
        'warning',
        'field_rejected',
        `拍摄时间无法识别（${raw.slice(0, 40)}），已忽略 / ${dateTag} "${raw.slice(0, 40)}" is not a date, ignored`,
        'takenAt',
      ),
    );
    return null;
  }
  const fraction = m[7] ?? text(tags[subSecTag]);
  const ms = /^\d{1,9}$/.test(fraction) ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const offsetRaw = text(tags[offsetTag]);
  const o = EXIF_OFFSET.exec(offsetRaw);
  const offsetMin = o ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) : NaN;
  let utc: number;
  if (o && Math.abs(offsetMin) <= 14 * 60 && Number(o[3]) < 60) {
    utc = wall - offsetMin * 60_000;
  } else {
    if (offsetRaw) {
      issues.push(
        issue(
          'warning',
          'field_rejected',
          `时区偏移无法识别（${offsetRaw.slice(0, 20)}），按 ${timeZone} 计 / ${offsetTag} "${offsetRaw.slice(0, 20)}" ignored, read in ${timeZone}`,
          'takenAt',
        ),
      );
    }
    utc = wallClockToUtc(wall, timeZone);
  }
  return new Date(utc + ms).toISOString();
}
