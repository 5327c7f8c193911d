/**
 * Synthetic drone photos for tests and benches: a coloured scene drawn with sharp, written as JPEG (or TIFF)
 * with DJI-style XMP (`drone-dji` position, altitudes, gimbal) or Parrot/Pix4D-style `Camera:` XMP, EXIF
 * optics, EXIF GPS and the EXIF capture time, laid out the way the drones write them.
 */
import sharp from 'sharp';

/** DJI XMP + EXIF fields of a synthetic photo (omit a field to leave it out of the file). */
export interface SyntheticPose {
  lat?: number;
  lon?: number;
  altAmslM?: number;
  altRelM?: number;
  gimbalPitchDeg?: number;
  gimbalYawDeg?: number;
  gimbalRollDeg?: number;
  flightYawDeg?: number;
  /** Write the DJI typo `GpsLongtitude` instead of `GpsLongitude`. */
  misspellLongitude?: boolean;
}

/** A filled rectangle in pixels. */
export interface SyntheticRect {
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
}

/** EXIF GPS IFD: position with N/S, E/W references, and GPSAltitude (above or below sea level). */
export interface SyntheticGps {
  lat: number;
  lon: number;
  altAmslM?: number;
}

/** Parrot Sequoia / Pix4D `Camera:` XMP attitude (pitch 0 = nadir there). */
export interface SyntheticParrotAttitude {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** What to draw and write. */
export interface SyntheticPhotoSpec {
  widthPx: number;
  heightPx: number;
  background?: string;
  rects?: SyntheticRect[];
  pose?: SyntheticPose;
  gps?: SyntheticGps;
  parrot?: SyntheticParrotAttitude;
  /** EXIF DateTimeOriginal, local wall-clock time `YYYY:MM:DD HH:MM:SS`. */
  dateTimeOriginal?: string;
  /** EXIF OffsetTimeOriginal, e.g. `+08:00` (DJI's newer cameras write it; older ones do not). */
  offsetTimeOriginal?: string;
  /** EXIF PixelX/YDimension when they should differ from the real pixels (resized or thumbnail files). */
  declaredSizePx?: { width: number; height: number };
  make?: string;
  model?: string;
  focalLengthMm?: number;
  focalLength35mmMm?: number;
  quality?: number;
  format?: 'jpeg' | 'tiff';
}

/** DJI-style XMP packet for a pose. */
export function djiXmp(p: SyntheticPose): string {
  const attrs: string[] = [];
  const add = (k: string, v: number | undefined): void => {
    if (v !== undefined) attrs.push(`drone-dji:${k}="${v >= 0 ? '+' : ''}${v}"`);
  };
  add('GpsLatitude', p.lat);
  add(p.misspellLongitude ? 'GpsLongtitude' : 'GpsLongitude', p.lon);
  add('AbsoluteAltitude', p.altAmslM);
  add('RelativeAltitude', p.altRelM);
  add('GimbalRollDegree', p.gimbalRollDeg);
  add('GimbalYawDegree', p.gimbalYawDeg);
  add('GimbalPitchDegree', p.gimbalPitchDeg);
  add('FlightYawDegree', p.flightYawDeg);
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="DJI Meta Data" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" ${attrs.join(' ')}/>` +
    '</rdf:RDF></x:xmpmeta>'
  );
}

