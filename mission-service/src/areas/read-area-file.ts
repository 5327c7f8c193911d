import { readKml, readKmz, readShapefile } from '@xuncha/geodata';
import { unzipSync } from 'fflate';
import { AppError } from '../app-error.ts';
import { sniffType } from '../ingest/sniff.ts';

/** Largest total uncompressed size of an imported KMZ / zipped Shapefile (zip bombs stop here). */
const MAX_UNZIPPED_BYTES = 100 * 1024 * 1024;

/** Entry names of a zip, refusing archives whose declared uncompressed size is over the limit. */
function zipEntries(bytes: Uint8Array): string[] {
  const names: string[] = [];
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        names.push(f.name);
        return false;
      },
    });
  } catch {
    throw new AppError('invalid_input', 'bad_file', '压缩包损坏 / corrupt zip archive');
  }
  if (total > MAX_UNZIPPED_BYTES)
    throw new AppError('too_large', 'too_large', `解压后过大 / archive expands beyond ${MAX_UNZIPPED_BYTES} bytes`);
  return names;
}

/**
 * Reads an uploaded area file — KML, KMZ or a zipped Shapefile — with geodata's format readers, recognised
 * from its bytes. Features lacking `kind` get `defaultKind`; features lacking `name` get the file's `Name`.
 */
export async function readAreaFile(bytes: Uint8Array, defaultKind: string | undefined): Promise<unknown[]> {
  const type = sniffType(bytes.subarray(0, 16));
  let fc: GeoJSON.FeatureCollection;
  try {
    if (type === 'zip') {
      const names = zipEntries(bytes);
      if (names.some((n) => /\.kml$/i.test(n))) fc = readKmz(bytes);
      else if (names.some((n) => /\.shp$/i.test(n))) fc = await readShapefile(bytes);
      else
        throw new AppError('invalid_input', 'bad_file', '压缩包内没有 KML 或 SHP / the archive holds no .kml or .shp');
    } else {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
      if (!/^\s*</.test(text))
        throw new AppError(
          'invalid_input',
          'bad_file',
          `无法识别的文件 / unrecognised file (expects KML, KMZ, zipped Shapefile or GeoJSON; got ${type})`,
        );
      fc = readKml(text);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('invalid_input', 'bad_file', `文件无法读取 / cannot read the file: ${(err as Error).message}`);
  }
  return fc.features.map((f) => {
    const props = { ...(f.properties ?? {}) } as Record<string, unknown>;
    props.kind ??= defaultKind;
    props.name ??= props.Name ?? props.NAME;
    delete props.Name;
    delete props.NAME;
    return { type: 'Feature', geometry: f.geometry, properties: props };
  });
}
