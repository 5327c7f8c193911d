/**
 * The synthetic Longquan (龙泉) sample data set shipped in geodata/data/longquan: paths and a validated loader.
 * See geodata/data/longquan/README.md for what the files hold.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { departmentsFileSchema } from './layers/departments.ts';
import { LayerValidationError, type LayerIssue } from './layers/issues.ts';
import type { LayerSet } from './layers/layer-set.ts';
import { LAYER_NAMES } from './layers/layer-schemas.ts';
import { parseLayer, zodIssuesToLayerIssues } from './layers/parse-layer.ts';

/** Absolute path of geodata/data/longquan. */
export const sampleDataDir: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/longquan');

/** Absolute path of the sample DEM (GeoTIFF, Float32 metres AMSL, EPSG:4326, 0.0003° pixels). */
export const sampleDemPath: string = path.join(sampleDataDir, 'dem.tif');

/** Absolute path of one sample layer file, e.g. `sampleLayerPath('farmland')` → …/farmland.geojson. */
export function sampleLayerPath(layer: (typeof LAYER_NAMES)[number] | 'departments'): string {
  return path.join(sampleDataDir, layer === 'departments' ? 'departments.json' : `${layer}.geojson`);
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new LayerValidationError(
      [
        {
          layer: path.basename(file),
          featureIndex: null,
          featureId: null,
          featureName: null,
          field: '(file)',
          message: `不是有效的JSON / not valid JSON: ${(err as Error).message}`,
        },
      ],
      `无法读取 / cannot read ${file}`,
    );
  }
}

/**
 * Loads and validates every layer of a layer directory (default: the sample data set).
 * Throws {@link LayerValidationError} listing every problem if any file is invalid.
 */
export async function loadSampleLayers(dir: string = sampleDataDir): Promise<LayerSet> {
  const issues: LayerIssue[] = [];
  const out: Partial<Record<string, unknown>> = {};
  await Promise.all(
    LAYER_NAMES.map(async (name) => {
      const r = parseLayer(name, await readJson(path.join(dir, `${name}.geojson`)));
      if (r.ok) out[name] = r.data;
      else issues.push(...r.issues);
    }),
  );
  const deptRaw = await readJson(path.join(dir, 'departments.json'));
  const dept = departmentsFileSchema.safeParse(deptRaw);
  if (dept.success) out.departments = dept.data;
  else issues.push(...zodIssuesToLayerIssues('departments', deptRaw, dept.error.issues));
  if (issues.length > 0) throw new LayerValidationError(issues, `图层目录无效 / invalid layer directory ${dir}`);
  return out as LayerSet;
}
