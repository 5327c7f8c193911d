/**
 * Runs the feature model over a photo exactly as the triage runner feeds the shipped model (same
 * decode, letterbox and normalisation), optionally augmented, and maps its boxes to model-input pixels.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { decodeRgb, inspectImage } from '../image/decode.ts';
import type { ImageLabel } from '../evaluation/labels.ts';
import type { ModelManifest } from '../model/manifest.ts';
import { normalisationLuts, toTensorData } from '../model/preprocess.ts';
import type { SessionPool } from '../model/session-pool.ts';
import { augmentPhoto } from './augment.ts';
import type { Augmentation } from './augment.ts';
import type { InputBox } from './cell-targets.ts';
import { maskToInput } from './plume-mask.ts';
import { FEATURES_NAME, INPUT_NAME } from './detector-graph.ts';

/** The feature map of one photo: `[d × h × w]` channel-major, and its boxes in input pixels. */
export interface PhotoFeatures {
  d: number;
  h: number;
  w: number;
  values: Float32Array;
  boxes: InputBox[];
}

/** Decodes `bytes` for the model and returns the input tensor data with the box mapping. */
export async function modelInput(
  manifest: ModelManifest,
  bytes: Uint8Array,
): Promise<{ data: Float32Array; toInput: (x: number, y: number) => [number, number] }> {
  const info = await inspectImage(bytes);
  const img = await decodeRgb(bytes, info, {
    widthPx: manifest.input.widthPx,
    heightPx: manifest.input.heightPx,
    fit: manifest.input.fit,
    padding: manifest.input.padding,
  });
  const data = toTensorData(manifest, normalisationLuts(manifest), img);
  return {
    data,
    toInput: (x, y) => [img.padX + x * info.widthPx * img.scaleX, img.padY + y * info.heightPx * img.scaleY],
  };
}

/** Features of one labelled photo (augmented when `aug` is given; boxes follow a flip). */
export async function photoFeatures(
  pool: SessionPool,
  manifest: ModelManifest,
  item: ImageLabel,
  aug: { params: Augmentation; seed: number } | null,
): Promise<PhotoFeatures> {
  let bytes: Uint8Array = await readFile(item.image);
  if (aug) bytes = await augmentPhoto(bytes, aug.params, aug.seed);
  const { data, toInput } = await modelInput(manifest, bytes);
  const boxes: InputBox[] = (item.boxes ?? []).map((b) => {
    const x = aug?.params.flip ? 1 - b.x - b.width : b.x;
    const [x0, y0] = toInput(x, b.y);
    const [x1, y1] = toInput(x + b.width, b.y + b.height);
    const flip = aug?.params.flip ?? false;
    return { cls: b.cls, x0, y0, x1, y1, ...(b.mask ? { mask: maskToInput(b.mask, toInput, flip) } : {}) };
  });
  const { widthPx: W, heightPx: H } = manifest.input;
  const out = await pool.use((s) => s.run({ [INPUT_NAME]: new ort.Tensor('float32', data, [1, 3, H, W]) }));
  const t = out[FEATURES_NAME]!;
  const [, d, h, w] = t.dims as [number, number, number, number];
  return { d, h, w, values: t.data as Float32Array, boxes };
}
