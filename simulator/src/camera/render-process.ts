/**
 * The camera in a child process: the same photos as {@link createCamera} (same scene, seed and budget), rendered
 * off the simulation's event loop so that the vehicles keep talking MAVLink while a photo renders. Used by the dock
 * of `xuncha sim --render-process` and demo mode.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario/schema.ts';
import type { PhotoRecord } from './camera.ts';
import type { CaptureRequest } from './capture-request.ts';
import type { GroundTruth } from './ground-truth.ts';

export interface RenderInit {
  scenario: Scenario;
  /** DEM GeoTIFF; undefined = the sample DEM, null = flat. */
  demPath: string | null | undefined;
  seed: number;
  renderPixelBudget?: number;
}
export interface RenderRequest {
  id: number;
  req: CaptureRequest;
}
export type RenderReply = { id: number; jpeg: Uint8Array; groundTruth: GroundTruth } | { id: number; error: string };

export interface RenderProcess {
  capture(req: CaptureRequest): Promise<PhotoRecord>;
  close(): void;
}

/** Forks the render worker; captures queue in order and resolve with each photo. */
export function startRenderProcess(init: RenderInit): RenderProcess {
  const script = fileURLToPath(new URL('./render-worker.ts', import.meta.url));
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Buffers and Dates cross intact.
    serialization: 'advanced',
  });
  const waiting = new Map<number, { resolve: (p: PhotoRecord) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on('message', (r: RenderReply) => {
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    if (!w) return;
    if ('error' in r) w.reject(new Error(r.error));
    else w.resolve({ jpeg: Buffer.from(r.jpeg), groundTruth: r.groundTruth });
  });
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`渲染进程退出 / the render process exited (${code})`));
    waiting.clear();
  });
  child.send({ init });
  // The simulation's life decides the worker's: it never keeps the process alive, and exits on disconnect.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  return {
    capture(req) {
      const id = next++;
      return new Promise<PhotoRecord>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, req } satisfies RenderRequest);
      });
    },
    close() {
      if (child.connected) child.disconnect();
    },
  };
}
