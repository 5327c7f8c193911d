/**
 * Writes a DEM grid as a GeoTIFF (Float32, one strip, uncompressed, EPSG:4326, PixelIsArea) with geotiff.js,
 * for test fixtures and synthetic terrain. Files read back with `openDem`, geotiff.js and GDAL.
 */
import { writeArrayBuffer } from 'geotiff';
import type { DemGrid } from './dem-grid.ts';

/**
 * geotiff.js always writes an ExtraSamples tag, with zero values for single-band rasters; libtiff warns on
 * zero-count tags, so drop them from the (only) IFD. Their values live inline, so nothing else moves.
 */
function dropZeroCountTags(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getUint16(0) === 0x4949;
  const ifd = view.getUint32(4, le);
  const n = view.getUint16(ifd, le);
  const kept: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const at = ifd + 2 + 12 * k;
    if (view.getUint32(at + 4, le) > 0) kept.push(bytes.slice(at, at + 12));
  }
  if (kept.length === n) return bytes;
  const next = view.getUint32(ifd + 2 + 12 * n, le);
  const out = bytes.slice();
  const outView = new DataView(out.buffer);
  outView.setUint16(ifd, kept.length, le);
  kept.forEach((entry, k) => out.set(entry, ifd + 2 + 12 * k));
  outView.setUint32(ifd + 2 + 12 * kept.length, next, le);
  // zero the freed tail of the old directory so the bytes stay deterministic and clean
  out.fill(0, ifd + 2 + 12 * kept.length + 4, ifd + 2 + 12 * n + 4);
  return out;
}

/** Encodes a grid (values row-major, north row first) as GeoTIFF bytes. `noData`, if set, goes in GDAL_NODATA. */
export function encodeDemGeoTiff(grid: DemGrid): Uint8Array {
  const metadata: Record<string, unknown> = {
    width: grid.width,
    height: grid.height,
    BitsPerSample: [32],
    SampleFormat: [3],
    ModelPixelScale: [grid.pixelSizeLonDeg, grid.pixelSizeLatDeg, 0],
    ModelTiepoint: [0, 0, 0, grid.west, grid.north, 0],
    GTModelTypeGeoKey: 2,
    GTRasterTypeGeoKey: 1,
    GeographicTypeGeoKey: 4326,
    GeogCitationGeoKey: 'WGS 84',
  };
  if (grid.noData !== null) metadata.GDAL_NODATA = `${grid.noData}\u0000`;
  const values = grid.values instanceof Float32Array ? grid.values : Float32Array.from(grid.values);
  return dropZeroCountTags(new Uint8Array(writeArrayBuffer(values, metadata)));
}
