import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exportQgcPlan, parsePlan } from '@xuncha/geodata';

interface ExportCliOptions {
  plan?: string;
  format?: string;
  out?: string;
  firmware?: string;
}

/** Runs `xuncha export`: one `.plan` per sortie (`x.plan`, `x-2.plan`, …). Returns the files written. */
export function runExport(o: ExportCliOptions): string[] {
  if (!o.plan) throw new Error('缺少 --plan / --plan <plan.json> is required');
  if (!o.out) throw new Error('缺少 --out / --out <file.plan> is required');
  if ((o.format ?? 'qgc') !== 'qgc')
    throw new Error(`不支持的格式 / unsupported --format "${o.format}" (supported: qgc)`);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(o.plan, 'utf8'));
  } catch {
    throw new Error(`无法读取计划 / cannot read plan "${o.plan}" as JSON`);
  }
  const plan = parsePlan(doc);
  if (plan.sorties.length === 0) throw new Error('计划没有架次 / the plan has no sorties');
  const firmwareType = o.firmware === 'ardupilot' ? 3 : o.firmware === undefined || o.firmware === 'px4' ? 12 : NaN;
  if (Number.isNaN(firmwareType)) throw new Error(`--firmware 应为 px4|ardupilot / --firmware must be px4|ardupilot`);
  const ext = path.extname(o.out);
  const base = o.out.slice(0, o.out.length - ext.length);
  return plan.sorties.map((_, i) => {
    const file = i === 0 ? o.out! : `${base}-${i + 1}${ext}`;
    fs.writeFileSync(file, exportQgcPlan(plan, { sortie: i, firmwareType }) + '\n');
    return file;
  });
}

/** Registers `xuncha export`. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('导出航线 / export a plan (QGroundControl .plan, one file per sortie)')
    .option('--plan <file>', 'plan.json from `xuncha plan`')
    .option('--format <name>', 'qgc', 'qgc')
    .option('--firmware <name>', 'px4 | ardupilot', 'px4')
    .option('--out <file>', 'output .plan')
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
