/**
 * npx tsx triage/scripts/measure-water-cue.ts [--data data/training/sim-seed1-w512]
 *                                             [--negatives data/training/hardneg-today] [--train 300]
 *
 * Fits and measures the water cue of `water-gate.ts` (round 11) on cell statistics, never on `test`:
 * a logistic regression of the eight colour/texture cues of a cell, fitted on `train` photos (first
 * --train), water = cells inside `sewage_outfall` boxes, not water = cells inside straw-burning and
 * exposed-slope boxes and every cell of the --negatives set's `train` photos (shaded forests, roofs,
 * dirt lanes). Then on `val` it shifts the bias so that 95 % of the outfall cells keep a gate factor
 * (the cue's 9×9 max) of at least 0.9, and prints how many other cells and negative photos the gate
 * blocks. Prints the gate parameters as JSON (for `DEFAULT_WATER_GATE`).
 */
import { SessionPool } from '../src/model/session-pool.ts';
import { parseManifest, TRIAGE_CLASSES } from '../src/model/manifest.ts';
import { readDatasetSplit } from '../src/training/dataset.ts';
import type { DatasetItem } from '../src/training/dataset.ts';
import { CUE_NAMES, featureCopies, featureModelOnnx } from '../src/training/detector-graph.ts';
import { photoFeatures } from '../src/training/features.ts';
import type { PhotoFeatures } from '../src/training/features.ts';
import { loadPretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import { DEFAULT_TRAIN_OPTIONS, defaultManifest } from '../src/training/train-detector.ts';
import { waterFactors } from '../src/training/water-gate.ts';
import type { WaterGate } from '../src/training/water-gate.ts';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : d;
};
const data = opt('data', 'data/training/sim-seed1-w512');
const negDir = opt('negatives', 'data/training/hardneg-today');
const trainCount = Number(opt('train', '300'));
if (!Number.isInteger(trainCount) || trainCount <= 0) {
  console.error(`--train 应为正整数 / --train must be a positive integer, got ${opt('train', '')}`);
  process.exit(2);
}

const o = DEFAULT_TRAIN_OPTIONS;
const net = await loadPretrainedBackbone();
const pool = await SessionPool.create(featureModelOnnx(net, o.spec), { size: 1, intraOpThreads: 1 });
const manifest = parseManifest(defaultManifest(o.spec, 'features.onnx', {}, o.minAreaCells, o.regionGrow));
const C = CUE_NAMES.length;

