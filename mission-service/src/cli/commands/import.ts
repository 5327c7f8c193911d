import fs from 'node:fs';
import type { Command } from 'commander';
import { fromDegE7, importQgcPlan, openDem, readWpl, type ImportOptions, type Plan } from '@xuncha/geodata';

interface ImportCliOptions {
  out?: string;
  dem?: string;
}

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
    warnings: wpl.warnings ?? [],
  };
}

/**
 * Runs `xuncha import`: a QGC `.plan` or a `QGC WPL 110` file into plan.json. With `dem`, altitudes the file
 * leaves to be computed from terrain are computed from it (each named in a warning); without, such files are refused.
 */
export async function runImport(file: string, o: ImportCliOptions): Promise<Plan> {
  if (!o.out) throw new Error('缺少 --out / --out <plan.json> is required');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`无法读取 / cannot read "${file}"`);
  }
  const opts: ImportOptions = o.dem ? { dem: await openDem(o.dem) } : {};
  const plan = text.trimStart().startsWith('QGC WPL') ? planFromWpl(text, opts) : importQgcPlan(text, opts);
  fs.writeFileSync(o.out, JSON.stringify(plan, null, 1) + '\n');
  return plan;
}

/** Registers `xuncha import <file>`. */
export function registerImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description('导入航线 / import a QGroundControl .plan or QGC WPL 110 file')
    .option('--out <file>', 'output plan.json')
    .option('--dem <geotiff>', '用 DEM 计算文件未算出的海拔高度 / compute AMSL altitudes the file left to terrain data')
    .action(async (file: string, ...rest: unknown[]) => {
      const last = rest[rest.length - 1] as { opts?: () => ImportCliOptions } & ImportCliOptions;
      try {
        const plan = await runImport(file, typeof last?.opts === 'function' ? last.opts() : last);
        for (const w of plan.warnings) console.warn(`警告 / warning: ${w.message}`);
        console.log(`已导入 / imported: ${plan.sorties[0]?.items.length ?? 0} mission items`);
      } catch (e) {
        console.error(`错误 / error: ${(e as Error).message.split('\n')[0]}`);
        process.exitCode = 1;
      }
    });
}
