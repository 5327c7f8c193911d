/**
 * Model manifest: what an operator writes beside their ONNX export so triage can feed it and read
 * its answers. Validated with zod at startup.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TriageStartupError } from '../issues.ts';
import { descriptorNames } from './region-verifier.ts';

/** The incident classes triage reports. */
export const TRIAGE_CLASSES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export type TriageClass = (typeof TRIAGE_CLASSES)[number];
export const triageClassSchema = z.enum(TRIAGE_CLASSES);

const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);

/** One class's region verifier; its shapes are checked against the descriptor in the manifest's refinement. */
const verifierSchema = z.object({
  /** Names of the descriptor's values in order (`descriptorNames`): another descriptor is refused. */
  descriptor: z.array(z.string()),
  proposalThreshold: z.number().gt(0).max(1),
  minSeedCells: z.number().int().min(1).default(1),
  threshold: z.number().min(0).max(1),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  w1: z.array(z.array(z.number())),
  b1: z.array(z.number()).min(1),
  w2: z.array(z.number()),
  b2: z.number(),
});

export const modelManifestSchema = z
  .object({
    name: z.string().min(1),
    /** ONNX file, relative to the manifest. */
    model: z.string().min(1),
    /** SHA-256 of the ONNX file (hex); when given, a file that differs is refused at load. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')
      .optional(),
    input: z.object({
      name: z.string().optional(),
      widthPx: z.number().int().min(8).max(8192),
      heightPx: z.number().int().min(8).max(8192),
      layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
      channelOrder: z.enum(['RGB', 'BGR']).default('RGB'),
      /** Pixel value v → (v·scale − mean[c]) / std[c]. */
      scale: z
        .number()
        .positive()
        .default(1 / 255),
      mean: rgbTriple.default([0, 0, 0]),
      // A zero std would turn every pixel into ±Infinity.
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
      /** `resize`: whole photo shrunk to the input; `tile`: overlapping input-sized tiles. */
      mode: z.enum(['resize', 'tile']).default('resize'),
      fit: z.enum(['letterbox', 'stretch']).default('letterbox'),
      /** Letterbox bands: flat grey 114 (YOLO) or the photo mirrored at its edges. */
      padding: z.enum(['grey', 'mirror']).default('grey'),
      /** Tile mode: photo scaled by this factor before tiling (1 = full resolution). */
      tileScale: z.number().positive().max(1).default(1),
      tileOverlapPx: z.number().int().min(0).default(64),
    }),
    output: z.object({
      name: z.string().optional(),
      kind: z.enum(['yolov8', 'classifier', 'segmentation']),
      /** Segmentation/classifier scores: already probabilities (`none`) or logits to squash. */
      activation: z.enum(['none', 'sigmoid']).default('none'),
      /** Segmentation: smallest component kept, in output cells. */
      minAreaCells: z.number().int().min(1).default(4),
      /**
       * Segmentation: a region starts at cells at or above the class threshold and grows over the connected
       * cells at or above threshold × regionGrow (1 = no growth), so that its box covers the whole object.
       */
      regionGrow: z.number().gt(0).max(1).default(1),
      /**
       * Segmentation: per class, the factor of its threshold a kept region's box extends down to, over the
       * connected cells at or above threshold × boxGrow (below regionGrow). Which regions are kept and their
       * scores stay regionGrow's; only the boxes, and the outlines cases get, take in more of the object: a
       * slide's track scores lower toward its ends (`npm run tune:region-grow`). A class left out: the
       * region's own box.
       */
      boxGrow: z.partialRecord(triageClassSchema, z.number().gt(0).max(1)).default({}),
      /**
       * Segmentation: a region is kept only with at least this many cells at or above its class threshold
       * (per class; 1 when not given): a coherent patch, not a few stray bright cells.
       */
      minSeedCells: z.partialRecord(triageClassSchema, z.number().int().min(1)).default({}),
      /**
       * Segmentation: per class, a region verifier (`region-verifier.ts`). Regions are proposed at its lower
       * threshold and seed count, and kept when its perceptron scores them at or above its threshold.
       */
      verifier: z.partialRecord(triageClassSchema, verifierSchema).optional(),
    }),
    /** Number of classes the model outputs. */
    numClasses: z.number().int().min(1).max(10_000),
    /** Model class index → our class; indices not listed are ignored. */
    classMap: z.record(z.string().regex(/^\d+$/, 'class index must be an integer'), triageClassSchema),
    thresholds: z.partialRecord(triageClassSchema, z.number().min(0).max(1)).default({}),
    defaultThreshold: z.number().min(0).max(1).default(0.25),
    nms: z
      .object({
        iouThreshold: z.number().min(0).max(1).default(0.45),
        maxDetections: z.number().int().min(1).default(300),
      })
      .default({ iouThreshold: 0.45, maxDetections: 300 }),
  })
  .superRefine((m, ctx) => {
    // Tiles step by (size − overlap): an overlap as large as the tile would mean a tile per pixel.
    const tileSize = Math.min(m.input.widthPx, m.input.heightPx);
    if (m.input.mode === 'tile' && m.input.tileOverlapPx > tileSize / 2)
      ctx.addIssue({
        code: 'custom',
        path: ['input', 'tileOverlapPx'],
        message: `tileOverlapPx ${m.input.tileOverlapPx} must be at most half the tile size (${tileSize} px)`,
      });
    for (const [cls, v] of Object.entries(m.output.verifier ?? {})) {
      const at = ['output', 'verifier', cls];
      const names = descriptorNames(m.numClasses);
      if (m.output.kind !== 'segmentation')
        ctx.addIssue({ code: 'custom', path: at, message: 'a region verifier needs output.kind "segmentation"' });
      if (v.descriptor.join(',') !== names.join(','))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'descriptor'],
          message: `descriptor must be the ${names.length} values [${names.join(', ')}] of this version`,
        });
      const d = names.length;
      const hidden = v.b1.length;
      const shape = (field: string, got: number, want: number): void => {
        if (got !== want)
          ctx.addIssue({ code: 'custom', path: [...at, field], message: `length ${got}, expected ${want}` });
      };
      shape('mean', v.mean.length, d);
      shape('std', v.std.length, d);
      shape('w1', v.w1.length, d);
      v.w1.forEach((row, i) => {
        if (row.length !== hidden)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'w1', i],
            message: `length ${row.length}, expected ${hidden} (b1's)`,
          });
      });
      shape('w2', v.w2.length, hidden);
    }
    for (const k of Object.keys(m.classMap)) {
      if (Number(k) >= m.numClasses)
        ctx.addIssue({
          code: 'custom',
          path: ['classMap', k],
          message: `class index ${k} ≥ numClasses ${m.numClasses}`,
        });
    }
  });

