/**
 * The project's simulator in a child process, so that a benchmark or a CLI test measures the link and
 * not two event loops fighting inside one process. The child prints one JSON line with its connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SimProcess {
  /** One connection string per vehicle, e.g. 'tcp://127.0.0.1:40123'. */
  connections: string[];
  stop(): Promise<void>;
}

export interface SimProcessOptions {
  drones?: number;
  personality?: 'ardupilot' | 'px4';
  speedup?: number;
  seed?: number;
  /** Signing key as 64 hex digits. */
  signingKeyHex?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Start `sim-main.ts` under tsx and wait for its connection line. */
export function startSimProcess(opts: SimProcessOptions = {}): Promise<SimProcess> {
  const tsx = path.resolve(here, '../../../node_modules/.bin/tsx');
  const child: ChildProcess = spawn(tsx, [path.join(here, 'sim-main.ts'), JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('simulator process did not start in 30 s'));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
    rl.once('line', (line) => {
      clearTimeout(timer);
      const { connections } = JSON.parse(line) as { connections: string[] };
      resolve({
        connections,
        stop: () =>
          new Promise<void>((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
