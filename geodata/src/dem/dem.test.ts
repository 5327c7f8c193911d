import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { writeArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { demFromGrid, haversineM } from './dem-grid.ts';
import { encodeDemGeoTiff } from './encode-dem.ts';
import { DemError, openDem } from './open-dem.ts';

// 3 × 2 raster, 0.01° pixels, outer edges 119.00–119.03 E, 27.98–28.00 N
const VALUES = [100, 110, 130, 200, 250, 400];
const W = 119;
const N = 28;
const RES = 0.01;

function tinyTiff(extra: Record<string, unknown> = {}, values: number[] = VALUES): ArrayBuffer {
  return writeArrayBuffer(Float32Array.from(values), {
    width: 3,
    height: 2,
    BitsPerSample: [32],
    SampleFormat: [3],
    ModelPixelScale: [RES, RES, 0],
    ModelTiepoint: [0, 0, 0, W, N, 0],
    GTModelTypeGeoKey: 2,
    GTRasterTypeGeoKey: 1,
    GeographicTypeGeoKey: 4326,
    GeogCitationGeoKey: 'WGS 84',
    ...extra,
  });
}

/** Centre of pixel (i, j). */
const centre = (i: number, j: number): [number, number] => [W + (i + 0.5) * RES, N - (j + 0.5) * RES];

describe('openDem on a tiny generated GeoTIFF', () => {
  it('reads extent and resolution', async () => {
    const dem = await openDem(tinyTiff());
    expect(dem.bbox.map((v) => +v.toFixed(9))).toEqual([119, 27.98, 119.03, 28]);
    expect(dem.resolutionDeg).toBeCloseTo(RES, 12);
    expect(dem.grid.width).toBe(3);
    expect(dem.grid.height).toBe(2);
  });

  it('returns pixel values at pixel centres and bilinear values between them', async () => {
    const dem = await openDem(tinyTiff());
    VALUES.forEach((v, k) => expect(dem.elevationAt(...centre(k % 3, Math.floor(k / 3)))).toBeCloseTo(v, 4));
    // halfway between the four upper-left centres: mean of 100, 110, 200, 250
    const [lon0, lat0] = centre(0, 0);
    expect(dem.elevationAt(lon0 + RES / 2, lat0 - RES / 2)).toBeCloseTo(165, 4);
    // a quarter of the way east and three quarters south
    const want = (1 - 0.75) * (100 + 0.25 * (110 - 100)) + 0.75 * (200 + 0.25 * (250 - 200));
    expect(dem.elevationAt(lon0 + 0.25 * RES, lat0 - 0.75 * RES)).toBeCloseTo(want, 4);
  });

  it('repeats edge values in the outer half pixel and returns null outside', async () => {
    const dem = await openDem(tinyTiff());
    expect(dem.elevationAt(W + 0.001, N - 0.001)).toBeCloseTo(100, 4);
    expect(dem.elevationAt(119.03, 27.98)).toBeCloseTo(400, 4);
    expect(dem.elevationAt(W - 1e-6, 27.99)).toBeNull();
    expect(dem.elevationAt(119.01, N + 1e-6)).toBeNull();
    expect(dem.elevationAt(Number.NaN, 27.99)).toBeNull();
  });

  it('property: bilinear values stay within the four surrounding pixel values', async () => {
    const dem = await openDem(tinyTiff());
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (u, v) => {
        const [lon0, lat0] = centre(1, 0);
        const z = dem.elevationAt(lon0 + u * RES, lat0 - v * RES)!;
        expect(z).toBeGreaterThanOrEqual(110 - 1e-3);
        expect(z).toBeLessThanOrEqual(400 + 1e-3);
        // along the top row it is linear in u
        expect(dem.elevationAt(lon0 + u * RES, lat0)!).toBeCloseTo(110 + u * 20, 3);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('honours GDAL_NODATA and PixelIsPoint', async () => {
    const withNoData = await openDem(tinyTiff({ GDAL_NODATA: '-9999\u0000' }, [100, 110, 130, 200, -9999, 400]));
    expect(withNoData.elevationAt(...centre(0, 0))).toBeNull();
    expect(withNoData.elevationAt(...centre(2, 0))).toBeNull(); // shares the cell with the no-data pixel
    expect(withNoData.elevationAt(W + 0.001, N - 0.001)).toBeNull();
    const point = await openDem(tinyTiff({ GTRasterTypeGeoKey: 2 }));
    // tie point = centre of the first pixel, so the raster starts half a pixel further west/north
    expect(point.bbox[0]).toBeCloseTo(W - RES / 2, 12);
    expect(point.elevationAt(W, N)).toBeCloseTo(100, 4);
  });

  it('reads from a file path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dem-'));
    const file = path.join(dir, 'tiny.tif');
    writeFileSync(file, new Uint8Array(tinyTiff()));
    const dem = await openDem(file);
    expect(dem.elevationAt(...centre(2, 1))).toBeCloseTo(400, 4);
  });
});

describe('encodeDemGeoTiff', () => {
  it('round-trips a grid through GeoTIFF bytes, with no zero-count TIFF tags', async () => {
    const grid = {
      width: 4,
      height: 3,
      west: 119.1,
      north: 28.1,
      pixelSizeLonDeg: 0.0003,
      pixelSizeLatDeg: 0.0003,
      values: Float32Array.from({ length: 12 }, (_, k) => 200 + k * 1.5),
      noData: -9999,
    };
    const bytes = encodeDemGeoTiff(grid);
    const dem = await openDem(bytes);
    expect(Array.from(dem.grid.values)).toEqual(Array.from(grid.values));
    expect(dem.grid.noData).toBe(-9999);
    expect(dem.bbox[0]).toBeCloseTo(119.1, 12);
    expect(dem.bbox[3]).toBeCloseTo(28.1, 12);
    // walk the IFD: every entry has a positive count
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ifd = view.getUint32(4);
    const n = view.getUint16(ifd);
    for (let k = 0; k < n; k++) expect(view.getUint32(ifd + 2 + 12 * k + 4)).toBeGreaterThan(0);
  });
});

describe('openDem errors', () => {
  it('rejects bytes that are not a TIFF', async () => {
    await expect(openDem(new TextEncoder().encode('hello, not a tiff'))).rejects.toThrow(/not a GeoTIFF/);
    await expect(openDem(new Uint8Array(0))).rejects.toBeInstanceOf(DemError);
  });

  it('rejects a missing file with its path', async () => {
    await expect(openDem('/nonexistent/dem.tif')).rejects.toThrow(/\/nonexistent\/dem\.tif.*file not found/);
  });

  it('rejects projected and non-WGS84 CRSs', async () => {
    const utm = tinyTiff({ GeographicTypeGeoKey: undefined, GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32650 });
    await expect(openDem(utm)).rejects.toThrow(/EPSG:32650.*unsupported projected CRS/);
    const nad83 = tinyTiff({ GeographicTypeGeoKey: 4269 });
    await expect(openDem(nad83)).rejects.toThrow(/EPSG:4269.*expected EPSG:4326/);
    // CGCS2000 (China's geodetic datum) is within centimetres of WGS84 and accepted
    await expect(openDem(tinyTiff({ GeographicTypeGeoKey: 4490 }))).resolves.toBeDefined();
  });

  it('refuses a raster over the pixel limit from its header, before decoding it', async () => {
    await expect(openDem(tinyTiff(), { maxPixels: 5 })).rejects.toThrow(/3×2 pixels exceeds 5/);
    await expect(openDem(tinyTiff(), { maxPixels: 6 })).resolves.toBeDefined();
    // A header that claims 50 000 × 40 000 (2 GB of Float32 with 24 bytes behind it): refused by the default limit.
    const bytes = new Uint8Array(tinyTiff());
    const view = new DataView(bytes.buffer);
    const le = view.getUint16(0) === 0x4949;
    const ifd = view.getUint32(4, le);
    for (let k = 0; k < view.getUint16(ifd, le); k++) {
      const at = ifd + 2 + 12 * k;
      const tag = view.getUint16(at, le);
      const size = tag === 256 ? 50_000 : tag === 257 ? 40_000 : null;
      if (size === null) continue;
      if (view.getUint16(at + 2, le) === 3) view.setUint16(at + 8, size, le);
      else view.setUint32(at + 8, size, le);
    }
    await expect(openDem(bytes)).rejects.toThrow(/50000×40000 pixels exceeds 64000000/);
  });
});

describe('Dem.covers and Dem.sampleLine', () => {
  const dem = demFromGrid({
    width: 100,
    height: 100,
    west: 119,
    north: 28.1,
    pixelSizeLonDeg: 0.001,
    pixelSizeLatDeg: 0.001,
    // a plane rising 1 m per pixel eastwards
    values: Float32Array.from({ length: 10_000 }, (_, k) => k % 100),
    noData: null,
  });

  it('covers bboxes and GeoJSON inside its extent only', () => {
    expect(dem.covers([119.01, 28.01, 119.05, 28.05])).toBe(true);
    expect(dem.covers([118.99, 28.01, 119.05, 28.05])).toBe(false);
    expect(dem.covers({ type: 'Point', coordinates: [119.05, 28.05] })).toBe(true);
    expect(
      dem.covers({
        type: 'LineString',
        coordinates: [
          [119.05, 28.05],
          [119.2, 28.05],
        ],
      }),
    ).toBe(false);
  });

  it('samples every stepM plus vertices, with increasing distances and the elevations at those points', () => {
    const line = [
      [119.01, 28.05],
      [119.03, 28.05],
      [119.03, 28.07],
    ];
    const s = dem.sampleLine(line, 500);
    const total = haversineM(119.01, 28.05, 119.03, 28.05) + haversineM(119.03, 28.05, 119.03, 28.07);
    expect(s[0]).toMatchObject({ lon: 119.01, lat: 28.05, distanceM: 0 });
    expect(s.at(-1)!.distanceM).toBeCloseTo(total, 6);
    expect(s.some((p) => p.lon === 119.03 && p.lat === 28.05)).toBe(true);
    for (let k = 1; k < s.length; k++) {
      expect(s[k]!.distanceM).toBeGreaterThan(s[k - 1]!.distanceM);
      expect(s[k]!.distanceM - s[k - 1]!.distanceM).toBeLessThanOrEqual(500 + 1e-6);
    }
    for (const p of s) expect(p.elevationM).toBeCloseTo(dem.elevationAt(p.lon, p.lat)!, 6);
    expect(() => dem.sampleLine(line, 0)).toThrow(/stepM/);
  });

  it('measures slope: 1 m per 0.001° of longitude', () => {
    const mPerPixel = haversineM(119.05, 28.05, 119.051, 28.05);
    expect(dem.slopeDegAt(119.05, 28.05)).toBeCloseTo((Math.atan(1 / mPerPixel) * 180) / Math.PI, 3);
  });

  it('rejects inconsistent grids', () => {
    expect(() =>
      demFromGrid({
        width: 2,
        height: 2,
        west: 0,
        north: 0,
        pixelSizeLonDeg: 1,
        pixelSizeLatDeg: 1,
        values: new Float32Array(3),
        noData: null,
      }),
    ).toThrow(/size mismatch/);
  });
});
