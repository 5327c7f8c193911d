/**
 * Photo metadata from EXIF/XMP bytes (exifr): position, altitudes, time, optics and attitude.
 * Every field is checked against physical limits; an impossible value is dropped with a reason
 * rather than trusted, and the photo goes on.
 */
import exifr from 'exifr';
import { issue } from '../issues.ts';
import type { PhotoIssue } from '../issues.ts';
import { DEFAULT_PHOTO_TIME_ZONE, photoTakenAt } from './photo-time.ts';

/** What the file says about where and how it was taken. Null = absent or rejected. */
export interface PhotoMetadata {
  make: string | null;
  model: string | null;
  lon: number | null;
  lat: number | null;
  altAmslM: number | null;
  altRelM: number | null;
  /** UTC ISO time: EXIF local time with its `OffsetTimeOriginal`, else read in the configured zone. */
  takenAt: string | null;
  focalLengthMm: number | null;
  focalLength35mmMm: number | null;
  /** Sizes declared in EXIF; may differ from the real pixels (thumbnails, edited files). */
  declaredWidthPx: number | null;
  declaredHeightPx: number | null;
  /** Sensor width derived from EXIF focal-plane resolution, when plausible. */
  focalPlaneSensorWidthMm: number | null;
  gimbalPitchDeg: number | null;
  gimbalYawDeg: number | null;
  gimbalRollDeg: number | null;
  flightYawDeg: number | null;
  /** EXIF GPSImgDirection (direction the image faces), degrees from north. */
  imgDirectionDeg: number | null;
  /** Horizontal position error from EXIF (GPSHPositioningError), metres. */
  gpsHorizontalErrorM: number | null;
  /** EXIF GPSDOP. */
  gpsDop: number | null;
  /** DJI RtkFlag (50 = fixed). */
  rtkFlag: number | null;
  /** Where the attitude came from: DJI XMP, Parrot/Pix4D `Camera:` XMP, EXIF, or nowhere. */
  attitudeSource: 'drone-dji' | 'camera-xmp' | 'exif' | 'none';
}

type Segments = Record<string, Record<string, unknown> | undefined>;

const EXIFR_OPTIONS = {
  xmp: true,
  gps: true,
  tiff: true,
  exif: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: false,
  translateValues: false,
  // Dates stay strings: exifr would read them in the server's zone; photoTakenAt reads them in the photo's.
  reviveValues: false,
  sanitize: true,
} as const;

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim().replace(/^\+/, ''));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Checks a value against [min, max]; out of range → null plus a `field_rejected` warning. */
function bounded(issues: PhotoIssue[], field: string, value: number | null, min: number, max: number): number | null {
  if (value === null) return null;
  if (value < min || value > max) {
    issues.push(
      issue(
        'warning',
        'field_rejected',
        `字段 ${field} 数值不可能（${value}，应在 ${min}…${max}），已忽略 / impossible ${field} ${value} (expected ${min}…${max}), ignored`,
        field,
      ),
    );
    return null;
  }
  return value;
}

function gpsRef(v: unknown): number | null {
  if (v instanceof Uint8Array) return v[0] ?? null;
  return num(v);
}

export interface ReadMetadataOptions {
  /** IANA zone of photos whose time carries no offset (default Asia/Shanghai). */
  timeZone?: string;
}

/**
 * Reads metadata from photo bytes. Never throws for bad bytes: unreadable metadata gives an
 * all-null record with a `metadata_unreadable` warning.
 */
