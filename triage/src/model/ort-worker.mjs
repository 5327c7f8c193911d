/**
 * One ONNX Runtime session in a worker thread (plain JavaScript: a worker runs without the TypeScript loader).
 * onnxruntime-node's `run()` is synchronous on the calling thread: run on the main thread, each photo's inference
 * would stall the service's event loop (HTTP, the embedded database) for its whole length.
 * Protocol: workerData { model, options } → posts { ready, inputNames, outputNames } or { startError };
 * { id, feeds: { name: { type, data, dims } } } → { id, outputs: { name: { type, data, dims } } } or { id, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

let session;
try {
  session = await ort.InferenceSession.create(workerData.model, workerData.options);
  parentPort.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
} catch (e) {
  parentPort.postMessage({ startError: e instanceof Error ? e.message : String(e) });
}

parentPort.on('message', async (msg) => {
  if (msg.release) {
    await session?.release();
    parentPort.close();
    return;
  }
  try {
    const feeds = {};
    for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const out = await session.run(feeds);
    const outputs = {};
    // Copied out of ORT's own memory before the message is cloned.
    for (const [name, t] of Object.entries(out))
      outputs[name] = { type: t.type, data: t.data.slice(), dims: [...t.dims] };
    parentPort.postMessage({ id: msg.id, outputs });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
