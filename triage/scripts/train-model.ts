/**
 * npm run train:model -- [--count 1200] [--heldout-count 300] [--seed 1] [--data DIR …] [--heldout DIR]
 *                        [--work data/training] [--out triage/model] [--epochs N]
 *
 * Renders the training and held-out sets with the simulator (`npm run render:dataset`, different seeds
 * and places) unless folders are given, trains the default detector, writes the ONNX model, its
 * manifest, the training log and report to --out, scores the held-out set and rewrites the model card.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Detector } from '../src/model/detector.ts';
import { evaluateModel, formatReport } from '../src/evaluation/evaluate.ts';
import { readDatasetFolder } from '../src/training/dataset.ts';
import { writeModelCard } from '../src/training/model-card.ts';
import { progressBar } from '../src/training/progress.ts';
import { DEFAULT_TRAIN_OPTIONS, trainDetector } from '../src/training/train-detector.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
function opts(name: string): string[] {
  return argv.flatMap((a, i) => (a === `--${name}` && argv[i + 1] ? [argv[i + 1]!] : []));
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

const seed = num('seed', 1);
const count = num('count', 1200);
const heldoutCount = num('heldout-count', 300);
const work = path.resolve(opt('work') ?? path.join(repo, 'data/training'));
const outDir = path.resolve(opt('out') ?? path.join(repo, 'triage/model'));
await mkdir(outDir, { recursive: true });
const logFile = path.join(outDir, 'training-log.txt');
await writeFile(logFile, '');
const started = performance.now();
const log = (line: string): void => {
  const stamped = `[${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s] ${line}`;
  console.log(stamped);
  void appendFile(logFile, `${stamped}\n`);
};

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Renders a set with the simulator's command (kept when it is already there with as many photos). */
async function render(out: string, n: number, s: number): Promise<string> {
  if (await isDir(path.join(out, 'labels'))) {
    log(`reusing rendered set ${path.relative(repo, out)}`);
    return out;
  }
  log(`rendering ${n} photos (seed ${s}) into ${path.relative(repo, out)}`);
  try {
    execFileSync(
      'npm',
      ['run', '--silent', 'render:dataset', '--', '--count', String(n), '--out', out, '--seed', String(s)],
      {
        cwd: repo,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  } catch (e) {
    console.error(`渲染训练数据失败 / rendering the training set failed: ${(e as Error).message}`);
    process.exit(1);
  }
  return out;
}

const trainDirs = opts('data');
if (!trainDirs.length) trainDirs.push(await render(path.join(work, `train-seed${seed}`), count, seed));
const heldoutDir =
  opt('heldout') ?? (await render(path.join(work, `heldout-seed${seed + 1000}`), heldoutCount, seed + 1000));

const items = (await Promise.all(trainDirs.map((d) => readDatasetFolder(path.resolve(d))))).flat();
log(`training sets: ${trainDirs.map((d) => path.relative(repo, path.resolve(d))).join(', ')} (${items.length} photos)`);
const options = {
  ...DEFAULT_TRAIN_OPTIONS,
  seed: DEFAULT_TRAIN_OPTIONS.seed + seed,
  epochs: num('epochs', DEFAULT_TRAIN_OPTIONS.epochs),
};
log(`options: ${JSON.stringify(options)}; ${os.availableParallelism()} cores`);
const trained = await trainDetector(items, options, { log, progress: progressBar() });

const modelFile = path.join(outDir, 'xuncha-default.onnx');
const manifestFile = path.join(outDir, 'xuncha-default.json');
await writeFile(modelFile, trained.onnx);
await writeFile(manifestFile, `${JSON.stringify(trained.manifest, null, 2)}\n`);
const trainS = (performance.now() - started) / 1000;
log(
  `model written: ${path.relative(repo, modelFile)} (${(trained.onnx.length / 1e6).toFixed(2)} MB), training took ${trainS.toFixed(0)} s`,
);

const heldout = await readDatasetFolder(path.resolve(heldoutDir));
const detector = await Detector.fromManifestFile(manifestFile);
const report = await evaluateModel({
  detector,
  labels: heldout,
  root: path.resolve(heldoutDir),
  onProgress: (d, t) => progressBar()('held-out evaluation', d, t),
});
await detector.close();
log(`held-out set ${path.relative(repo, path.resolve(heldoutDir))}:\n${formatReport(report)}`);
const { outcomes: _outcomes, ...summary } = report;
await writeFile(path.join(outDir, 'eval-heldout.json'), `${JSON.stringify(summary, null, 2)}\n`);
await writeFile(
  path.join(outDir, 'training-report.json'),
  `${JSON.stringify(
    {
      command: `npm run train:model -- ${argv.join(' ')}`.trim(),
      seed,
      trainSets: trainDirs.map((d) => path.relative(repo, path.resolve(d))),
      heldoutSet: path.relative(repo, path.resolve(heldoutDir)),
      options,
      counts: trained.counts,
      thresholds: trained.thresholds,
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
