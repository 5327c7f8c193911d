/**
 * Photo metadata the way a DJI drone writes it, for sharp's `withExif` / `withXmp`:
 * - EXIF IFD0: Make, Model, ImageWidth/ImageLength, DateTime; Exif IFD: DateTimeOriginal (local
 *   Asia/Shanghai time, as DJI cameras write it) with OffsetTimeOriginal '+08:00', SubSecTimeOriginal,
 *   FocalLength, FocalLengthIn35mmFilm, PixelX/YDimension; GPS IFD: latitude/longitude (DMS rationals
 *   with N/S, E/W refs), GPSAltitude = altAmslM (ref 0 above / 1 below sea level), GPSDateStamp and
 *   GPSTimeStamp in UTC, GPSImgDirection = camera yaw (true north), GPSSpeed (km/h); with an
 *   exposure: ExposureTime, FNumber, ISOSpeedRatings, ExposureProgram (normal),
 *   MeteringMode (centre-weighted), WhiteBalance (auto), as a DJI camera in auto mode records them.
 * - XMP `rdf:Description rdf:about="DJI Meta Data"` with `drone-dji:` attributes exactly as a DJI file
 *   carries them (signed, fixed decimals): GpsLatitude/GpsLongitude, AbsoluteAltitude (= altAmslM),
 *   RelativeAltitude (= altRelM), GimbalRoll/Yaw/PitchDegree, FlightRoll/Yaw/PitchDegree,
 *   FlightX/Y/ZSpeed (m/s north, east, down), CalibratedFocalLength and CalibratedOpticalCenterX/Y
 *   (pixels, what photogrammetry reads). Yaw angles are folded to (−180, 180]; GimbalYawDegree is
 *   absolute (clockwise from north).
 */
import type { Sharp } from 'sharp';
import { focalLength35mm, type CameraModel } from './camera-model.ts';
import { wrap180, type CaptureRequest } from './capture-request.ts';
import { cameraYawDeg } from './pose-geometry.ts';

type ExifDir = Record<string, string>;

/** How a photo was exposed, for the EXIF exposure tags. */
export interface Exposure {
  /** Shutter time (s). */
  exposureTimeS: number;
  fNumber: number;
  iso: number;
}
export type ExifTags = { IFD0: ExifDir; IFD2: ExifDir; IFD3: ExifDir };

