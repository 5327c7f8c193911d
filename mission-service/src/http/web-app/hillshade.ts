import type { DemGrid } from '@xuncha/geodata';
import sharp from 'sharp';

/** A rendered hillshade and the four corners (top-left, top-right, bottom-right, bottom-left) it covers. */
export interface HillshadeImage {
  png: Buffer;
  /** `[[w, n], [e, n], [e, s], [w, s]]`, as MapLibre's image source takes them. */
  coordinates: [[number, number], [number, number], [number, number], [number, number]];
}

const DEG = Math.PI / 180;

/**
 * Shades a DEM with Horn's slope and aspect, sun from the north-west at 45°, into a transparent overlay:
 * slopes facing away from the sun darken, slopes facing it lighten, flat ground is fully transparent, so the
 * overlay reads over the project's layers and over any basemap alike.
 */
export function hillshadeRgba(grid: DemGrid, zFactor = 1.5): Uint8Array {
  const { width: w, height: h, values } = grid;
  const midLat = grid.north - (grid.pixelSizeLatDeg * h) / 2;
  const dxM = grid.pixelSizeLonDeg * 111_320 * Math.cos(midLat * DEG);
  const dyM = grid.pixelSizeLatDeg * 110_574;
  const zenith = 45 * DEG;
  const azimuth = (360 - 315 + 90) * DEG; // compass 315° as a mathematical angle
  const flat = Math.cos(zenith);
  const out = new Uint8Array(w * h * 4);
  const at = (i: number, j: number): number => {
    const v = values[Math.min(h - 1, Math.max(0, j)) * w + Math.min(w - 1, Math.max(0, i))]!;
    return Number.isFinite(v) && v !== grid.noData ? v : NaN;
  };
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const a = at(i - 1, j - 1),
        b = at(i, j - 1),
        c = at(i + 1, j - 1);
      const d = at(i - 1, j),
        f = at(i + 1, j);
      const g = at(i - 1, j + 1),
        hh = at(i, j + 1),
        k = at(i + 1, j + 1);
      const dzdx = (c + 2 * f + k - (a + 2 * d + g)) / (8 * dxM);
      const dzdy = (g + 2 * hh + k - (a + 2 * b + c)) / (8 * dyM);
      const o = (j * w + i) * 4;
      if (!Number.isFinite(dzdx) || !Number.isFinite(dzdy)) continue; // no data: transparent
      const slope = Math.atan(zFactor * Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const shade = Math.max(
        0,
        Math.cos(zenith) * Math.cos(slope) + Math.sin(zenith) * Math.sin(slope) * Math.cos(azimuth - aspect),
      );
      if (shade < flat) {
        out[o + 3] = Math.round(Math.min(1, (flat - shade) / flat) * 0.55 * 255);
      } else {
        out[o] = out[o + 1] = out[o + 2] = 255;
        out[o + 3] = Math.round(Math.min(1, (shade - flat) / (1 - flat)) * 0.35 * 255);
      }
    }
  }
  return out;
}

/** The four corners a DEM's hillshade covers: `[[w, n], [e, n], [e, s], [w, s]]`. */
export function hillshadeCorners(grid: DemGrid): HillshadeImage['coordinates'] {
  const w = grid.west;
  const n = grid.north;
  const e = w + grid.pixelSizeLonDeg * grid.width;
  const s = n - grid.pixelSizeLatDeg * grid.height;
  return [
    [w, n],
    [e, n],
    [e, s],
    [w, s],
  ];
}

/** The DEM as a hillshade PNG with the corners it covers. */
export async function renderHillshade(grid: DemGrid): Promise<HillshadeImage> {
  const rgba = hillshadeRgba(grid);
  const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
    raw: { width: grid.width, height: grid.height, channels: 4 },
  })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
  return { png, coordinates: hillshadeCorners(grid) };
}
