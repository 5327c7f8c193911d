/**
 * The model runner: loads a manifest + ONNX model into a session pool, checks at startup that the
 * model's output fits the manifest, and turns photos into detections in photo pixels.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { TriageStartupError } from '../issues.ts';
import { decodeRgb } from '../image/decode.ts';
import type { DecodedImage, ImageInfo } from '../image/decode.ts';
import { planTiles } from '../image/tiles.ts';
import { decodeClassifier, decodeSegmentation, decodeYolov8, outputShapeProblem } from './decode-output.ts';
import { loadManifest, parseManifest } from './manifest.ts';
import type { ModelManifest, ModelManifestInput } from './manifest.ts';
import { mergeTileSeams, nonMaxSuppression } from './nms.ts';
import type { PixelDetection, TileDetection } from './nms.ts';
import { normalisationLuts, toTensorData } from './preprocess.ts';
import { SessionPool } from './session-pool.ts';
import type { SessionPoolOptions } from './session-pool.ts';

/** Time spent per stage for one photo, milliseconds. */
export interface DetectTimings {
  decodeMs: number;
  inferenceMs: number;
}

/** A loaded model ready to run on photos. */
export class Detector {
  private readonly luts: Float32Array[];
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly spareInputs: Float32Array[] = [];

  private constructor(
    readonly manifest: ModelManifest,
    private readonly pool: SessionPool,
  ) {
    this.luts = normalisationLuts(manifest);
    const s = pool.sessions[0]!;
    this.inputName = manifest.input.name ?? s.inputNames[0]!;
    this.outputName = manifest.output.name ?? s.outputNames[0]!;
  }

