/**
 * Synthetic drone photos for tests and benches: a coloured scene drawn with sharp, written as JPEG
 * with DJI-style XMP (`drone-dji` position, altitudes, gimbal) and EXIF optics.
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

/** What to draw and write. */
export interface SyntheticPhotoSpec {
  widthPx: number;
  heightPx: number;
  background?: string;
  rects?: SyntheticRect[];
  pose?: SyntheticPose;
  make?: string;
  model?: string;
  focalLengthMm?: number;
  focalLength35mmMm?: number;
  quality?: number;
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

/** Renders the photo as JPEG bytes. */
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
  let img = sharp(svg).jpeg({ quality: spec.quality ?? 85 });
  img = img.withExif({ IFD0: { Make: spec.make ?? 'DJI', Model: spec.model ?? 'FC6310' }, IFD2: ifd2 });
  if (spec.pose) img = img.withXmp(djiXmp(spec.pose));
  return img.toBuffer();
}