export async function readPhotoMetadata(
  bytes: Uint8Array,
  options: ReadMetadataOptions = {},
): Promise<{ metadata: PhotoMetadata; issues: PhotoIssue[] }> {
  const issues: PhotoIssue[] = [];
  let seg: Segments = {};
  try {
    seg = ((await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), EXIFR_OPTIONS)) ??
      {}) as Segments;
  } catch (e) {
    issues.push(
      issue(
        'warning',
        'metadata_unreadable',
        `无法读取元数据 / metadata unreadable: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
  }
  const ifd0 = seg.ifd0 ?? {};
  const exif = seg.exif ?? {};
  const gps = seg.gps ?? {};
  const dji = seg['drone-dji'] ?? {};
  const cam = seg.Camera ?? {};

  // Position: EXIF GPS first, DJI XMP (incl. the misspelt GpsLongtitude) as fallback.
  const rawLat = num(gps.latitude) ?? num(dji.GpsLatitude) ?? num(dji.Latitude);
  const rawLon = num(gps.longitude) ?? num(dji.GpsLongitude) ?? num(dji.GpsLongtitude) ?? num(dji.Longitude);
  let lat = bounded(issues, 'latitude', rawLat, -90, 90);
  let lon = bounded(issues, 'longitude', rawLon, -180, 180);
  if (lat === 0 && lon === 0) {
    // (0, 0) is what many cameras write without a fix.
    issues.push(
      issue(
        'warning',
        'field_rejected',
        '坐标为 (0, 0)，视为无定位 / position (0, 0) means no fix, ignored',
        'latitude',
      ),
    );
    lat = null;
    lon = null;
  }
  if (lat === null || lon === null) {
    lat = null;
    lon = null;
  }

  let exifAlt = num(gps.GPSAltitude);
  if (exifAlt !== null && gpsRef(gps.GPSAltitudeRef) === 1) exifAlt = -exifAlt;
  const altAmslM = bounded(issues, 'altAmslM', num(dji.AbsoluteAltitude) ?? exifAlt, -500, 9000);
  const altRelM = bounded(issues, 'altRelM', num(dji.RelativeAltitude), -1500, 3000);

  const takenAt = photoTakenAt({ ...ifd0, ...exif }, options.timeZone ?? DEFAULT_PHOTO_TIME_ZONE, issues);

  const focalLengthMm = bounded(issues, 'focalLengthMm', num(exif.FocalLength), 0.5, 2000);
  const focalLength35mmMm = bounded(issues, 'focalLength35mmMm', num(exif.FocalLengthIn35mmFormat), 1, 5000) || null;
  const declaredWidthPx = num(exif.ExifImageWidth) ?? num(ifd0.ImageWidth);
  const declaredHeightPx = num(exif.ExifImageHeight) ?? num(ifd0.ImageHeight);

  // Focal-plane resolution → sensor width (unit 2 inch, 3 cm, 4 mm, 5 µm). Often wrong: sanity-checked.
  let focalPlaneSensorWidthMm: number | null = null;
  const fpx = num(exif.FocalPlaneXResolution);
  const unitMm: Record<number, number> = { 2: 25.4, 3: 10, 4: 1, 5: 0.001 };
  const unit = unitMm[num(exif.FocalPlaneResolutionUnit) ?? 2];
  if (fpx && fpx > 0 && unit && declaredWidthPx) {
    const w = (declaredWidthPx / fpx) * unit;
    if (w >= 1 && w <= 60) focalPlaneSensorWidthMm = w;
  }

  // Attitude: DJI XMP, else Parrot/Pix4D `Camera:` XMP (pitch 0 = nadir there), else EXIF direction.
  let gimbalPitchDeg: number | null = null;
  let gimbalYawDeg: number | null = null;
  let gimbalRollDeg: number | null = null;
  let attitudeSource: PhotoMetadata['attitudeSource'] = 'none';
  const flightYawDeg = bounded(issues, 'flightYawDeg', num(dji.FlightYawDegree), -360, 360);
  if (num(dji.GimbalPitchDegree) !== null || num(dji.GimbalYawDegree) !== null) {
    gimbalPitchDeg = bounded(issues, 'gimbalPitchDeg', num(dji.GimbalPitchDegree), -180, 180);
    gimbalYawDeg = bounded(issues, 'gimbalYawDeg', num(dji.GimbalYawDegree), -360, 360);
    gimbalRollDeg = bounded(issues, 'gimbalRollDeg', num(dji.GimbalRollDegree), -180, 180);
    attitudeSource = 'drone-dji';
  } else if (num(cam.Pitch) !== null || num(cam.Yaw) !== null) {
    const p = bounded(issues, 'cameraPitchDeg', num(cam.Pitch), -180, 180);
    gimbalPitchDeg = p === null ? null : p - 90;
    gimbalYawDeg = bounded(issues, 'cameraYawDeg', num(cam.Yaw), -360, 360);
    gimbalRollDeg = bounded(issues, 'cameraRollDeg', num(cam.Roll), -180, 180);
    attitudeSource = 'camera-xmp';
  }
  const imgDirectionDeg = bounded(issues, 'imgDirectionDeg', num(gps.GPSImgDirection), 0, 360);
  if (attitudeSource === 'none' && imgDirectionDeg !== null) attitudeSource = 'exif';

  return {
    metadata: {
      make: str(ifd0.Make),
      model: str(ifd0.Model),
      lon,
      lat,
      altAmslM,
      altRelM,
      takenAt,
      focalLengthMm,
      focalLength35mmMm,
      declaredWidthPx,
      declaredHeightPx,
      focalPlaneSensorWidthMm,
      gimbalPitchDeg,
      gimbalYawDeg,
      gimbalRollDeg,
      flightYawDeg,
      imgDirectionDeg,
      gpsHorizontalErrorM: bounded(issues, 'gpsHorizontalErrorM', num(gps.GPSHPositioningError), 0, 10_000),
      gpsDop: bounded(issues, 'gpsDop', num(gps.GPSDOP), 0, 100),
      rtkFlag: num(dji.RtkFlag),
      attitudeSource,
    },
    issues,
  };
}
