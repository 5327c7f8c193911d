/**
 * npm run train:model -- [--count 700] [--val-count 150] [--test-count 120] [--width 512] [--seed 1]
 *                        [--data DIR] [--out triage/model] [--epochs N] [--verifier]
 *                        [--fine-layer block_5_add] [--context-max 9] [--backbone inception_v3] [--context 5]
 *                        [--class-features exposed_slope=context-max-9,sewage_outfall=fine]
 *                        [--class-options "sewage_outfall:weight=4,core=0.5,keep=0.5,hidden=32,mask=0.3"]
 *                        [--keep-head triage/model/heads/round4-base.json[,HEAD.json…]] [--keep-points [CLASSES]]
 *                        [--init-head triage/model/heads/round4-base.json] [--learning-rate 2e-4]
 *                        [--hard-negative-epochs 2] [--extra-negatives data/training/hardneg-today]
 *                        [--outfall-water-gate] [--limit-seed-cells] [--workers 2]
 *                        [--min-seed-cells straw_burning=8,exposed_slope=8] [--pick f1]
 *                        [--shifted-negatives 2]
 *
 * Renders the training set with the simulator (`npm run render:dataset`: `train` and `val` splits with
 * --seed, the held-out `test` split with another seed, other places) into data/training/ unless --data
 * names a rendered set, trains the default detector (thresholds chosen on `val`), writes the ONNX model,
 * its manifest, the training log and report to --out, scores `test` (when the set has one; the log says
 * how to score a set rendered apart) and rewrites the model card.
 * --verifier also fits the region verifier (`triage/src/model/region-verifier.ts`) on the model's score
 * maps of `train` and `val` and writes it into the manifest for the classes where it raises `val` recall.
 * --backbone picks the frozen ImageNet backbone (mobilenet_v2, the default, up to block_10; inception_v3 up to
 * mixed5: 768 channels instead of 96, round 42) and --context the side (cells) of the averaged neighbourhood
 * (5; 0 = none).
 * --fine-layer adds a stride-8 backbone layer pooled to each cell (mean and max) and --context-max a
 * max-pooled neighbourhood of that many cells a side (round 7's tries; off by default, see the model card).
 * --class-features gives a class its own head on a named feature set (base, context-max-9, fine,
 * fine+context-max-9; others read base), composed into one graph (round 8; off by default).
 * --class-options gives a class a head of its own, fitted on its loss only, with its own options: weight
 * (of its positive cells), core (centre share of its boxes positive), keep (share of confident positives
 * kept for the refit), hidden (units), mine (hard negatives per photo, 0 = none), mask (positive = the
 * cells the object covers at least this share of, from the rendered set's `.mask.json`, round 12) and
 * outside (with mask, 1: the box's cells it covers none of are negatives); `;` between classes (round 9; off by default).
 * --keep-head takes every class not named in --class-features or --class-options from a head file
 * (`triage/src/training/kept-head.ts`, written by `triage/scripts/extract-head.ts`) as it is: only the
 * named classes are trained; all thresholds are chosen as usual (round 9; off by default). Several head
 * files, comma-separated, answer each for the classes they name (`extract-head.ts --classes`; one file may
 * name none and take the rest), so heads fitted in different rounds make one model; --keep-points keeps
 * the operating points those files carry instead of choosing new ones, and the whole-model limit then
 * moves and counts only the other classes (round 30; both off by default); --keep-points CLASSES
 * (comma-separated) keeps only those classes' points and chooses the others' on `val` (round 37).
 * --init-head starts every head that is fitted from a head file's weights instead of a fresh draw (a warm
 * start: with a few --epochs at a small --learning-rate it fine-tunes that head; --hard-negative-epochs is
 * the refit after mining), and --extra-negatives adds the `train` photos of rendered sets of negative
 * photos only (`render:dataset -- --aim none`; one folder or several, comma-separated) to the training
 * photos, not to the negative photos the operating points are checked on (round 10; both off by default).
 * --outfall-water-gate multiplies the `sewage_outfall` score by the water gate (`water-gate.ts`: no
 * water-like cell within 9×9 cells, no outfall), in the graph and before the operating points are chosen
 * (round 11; off by default). --limit-seed-cells lets the whole-model negative limit also change a
 * class's seed count, not only raise its threshold (`limitModelNegatives`, round 14; off by default).
 * --min-seed-cells puts a floor under a class's seed count: its operating point (per class and under the
 * whole-model limit) only uses counts at or above it, and --pick f1 picks each class's point among those
 * meeting the targets by the best `val` F1 instead of the highest recall (round 22; both off by default).
 * --shifted-negatives N also checks the operating points on N copies of every negative photo they are
 * checked on, each as another camera would take it (less detail, duller colour, stronger JPEG;
 * `drawCameraShift`): real photos score higher than clean renders (round 27; off by default).
 * --workers: feature-extraction sessions at once (2; 1 on a shared machine).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Detector } from '../src/model/detector.ts';
import { evaluateModel, formatReport } from '../src/evaluation/evaluate.ts';
import { readDatasetSplit } from '../src/training/dataset.ts';
import { LabelsError } from '../src/evaluation/labels.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { writeModelCard } from '../src/training/model-card.ts';
import { progressBar } from '../src/training/progress.ts';
import { DEFAULT_REGION_VERIFIER, fitRegionVerifiers } from '../src/training/fit-verifier.ts';
import { scoreMaps } from '../src/training/score-maps.ts';
import { DEFAULT_TRAIN_OPTIONS, keptHeadOfClass, trainDetector } from '../src/training/train-detector.ts';
import { parseManifest } from '../src/model/manifest.ts';
import { parseClassFeatures } from '../src/training/class-feature-sets.ts';
import type { ClassFeatureSets } from '../src/training/class-feature-sets.ts';
import { parseClassOptions } from '../src/training/class-head-options.ts';
import { parseSeedFloor } from '../src/training/choose-thresholds.ts';
import { writeFormatted } from '../src/training/write-formatted.ts';
import type { ClassHeadOptions } from '../src/training/class-head-options.ts';
import { keptHeadMlp } from '../src/training/kept-head.ts';
import type { KeptHead, KeptHeadFile } from '../src/training/kept-head.ts';
import type { FeatureSetName } from '../src/training/class-feature-sets.ts';
import type { Mlp } from '../src/training/mlp.ts';
import { TRIAGE_CLASSES } from '../src/model/manifest.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import { DEFAULT_WATER_GATE } from '../src/training/water-gate.ts';
import { BACKBONES } from '../src/training/pretrained-backbone.ts';
import type { BackboneName } from '../src/training/pretrained-backbone.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const num = (name: string, def: number): number => {
  const v = opt(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`参数 --${name} 应为正数 / --${name} must be a positive number, got ${v}`);
    process.exit(2);
  }
  return n;
};

// Validated before the log is started or anything rendered: a typo should not cost a training run.
let classFeatures: ClassFeatureSets | undefined;
try {
  // Given without a value is an error too (it would train the shipped single head without a word).
  const given = argv.includes('--class-features') ? (opt('class-features') ?? '') : undefined;
  classFeatures = given === undefined ? undefined : parseClassFeatures(given);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
/** A flag's value, '' when the flag is given without one (the next word is another flag or nothing). */
const given = (name: string): string | undefined => {
  if (!argv.includes(`--${name}`)) return undefined;
  const v = opt(name);
  return v === undefined || v.startsWith('--') ? '' : v;
};
let classOptions: ClassHeadOptions | undefined;
let kept: KeptHead[] = [];
let keepHeads: { file: string; sha256: string }[] = [];
/** `--keep-points CLASSES`: only these kept points stay (round 37); bare `--keep-points` keeps them all. */
let keepPointClasses: TriageClass[] | undefined;
let init: { head: Mlp; set: FeatureSetName } | undefined;
let initHead: { file: string; sha256: string } | undefined;
/** The head files named by --`flag` (comma-separated; empty: not given): weights and where they came from. */
async function headFiles(flag: string): Promise<{ mlp: KeptHead; source: { file: string; sha256: string } }[]> {
  const files = given(flag);
  if (files === '') throw new Error(`--${flag} 需要头文件路径 / --${flag} needs the path of a head file`);
  if (files === undefined) return [];
  return Promise.all(files.split(',').map((f) => headFile(f.trim())));
}
/** A head file: its weights and where they came from. */
async function headFile(file: string): Promise<{ mlp: KeptHead; source: { file: string; sha256: string } }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`无法读取头文件 ${file} / cannot read head file ${file}: ${(e as Error).message}`);
  }
  let parsed: KeptHeadFile;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as KeptHeadFile;
  } catch {
    throw new Error(`头文件 ${file} 不是 JSON / head file ${file} is not JSON`);
  }
  return {
    mlp: keptHeadMlp(parsed),
    source: { file: path.relative(repo, path.resolve(file)), sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}
let minSeedFloor: ReturnType<typeof parseSeedFloor> | undefined;
const pickText = given('pick');
if (pickText !== undefined && pickText !== 'f1' && pickText !== 'recall') {
  console.error(`--pick 须为 f1 或 recall / --pick must be f1 or recall, got ${pickText || '(nothing)'}`);
  process.exit(2);
}
const pick = pickText as 'f1' | 'recall' | undefined;
try {
  const floor = given('min-seed-cells');
  minSeedFloor = floor === undefined ? undefined : parseSeedFloor(floor);
  const text = given('class-options');
  classOptions = text === undefined ? undefined : parseClassOptions(text);
  const starts = await headFiles('init-head');
  if (starts.length > 1) throw new Error('--init-head 只能给一个头文件 / --init-head takes one head file');
  const start = starts[0];
  if (start) {
    init = start.mlp;
    initHead = start.source;
    if (init.set !== 'base' && !Object.values(classFeatures ?? {}).includes(init.set))
      throw new Error(
        `--init-head 的头读特征集 ${init.set}，但没有头读这个特征集 / the --init-head head reads feature set ${init.set}, which no head trained here reads`,
      );
  }
  const keptFiles = await headFiles('keep-head');
  kept = keptFiles.map((k) => k.mlp);
  keepHeads = keptFiles.map((k) => k.source);
  if (kept.length) {
    const trained = TRIAGE_CLASSES.filter((c) => classFeatures?.[c] || classOptions?.[c]);
    // One head file and nothing trained would only give back the model it came from.
    if (!trained.length && kept.length === 1)
      throw new Error(
        '--keep-head 需要至少一个类别由 --class-features 或 --class-options 训练 / --keep-head needs a class to train, named in --class-features or --class-options (or a second head file)',
      );
    keptHeadOfClass(kept, classFeatures ?? {}, classOptions ?? {});
  }
  if (argv.includes('--keep-points') && !kept.some((k) => k.points))
    throw new Error(
      '--keep-points 需要带工作点的保留头 / --keep-points needs a --keep-head file that carries operating points (extract-head.ts --classes, with the model manifest beside it)',
    );
  const listed = opt('keep-points');
  if (listed !== undefined && !listed.startsWith('--')) {
    const classes = listed.split(',');
    const carried = new Set(kept.flatMap((k) => Object.keys(k.points ?? {})));
    const unknown = classes.filter((c) => !carried.has(c));
    if (unknown.length)
      throw new Error(
        `--keep-points 中的类别没有保留的工作点: ${unknown.join(', ')} / --keep-points names classes no --keep-head file carries a point for: ${unknown.join(', ')} (carried: ${[...carried].join(', ') || 'none'})`,
      );
    keepPointClasses = classes as TriageClass[];
  }
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
if (
  (classFeatures || classOptions || kept.length || init) &&
  (opt('fine-layer') !== undefined || opt('context-max') !== undefined)
) {
  console.error(
    '--class-features/--class-options/--keep-head/--init-head 与 --fine-layer/--context-max 不能同时使用 / --class-features, --class-options, --keep-head and --init-head cannot be combined with --fine-layer or --context-max',
  );
  process.exit(2);
}

const extraDir = given('extra-negatives');
// One folder or several, comma-separated (e.g. all negatives and forest-aimed ones, round 22).
const extraDirs = extraDir
  ?.split(',')
  .map((d) => d.trim())
  .filter(Boolean);
if (extraDir !== undefined && !extraDirs?.length) {
  console.error('--extra-negatives 需要数据集目录 / --extra-negatives needs the folder of a rendered set');
  process.exit(2);
}
let extraNegatives: DatasetItem[] = [];
for (const dir of extraDirs ?? []) {
  let items: DatasetItem[];
  try {
    items = await readDatasetSplit(path.resolve(dir), 'train');
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const labelled = items.filter((e) => e.classes.size > 0).length;
  if (labelled) {
    console.error(
      `--extra-negatives ${dir} 的 train 部分有 ${labelled} 张带事件的照片，应只有负样本（render:dataset -- --aim none）/ --extra-negatives ${dir}: ${labelled} photos of its train split show incidents; it must hold negative photos only (render:dataset -- --aim none)`,
    );
    process.exit(2);
  }
  extraNegatives = extraNegatives.concat(items);
}

// Switches: a value after one would be a typo of another option, not something to ignore.
const limitSeeds = given('limit-seed-cells');
if (limitSeeds) {
  console.error(
    `--limit-seed-cells 不带参数，收到 ${limitSeeds} / --limit-seed-cells takes no value, got ${limitSeeds}`,
  );
  process.exit(2);
}
const waterGate = given('outfall-water-gate');
if (waterGate) {
  console.error(
    `--outfall-water-gate 不带参数，收到 ${waterGate} / --outfall-water-gate takes no value, got ${waterGate}`,
  );
  process.exit(2);
}

const seed = num('seed', 1);
const shiftedNegatives = opt('shifted-negatives') === undefined ? 0 : num('shifted-negatives', 0);
if (!Number.isInteger(shiftedNegatives)) {
  console.error(
    `参数 --shifted-negatives 应为整数（每张负样本的副本数）/ --shifted-negatives must be a whole number of copies per negative photo, got ${shiftedNegatives}`,
  );
  process.exit(2);
}
const learningRate = num('learning-rate', DEFAULT_TRAIN_OPTIONS.learningRate);
const hardNegativeEpochs = num('hard-negative-epochs', DEFAULT_TRAIN_OPTIONS.hardNegativeEpochs);
const count = num('count', 700);
const valCount = num('val-count', 150);
const testCount = num('test-count', 120);
const width = num('width', 512);
// The backbone and feature flags are checked before anything is written, rendered or read.
const fineLayer = opt('fine-layer');
if (fineLayer !== undefined && !/^block_\d+_[a-z_]+$/.test(fineLayer)) {
  console.error(
    `参数 --fine-layer 应为骨干网络的层名，如 block_5_add / --fine-layer must name a backbone layer such as block_5_add, got ${fineLayer}`,
  );
  process.exit(2);
}
const backbone = given('backbone') ?? 'mobilenet_v2';
if (!Object.hasOwn(BACKBONES, backbone)) {
  console.error(
    `参数 --backbone 应为 ${Object.keys(BACKBONES).join(' 或 ')} / --backbone must be one of ${Object.keys(BACKBONES).join(', ')}, got ${backbone || '(nothing)'}`,
  );
  process.exit(2);
}
if (fineLayer !== undefined && backbone !== 'mobilenet_v2') {
  console.error(
    `参数 --fine-layer 只用于 mobilenet_v2 / --fine-layer names a MobileNetV2 layer; it cannot be used with --backbone ${backbone}`,
  );
  process.exit(2);
}
const contextArg = given('context');
const context = contextArg === undefined ? DEFAULT_TRAIN_OPTIONS.spec.contextCells : Number(contextArg);
if ((contextArg !== undefined && !/^\d+$/.test(contextArg)) || (context && context % 2 === 0)) {
  console.error(
    `参数 --context 应为奇数或 0 / --context must be an odd whole number or 0, got ${contextArg || '(nothing)'}`,
  );
  process.exit(2);
}
const contextMax = opt('context-max') === undefined ? 0 : num('context-max', 0);
if (contextMax && (!Number.isInteger(contextMax) || contextMax % 2 === 0)) {
  console.error(`参数 --context-max 应为奇数 / --context-max must be an odd whole number, got ${contextMax}`);
  process.exit(2);
}

type Photos = Awaited<ReturnType<typeof readDatasetSplit>>;
/** The `train` and `val` photos of a rendered set; a set that cannot be read ends the run with its reason. */
async function readTrainVal(dir: string): Promise<{ train: Photos; val: Photos }> {
  try {
    return { train: await readDatasetSplit(dir, 'train'), val: await readDatasetSplit(dir, 'val') };
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
// A set named by --data is read before --out is touched: a wrong path leaves that folder (by default the
// shipped model's, whose training log is rewritten below) as it was.
const givenSet = opt('data') === undefined ? undefined : await readTrainVal(path.resolve(opt('data') as string));
const work = path.resolve(opt('work') ?? path.join(repo, 'data/training'));
const outDir = path.resolve(opt('out') ?? path.join(repo, 'triage/model'));
await mkdir(outDir, { recursive: true });
const logFile = path.join(outDir, 'training-log.txt');
// Read before this run writes anything: with --out triage/model it rewrites tracked files itself.
const source = sourceRevision();
await writeFile(logFile, '');
const started = performance.now();
const log = (line: string): void => {
  const stamped = `[${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s] ${line}`;
  console.log(stamped);
  void appendFile(logFile, `${stamped}\n`);
};

/** How many photos of `split` a rendered set already holds. */
async function splitCount(dir: string, split: string): Promise<number> {
  try {
    const m = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { photos?: { split: string }[] };
    return (m.photos ?? []).filter((p) => p.split === split).length;
  } catch {
    return 0;
  }
}

/** Renders a split with the simulator's command unless the set already holds it. */
function render(out: string, args: string[]): void {
  log(`npm run render:dataset -- ${args.join(' ')}`);
  try {
    execFileSync('npm', ['run', '--silent', 'render:dataset', '--', ...args], {
      cwd: repo,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (e) {
    console.error(`渲染训练数据失败 / rendering the training set failed: ${(e as Error).message}`);
    process.exit(1);
  }
}

const data = path.resolve(opt('data') ?? path.join(work, `sim-seed${seed}-w${width}`));
if (!opt('data')) {
  const common = ['--out', data, '--width', String(width)];
  if ((await splitCount(data, 'train')) < count || (await splitCount(data, 'val')) < valCount)
    render(data, ['--count', String(count), '--val-count', String(valCount), '--seed', String(seed), ...common]);
  else log(`reusing rendered train/val splits in ${path.relative(repo, data)}`);
  if ((await splitCount(data, 'test')) < testCount)
    render(data, ['--split', 'test', '--count', String(testCount), '--seed', String(seed + 1), ...common]);
  else log(`reusing rendered test split in ${path.relative(repo, data)}`);
}

const { train, val } = givenSet ?? (await readTrainVal(data));
log(`rendered set ${path.relative(repo, data)}: ${train.length} train, ${val.length} val photos`);
const options = {
  ...DEFAULT_TRAIN_OPTIONS,
  spec: {
    ...DEFAULT_TRAIN_OPTIONS.spec,
    ...(backbone === 'mobilenet_v2'
      ? {}
      : { backbone: backbone as BackboneName, featureLayer: BACKBONES[backbone as BackboneName].defaultLayer }),
    contextCells: context,
    ...(fineLayer ? { fineLayer } : {}),
    ...(contextMax ? { contextMaxCells: contextMax } : {}),
  },
  seed: DEFAULT_TRAIN_OPTIONS.seed + seed,
  epochs: num('epochs', DEFAULT_TRAIN_OPTIONS.epochs),
  learningRate,
  hardNegativeEpochs,
  workers: num('workers', DEFAULT_TRAIN_OPTIONS.workers),
  ...(classFeatures ? { classFeatures } : {}),
  ...(classOptions ? { classOptions } : {}),
  ...(keepHeads.length ? { keepHeads } : {}),
  ...(argv.includes('--keep-points') ? { keepPoints: keepPointClasses ?? true } : {}),
  ...(initHead ? { initHead } : {}),
  ...(limitSeeds === '' ? { modelLimitSeedCells: true } : {}),
  ...(minSeedFloor ? { minSeedFloor } : {}),
  ...(pick ? { pointPick: pick } : {}),
  ...(shiftedNegatives ? { shiftedNegatives } : {}),
  ...(waterGate === '' ? { waterGate: { classes: ['sewage_outfall'], ...DEFAULT_WATER_GATE } } : {}),
  ...(extraDirs?.length
    ? {
        extraNegatives: {
          dataset: extraDirs.map((d) => path.relative(repo, path.resolve(d))).join(','),
          photos: extraNegatives.length,
        },
      }
    : {}),
};
log(`options: ${JSON.stringify(options)}; ${os.availableParallelism()} cores`);
const trained = await trainDetector(train, val, options, { log, progress: progressBar() }, kept, {
  ...(init ? { init } : {}),
  extraNegatives,
});

if (argv.includes('--verifier')) {
  // The verifier reads the finished model's score maps (unaugmented photos), as the decoder will.
  const m = parseManifest(trained.manifest);
  const bar = progressBar();
  const trainMaps = await scoreMaps(trained.onnx, m, train, options.workers, (d, t) => bar('score maps (train)', d, t));
  const valMaps = await scoreMaps(trained.onnx, m, val, options.workers, (d, t) => bar('score maps (val)', d, t));
  const verifier = fitRegionVerifiers(
    trainMaps,
    valMaps,
    Object.fromEntries(Object.entries(trained.thresholds).map(([c, t]) => [c, t.recall])),
    m.input.widthPx / trainMaps[0]!.w,
    { ...DEFAULT_REGION_VERIFIER, minAreaCells: options.minAreaCells, regionGrow: options.regionGrow },
    log,
  );
  if (Object.keys(verifier).length) trained.manifest.output.verifier = verifier;
}

const modelFile = path.join(outDir, 'xuncha-default.onnx');
const manifestFile = path.join(outDir, 'xuncha-default.json');
await writeFile(modelFile, trained.onnx);
const sha256 = createHash('sha256').update(trained.onnx).digest('hex');
await writeFormatted(manifestFile, `${JSON.stringify({ ...trained.manifest, sha256 }, null, 2)}\n`);
const trainS = (performance.now() - started) / 1000;
log(
  `model written: ${path.relative(repo, modelFile)} (${(trained.onnx.length / 1e6).toFixed(2)} MB), training took ${trainS.toFixed(0)} s`,
);

// The held-out split scored here when the data has one; without it (rendered to a folder of its own) the
// model, its report and card are still written: a run of many minutes is not lost to a missing folder.
const heldout = await readDatasetSplit(data, 'test').catch((e: unknown) => {
  if (!(e instanceof LabelsError)) throw e;
  log(
    `未评估留出集 / held-out split not scored: ${e.message}. Score one with npm run eval:model -- --dataset DIR --split test --model ${path.relative(repo, manifestFile)}`,
  );
  return [] as DatasetItem[];
});
if (heldout.length) {
  const detector = await Detector.fromManifestFile(manifestFile);
  const report = await evaluateModel({
    detector,
    labels: heldout,
    root: data,
    onProgress: (d, t) => progressBar()('held-out evaluation', d, t),
  });
  await detector.close();
  log(`held-out test split of ${path.relative(repo, data)}:\n${formatReport(report)}`);
  const { outcomes: _outcomes, ...summary } = report;
  await writeFormatted(path.join(outDir, 'eval-heldout.json'), `${JSON.stringify(summary, null, 2)}\n`);
} else {
  // An earlier model's held-out scores in --out (the shipped model's folder has them) would be read into this
  // model's card as its own.
  await rm(path.join(outDir, 'eval-heldout.json'), { force: true });
}
/** The commit this run's trainer and renderer came from, and whether tracked files differed from it: the same command
 * gives the same model only from the same code (round 8 found the trainer's output drifted between commits). */
function sourceRevision(): { commit: string; modified: boolean } | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe' }).trim();
    return { commit: git('rev-parse', 'HEAD'), modified: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return null; // not a git checkout (an exported copy)
  }
}
await writeFormatted(
  path.join(outDir, 'training-report.json'),
  `${JSON.stringify(
    {
      command: `npm run train:model -- ${argv.join(' ')}`.trim(),
      source,
      seed,
      dataset: path.relative(repo, data),
      splits: { train: train.length, val: val.length, test: heldout.length },
      options,
      counts: trained.counts,
      thresholds: trained.thresholds,
      negativeRate: trained.negativeRate,
      ...(trained.heads ? { heads: trained.heads.map(({ history: _h, ...h }) => h) } : {}),
      history: trained.history,
      trainingSeconds: Math.round(trainS),
      totalSeconds: Math.round((performance.now() - started) / 1000),
      cores: os.availableParallelism(),
      modelBytes: trained.onnx.length,
    },
    null,
    2,
  )}\n`,
);
await writeModelCard(outDir);
log(
  `model card: ${path.relative(repo, path.join(outDir, 'MODEL_CARD.md'))}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
