/** `xuncha telemetry --to <connection>`: live one-line status of a vehicle until Ctrl-C (or --duration-s). */
import type { Command } from 'commander';
import { connectFromCli, describeError, statusLine, type ConnectCliOptions } from '../../link/cli-support.ts';
import { LinkError } from '../../link/errors.ts';

interface TelemetryCliOptions extends ConnectCliOptions {
  durationS?: string;
  intervalMs: string;
}

/** Register `xuncha telemetry`. */
export function registerTelemetryCommand(program: Command): void {
  program
    .command('telemetry')
    .description('实时显示飞机状态 / live one-line vehicle status')
    .requiredOption(
      '--to <connection>',
      'udpin://0.0.0.0:14540 | udpout://host:port | tcp://host:5760 | serial:///dev/ttyUSB0:57600',
    )
    .option('--signing-key <hex>', 'MAVLink 2 signing key, 64 hex digits')
    .option('--sys-id <id>', 'system id of the vehicle (default: the first heard)')
    .option('--duration-s <s>', 'stop after this many seconds')
    .option('--interval-ms <ms>', 'refresh interval', '500')
    .action(async (opts: TelemetryCliOptions) => {
      const out = process.stdout;
      let link;
      try {
        const interval = Number(opts.intervalMs);
        const duration = opts.durationS === undefined ? Infinity : Number(opts.durationS);
        // Capped: beyond ~24.8 days setTimeout fires at once, which would print in a busy loop.
        if (!(interval >= 50 && interval <= 60_000) || !(duration > 0))
          throw new LinkError('invalid_argument', '参数无效 / invalid --interval-ms (50–60000) or --duration-s (> 0)');
        const c = await connectFromCli(opts, undefined);
        link = c.link;
        const v = c.vehicle;
        v.telemetry
          .requestRates()
          .catch((e: unknown) =>
            process.stderr.write(`${describeError('遥测频率请求失败 / rate request failed', e)}\n`),
          );
        const ac = new AbortController();
        const stop = (): void => ac.abort();
        process.once('SIGINT', stop);
        const end = Date.now() + duration * 1000;
        while (!ac.signal.aborted && Date.now() < end) {
          const line = statusLine(v);
          out.write(out.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
          await new Promise((r) => setTimeout(r, interval));
        }
        process.off('SIGINT', stop);
        if (out.isTTY) out.write('\n');
      } catch (e) {
        process.stderr.write(`${describeError('遥测失败 / telemetry failed', e)}\n`);
        process.exitCode = e instanceof LinkError && e.result === 'invalid_argument' ? 2 : 1;
      } finally {
        await link?.close();
      }
    });
}
