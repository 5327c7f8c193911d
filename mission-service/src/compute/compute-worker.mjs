// Worker thread of the compute pool (compute-pool.ts). Plain JavaScript so that it can register tsx's loader
// before it imports the TypeScript tasks, as bin/xuncha.mjs does for the main thread.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runTask } = await import('./tasks.ts');

parentPort.on('message', async ({ id, task, input }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: await runTask(task, input) });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: { ...err, name: err?.name, message: String(err?.message ?? err) } });
  }
});
parentPort.postMessage({ ready: true });
