/**
 * The detector's class score maps over labelled photos, fed exactly as the triage runner feeds it: what
 * the region verifier is fitted and chosen on.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '../model/manifest.ts';
import { SessionPool } from '../model/session-pool.ts';
import type { DatasetItem } from './dataset.ts';
import { modelInput } from './features.ts';
import type { ScoredLabelledPhoto } from './fit-verifier.ts';

/** Runs the detector (`onnx`, `manifest`) over `items`; boxes come back in input pixels. */
export async function scoreMaps(
  onnx: Uint8Array,
  manifest: ModelManifest,
  items: DatasetItem[],
  workers: number,
  progress: (done: number, total: number) => void = () => {},
): Promise<ScoredLabelledPhoto[]> {
  const pool = await SessionPool.create(onnx, { size: workers, intraOpThreads: 1 });
  const { widthPx: W, heightPx: H } = manifest.input;
  const out = new Array<ScoredLabelledPhoto>(items.length);
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, workers) }, async () => {
        while (next < items.length) {
          const i = next++;
          const item = items[i]!;
          const { data, toInput } = await modelInput(manifest, await readFile(item.image));
          const res = await pool.use((s) =>
            s.run({ [manifest.input.name ?? s.inputNames[0]!]: new ort.Tensor('float32', data, [1, 3, H, W]) }),
          );
          const t = res[manifest.output.name ?? Object.keys(res)[0]!]!;
          out[i] = {
            scores: t.data as Float32Array,
            h: t.dims[2]!,
            w: t.dims[3]!,
            classes: item.classes,
            boxes: (item.boxes ?? []).map((b) => {
              const [x0, y0] = toInput(b.x, b.y);
              const [x1, y1] = toInput(b.x + b.width, b.y + b.height);
              return { cls: b.cls, x0, y0, x1, y1 };
            }),
          };
          progress(++done, items.length);
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return out;
}