/** Per cell: its eight cues and which class box (by the cell's centre) it lies in; −1 none. */
function cells(f: PhotoFeatures): { cues: Float32Array[]; cls: number[] } {
  const plane = f.h * f.w;
  const first = f.d / featureCopies(o.spec) - C;
  const cell = o.spec.inputWidthPx / f.w;
  const cues: Float32Array[] = [];
  const cls: number[] = [];
  for (let p = 0; p < plane; p++) {
    const x = ((p % f.w) + 0.5) * cell;
    const y = (Math.floor(p / f.w) + 0.5) * cell;
    cues.push(Float32Array.from({ length: C }, (_, i) => f.values[(first + i) * plane + p]!));
    // An outfall box wins over the others: its cells are what the gate must pass.
    const inBox = f.boxes
      .filter((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1)
      .map((b) => TRIAGE_CLASSES.indexOf(b.cls as (typeof TRIAGE_CLASSES)[number]));
    cls.push(inBox.includes(1) ? 1 : inBox.length ? inBox[0]! : -1);
  }
  return { cues, cls };
}

async function features(items: DatasetItem[], label: string): Promise<PhotoFeatures[]> {
  const out: PhotoFeatures[] = [];
  for (const it of items) out.push(await photoFeatures(pool, manifest, it, null));
  console.error(`${label}: ${out.length} photos`);
  return out;
}

const train = await features((await readDatasetSplit(data, 'train')).slice(0, trainCount), 'train');
const val = await features(await readDatasetSplit(data, 'val'), 'val');
const negTrain = await features(await readDatasetSplit(negDir, 'train'), 'negatives train');

// Training cells: water = outfall box cells, not water = straw/slope box cells and negative-set cells.
const xs: Float32Array[] = [];
const ys: number[] = [];
for (const f of train) {
  const { cues, cls } = cells(f);
  cls.forEach((c, i) => {
    if (c !== 1 && c !== 0 && c !== 2) return;
    xs.push(cues[i]!);
    ys.push(c === 1 ? 1 : 0);
  });
}
for (const f of negTrain) {
  const { cues } = cells(f);
  cues.forEach((c, i) => {
    if (i % 4) return;
    xs.push(c);
    ys.push(0);
  });
}
const mean = new Float64Array(C);
const sd = new Float64Array(C);
for (const x of xs) for (let i = 0; i < C; i++) mean[i]! += x[i]! / xs.length;
for (const x of xs) for (let i = 0; i < C; i++) sd[i]! += (x[i]! - mean[i]!) ** 2 / xs.length;
for (let i = 0; i < C; i++) sd[i] = Math.sqrt(sd[i]!) || 1;
const pos = ys.filter((y) => y === 1).length;
console.error(`cells: ${pos} water (outfall boxes), ${ys.length - pos} not water`);
// Class-balanced logistic regression, full-batch gradient descent on standardised cues.
const wPos = ys.length / (2 * pos);
const wNeg = ys.length / (2 * (ys.length - pos));
const wz = new Float64Array(C);
let bz = 0;
for (let it = 0; it < 400; it++) {
  const gw = new Float64Array(C);
  let gb = 0;
  xs.forEach((x, n) => {
    let z = bz;
    for (let i = 0; i < C; i++) z += wz[i]! * ((x[i]! - mean[i]!) / sd[i]!);
    const e = (1 / (1 + Math.exp(-z)) - ys[n]!) * (ys[n] ? wPos : wNeg);
    for (let i = 0; i < C; i++) gw[i]! += (e * (x[i]! - mean[i]!)) / sd[i]! / xs.length;
    gb += e / xs.length;
  });
  for (let i = 0; i < C; i++) wz[i]! -= 1.0 * gw[i]!;
  bz -= 1.0 * gb;
}
// Back to raw cue units.
const weights = Array.from(wz, (v, i) => v / sd[i]!);
const bias0 = bz - weights.reduce((s, v, i) => s + v * mean[i]!, 0);
console.error(`standardised weights ${CUE_NAMES.map((n, i) => `${n} ${wz[i]!.toFixed(2)}`).join(', ')}`);

const gateWith = (bias: number): WaterGate => ({
  classes: [1],
  cueChannel: 0,
  weights,
  bias,
  contextCells: 9,
});
/** Gate factors on `val` per kind of cell and the negative photos' highest factor. */
function valFactors(gate: WaterGate, fs: PhotoFeatures[]): { byCls: number[][]; negPhotoMax: number[] } {
  const byCls: number[][] = [[], [], [], []];
  const negPhotoMax: number[] = [];
  for (const f of fs) {
    const plane = f.h * f.w;
    const first = f.d / featureCopies(o.spec) - C;
    const cueMap = f.values.subarray(first * plane, (first + C) * plane);
    const fac = waterFactors(gate, cueMap, f.h, f.w);
    const { cls } = cells(f);
    cls.forEach((c, i) => byCls[c + 1]!.push(fac[i]!));
    if (!f.boxes.length) negPhotoMax.push(Math.max(...fac));
  }
  return { byCls, negPhotoMax };
}
const quantile = (v: number[], q: number): number => [...v].sort((a, b) => a - b)[Math.floor(q * (v.length - 1))]!;
const share = (v: number[], t: number): string => `${((100 * v.filter((x) => x < t).length) / v.length).toFixed(1)} %`;
// Shift the bias until 95 % of val outfall cells keep a factor ≥ 0.9 (bisection on the shift).
let lo = -20;
let hi = 20;
for (let i = 0; i < 40; i++) {
  const mid = (lo + hi) / 2;
  const q = quantile(valFactors(gateWith(bias0 + mid), val).byCls[2]!, 0.05);
  if (q >= 0.9) hi = mid;
  else lo = mid;
}
const bias = bias0 + hi;
const gate = gateWith(bias);
const m = valFactors(gate, val);
const neg = valFactors(gate, negTrain);
console.log(
  [
    `val cells with factor < 0.5 / < 0.1 (bias shift ${hi.toFixed(2)}):`,
    `  outfall boxes ${share(m.byCls[2]!, 0.5)} / ${share(m.byCls[2]!, 0.1)} (median ${quantile(m.byCls[2]!, 0.5).toFixed(3)})`,
    `  straw boxes ${share(m.byCls[1]!, 0.5)} / ${share(m.byCls[1]!, 0.1)}`,
    `  slope boxes ${share(m.byCls[3]!, 0.5)} / ${share(m.byCls[3]!, 0.1)}`,
    `  other cells ${share(m.byCls[0]!, 0.5)} / ${share(m.byCls[0]!, 0.1)}`,
    `  val negative photos whose most watery neighbourhood is < 0.5: ${m.negPhotoMax.filter((x) => x < 0.5).length} of ${m.negPhotoMax.length}`,
    `negatives-set train cells < 0.5 / < 0.1: ${share(neg.byCls[0]!, 0.5)} / ${share(neg.byCls[0]!, 0.1)}; photos blocked everywhere (max < 0.5): ${neg.negPhotoMax.filter((x) => x < 0.5).length} of ${neg.negPhotoMax.length}`,
    JSON.stringify({ weights: weights.map((v) => Number(v.toPrecision(5))), bias: Number(bias.toPrecision(5)) }),
  ].join('\n'),
);
await pool.close();
