/**
 * Real ArduPilot SITL vehicles as child processes: the copter built from ArduPilot's own sources
 * (`XUNCHA_SITL_BIN`, default `../shared/sitl/arducopter` beside the repository), started the way ArduPilot's
 * autotest starts it. SERIAL0 is the GCS port (tcp 5760 + 10·instance), SERIAL1 (+2) is where our camera attaches.
 * A SITL process exits when its parent does, so a crashed test never leaves one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is simulator/src/runner/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface SitlBinary {
  binary: string;
  /** ArduPilot's default parameter files for the copter (Tools/autotest/default_params/copter.parm). */
  defaults: string[];
}

/**
 * Where the SITL binary is: `XUNCHA_SITL_BIN`, else `../shared/sitl/arducopter` next to the repository.
 * Its defaults: `XUNCHA_SITL_DEFAULTS` (comma-separated), else `copter.parm` beside the binary.
 * Returns a reason (Chinese and English) instead when there is none.
 */
export function findSitlBinary(env: NodeJS.ProcessEnv = process.env): SitlBinary | { missing: string } {
  const fromEnv = env.XUNCHA_SITL_BIN;
  const binary = fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, '../shared/sitl/arducopter');
  if (!fs.existsSync(binary)) {
    return {
      missing: fromEnv
        ? `XUNCHA_SITL_BIN 指向的文件不存在 / XUNCHA_SITL_BIN=${fromEnv} does not exist`
        : `没有 ArduPilot SITL / no ArduPilot SITL binary: set XUNCHA_SITL_BIN to your arducopter build (see README, "ArduPilot SITL")`,
    };
  }
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    return { missing: `SITL 不可执行 / ${binary} is not executable` };
  }
  const defaults = env.XUNCHA_SITL_DEFAULTS
    ? env.XUNCHA_SITL_DEFAULTS.split(',').map((p) => path.resolve(p))
    : [path.join(path.dirname(binary), 'copter.parm')];
  const absent = defaults.find((d) => !fs.existsSync(d));
  if (absent) {
    return {
      missing: `缺少参数文件 / missing ${absent}: copy ArduPilot's Tools/autotest/default_params/copter.parm beside the binary or set XUNCHA_SITL_DEFAULTS`,
    };
  }
  return { binary, defaults };
}

export interface SitlOptions {
  sitl: SitlBinary;
  /** SITL instance: ports 5760 + 10·instance (GCS) and 5762 + 10·instance (camera). */
  instance: number;
  home: { lat: number; lon: number; altAmslM: number; headingDeg?: number };
  speedup?: number;
  /** Folder for eeprom.bin, logs and the parameter file; created when missing. */
  workDir: string;
  /** MAVLink system id (default 1 + instance, so vehicles on one network differ). */
  sysId?: number;
  /** Parameters set at boot on top of the defaults. */
  params?: Record<string, number>;
  /** Longest wait for the GCS port, ms (default 60 000). */
  startTimeoutMs?: number;
}

export interface SitlVehicle {
  instance: number;
  sysId: number;
  /** GCS port (SERIAL0). */
  port: number;
  /** Second MAVLink port (SERIAL1) for the camera. */
  cameraPort: number;
  /** 'tcp://127.0.0.1:5760' */
  connection: string;
  workDir: string;
  process: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

const BASE_PORT = 5760;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Start one SITL copter and wait until its GCS port accepts connections. */
export async function startArduPilotSitl(o: SitlOptions): Promise<SitlVehicle> {
  fs.mkdirSync(o.workDir, { recursive: true });
  for (const f of ['eeprom.bin']) fs.rmSync(path.join(o.workDir, f), { force: true });
  const sysId = o.sysId ?? 1 + o.instance;
  const parmFile = path.join(o.workDir, 'xuncha.parm');
  fs.writeFileSync(
    parmFile,
    Object.entries(o.params ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join('\n') + '\n',
  );
  const h = o.home;
  const args = [
    '--model',
    '+',
    '--speedup',
    String(o.speedup ?? 1),
    '--defaults',
    [...o.sitl.defaults, parmFile].join(','),
    '--sim-address=127.0.0.1',
    `-I${o.instance}`,
    '--home',
    `${h.lat},${h.lon},${h.altAmslM},${h.headingDeg ?? 0}`,
    '-w',
    '--sysid',
    String(sysId),
    // Do not freeze until a GCS connects to SERIAL0 (ArduPilot's default for SITL).
    '--serial0',
    'tcp:0',
  ];
  const log = fs.openSync(path.join(o.workDir, 'sitl.log'), 'w');
  const child = spawn(o.sitl.binary, args, { cwd: o.workDir, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const port = BASE_PORT + 10 * o.instance;
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  while (!(await portOpen(port))) {
    if (gone) {
      const tail = fs.readFileSync(path.join(o.workDir, 'sitl.log'), 'utf8').split('\n').slice(-10).join('\n');
      throw new Error(`SITL 启动失败 / SITL exited during start:\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`SITL 未打开端口 / SITL did not open port ${port} within ${o.startTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    instance: o.instance,
    sysId,
    port,
    cameraPort: port + 2,
    connection: `tcp://127.0.0.1:${port}`,
    workDir: o.workDir,
    process: child,
    exited,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