const CHINA_OFFSET_MS = 8 * 3600 * 1000; // Asia/Shanghai has no daylight saving

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** 'YYYY:MM:DD HH:MM:SS' of a Date shifted by offsetMs (EXIF date format). */
function exifDate(d: Date, offsetMs: number): string {
  const t = new Date(d.getTime() + offsetMs);
  return `${t.getUTCFullYear()}:${pad(t.getUTCMonth() + 1)}:${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** Compact local-time stamp for file names: YYYYMMDDHHMMSS in Asia/Shanghai. */
export function fileTimeStamp(d: Date): string {
  return exifDate(d, CHINA_OFFSET_MS).replace(/[: ]/g, '');
}

/** Degrees as an EXIF DMS rational triple; seconds to 1e-4″ (3 mm). */
function dms(deg: number): string {
  const a = Math.abs(deg);
  let d = Math.floor(a);
  let m = Math.floor((a - d) * 60);
  let s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  if (s >= 600000) {
    s -= 600000;
    m += 1;
  }
  if (m >= 60) {
    m -= 60;
    d += 1;
  }
  return `${d}/1 ${m}/1 ${s}/10000`;
}

function rational(v: number, den = 1000): string {
  return `${Math.round(Math.abs(v) * den)}/${den}`;
}

/** EXIF tags of a capture. */
export function exifTags(
  req: CaptureRequest,
  cam: CameraModel,
  make: string,
  model: string,
  exposure?: Exposure,
): ExifTags {
  const t = req.time;
  // Shutter times as 1/n s, as DJI writes them. (libvips cannot write the signed ExposureBiasValue.)
  const exposureTags: ExifDir = exposure
    ? {
        ExposureTime: `1/${Math.max(1, Math.round(1 / exposure.exposureTimeS))}`,
        FNumber: rational(exposure.fNumber, 100),
        ISOSpeedRatings: String(Math.round(exposure.iso)),
        ExposureProgram: '2',
        MeteringMode: '2',
        WhiteBalance: '0',
      }
    : {};
  return {
    IFD0: {
      Make: make,
      Model: model,
      Software: 'xuncha-simulator',
      ImageWidth: String(cam.imageWidthPx),
      ImageLength: String(cam.imageHeightPx),
      DateTime: exifDate(t, CHINA_OFFSET_MS),
    },
    IFD2: {
      DateTimeOriginal: exifDate(t, CHINA_OFFSET_MS),
      DateTimeDigitized: exifDate(t, CHINA_OFFSET_MS),
      OffsetTimeOriginal: '+08:00',
      SubSecTimeOriginal: pad(t.getUTCMilliseconds(), 3),
      FocalLength: rational(cam.focalLengthMm, 100),
      FocalLengthIn35mmFilm: String(focalLength35mm(cam)),
      PixelXDimension: String(cam.imageWidthPx),
      PixelYDimension: String(cam.imageHeightPx),
      ...exposureTags,
    },
    IFD3: {
      GPSVersionID: '2 3 0 0',
      GPSLatitudeRef: req.lat >= 0 ? 'N' : 'S',
      GPSLatitude: dms(req.lat),
      GPSLongitudeRef: req.lon >= 0 ? 'E' : 'W',
      GPSLongitude: dms(req.lon),
      GPSAltitudeRef: req.altAmslM >= 0 ? '0' : '1',
      GPSAltitude: rational(req.altAmslM),
      GPSTimeStamp: `${t.getUTCHours()}/1 ${t.getUTCMinutes()}/1 ${t.getUTCSeconds() * 1000 + t.getUTCMilliseconds()}/1000`,
      GPSDateStamp: `${t.getUTCFullYear()}:${pad(t.getUTCMonth() + 1)}:${pad(t.getUTCDate())}`,
      GPSImgDirectionRef: 'T',
      GPSImgDirection: rational(((cameraYawDeg(req) % 360) + 360) % 360, 100),
      ...(req.speedMps !== undefined ? { GPSSpeedRef: 'K', GPSSpeed: rational(req.speedMps * 3.6, 100) } : {}),
    },
  };
}

function signed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return v >= 0 || s === (0).toFixed(decimals) ? `+${s.replace(/^-/, '')}` : s;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** DJI-style XMP packet of a capture. */
export function djiXmp(req: CaptureRequest, make: string, model: string, cam?: CameraModel): string {
  const v = req.speedMps ?? 0;
  const h = (req.headingDeg * Math.PI) / 180;
  const fx = cam ? (cam.focalLengthMm * cam.imageWidthPx) / cam.sensorWidthMm : 0;
  const attrs: [string, string][] = [
    ['tiff:Make', escapeXml(make)],
    ['tiff:Model', escapeXml(model)],
    ['xmp:CreateDate', req.time.toISOString()],
    ['dc:format', 'image/jpg'],
    ['drone-dji:GpsLatitude', signed(req.lat, 8)],
    ['drone-dji:GpsLongitude', signed(req.lon, 8)],
    ['drone-dji:AbsoluteAltitude', signed(req.altAmslM, 3)],
    ['drone-dji:RelativeAltitude', signed(req.altRelM, 3)],
    ['drone-dji:GimbalRollDegree', signed(0, 2)],
    ['drone-dji:GimbalYawDegree', signed(wrap180(cameraYawDeg(req)), 2)],
    ['drone-dji:GimbalPitchDegree', signed(req.gimbalPitchDeg, 2)],
    ['drone-dji:FlightRollDegree', signed(0, 2)],
    ['drone-dji:FlightYawDegree', signed(wrap180(req.headingDeg), 2)],
    ['drone-dji:FlightPitchDegree', signed(0, 2)],
    // Velocity in DJI's north-east-down frame; the simulated drone flies level along its heading.
    ['drone-dji:FlightXSpeed', signed(v * Math.cos(h), 2)],
    ['drone-dji:FlightYSpeed', signed(v * Math.sin(h), 2)],
    ['drone-dji:FlightZSpeed', signed(0, 2)],
    ...(cam
      ? ([
          ['drone-dji:CalibratedFocalLength', fx.toFixed(6)],
          ['drone-dji:CalibratedOpticalCenterX', (cam.imageWidthPx / 2).toFixed(6)],
          ['drone-dji:CalibratedOpticalCenterY', (cam.imageHeightPx / 2).toFixed(6)],
        ] as [string, string][])
      : []),
    ['drone-dji:CamReverse', '0'],
    ['drone-dji:GimbalReverse', '0'],
    ['drone-dji:RtkFlag', '0'],
  ];
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about="DJI Meta Data"',
    '    xmlns:tiff="http://ns.adobe.com/tiff/1.0/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"',
    ...attrs.map(([k, v], i) => `   ${k}="${v}"${i === attrs.length - 1 ? '>' : ''}`),
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** Attach EXIF and XMP of a capture to a sharp pipeline. */
export function withDroneMetadata(
  img: Sharp,
  req: CaptureRequest,
  cam: CameraModel,
  make: string,
  model: string,
  exposure?: Exposure,
): Sharp {
  return img.withExif(exifTags(req, cam, make, model, exposure)).withXmp(djiXmp(req, make, model, cam));
}
