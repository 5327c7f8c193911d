/**
 * An ONNX Runtime session that runs in its own worker thread (`ort-worker.mjs`). onnxruntime-node runs a
 * session synchronously on the thread that calls it; in a worker, inference no longer blocks the event loop of
 * the caller (the service's HTTP and embedded database), and several sessions really run at once.
 */
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

/** What the pool hands out: the part of `ort.InferenceSession` the model code uses. */
export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

type Reply = { id: number; outputs: Record<string, WireTensor> } | { id: number; error: string };

const WORKER_URL = new URL('./ort-worker.mjs', import.meta.url);

/** A session in a worker thread. */
export class WorkerSession implements ModelSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    const die = (err: Error) => {
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`推理线程已退出 / inference worker exited (code ${code})`)));
  }

  /** Starts a worker and loads `model` in it. Throws ORT's message when the model does not load. */
  static async create(model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<WorkerSession> {
    const worker = new Worker(WORKER_URL, { workerData: { model, options } });
    type Ready = { ready?: true; inputNames: string[]; outputNames: string[]; startError?: string };
    let onMessage = (_m: Ready) => {};
    let onError = (_e: Error) => {};
    let onExit = (_code: number) => {};
    const ready = await new Promise<Ready>((resolve, reject) => {
      onMessage = (m) => (m.ready ? resolve(m) : reject(new Error(m.startError)));
      onError = reject;
      onExit = (code) => reject(new Error(`推理线程启动失败 / inference worker exited (code ${code})`));
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    })
      .catch(async (e: unknown) => {
        await worker.terminate();
        throw e;
      })
      .finally(() => {
        // Only our own listeners: removing all would remove the worker's internal ones (no message arrives then).
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      });
    return new WorkerSession(worker, ready.inputNames, ready.outputNames);
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    if (this.dead) throw this.dead;
    const id = this.nextId++;
    const wire: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(feeds)) wire[name] = { type: t.type, data: t.data, dims: t.dims };
    // Inputs and outputs are copied between the threads (callers reuse their input buffers).
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, feeds: wire });
    });
    if ('error' in reply) throw new Error(reply.error);
    const out: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(reply.outputs))
      out[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
    return out;
  }

  async release(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage({ release: true });
    await exited;
  }
}