export type ModelManifest = z.output<typeof modelManifestSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;

/** Validates a parsed manifest; throws TriageStartupError naming each bad field. */
export function parseManifest(raw: unknown, source = 'manifest'): ModelManifest {
  const r = modelManifestSchema.safeParse(raw);
  if (!r.success) {
    const details = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new TriageStartupError(`模型清单无效 / invalid model manifest ${source}: ${details}`);
  }
  return r.data;
}

/** Reads and validates a manifest file; returns it with the model path resolved. */
export async function loadManifest(file: string): Promise<{ manifest: ModelManifest; modelPath: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TriageStartupError(`无法读取模型清单 / cannot read model manifest ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TriageStartupError(`模型清单不是 JSON / model manifest ${file} is not JSON: ${(e as Error).message}`);
  }
  const manifest = parseManifest(raw, file);
  return { manifest, modelPath: path.resolve(path.dirname(file), manifest.model) };
}

/** Score threshold for one of our classes. */
export function thresholdFor(m: ModelManifest, cls: TriageClass): number {
  return m.thresholds[cls] ?? m.defaultThreshold;
}

/** The factor of its threshold a kept segmentation region of `cls` extends its box down to (`output.boxGrow`). */
export function boxGrowFor(m: ModelManifest, cls: TriageClass): number {
  return Math.min(m.output.boxGrow[cls] ?? 1, m.output.regionGrow);
}
