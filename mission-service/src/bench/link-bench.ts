/**
 * `npm run bench:link`: mission uploads (verified by download) of 100 and 500 items to the simulator through
 * the lossy proxy at 0/10/30 % frame loss in both directions. One JSON line per case: success rate, median and
 * p95 upload time, and the failures by result. `--runs N` (default 30), `--sizes 100,500`, `--loss 0,10,30`,
 * `--personality ardupilot|px4`.
 */
import { MavlinkLink } from '../link/core/link.ts';
import { LinkError } from '../link/errors.ts';
import type { MissionItem } from '../link/plugins/mission/mission-items.ts';
import { startLossyProxy } from '../link/testing/lossy-proxy.ts';
import { startSimProcess } from '@xuncha/simulator';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const runs = Number(arg('runs', '30'));
const sizes = arg('sizes', '100,500').split(',').map(Number);
const losses = arg('loss', '0,10,30').split(',').map(Number);
const personality = arg('personality', 'ardupilot') as 'ardupilot' | 'px4';
/**
 * Resend timeout on loopback: a few round trips, far below a radio's 1.5 s. With 1000 retries the link gives
 * up after 10 s without progress, beyond the vehicle's own 8 s cancel, so a busy machine does not end runs.
 */
const timeoutMs = Number(arg('timeout-ms', '10'));

function missionOf(n: number, salt: number): MissionItem[] {
  return Array.from({ length: n }, (_, i) => ({
    frame: 6,
    command: 16,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: Number.NaN,
    x: 280_700_000 + i * 120 + salt,
    y: 1_191_400_000 + (i % 2) * 3000,
    z: 60,
  }));
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const sim = await startSimProcess({ personality, speedup: 1 });
try {
  for (const size of sizes) {
    for (const lossPct of losses) {
      const proxy = await startLossyProxy({
        listen: 'tcp',
        target: sim.connections[0]!,
        lossPct,
        seed: size * 100 + lossPct + 1,
      });
      const link = await MavlinkLink.connect(proxy.connection, { missionTiming: { timeoutMs, retries: 1000 } });
      const times: number[] = [];
      const failures: Record<string, number> = {};
      try {
        const v = await link.waitForVehicle({ deadlineMs: 20_000 });
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          try {
            await v.mission.upload(missionOf(size, r), { skipIfUnchanged: false, deadlineMs: 300_000 });
            times.push(performance.now() - t0);
          } catch (e) {
            const key =
              e instanceof LinkError ? `${e.result}${e.missionResult ? `:${e.missionResult}` : ''}` : 'exception';
            failures[key] = (failures[key] ?? 0) + 1;
            if (process.env.BENCH_VERBOSE) process.stderr.write(`${(e as Error).message}\n`);
          }
          // Let stragglers of this run (reordered, duplicated frames) drain before the next.
          await new Promise((res) => setTimeout(res, 30));
        }
      } finally {
        await link.close();
        await proxy.close();
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `${JSON.stringify({
          bench: 'link-upload',
          personality,
          items: size,
          lossPct,
          runs,
          successRate: times.length / runs,
          medianMs: Math.round(quantile(times, 0.5)),
          p95Ms: Math.round(quantile(times, 0.95)),
          failures,
          timeoutMs,
          verified: true,
        })}\n`,
      );
    }
  }
} finally {
  await sim.stop();
}
