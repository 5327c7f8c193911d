/**
 * `xuncha sim`: starts simulated drones (ArduPilot SITL-like MAVLink TCP servers on base port + 10·i),
 * prints each connection string and runs until SIGINT/SIGTERM. bin/xuncha.mjs dispatches `xuncha sim` here, so the
 * mission service never imports the simulator.
 */
import { Command, CommanderError } from 'commander';
import { findSitlBinary } from '../runner/ardupilot-sitl.ts';
import { launchSimulation } from '../runner/launch.ts';
import { launchArduPilot } from '../runner/launch-ardupilot.ts';

interface SimCliOptions {
  drones?: string;
  scenario?: string;
  speedup?: string;
  basePort?: string;
  images?: string;
  dockDir?: string;
  ingestUrl?: string;
  host?: string;
  udpOut?: string;
  seed?: string;
  flat?: boolean;
  ardupilot?: boolean;
  renderProcess?: boolean;
  renderBudget?: string;
}

function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} 应为 ${min}–${max} 的整数 / ${name} must be an integer ${min}–${max}, got "${v}"`);
  }
  return n;
}

function numberOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= min || n > max) {
    throw new Error(`${name} 应在 (${min}, ${max}] 内 / ${name} must be in (${min}, ${max}], got "${v}"`);
  }
  return n;
}

/** Runs `xuncha sim` until a signal arrives; resolves after a clean stop. */
export async function runSim(
  o: SimCliOptions,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const drones = intOption('--drones', o.drones, 1, 250);
  const speedup = numberOption('--speedup', o.speedup, 0, 1000);
  const basePort = intOption('--base-port', o.basePort, 0, 65535);
  const udpOut = intOption('--udp-out', o.udpOut, 1, 65535);
  const seed = intOption('--seed', o.seed, 0, 2 ** 31 - 1);
  const renderPixelBudget = intOption('--render-budget', o.renderBudget, 100_000, 100_000_000);
  const render = {
    ...(o.renderProcess ? { renderProcess: true } : {}),
    ...(renderPixelBudget !== undefined ? { renderPixelBudget } : {}),
  };
  if (o.renderProcess && (o.images || !(o.dockDir || o.ingestUrl)))
    throw new Error(
      '--render-process 只用于机库交付 / --render-process is for the dock only: give --dock-dir or --ingest-url, not --images',
    );
  if (o.dockDir && o.ingestUrl)
    throw new Error('--dock-dir 与 --ingest-url 只能选一 / give --dock-dir or --ingest-url, not both');
  if (o.ardupilot) return runArduPilot(o, { drones, speedup, basePort, udpOut, seed, render }, out);
  const launched = await launchSimulation({
    ...(drones !== undefined ? { drones } : {}),
    ...(o.scenario ? { scenarioPath: o.scenario } : {}),
    ...(speedup !== undefined ? { speedup } : {}),
    ...(basePort !== undefined ? { basePort } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(udpOut !== undefined ? { udpOutBasePort: udpOut } : {}),
    ...(o.images ? { imagesDir: o.images } : {}),
    ...(o.dockDir ? { dock: { dir: o.dockDir } } : {}),
    ...(o.ingestUrl
      ? { dock: { url: o.ingestUrl, ...(process.env.XUNCHA_TOKEN ? { token: process.env.XUNCHA_TOKEN } : {}) } }
      : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(o.flat ? { demPath: null } : {}),
    ...render,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  const { sim, scenario, scenarioPath } = launched;
  process.stderr.write(
    `模拟器已启动 / simulator running: scenario "${scenario.name ?? scenarioPath}", ${sim.vehicles.length} drone(s), ` +
      `speedup ${sim.loop.speedup}×, terrain ${launched.demLoaded ? 'DEM' : 'flat'}, photos ${launched.photos ? (o.images ?? 'dock only') : 'off'}\n`,
  );
  // Listen before printing: whoever reads the connections may signal at once, and a signal that arrives before
  // the handler exists kills the process uncleanly.
  const signalled = untilSignal();
  for (const v of sim.vehicles) out(`sysid ${v.sysId} ${v.state().personality} ${v.connection}`);
  await signalled;
  process.stderr.write('正在停止 / stopping\n');
  await sim.stop();
}

/** Waits for SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `xuncha sim --ardupilot`: real ArduPilot SITL copters (XUNCHA_SITL_BIN) with our camera and dock. */
async function runArduPilot(
  o: SimCliOptions,
  n: {
    drones?: number;
    speedup?: number;
    basePort?: number;
    udpOut?: number;
    seed?: number;
    render: { renderProcess?: boolean; renderPixelBudget?: number };
  },
  out: (line: string) => void,
): Promise<void> {
  const sitl = findSitlBinary();
  if ('missing' in sitl) throw new Error(sitl.missing);
  if (o.host && o.host !== '127.0.0.1')
    throw new Error('--ardupilot 只监听 127.0.0.1 / with --ardupilot the SITL listens on 127.0.0.1 only');
  if (n.udpOut !== undefined)
    throw new Error('--ardupilot 不支持 --udp-out / --udp-out is not available with --ardupilot (TCP ports only)');
  const launched = await launchArduPilot({
    sitl,
    ...(n.drones !== undefined ? { drones: n.drones } : {}),
    ...(o.scenario ? { scenarioPath: o.scenario } : {}),
    ...(n.speedup !== undefined ? { speedup: n.speedup } : {}),
    ...(n.basePort !== undefined ? { basePort: n.basePort } : {}),
    ...(o.images ? { imagesDir: o.images } : {}),
    ...(o.dockDir ? { dock: { dir: o.dockDir } } : {}),
    ...(o.ingestUrl
      ? { dock: { url: o.ingestUrl, ...(process.env.XUNCHA_TOKEN ? { token: process.env.XUNCHA_TOKEN } : {}) } }
      : {}),
    ...(n.seed !== undefined ? { seed: n.seed } : {}),
    ...(o.flat ? { demPath: null } : {}),
    ...n.render,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stderr.write(
    `ArduPilot SITL 已启动 / ArduPilot SITL running: ${sitl.binary}, ${launched.vehicles.length} copter(s), ` +
      `photos ${launched.photos ? (o.images ?? 'dock only') : 'off'}\n`,
  );
  const signalled = untilSignal();
  for (const v of launched.vehicles) out(`sysid ${v.sysId} ardupilot-sitl ${v.connection}`);
  await signalled;
  process.stderr.write('正在停止 / stopping\n');
  await launched.stop();
}

/** The `xuncha sim` program. */
export function buildSimProgram(): Command {
  return new Command('sim')
    .exitOverride()
    .showHelpAfterError()
    .description(
      '启动模拟无人机（MAVLink，ArduPilot SITL 风格）/ run simulated drones speaking MAVLink like ArduPilot SITL',
    )
    .option('--drones <n>', "无人机数量（默认取场景）/ number of drones (default: the scenario's)")
    .option('--scenario <file>', '场景文件（默认内置演示）/ scenario JSON (default: the shipped demo)')
    .option('--speedup <n>', '加速倍数，同 SITL --speedup / simulation speed-up like SITL --speedup', '1')
    .option('--base-port <p>', '第 i 架无人机的 TCP 端口为 P+10·i / vehicle i listens on P + 10·i', '5760')
    .option('--images <dir>', '照片输出目录 / write rendered photos here')
    .option('--dock-dir <dir>', '降落后把照片交付到此目录 / after landing, deliver the photos to this folder')
    .option(
      '--ingest-url <url>',
      '降落后把照片上传到服务（令牌取自 XUNCHA_TOKEN）/ after landing, POST the photos here (token from XUNCHA_TOKEN)',
    )
    .option('--host <h>', '监听地址 / address to listen on', '127.0.0.1')
    .option('--udp-out <port>', '另向 host:port+10·i 发送 UDP / also send UDP to host:port + 10·i (like 14550)')
    .option('--seed <n>', '随机种子 / random seed')
    .option('--flat', '不加载 DEM，按平地飞行 / no DEM, flat terrain')
    .option(
      '--render-process',
      '在子进程中渲染机库照片，链路不受渲染阻塞 / render the dock photos in a child process so the link never waits on a render',
    )
    .option(
      '--render-budget <px>',
      '按此像素数渲染再缩放到相机分辨率（更快）/ render this many pixels, scaled to the camera size (faster)',
    )
    .option(
      '--ardupilot',
      '用真实 ArduPilot SITL（XUNCHA_SITL_BIN）代替内置无人机 / fly real ArduPilot SITL copters (XUNCHA_SITL_BIN) instead of the built-in ones',
    )
    .action(async (o: SimCliOptions) => {
      await runSim(o);
    });
}

/** Runs `xuncha sim …` (`argv` as process.argv); errors end as one clear line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildSimProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`xuncha sim: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