  /**
   * Loads a manifest file and its model. Throws TriageStartupError naming the file and the reason when either
   * is unusable: unreadable, not ONNX, another checksum than the manifest's, or outputs that do not fit it.
   */
  static async fromManifestFile(file: string, pool?: SessionPoolOptions): Promise<Detector> {
    const { manifest, modelPath } = await loadManifest(file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(modelPath);
    } catch (e) {
      throw new TriageStartupError(`无法读取模型文件 / cannot read model file ${modelPath}: ${(e as Error).message}`);
    }
    if (manifest.sha256) {
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== manifest.sha256)
        throw new TriageStartupError(
          `模型文件已损坏或被替换（校验和不符）/ model file ${modelPath} is corrupted or replaced: its SHA-256 is ${got}, the manifest ${file} says ${manifest.sha256}`,
        );
    }
    try {
      return await Detector.create(manifest, bytes, pool);
    } catch (e) {
      if (e instanceof TriageStartupError) throw new TriageStartupError(`${e.message} [${modelPath}]`);
      throw e;
    }
  }

  /** Builds a detector from a manifest object and ONNX bytes (validates both). */
  static async create(
    manifestInput: ModelManifest | ModelManifestInput,
    model: Uint8Array,
    poolOptions?: SessionPoolOptions,
  ): Promise<Detector> {
    const manifest = parseManifest(manifestInput);
    let pool: SessionPool;
    try {
      pool = await SessionPool.create(model, poolOptions);
    } catch (e) {
      throw new TriageStartupError(
        `模型不是有效的 ONNX 文件 / model "${manifest.name}" is not a loadable ONNX model: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    const det = new Detector(manifest, pool);
    try {
      await det.selfCheck();
    } catch (e) {
      await pool.close();
      throw e;
    }
    return det;
  }

  /** Runs once on a blank input and checks names and the output shape against the manifest. */
  private async selfCheck(): Promise<void> {
    const m = this.manifest;
    const s = this.pool.sessions[0]!;
    if (!s.inputNames.includes(this.inputName))
      throw new TriageStartupError(
        `模型没有输入 ${this.inputName} / model has no input "${this.inputName}" (has ${s.inputNames.join(', ')})`,
      );
    if (!s.outputNames.includes(this.outputName))
      throw new TriageStartupError(
        `模型没有输出 ${this.outputName} / model has no output "${this.outputName}" (has ${s.outputNames.join(', ')})`,
      );
    let dims: readonly number[];
    try {
      const out = await s.run({
        [this.inputName]: new ort.Tensor(
          'float32',
          new Float32Array(3 * m.input.widthPx * m.input.heightPx),
          this.inputDims(),
        ),
      });
      dims = out[this.outputName]!.dims;
    } catch (e) {
      throw new TriageStartupError(
        `模型输入与清单不符 / model "${m.name}" does not accept a ${this.inputDims().join('×')} input as its manifest says: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    const problem = outputShapeProblem(m, dims);
    if (problem)
      throw new TriageStartupError(
        `模型输出与清单不符 / model "${m.name}" output does not match its manifest: ${problem}`,
      );
  }

  private inputDims(): number[] {
    const { widthPx: w, heightPx: h, layout } = this.manifest.input;
    return layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
  }

  private async infer(img: DecodedImage, x: number, y: number): Promise<PixelDetection[]> {
    const m = this.manifest;
    // Input tensors are reused (a photo's is megabytes): ORT has read it once run() resolves.
    const data = toTensorData(m, this.luts, img, x, y, this.spareInputs.pop());
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.pool.use((s) => s.run({ [this.inputName]: new ort.Tensor('float32', data, this.inputDims()) }));
    } finally {
      if (this.spareInputs.length < 4) this.spareInputs.push(data);
    }
    const t = out[this.outputName]!;
    const values = t.data as Float32Array;
    switch (m.output.kind) {
      case 'yolov8':
        return decodeYolov8(m, values, t.dims);
      case 'classifier':
        return decodeClassifier(m, values);
      case 'segmentation':
        // Whole-photo input: the photo's part of it (tiles are clipped to the photo after decoding).
        return decodeSegmentation(
          m,
          values,
          t.dims,
          m.input.mode === 'resize'
            ? {
                x: img.padX,
                y: img.padY,
                width: img.sourceWidthPx * img.scaleX,
                height: img.sourceHeightPx * img.scaleY,
              }
            : undefined,
        );
    }
  }

  /** Detects in one photo; boxes are in the photo's own pixels. Throws PhotoError for undecodable photos. */
  async detect(bytes: Uint8Array, info: ImageInfo, timings?: DetectTimings): Promise<PixelDetection[]> {
    const t0 = performance.now();
    const img = await this.decode(bytes, info);
    if (timings) timings.decodeMs += performance.now() - t0;
    return this.detectDecoded(img, timings);
  }

  /**
   * The decode {@link detect} starts with: the photo as the model's input needs it (resized or letterboxed, or
   * scaled for tiling). Split out so that a pipeline can decode the next photo while this one is inferred.
   */
  decode(bytes: Uint8Array, info: ImageInfo): Promise<DecodedImage> {
    const m = this.manifest;
    if (m.input.mode === 'resize') {
      return decodeRgb(bytes, info, {
        widthPx: m.input.widthPx,
        heightPx: m.input.heightPx,
        fit: m.input.fit,
        padding: m.input.padding,
      });
    }
    const scale = m.input.tileScale;
    return decodeRgb(
      bytes,
      info,
      scale < 1
        ? { widthPx: Math.round(info.widthPx * scale), heightPx: Math.round(info.heightPx * scale), fit: 'stretch' }
        : {},
    );
  }

  /** Detects in a photo decoded by {@link decode}; boxes are in the photo's own pixels. */
  async detectDecoded(img: DecodedImage, timings?: DetectTimings): Promise<PixelDetection[]> {
    const m = this.manifest;
    const t1 = performance.now();
    if (m.input.mode === 'resize') {
      const raw = await this.infer(img, 0, 0);
      if (timings) timings.inferenceMs += performance.now() - t1;
      const dets = raw.map((d) => ({ ...d, box: toPhotoPx(d.box, img) }));
      return nonMaxSuppression(dets, m.nms.iouThreshold, m.nms.maxDetections);
    }
    const size = Math.min(m.input.widthPx, m.input.heightPx);
    const tiles = planTiles(img.widthPx, img.heightPx, size, m.input.tileOverlapPx);
    const all: TileDetection[] = [];
    for (const tile of tiles) {
      const tileBox = {
        x: tile.x,
        y: tile.y,
        width: Math.min(m.input.widthPx, img.widthPx - tile.x),
        height: Math.min(m.input.heightPx, img.heightPx - tile.y),
      };
      const perTile = nonMaxSuppression(await this.infer(img, tile.x, tile.y), m.nms.iouThreshold);
      for (const d of perTile) {
        // Clip to the real pixels of the tile (padding beyond the image is not the photo).
        const x0 = Math.max(0, d.box.x) + tile.x;
        const y0 = Math.max(0, d.box.y) + tile.y;
        const x1 = Math.min(tileBox.width, d.box.x + d.box.width) + tile.x;
        const y1 = Math.min(tileBox.height, d.box.y + d.box.height) + tile.y;
        if (x1 > x0 && y1 > y0)
          all.push({ ...d, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, tile: tileBox });
      }
    }
    if (timings) timings.inferenceMs += performance.now() - t1;
    const joined = mergeTileSeams(all, img.widthPx, img.heightPx).map((d) => ({ ...d, box: toPhotoPx(d.box, img) }));
    return nonMaxSuppression(joined, m.nms.iouThreshold, m.nms.maxDetections);
  }

  /** Releases the sessions. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Decoded-image pixels → photo pixels (undo letterbox/scale), clipped to the photo. */
function toPhotoPx(b: PixelDetection['box'], img: DecodedImage): PixelDetection['box'] {
  const W = img.sourceWidthPx;
  const H = img.sourceHeightPx;
  const x0 = Math.max(0, (b.x - img.padX) / img.scaleX);
  const y0 = Math.max(0, (b.y - img.padY) / img.scaleY);
  const x1 = Math.min(W, (b.x + b.width - img.padX) / img.scaleX);
  const y1 = Math.min(H, (b.y + b.height - img.padY) / img.scaleY);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
