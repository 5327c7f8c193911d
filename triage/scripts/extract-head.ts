/**
 * npx tsx triage/scripts/extract-head.ts MODEL.onnx OUT.json [--classes exposed_slope[,…]]
 *
 * Writes the head of a single-head detector exported by `train:model` to a head file
 * (`triage/src/training/kept-head.ts`) that `train:model -- --keep-head OUT.json` keeps as it is.
 * With --classes, the head answering for those classes in a model composed of several heads (round 30):
 * the file names them, and carries their operating points when the model's manifest (MODEL.json) is beside
 * it, for `train:model -- --keep-points`.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TRIAGE_CLASSES } from '../src/model/manifest.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import { headFromOnnx } from '../src/training/kept-head.ts';
import type { HeadPick } from '../src/training/kept-head.ts';
import { backboneChannels, backboneOfModel, loadPretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import { readOnnx } from '../src/onnx/onnx-reader.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../src/training/train-detector.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--classes');
const classText = at >= 0 ? (args[at + 1] ?? '') : undefined;
const [model, out] = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
if (!model || !out || classText === '') {
  console.error('用法 / usage: npx tsx triage/scripts/extract-head.ts MODEL.onnx OUT.json [--classes a,b]');
  process.exit(2);
}

/** What taking `classes` out of the model needs: its backbone's channel counts and its manifest, if any. */
async function pickFor(bytes: Uint8Array, classes: string[]): Promise<HeadPick> {
  const unknown = classes.filter((c) => !(TRIAGE_CLASSES as readonly string[]).includes(c));
  if (unknown.length)
    throw new Error(
      `未知类别 ${unknown.join('、')}，可选 ${TRIAGE_CLASSES.join('、')} / unknown classes ${unknown.join(', ')}, expected ${TRIAGE_CLASSES.join(', ')}`,
    );
  const { metadata } = readOnnx(bytes);
  const layer = metadata['xuncha.feature_layer'] ?? DEFAULT_TRAIN_OPTIONS.spec.featureLayer;
  const net = await loadPretrainedBackbone(backboneOfModel(metadata));
  const channels = backboneChannels(net, layer, metadata['xuncha.fine_layer']);
  const manifestPath = model!.replace(/\.onnx$/, '.json');
  let manifest: (HeadPick['manifest'] & { sha256?: string }) | undefined;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest;
  } catch {
    console.error(
      `${manifestPath}: 无清单，不带工作点 / no manifest beside the model: the head file carries no points`,
    );
  }
  // Points of another model's manifest would be kept as this head's: only the manifest of these bytes counts.
  if (manifest?.sha256 && manifest.sha256 !== createHash('sha256').update(bytes).digest('hex')) {
    console.error(
      `${manifestPath}: 清单属于另一个模型，不带工作点 / the manifest is another model's (checksum differs): the head file carries no points`,
    );
    manifest = undefined;
  }
  return {
    classes: classes as TriageClass[],
    baseSpec: DEFAULT_TRAIN_OPTIONS.spec,
    channels,
    ...(manifest ? { manifest } : {}),
  };
}

try {
  const bytes = new Uint8Array(await readFile(model));
  const classes = classText?.split(',').map((c) => c.trim());
  const head = headFromOnnx(bytes, path.basename(model), classes ? await pickFor(bytes, classes) : undefined);
  await writeFile(out, `${JSON.stringify(head, null, 2)}\n`);
  console.log(
    `${out}: ${head.inputSize} → ${head.hiddenSize} → ${head.outputSize}${head.answers ? ` for ${head.answers.join(', ')} (set ${head.set}${head.points ? `, points ${JSON.stringify(head.points)}` : ''})` : ''} (from ${model}, ${head.source.sha256})`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
