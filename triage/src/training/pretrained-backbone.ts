/**
 * The pretrained backbone: MobileNetV2 (ImageNet weights, as shipped inside the `nsfwjs` npm package,
 * MIT) read from the package's bundled files, with no download, and converted to ONNX up to a chosen
 * layer. Only training needs this package: the shipped model already holds the converted weights.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { kerasToOnnx, readTfjsWeights } from './keras-to-onnx.ts';
import type { ConvertedBackbone, TfjsLayersModel, Weight } from './keras-to-onnx.ts';

/** Where the weights come from, for the model card and the manifest. */
export const BACKBONE_PROVENANCE = {
  package: 'nsfwjs',
  file: 'dist/models/mobilenet_v2 (tfjs layers model, uint8-quantised weights)',
  licence: 'MIT (Copyright (c) 2019 Infinite Red, Inc.)',
  architecture: 'MobileNetV2 α=1.0, 224×224 ImageNet layout',
  note:
    'layers up to block_10 are marked non-trainable in the package: they are the Keras ImageNet weights ' +
    '(keras-applications, Apache-2.0) kept frozen while Infinite Red fine-tuned blocks 11–16 for their own task; ' +
    'Xuncha uses only the frozen ImageNet layers.',
} as const;

/** The last layer Xuncha reads: still inside the frozen ImageNet part (stride 16). */
export const DEFAULT_FEATURE_LAYER = 'block_10_project_BN';

export interface PretrainedMobileNet {
  model: TfjsLayersModel;
  weights: Map<string, Weight>;
  /** Package version the weights were read from. */
  version: string;
}

/** Loads nsfwjs's MobileNetV2 (a devDependency of the training). Throws a clear message when absent. */
export async function loadPretrainedMobileNet(): Promise<PretrainedMobileNet> {
  let mod: {
    MobileNetV2Model: {
      modelJson: () => Promise<{ default: TfjsLayersModel }>;
      weightBundles: (() => Promise<{ default: string }>)[];
    };
  };
  try {
    mod = (await import('nsfwjs/models/mobilenet_v2')) as unknown as typeof mod;
  } catch (e) {
    throw new Error(
      `训练需要 npm 包 nsfwjs（预训练权重）/ training needs the npm package nsfwjs for its pretrained weights; run npm ci: ${(e as Error).message}`,
    );
  }
  const model = (await mod.MobileNetV2Model.modelJson()).default;
  const shards = await Promise.all(mod.MobileNetV2Model.weightBundles.map(async (b) => (await b()).default));
  const bytes = Buffer.from(shards.join(''), 'base64');
  const weights = readTfjsWeights(model, [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  // package.json is not among the package's exports: find it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('nsfwjs');
  const pkg = JSON.parse(await readFile(path.join(entry, '../../../package.json'), 'utf8')) as { version: string };
  const version = pkg.version;
  return { model, weights, version };
}

/** Appends the backbone up to `layer` reading `input` (NCHW, values in [−1, 1] as ImageNet MobileNetV2 expects). */
export function appendBackbone(
  g: GraphBuilder,
  net: PretrainedMobileNet,
  input: string,
  layer = DEFAULT_FEATURE_LAYER,
  taps: readonly string[] = [],
): ConvertedBackbone {
  return kerasToOnnx(g, net.model, net.weights, input, layer, taps);
}

/** Channels of the backbone at `layer` and at `fineLayer` (0 without one): what a feature map's layout needs. */
export function backboneChannels(
  net: PretrainedMobileNet,
  layer: string,
  fineLayer?: string,
): { backbone: number; fine: number } {
  const g = new GraphBuilder();
  const input = g.reserve('images');
  const bb = appendBackbone(g, net, input, layer, fineLayer ? [fineLayer] : []);
  return { backbone: bb.channels, fine: fineLayer ? bb.taps[fineLayer]!.channels : 0 };
}
