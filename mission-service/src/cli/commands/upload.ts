/**
 * `xuncha upload --plan plan.json [--sortie N] --to <connection> [--start]`: put one sortie of a plan on a
 * vehicle, verify it by reading it back, optionally start it. Exit code 0 only for a verified upload.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parsePlan } from '@xuncha/geodata';
import { connectFromCli, describeError, progressBar, type ConnectCliOptions } from '../../link/cli-support.ts';
import { LinkError } from '../../link/errors.ts';
import type { UploadResult } from '../../link/plugins/mission/mission.types.ts';

interface UploadCliOptions extends ConnectCliOptions {
  plan: string;
  sortie: string;
  start?: boolean;
  fence: boolean;
}

async function loadSortieItems(
  file: string,
  sortie: string,
): Promise<{
  items: unknown[];
  fence: { inclusion: boolean; polygon: { type: 'Polygon'; coordinates: number[][][] } }[];
}> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new LinkError(
      'invalid_argument',
      `无法读取计划文件 / cannot read plan file ${file}: ${(e as Error).message}`,
    );
  }
  let plan;
  try {
    plan = parsePlan(doc);
  } catch (e) {
    throw new LinkError('invalid_argument', (e as Error).message);
  }
  // Sorties are numbered from 1 for people (as `xuncha plan` and `xuncha export` count them).
  const n = Number(sortie);
  const s = Number.isInteger(n) && n >= 1 ? plan.sorties[n - 1] : undefined;
  if (!s) {
    throw new LinkError(
      'invalid_argument',
      `计划中没有架次 ${sortie} / plan has no sortie ${sortie} (it has ${plan.sorties.length})`,
    );
  }
  return { items: s.items, fence: plan.geofence?.polygons ?? [] };
}

/** Register `xuncha upload`. */
export function registerUploadCommand(program: Command): void {
  program
    .command('upload')
    .description('上传航线到飞机并回读校验 / upload a plan sortie to a vehicle and verify it by downloading it back')
    .requiredOption('--plan <file>', 'plan JSON (xuncha plan output)')
    .option('--sortie <n>', '架次编号，从 1 开始 / sortie number, from 1', '1')
    .requiredOption(
      '--to <connection>',
      'udpin://0.0.0.0:14540 | udpout://host:port | tcp://host:5760 | serial:///dev/ttyUSB0:57600',
    )
    .option('--start', 'arm and start the mission after upload')
    .option('--no-fence', "do not upload the plan's geofence")
    .option('--timeout-ms <ms>', 'overall deadline for the upload')
    .option('--signing-key <hex>', 'MAVLink 2 signing key, 64 hex digits')
    .option('--sys-id <id>', 'system id of the vehicle (default: the first heard)')
    .option('--mission-timeout-ms <ms>', 'mission protocol resend timeout (slow radios: raise it)', '1500')
    .option('--retries <n>', 'mission protocol resends without progress', '5')
    .action(async (opts: UploadCliOptions) => {
      const err = process.stderr;
      let link;
      try {
        const { items, fence } = await loadSortieItems(opts.plan, opts.sortie);
        const c = await connectFromCli(opts, { debug: () => {}, info: () => {}, warn: (m) => err.write(`\n${m}\n`) });
        link = c.link;
        const v = c.vehicle;
        err.write(`飞机 / vehicle #${v.sysId} ${v.autopilot} ${v.vehicleType} on ${opts.to}\n`);
        const call = c.deadlineMs === undefined ? {} : { deadlineMs: c.deadlineMs };
        const tty = err.isTTY;
        const show = (line: string): void => void err.write(tty ? `\r${line}` : `${line}\n`);
        let lastPct = -1;
        const result: UploadResult = await v.mission.upload(items, {
          ...call,
          onProgress: (p) => {
            const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
            if (tty || pct >= lastPct + 10 || p.done === p.total) {
              lastPct = pct;
              show(progressBar(p.done, p.total, p.phase === 'upload' ? '上传 upload' : '校验 verify'));
            }
          },
        });
        if (tty) err.write('\n');
        if (opts.fence && fence.length > 0) {
          await v.geofence.upload({ polygons: fence }, call);
          err.write(`围栏 / geofence: ${fence.length} polygons uploaded and verified\n`);
        }
        if (opts.start) {
          await v.action.arm(call);
          await v.mission.start(call);
          err.write('任务已开始 / mission started\n');
        }
        process.stdout.write(
          `${JSON.stringify({ ok: true, sysId: v.sysId, items: result.itemCount, verified: result.verified, skipped: result.skipped, opaqueId: result.opaqueId, durationMs: result.durationMs })}\n`,
        );
      } catch (e) {
        err.write(`\n${describeError('上传失败 / upload failed', e)}\n`);
        process.exitCode = e instanceof LinkError && e.result === 'invalid_argument' ? 2 : 1;
      } finally {
        await link?.close();
      }
    });
}
