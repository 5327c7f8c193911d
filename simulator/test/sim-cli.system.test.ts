/**
 * `xuncha sim` belongs to the simulator package: bin/xuncha.mjs dispatches it here (the mission service does not
 * import the simulator). The built-in vehicles start and stop on a signal; `--ardupilot` refuses what it cannot do
 * with a line a person can act on, before anything is started.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/xuncha.mjs');
const xuncha = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

describe('xuncha sim (simulator package, dispatched by bin/xuncha.mjs)', () => {
  it('starts the built-in vehicles, prints their connections and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'sim', '--drones', '2', '--base-port', '0', '--flat'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      rl.on('line', (l) => {
        lines.push(l);
        if (lines.length === 2) resolve();
      });
      child.once('exit', (code) => reject(new Error(`xuncha sim exited (${code}) before printing two vehicles`)));
    });
    expect(lines[0]).toMatch(/^sysid 1 ardupilot tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^sysid 2 ardupilot tcp:\/\/127\.0\.0\.1:\d+$/);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('is listed by xuncha --help', () => {
    expect(xuncha(['--help']).stdout).toContain('xuncha sim --help');
  });

  it('refuses bad options with one clear line and exit code 1', () => {
    const r = xuncha(['sim', '--drones', '0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--drones must be an integer 1–250');
  });

  it('--ardupilot without a SITL binary says where to point XUNCHA_SITL_BIN', () => {
    const r = xuncha(['sim', '--ardupilot'], { XUNCHA_SITL_BIN: path.join(os.tmpdir(), 'no-such-arducopter') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('XUNCHA_SITL_BIN');
    expect(r.stderr).toContain('does not exist');
  });

  it('--ardupilot refuses a base port that is no SITL instance port, and --udp-out', () => {
    // A file that passes the binary checks; it is never run, because the options are refused first.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-sitl-bin-'));
    const fake = path.join(dir, 'arducopter');
    fs.writeFileSync(fake, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'copter.parm'), '');
    try {
      const port = xuncha(['sim', '--ardupilot', '--base-port', '5765'], { XUNCHA_SITL_BIN: fake });
      expect(port.status).toBe(1);
      expect(port.stderr).toContain('--base-port must be 5760 + 10·k');
      const udp = xuncha(['sim', '--ardupilot', '--udp-out', '14550'], { XUNCHA_SITL_BIN: fake });
      expect(udp.status).toBe(1);
      expect(udp.stderr).toContain('--udp-out is not available with --ardupilot');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
