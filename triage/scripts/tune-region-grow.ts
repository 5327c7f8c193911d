/**
 * npm run tune:region-grow -- --dataset DIR [--split val] [--model MANIFEST] [--write] [--concurrency N]
 *
 * Chooses a segmentation model's box growth per class (`output.boxGrow`, see `src/evaluation/region-grow.ts`)
 * on a split of a rendered set with box labels: scores AP@0.5 with the region's own box and every factor of
 * GROW_GRID below the model's regionGrow, for all classes at once, prints the table and per class the factor
 * with the highest AP where it beats the region's own box by MIN_AP_GAIN, and with --write puts that into the
 * manifest (the ONNX file and its checksum are untouched; which regions are kept does not change). Choose on
 * `val`, then score `test` with `eval:model`. Exit 2 for bad arguments, 3 for a model that cannot be loaded.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateModel } from '../src/evaluation/evaluate.ts';
import { LabelsError } from '../src/evaluation/labels.ts';
import { GROW_GRID, MIN_AP_GAIN, pickBoxGrow } from '../src/evaluation/region-grow.ts';
import type { GrowTrial } from '../src/evaluation/region-grow.ts';
import { TriageStartupError } from '../src/issues.ts';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { Detector } from '../src/model/detector.ts';
import { loadManifest, TRIAGE_CLASSES } from '../src/model/manifest.ts';
import type { ModelManifest } from '../src/model/manifest.ts';
import { readDatasetSplit } from '../src/training/dataset.ts';
import { writeFormatted } from '../src/training/write-formatted.ts';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dataset = opt('dataset');
if (!dataset) {
  console.error(
    '用法 / usage: npm run tune:region-grow -- --dataset DIR [--split val] [--model MANIFEST] [--write] [--concurrency N]',
  );
  process.exit(2);
}
const manifestFile = path.resolve(opt('model') ?? DEFAULT_MODEL_MANIFEST);
const split = opt('split') ?? 'val';
const concurrency = Number(opt('concurrency') ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`--concurrency 须为正整数 / --concurrency must be a positive integer, got ${opt('concurrency')}`);
  process.exit(2);
}

let labels;
try {
  labels = await readDatasetSplit(path.resolve(dataset), split);
} catch (e) {
  if (e instanceof LabelsError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
let raw: { output: Record<string, unknown> } & Record<string, unknown>;
let model: Uint8Array;
let current!: ModelManifest['output'];
try {
  const { manifest, modelPath } = await loadManifest(manifestFile);
  if (manifest.output.kind !== 'segmentation')
    throw new TriageStartupError(
      `只有分割模型有区域与框的生长 / only a segmentation model grows regions and boxes; ${manifestFile} is ${manifest.output.kind}`,
    );
  current = manifest.output;
  // Loaded once as the triage loads it: a model file that does not match the manifest's checksum is refused.
  await (await Detector.fromManifestFile(manifestFile)).close();
  raw = JSON.parse(await readFile(manifestFile, 'utf8'));
  model = await readFile(modelPath);
} catch (e) {
  if (e instanceof TriageStartupError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error((e as Error).message);
    process.exit(3);
  }
  throw e;
}

const trials: GrowTrial[] = [];
// The region's own box first (the baseline a growth must beat), then every tried factor below it.
for (const grow of [current.regionGrow, ...GROW_GRID.filter((g) => g < current.regionGrow)]) {
  const boxGrow = Object.fromEntries(TRIAGE_CLASSES.map((c) => [c, grow]));
  const detector = await Detector.create({ ...raw, output: { ...raw.output, boxGrow } } as never, model);
  const report = await evaluateModel({ detector, labels, root: path.resolve(dataset), concurrency });
  await detector.close();
  const ap50 = Object.fromEntries(TRIAGE_CLASSES.map((c) => [c, report.perClass[c].ap50]));
  trials.push({ grow, ap50 });
  console.log(
    `boxGrow ${grow.toFixed(2)}  ${TRIAGE_CLASSES.map((c) => `${c} ${ap50[c] === null ? '—' : ap50[c]!.toFixed(3)}`).join('  ')}`,
  );
}
const chosen = pickBoxGrow(trials, current.boxGrow);
console.log(
  `chosen on ${split} (per class the highest AP@0.5 where it beats the region's own box by ${MIN_AP_GAIN}): ${JSON.stringify(chosen)}`,
);
if (argv.includes('--write')) {
  await writeFormatted(manifestFile, JSON.stringify({ ...raw, output: { ...raw.output, boxGrow: chosen } }, null, 2));
  console.log(`written to ${path.relative(process.cwd(), manifestFile)}`);
}
