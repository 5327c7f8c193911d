import fs from 'node:fs';
import type { Command } from 'commander';
import { loadPresets, openDem, planCorridor, planHillside, planSurvey, type Plan } from '@xuncha/geodata';

/** Options as commander hands them over (all strings). */
interface PlanCliOptions {
  areas?: string;
  pattern?: string;
  camera?: string;
  drone?: string;
  presets?: string;
  halfWidth?: string;
  gsdCm?: string;
  altAgl?: string;
  frontOverlap?: string;
  sideOverlap?: string;
  speed?: string;
  dem?: string;
  nofly?: string;
  launch?: string;
  out?: string;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`无法读取${what} / cannot read ${what} file "${file}"`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}文件不是 JSON / ${what} file "${file}" is not JSON`);
  }
}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag} 需要数字 / ${flag} needs a number, got "${v}"`);
  return n;
}

/** Runs `xuncha plan` with parsed options and returns the plan (exported for tests). */
export async function runPlan(o: PlanCliOptions): Promise<Plan> {
  if (!o.areas) throw new Error('缺少 --areas / --areas <geojson> is required');
  if (!o.out) throw new Error('缺少 --out / --out <plan.json> is required');
  const pattern = o.pattern ?? 'survey';
  if (!['survey', 'corridor', 'hillside'].includes(pattern)) {
    throw new Error(
      `--pattern 应为 survey|corridor|hillside / --pattern must be survey|corridor|hillside, got "${pattern}"`,
    );
  }
  const areas = readJson(o.areas, '区域 / areas') as never;
  let launch: [number, number] | undefined;
  if (o.launch !== undefined) {
    const parts = o.launch.split(',').map(Number);
    if (parts.length !== 2 || !parts.every(Number.isFinite))
      throw new Error(`--launch 应为 LON,LAT / --launch must be LON,LAT, got "${o.launch}"`);
    launch = [parts[0]!, parts[1]!];
  }
  const common = {
    camera: o.camera,
    drone: o.drone,
    registry: o.presets ? loadPresets(readJson(o.presets, '预设 / presets')) : undefined,
    gsdCm: num(o.gsdCm, '--gsd-cm'),
    altAglM: num(o.altAgl, '--alt-agl'),
    frontOverlap: num(o.frontOverlap, '--front-overlap'),
    sideOverlap: num(o.sideOverlap, '--side-overlap'),
    speedMps: num(o.speed, '--speed'),
    nofly: o.nofly ? (readJson(o.nofly, '禁飞区 / no-fly') as never) : undefined,
    launch,
  };
  let plan: Plan;
  if (pattern === 'corridor') plan = planCorridor(areas, { ...common, halfWidthM: num(o.halfWidth, '--half-width') });
  else if (pattern === 'hillside') {
    if (!o.dem) throw new Error('山地巡查需要 --dem / --pattern hillside needs --dem <GeoTIFF>');
    plan = planHillside(areas, { ...common, dem: await openDem(o.dem) });
  } else plan = planSurvey(areas, common);
  fs.writeFileSync(o.out, JSON.stringify(plan, null, 1) + '\n');
  return plan;
}

function optsOf(args: unknown[]): PlanCliOptions {
  const last = args[args.length - 1] as { opts?: () => PlanCliOptions } & PlanCliOptions;
  return typeof last?.opts === 'function' ? last.opts() : last;
}

/** Registers `xuncha plan`. Errors print one line and set a non-zero exit code. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('规划巡查航线 / plan a patrol route (survey | corridor | hillside)')
    .option('--areas <geojson>', 'areas (polygons) or lines (corridor), GeoJSON')
    .option('--pattern <name>', 'survey | corridor | hillside', 'survey')
    .option('--camera <name>', 'camera preset (m3e-wide, m30-wide, p1-35mm, generic-1in-20mp)')
    .option('--drone <name>', 'drone preset (m3e, m30, m350)')
    .option('--presets <json>', 'custom camera/drone presets file')
    .option('--half-width <m>', 'corridor half-width each side (m)')
    .option('--gsd-cm <n>', 'target ground sample distance (cm/px)')
    .option('--alt-agl <m>', 'height above ground (m)')
    .option('--front-overlap <f>', 'front overlap in [0, 1)')
    .option('--side-overlap <f>', 'side overlap in [0, 1)')
    .option('--speed <mps>', 'ground speed (m/s)')
    .option('--dem <file>', 'DEM GeoTIFF (hillside)')
    .option('--nofly <geojson>', 'no-fly polygons, GeoJSON')
    .option('--launch <lon,lat>', 'launch point')
    .option('--out <file>', 'output plan.json')
    .action(async (...args: unknown[]) => {
      try {
        const plan = await runPlan(optsOf(args));
        const s = plan.stats;
        console.log(
          `航线已生成 / plan written: ${s.sortieCount} sorties, ${(s.lengthM / 1000).toFixed(2)} km, ${(s.durationS / 60).toFixed(1)} min, ${s.photoCount} photos, coverage ${(s.coveredFraction * 100).toFixed(1)}%` +
            (plan.warnings.length ? `\n${plan.warnings.map((w) => `警告 / warning: ${w.message}`).join('\n')}` : ''),
        );
      } catch (e) {
        console.error(`错误 / error: ${(e as Error).message.split('\n')[0]}`);
        process.exitCode = 1;
      }
    });
}
