import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  exportPlanGeoJson,
  exportPlanKml,
  exportPlanKmz,
  exportQgcPlan,
  exportWpmlKmz,
  parsePlan,
  writeWpl,
  type DjiIdentity,
  type Plan,
} from '@xuncha/geodata';

interface ExportCliOptions {
  plan?: string;
  format?: string;
  out?: string;
  firmware?: string;
  areas?: string;
  djiDrone?: string;
  djiPayload?: string;
  rcLost?: string;
}

const FORMATS = ['qgc', 'wpl', 'wpml', 'kml', 'kmz', 'geojson'] as const;
type Format = (typeof FORMATS)[number];

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`无法读取${what} / cannot read ${what} "${file}" as JSON`);
  }
}

/** `--dji-drone 77[:0]` and `--dji-payload 66[:wide]`: DJI enums for drones and cameras that are not presets. */
function djiIdentity(o: ExportCliOptions): DjiIdentity | undefined {
  if (o.djiDrone === undefined && o.djiPayload === undefined) return undefined;
  const d = /^(\d+)(?::(\d+))?$/.exec(o.djiDrone ?? '');
  const p = /^(\d+)(?::(wide|zoom|ir|visable))?$/.exec(o.djiPayload ?? '');
  if (!d || !p) {
    throw new Error(
      '--dji-drone 与 --dji-payload 须同时给出，如 --dji-drone 77:0 --dji-payload 66:wide / give both --dji-drone ENUM[:SUB] and --dji-payload ENUM[:LENS], e.g. 77:0 and 66:wide',
    );
  }
  return {
    droneEnumValue: Number(d[1]),
    droneSubEnumValue: Number(d[2] ?? 0),
    payloadEnumValue: Number(p[1]),
    lens: (p[2] as DjiIdentity['lens'] | undefined) ?? 'wide',
  };
}

function areasOf(file: string | undefined): GeoJSON.Feature[] {
  if (!file) return [];
  const doc = readJson(file, '区域 / areas') as GeoJSON.FeatureCollection | GeoJSON.Feature;
  if (doc?.type === 'FeatureCollection' && Array.isArray(doc.features)) return doc.features;
  if (doc?.type === 'Feature') return [doc];
  throw new Error(`--areas 应为 GeoJSON / --areas must be a GeoJSON Feature or FeatureCollection: "${file}"`);
}

/**
 * Runs `xuncha export`. Flight formats write one file per sortie (`x.kmz`, `x-2.kmz`, …): `qgc` (QGroundControl
 * .plan), `wpl` (QGC WPL 110), `wpml` (DJI WPML KMZ for DJI Pilot 2, FlightHub 2 and the Dock). Map formats write
 * the whole plan — routes, photo positions and the `--areas` — to one file: `kml`, `kmz`, `geojson`.
 * Returns the files written.
 */
export function runExport(o: ExportCliOptions): string[] {
  if (!o.plan) throw new Error('缺少 --plan / --plan <plan.json> is required');
  if (!o.out) throw new Error('缺少 --out / --out <file> is required');
  const format = (o.format ?? 'qgc') as Format;
  if (!FORMATS.includes(format))
    throw new Error(`不支持的格式 / unsupported --format "${o.format}" (supported: ${FORMATS.join(', ')})`);
  const plan: Plan = parsePlan(readJson(o.plan, '计划 / plan'));
  if (plan.sorties.length === 0) throw new Error('计划没有架次 / the plan has no sorties');
  const firmwareType = o.firmware === 'ardupilot' ? 3 : o.firmware === undefined || o.firmware === 'px4' ? 12 : NaN;
  if (Number.isNaN(firmwareType)) throw new Error(`--firmware 应为 px4|ardupilot / --firmware must be px4|ardupilot`);
  if (o.rcLost !== undefined && o.rcLost !== 'goback' && o.rcLost !== 'continue')
    throw new Error('--rc-lost 应为 goback|continue / --rc-lost must be goback|continue');
  const dji = djiIdentity(o);
  const areas = areasOf(o.areas);
  const named = { areas, name: path.basename(o.plan, path.extname(o.plan)) };
  // Build everything before writing anything: a plan one sortie of which cannot be exported leaves no files.
  let files: Array<[string, string | Uint8Array]>;
  if (format === 'kml') files = [[o.out, exportPlanKml(plan, named)]];
  else if (format === 'kmz') files = [[o.out, exportPlanKmz(plan, named)]];
  else if (format === 'geojson') files = [[o.out, JSON.stringify(exportPlanGeoJson(plan, named), null, 1) + '\n']];
  else {
    const ext = path.extname(o.out);
    const base = o.out.slice(0, o.out.length - ext.length);
    files = plan.sorties.map((s, i) => {
      const file = i === 0 ? o.out! : `${base}-${i + 1}${ext}`;
      if (format === 'qgc') return [file, exportQgcPlan(plan, { sortie: i, firmwareType }) + '\n'];
      if (format === 'wpl') {
        const home = s.launch ?? plan.launch;
        const altM = s.launch ? 0 : (plan.launch.altAmslM ?? 0);
        return [file, writeWpl({ home: { lat: home.lat, lon: home.lon, altM }, items: s.items })];
      }
      return [
        file,
        exportWpmlKmz(plan, {
          sortie: i,
          ...(dji ? { dji } : {}),
          onRcLost: o.rcLost === 'continue' ? 'continue' : 'goBack',
        }),
      ];
    });
  }
  for (const [file, body] of files) fs.writeFileSync(file, body);
  return files.map(([file]) => file);
}

/** Registers `xuncha export`. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      '导出航线 / export a plan: qgc | wpl | wpml (DJI Pilot 2 / FlightHub 2 / Dock KMZ), one file per sortie; kml | kmz | geojson (routes, photos, areas)',
    )
    .option('--plan <file>', 'plan.json from `xuncha plan`')
    .option('--format <name>', FORMATS.join(' | '), 'qgc')
    .option('--out <file>', 'output file (more sorties: name-2.ext, name-3.ext, …)')
    .option('--firmware <name>', 'qgc: px4 | ardupilot', 'px4')
    .option('--areas <geojson>', 'kml/kmz/geojson: the areas to draw beside the routes')
    .option('--dji-drone <enum[:sub]>', 'wpml: DJI droneEnumValue[:droneSubEnumValue] for a drone without a DJI preset')
    .option('--dji-payload <enum[:lens]>', 'wpml: DJI payloadEnumValue[:wide|zoom|ir|visable]')
    .option('--rc-lost <action>', 'wpml: on RC signal loss goback (default) | continue (Dock)')
    .action((...args: unknown[]) => {
      const last = args[args.length - 1] as { opts?: () => ExportCliOptions } & ExportCliOptions;
      try {
        const files = runExport(typeof last?.opts === 'function' ? last.opts() : last);
        console.log(`已导出 / exported: ${files.join(', ')}`);
      } catch (e) {
        console.error(`错误 / error: ${(e as Error).message.split('\n')[0]}`);
        process.exitCode = 1;
      }
    });
}