/** Parrot Sequoia / Pix4D `Camera:` XMP packet. */
export function parrotXmp(a: SyntheticParrotAttitude): string {
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:Camera="http://pix4d.com/camera/1.0/" Camera:Yaw="${a.yawDeg}" ` +
    `Camera:Pitch="${a.pitchDeg}" Camera:Roll="${a.rollDeg}"/></rdf:RDF></x:xmpmeta>`
  );
}

/** Degrees as an EXIF DMS rational triple (seconds to 1e-4″). */
function dms(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}

/** Renders the photo as JPEG (default) or TIFF bytes. */
export async function syntheticPhoto(spec: SyntheticPhotoSpec): Promise<Buffer> {
  const rects = (spec.rects ?? [])
    .map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" fill="${r.colour}"/>`)
    .join('');
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.widthPx}" height="${spec.heightPx}">` +
      `<rect width="100%" height="100%" fill="${spec.background ?? '#3a6b35'}"/>${rects}</svg>`,
  );
  const ifd2: Record<string, string> = {};
  if (spec.focalLengthMm !== undefined) ifd2.FocalLength = `${Math.round(spec.focalLengthMm * 1000)}/1000`;
  if (spec.focalLength35mmMm !== undefined) ifd2.FocalLengthIn35mmFilm = String(spec.focalLength35mmMm);
  if (spec.dateTimeOriginal !== undefined) ifd2.DateTimeOriginal = spec.dateTimeOriginal;
  if (spec.offsetTimeOriginal !== undefined) ifd2.OffsetTimeOriginal = spec.offsetTimeOriginal;
  const ifd3: Record<string, string> = {};
  if (spec.gps) {
    const { lat, lon, altAmslM } = spec.gps;
    Object.assign(ifd3, {
      GPSVersionID: '2 3 0 0',
      GPSLatitudeRef: lat >= 0 ? 'N' : 'S',
      GPSLatitude: dms(lat),
      GPSLongitudeRef: lon >= 0 ? 'E' : 'W',
      GPSLongitude: dms(lon),
    });
    if (altAmslM !== undefined) {
      ifd3.GPSAltitudeRef = altAmslM >= 0 ? '0' : '1';
      ifd3.GPSAltitude = `${Math.round(Math.abs(altAmslM) * 1000)}/1000`;
    }
  }
  let img = sharp(svg);
  img = spec.format === 'tiff' ? img.tiff({ compression: 'jpeg' }) : img.jpeg({ quality: spec.quality ?? 85 });
  img = img.withExif({ IFD0: { Make: spec.make ?? 'DJI', Model: spec.model ?? 'FC6310' }, IFD2: ifd2, IFD3: ifd3 });
  if (spec.pose) img = img.withXmp(djiXmp(spec.pose));
  else if (spec.parrot) img = img.withXmp(parrotXmp(spec.parrot));
  const bytes = await img.toBuffer();
  if (spec.declaredSizePx) declareSize(bytes, spec.declaredSizePx.width, spec.declaredSizePx.height);
  return bytes;
}

/**
 * Rewrites EXIF PixelXDimension / PixelYDimension of a JPEG in place (libvips writes the real size on save), as
 * a camera's thumbnail or a resized copy keeps the original's. Walks APP1 → TIFF header → IFD0 → Exif IFD.
 */
function declareSize(jpeg: Buffer, width: number, height: number): void {
  let at = 2;
  while (at + 4 < jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const len = jpeg.readUInt16BE(at + 2);
    if (jpeg[at + 1] === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\0\0') {
      const tiff = at + 10;
      const le = jpeg.toString('latin1', tiff, tiff + 2) === 'II';
      const u16 = (o: number) => (le ? jpeg.readUInt16LE(o) : jpeg.readUInt16BE(o));
      const u32 = (o: number) => (le ? jpeg.readUInt32LE(o) : jpeg.readUInt32BE(o));
      const entries = (ifd: number) => Array.from({ length: u16(tiff + ifd) }, (_, k) => tiff + ifd + 2 + 12 * k);
      const exifPtr = entries(u32(tiff + 4)).find((e) => u16(e) === 0x8769);
      if (exifPtr === undefined) break;
      for (const e of entries(u32(exifPtr + 8))) {
        const value = u16(e) === 0xa002 ? width : u16(e) === 0xa003 ? height : null;
        if (value === null) continue;
        if (u16(e + 2) === 3) {
          if (le) jpeg.writeUInt16LE(value, e + 8);
          else jpeg.writeUInt16BE(value, e + 8);
        } else if (le) jpeg.writeUInt32LE(value, e + 8);
        else jpeg.writeUInt32BE(value, e + 8);
      }
      return;
    }
    at += 2 + len;
  }
  throw new Error('synthetic photo: declaredSizePx needs a JPEG with EXIF');
}
