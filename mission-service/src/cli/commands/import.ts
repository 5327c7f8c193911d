import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { unzipSync } from 'fflate';
import {
  checkCrsOffset,
  convertToWgs84,
  fromDegE7,
  importQgcPlan,
  importWpmlDocuments,
  importWpmlKmz,
  openDem,
  INPUT_CRS,
  isWpmlKmz,
  loadSampleLayers,
  readKml,
  readKmz,
  readShapefile,
  readWpl,
  type ImportOptions,
  type InputCrs,
  type Plan,
  type PlanWarning,
} from '@xuncha/geodata';

interface ImportCliOptions {
  out?: string;
  crs?: string;
  kind?: string;
  reference?: string;
  dem?: string;
}

/** What `xuncha import` read: a plan (QGC, WPL, DJI WPML) or areas (KML, KMZ, Shapefile, GeoJSON). */
export type ImportResult =
  | { kind: 'plan'; plan: Plan; warnings: PlanWarning[] }
  | { kind: 'areas'; areas: GeoJSON.FeatureCollection; warnings: PlanWarning[] };

function planFromWpl(text: string, opts: ImportOptions): Plan {
  const wpl = readWpl(text, opts);
  const nav = wpl.items.filter((i) => i.x !== 0 || i.y !== 0);
  const launch = wpl.home
    ? { lon: wpl.home.lon, lat: wpl.home.lat, altAmslM: wpl.home.altM }
    : nav[0]
      ? { lon: fromDegE7(nav[0].y), lat: fromDegE7(nav[0].x) }
      : { lon: 0, lat: 0 };
  const coords = [[launch.lon, launch.lat, 0], ...nav.map((i) => [fromDegE7(i.y), fromDegE7(i.x), i.z])];
  if (coords.length < 2) coords.push([launch.lon, launch.lat, 0]);
  return {
    version: 1,
    pattern: 'imported',
    camera: 'unknown',
    drone: 'unknown',
    launch,
    altitudeMode: 'relative',
    altAglM: nav[0]?.z ?? 0,
    speedMps: 10,
    sorties: wpl.items.length
      ? [
          {
            index: 0,
            route: { type: 'LineString', coordinates: coords },
            items: wpl.items,
            lengthM: 0,
            durationS: 0,
            photoCount: 0,
          },
        ]
      : [],
    photos: [],
    stats: {
      areaM2: 0,
      coveredFraction: 0,
      lengthM: 0,
      durationS: 0,
      photoCount: 0,
      sortieCount: wpl.items.length ? 1 : 0,
      laneSpacingM: 0,
      triggerDistanceM: 0,
      gsdCm: 0,
    },
    warnings: [],
  };
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function zipNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, { filter: (f) => (names.push(f.name), false) });
  } catch {
    throw new Error('压缩包损坏 / the zip archive is damaged');
  }
  return names;
}

/** Reads an area file: KML, KMZ, zipped or loose Shapefile (.shp with its .dbf / .prj beside it), GeoJSON. */
async function readAreas(file: string, bytes: Uint8Array, text: string): Promise<GeoJSON.FeatureCollection> {
  if (isZip(bytes)) {
    const names = zipNames(bytes);
    if (names.some((n) => /\.kml$/i.test(n))) return readKmz(bytes);
    if (names.some((n) => /\.shp$/i.test(n))) return readShapefile(bytes);
    throw new Error('压缩包内没有 KML、SHP 或 DJI 航线 / the archive holds no .kml, .shp or DJI wayline');
  }
  if (/\.shp$/i.test(file)) {
    const sibling = (ext: string) => {
      const f = file.slice(0, -4) + ext;
      return fs.existsSync(f) ? fs.readFileSync(f) : undefined;
    };
    const dbf = sibling('.dbf');
    const prj = sibling('.prj');
    return readShapefile({ shp: bytes, ...(dbf ? { dbf } : {}), ...(prj ? { prj: prj.toString('utf8') } : {}) });
  }
  if (text.startsWith('<')) return readKml(text);
  const doc = JSON.parse(text) as GeoJSON.FeatureCollection | GeoJSON.Feature;
  if (doc.type === 'FeatureCollection' && Array.isArray(doc.features)) return doc;
  if (doc.type === 'Feature') return { type: 'FeatureCollection', features: [doc] };
  throw new Error('不是 GeoJSON 要素 / not a GeoJSON Feature or FeatureCollection');
}

async function referenceLayers(file: string | undefined): Promise<GeoJSON.Feature[]> {
  if (file) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as GeoJSON.FeatureCollection;
    if (doc?.type !== 'FeatureCollection')
      throw new Error(`--reference 应为 GeoJSON 要素集 / --reference must be a FeatureCollection`);
    return doc.features;
  }
  // Without --reference: the bundled Longquan layers (the check is silent for areas elsewhere).
  const l = await loadSampleLayers();
  return [...l.farmland.features, ...l.rivers.features, ...l.hillsides.features];
}

