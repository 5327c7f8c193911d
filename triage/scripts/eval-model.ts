/**
 * npm run eval:model -- --images DIR --labels PATH [--model MANIFEST] [--json] [--out FILE] [--concurrency N]
 * npm run eval:model -- --dataset DIR [--split test] [--model MANIFEST] …
 *
 * Scores a model (default: the shipped one) on any labelled folder: YOLO txt labels (a folder) or a CSV
 * `image,class` (image-level; `none` for negatives), or on a split of a rendered set (`render:dataset`),
 * whose manifest names the hard negatives in each photo: the report then gives the false-positive rate
 * per hard-negative kind. Prints a table (or JSON with --json) and writes the
 * JSON to --out. Exit 2 for bad arguments or labels, 3 for a model that cannot be loaded.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateModel, formatReport } from '../src/evaluation/evaluate.ts';
import { LabelsError, readLabels } from '../src/evaluation/labels.ts';
import { TriageStartupError } from '../src/issues.ts';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { Detector } from '../src/model/detector.ts';
import { progressBar } from '../src/training/progress.ts';
import { readDatasetSplit } from '../src/training/dataset.ts';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dataset = opt('dataset');
const images = dataset ?? opt('images');
const labelsPath = opt('labels');
if (!images || (!labelsPath && !dataset)) {
  console.error(
    '用法 / usage: npm run eval:model -- (--images DIR --labels PATH | --dataset DIR [--split test]) [--model MANIFEST] [--json] [--out FILE]',
  );
  process.exit(2);
}
const manifest = path.resolve(opt('model') ?? DEFAULT_MODEL_MANIFEST);
let labels;
try {
  labels = dataset
    ? await readDatasetSplit(path.resolve(dataset), opt('split') ?? 'test')
    : await readLabels(path.resolve(labelsPath!), path.resolve(images));
} catch (e) {
  if (e instanceof LabelsError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
let detector: Detector;
try {
  detector = await Detector.fromManifestFile(manifest);
} catch (e) {
  if (e instanceof TriageStartupError) {
    console.error(e.message);
    process.exit(3);
  }
  throw e;
}
const bar = progressBar();
const report = await evaluateModel({
  detector,
  labels,
  root: path.resolve(images),
  concurrency: Number(opt('concurrency') ?? 2),
  onProgress: (d, t) => bar('evaluating', d, t),
});
await detector.close();
const { outcomes, ...summary } = report;
const json = JSON.stringify({ ...summary, manifest: path.relative(process.cwd(), manifest), outcomes }, null, 2);
if (argv.includes('--json')) console.log(json);
else console.log(formatReport(report));
const out = opt('out');
if (out) await writeFile(out, `${json}\n`);
