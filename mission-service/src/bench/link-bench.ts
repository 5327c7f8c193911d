/**
 * `npm run bench:link`: mission uploads (verified by download) of 100 and 500 items to the simulator through
 * the lossy proxy at 0/10/30 % frame loss in both directions. One JSON line per case: success rate, median and
 * p95 upload time, and the failures by result. `--runs N` (default 30), `--sizes 100,500`, `--loss 0,10,30`,
 * `--personality ardupilot|px4`. `--sitl`: the same against a real ArduCopter SITL (XUNCHA_SITL_BIN, default
 * ../shared/sitl/arducopter; `--instance K` for ports 5760 + 10·K), with the vehicle's own pacing printed beside each
 * case as the floor: per run, the span from its first MISSION_REQUEST to its MISSION_ACK plus, for the verifying
 * download, from its MISSION_COUNT to its last item (our replies inside those spans take well under a millisecond).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MavlinkLink } from '../link/core/link.ts';
import { LinkError } from '../link/errors.ts';
import type { MissionItem } from '../link/plugins/mission/mission-items.ts';
import { startLossyProxy } from '../link/testing/lossy-proxy.ts';
import { common } from '../link/mavlink/messages.ts';
import { findSitlBinary, startArduPilotSitl, startSimProcess } from '@xuncha/simulator';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const runs = Number(arg('runs', '30'));
const sizes = arg('sizes', '100,500').split(',').map(Number);
const losses = arg('loss', '0,10,30').split(',').map(Number);
const personality = arg('personality', 'ardupilot') as 'ardupilot' | 'px4';
const sitlMode = process.argv.includes('--sitl');
/**
 * Resend timeout on loopback: a few round trips, far below a radio's 1.5 s. With 1000 retries the link gives
 * up after 10 s without progress, beyond the vehicle's own 8 s cancel, so a busy machine does not end runs.
 */
const timeoutMs = Number(arg('timeout-ms', sitlMode ? '50' : '10'));

function missionOf(n: number, salt: number): MissionItem[] {
  return Array.from({ length: n }, (_, i) => ({
    frame: 6,
    command: 16,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    // ArduPilot stores NaN yaw as 0 (the verification knows); the real SITL gets 0 so nothing depends on that rule.
    param4: sitlMode ? 0 : Number.NaN,
    x: 280_700_000 + i * 120 + salt,
    y: 1_191_400_000 + (i % 2) * 3000,
    z: 60,
  }));
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The vehicle under test: the project's simulator in a child process, or a real ArduCopter SITL. */
async function startTarget(): Promise<{ connections: string[]; stop(): Promise<void> }> {
  if (!sitlMode) return startSimProcess({ personality, speedup: 1 });
  const sitl = findSitlBinary();
  if ('missing' in sitl) {
    process.stderr.write(`bench:link --sitl: ${sitl.missing}\n`);
    process.exit(1);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-bench-sitl-'));
  const v = await startArduPilotSitl({
    sitl,
    instance: Number(arg('instance', '0')),
    home: { lat: 28.07, lon: 119.14, altAmslM: 210 },
    speedup: 1,
    workDir,
  });
  return {
    connections: [v.connection],
    stop: async () => {
      await v.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

const sim = await startTarget();
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
      const paced: number[] = [];
      const failures: Record<string, number> = {};
      try {
        const v = await link.waitForVehicle({ deadlineMs: 20_000 });
        // The vehicle's own pacing (see the header): first request → ack, count → last item.
        let span = { firstRequest: 0, ack: 0, count: 0, lastItem: 0 };
        const mark =
          (k: keyof typeof span, first = false) =>
          () => {
            if (!first || span[k] === 0) span[k] = performance.now();
          };
        v.onMessage(common.MissionRequest, mark('firstRequest', true));
        v.onMessage(common.MissionRequestInt, mark('firstRequest', true));
        v.onMessage(common.MissionAck, mark('ack'));
        v.onMessage(common.MissionCount, mark('count', true));
        v.onMessage(common.MissionItemInt, mark('lastItem'));
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          span = { firstRequest: 0, ack: 0, count: 0, lastItem: 0 };
          try {
            await v.mission.upload(missionOf(size, r), { skipIfUnchanged: false, deadlineMs: 300_000 });
            times.push(performance.now() - t0);
            if (lossPct === 0) paced.push(span.ack - span.firstRequest + (span.lastItem - span.count));
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
      paced.sort((a, b) => a - b);
      const floor = sitlMode && lossPct === 0 ? { vehiclePacedMedianMs: Math.round(quantile(paced, 0.5)) } : {};
      process.stdout.write(
        `${JSON.stringify({
          bench: 'link-upload',
          vehicle: sitlMode ? 'arducopter-sitl' : `simulator-${personality}`,
          items: size,
          lossPct,
          runs,
          successRate: times.length / runs,
          medianMs: Math.round(quantile(times, 0.5)),
          p95Ms: Math.round(quantile(times, 0.95)),
          failures,
          timeoutMs,
          verified: true,
          ...floor,
        })}\n`,
      );
    }
  }
} finally {
  await sim.stop();
}