/** With `--dem`, altitudes a QGC or WPL file leaves to terrain are computed from it (each named in a warning). */
const demOptions = async (o: ImportCliOptions): Promise<ImportOptions> => (o.dem ? { dem: await openDem(o.dem) } : {});

/**
 * Runs `xuncha import FILE --out OUT`. Plans: QGroundControl `.plan`, `QGC WPL 110`, DJI WPML (a KMZ from DJI
 * Pilot 2 / FlightHub 2, or its `waylines.wpml` / `template.kml`) → plan.json, with a warning per WPML item not
 * mapped. Areas: KML, KMZ, Shapefile, GeoJSON → WGS84 GeoJSON, converted from `--crs gcj02|bd09` (refused
 * outside mainland China) and checked against reference layers for an offset that looks like the wrong `--crs`.
 */
export async function runImport(file: string, o: ImportCliOptions): Promise<ImportResult> {
  if (!o.out) throw new Error('缺少 --out / --out <file> is required');
  const crs = (o.crs ?? 'wgs84') as InputCrs;
  if (!INPUT_CRS.includes(crs))
    throw new Error(`--crs 应为 ${INPUT_CRS.join('|')} / --crs must be ${INPUT_CRS.join('|')}`);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new Error(`无法读取 / cannot read "${file}"`);
  }
  const text = isZip(bytes)
    ? ''
    : new TextDecoder()
        .decode(bytes)
        .replace(/^\uFEFF/, '')
        .trimStart();
  const isWpmlText = text.startsWith('<') && text.includes('http://www.dji.com/wpmz/');
  let plan: Plan | null = null;
  if (isZip(bytes) && isWpmlKmz(bytes)) plan = importWpmlKmz(bytes);
  else if (isWpmlText) {
    const waylines = /\.wpml$/i.test(file) || /executeHeightMode/.test(text);
    plan = importWpmlDocuments(waylines ? { waylinesWpml: text } : { templateKml: text });
  } else if (text.startsWith('QGC WPL')) plan = planFromWpl(text, await demOptions(o));
  else if (text.startsWith('{') && /"fileType"\s*:\s*"Plan"/.test(text))
    plan = importQgcPlan(text, await demOptions(o));
  if (plan) {
    if (o.crs && crs !== 'wgs84')
      throw new Error('--crs 只用于区域文件，航线文件均为 WGS84 / --crs applies to area files; route files are WGS84');
    fs.writeFileSync(o.out, JSON.stringify(plan, null, 1) + '\n');
    return { kind: 'plan', plan, warnings: plan.warnings };
  }
  let raw: GeoJSON.FeatureCollection;
  try {
    raw = await readAreas(file, bytes, text);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new Error(`无法识别的文件 / unrecognised file "${path.basename(file)}" (not a route or area file)`);
    throw e;
  }
  const areas = convertToWgs84(raw, crs);
  areas.features.forEach((f) => {
    const p = (f.properties ??= {});
    if (o.kind) p.kind ??= o.kind;
    p.name ??= p.Name ?? p.NAME;
  });
  const warnings = checkCrsOffset(raw.features, crs, await referenceLayers(o.reference));
  fs.writeFileSync(o.out, JSON.stringify(areas, null, 1) + '\n');
  return { kind: 'areas', areas, warnings };
}

/** Registers `xuncha import <file>`. */
export function registerImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description(
      '导入 / import a route (QGC .plan, QGC WPL 110, DJI WPML KMZ) into plan.json, or areas (KML, KMZ, Shapefile, GeoJSON; --crs gcj02|bd09) into WGS84 GeoJSON',
    )
    .option('--out <file>', 'output plan.json (routes) or areas.geojson (areas)')
    .option('--crs <name>', 'areas drawn on: wgs84 (default) | gcj02 (AMap 高德, Tencent 腾讯) | bd09 (Baidu 百度)')
    .option('--kind <kind>', 'areas: kind for features without one (farmland, river, hillside, nofly)')
    .option(
      '--reference <geojson>',
      'areas: reference layers for the offset check (default: the Longquan sample layers)',
    )
    .option(
      '--dem <geotiff>',
      '用 DEM 计算文件未算出的海拔高度 / compute AMSL altitudes a QGC or WPL file left to terrain data',
    )
    .action(async (file: string, ...rest: unknown[]) => {
      const last = rest[rest.length - 1] as { opts?: () => ImportCliOptions } & ImportCliOptions;
      try {
        const r = await runImport(file, typeof last?.opts === 'function' ? last.opts() : last);
        console.log(
          r.kind === 'plan'
            ? `已导入 / imported: ${r.plan.sorties.length} sorties, ${r.plan.sorties.reduce((s, x) => s + x.items.length, 0)} mission items`
            : `已导入 / imported: ${r.areas.features.length} areas (WGS84)`,
        );
        for (const w of r.warnings) console.log(`警告 / warning: ${w.message}`);
      } catch (e) {
        console.error(`错误 / error: ${(e as Error).message.split('\n')[0]}`);
        process.exitCode = 1;
      }
    });
}
