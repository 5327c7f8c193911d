/**
 * Reads a GeoTIFF DEM (EPSG:4326 or CGCS2000 lon/lat, north-up, any sample type) into memory once, so that
 * elevation queries are plain array lookups.
 */
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer } from 'geotiff';
import { demFromGrid, type Dem } from './dem-grid.ts';

/** A DEM that cannot be used, with a message a person can act on (Chinese first, English beside). */
export class DemError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemError';
  }
}

/** Largest raster read into memory by default: 64 million pixels (256 MB as Float32), a county at ~7 m. */
export const DEM_MAX_PIXELS = 64_000_000;

/** Options of {@link openDem}. */
export interface OpenDemOptions {
  /** Refuse rasters with more pixels than this (default {@link DEM_MAX_PIXELS}). */
  maxPixels?: number;
}

/** Geographic CRS codes accepted as "WGS84 lon/lat": WGS 84 and CGCS2000 (within centimetres of it). */
const ACCEPTED_GEOGRAPHIC = new Set([4326, 4490]);
const USER_DEFINED = 32767;
const WGS84_DATUM = 6326;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function loadBytes(source: string | ArrayBuffer | Uint8Array): Promise<{ buf: ArrayBuffer; label: string }> {
  if (typeof source !== 'string') {
    return { buf: source instanceof Uint8Array ? toArrayBuffer(source) : source, label: '(buffer)' };
  }
  try {
    return { buf: toArrayBuffer(await readFile(source)), label: source };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '文件不存在 / file not found' : `无法读取 / cannot read (${code ?? String(err)})`;
    throw new DemError(`DEM ${source}: ${why}`, { cause: err });
  }
}

function checkCrs(geoKeys: Record<string, unknown> | null, label: string): void {
  if (!geoKeys) {
    throw new DemError(`DEM ${label}: 缺少地理参考（GeoKeys）/ not georeferenced (no GeoKey directory)`);
  }
  const projected = geoKeys.ProjectedCSTypeGeoKey;
  if (projected !== undefined || geoKeys.GTModelTypeGeoKey === 1) {
    throw new DemError(
      `DEM ${label}: 不支持投影坐标系 EPSG:${String(projected ?? '?')}，请转换为 EPSG:4326 / unsupported projected CRS, ` +
        'reproject to EPSG:4326 first (e.g. gdalwarp -t_srs EPSG:4326)',
    );
  }
  const geographic = geoKeys.GeographicTypeGeoKey;
  const datum = geoKeys.GeogGeodeticDatumGeoKey;
  const ok =
    (typeof geographic === 'number' && ACCEPTED_GEOGRAPHIC.has(geographic)) ||
    ((geographic === undefined || geographic === USER_DEFINED) && datum === WGS84_DATUM);
  if (!ok) {
    throw new DemError(
      `DEM ${label}: 不支持的坐标系 EPSG:${String(geographic ?? '?')}，需要 EPSG:4326（WGS84 经纬度）/ ` +
        'unsupported CRS, expected EPSG:4326 (WGS84 lon/lat)',
    );
  }
}

/**
 * Opens a GeoTIFF DEM from a file path or its bytes and reads band 1 into memory.
 * Throws {@link DemError} for missing files, non-TIFF bytes, missing georeferencing, rotated rasters, CRSs
 * other than EPSG:4326 / EPSG:4490 and rasters over the pixel limit (checked from the header, before decoding).
 */
export async function openDem(source: string | ArrayBuffer | Uint8Array, options: OpenDemOptions = {}): Promise<Dem> {
  const { buf, label } = await loadBytes(source);
  let image;
  try {
    const tiff = await fromArrayBuffer(buf);
    image = await tiff.getImage(0);
  } catch (err) {
    throw new DemError(`DEM ${label}: 不是有效的GeoTIFF文件 / not a GeoTIFF file (${(err as Error).message})`, {
      cause: err,
    });
  }
  checkCrs(image.getGeoKeys() as Record<string, unknown> | null, label);

  const transform = image.getFileDirectory().getValue('ModelTransformation') as number[] | undefined;
  if (transform && (transform[1] !== 0 || transform[4] !== 0)) {
    throw new DemError(`DEM ${label}: 不支持旋转的栅格 / rotated rasters are not supported`);
  }
  let origin: number[];
  let resolution: number[];
  try {
    origin = image.getOrigin();
    resolution = image.getResolution();
  } catch (err) {
    throw new DemError(`DEM ${label}: 缺少像元坐标变换 / no pixel-to-map transform (ModelTiepoint/ModelPixelScale)`, {
      cause: err,
    });
  }
  const dx = resolution[0]!;
  const dy = -resolution[1]!;
  if (!(dx > 0 && dy > 0)) {
    throw new DemError(`DEM ${label}: 栅格须为北向上 / raster must be north-up with positive pixel size`);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const maxPixels = options.maxPixels ?? DEM_MAX_PIXELS;
  if (!(width > 0 && height > 0)) throw new DemError(`DEM ${label}: 栅格为空 / raster has no pixels`);
  if (width * height > maxPixels) {
    throw new DemError(
      `DEM ${label}: 栅格过大（${width}×${height} 像元，上限 ${maxPixels}），请裁剪到作业区或降低分辨率 / raster too ` +
        `large: ${width}×${height} pixels exceeds ${maxPixels}; crop it to the area (gdalwarp -te) or coarsen it (gdalwarp -tr)`,
    );
  }
  // PixelIsPoint: the tie point is the centre of the first pixel, so its outer edge is half a pixel further out
  const isPoint = (image.getGeoKeys() as Record<string, unknown>).GTRasterTypeGeoKey === 2;
  const west = origin[0]! - (isPoint ? dx / 2 : 0);
  const north = origin[1]! + (isPoint ? dy / 2 : 0);

  let raster;
  try {
    raster = await image.readRasters({ samples: [0], interleave: true });
  } catch (err) {
    throw new DemError(`DEM ${label}: 无法解码栅格数据 / cannot decode raster data (${(err as Error).message})`, {
      cause: err,
    });
  }
  const values = raster instanceof Float32Array ? raster : Float32Array.from(raster as ArrayLike<number>);
  const noDataRaw = image.getGDALNoData();
  return demFromGrid({
    width,
    height,
    west,
    north,
    pixelSizeLonDeg: dx,
    pixelSizeLatDeg: dy,
    values,
    noData: noDataRaw === null || Number.isNaN(noDataRaw) ? null : Math.fround(noDataRaw),
  });
}
