/**
 * Scores a model on a labelled folder: per-class precision and recall at image level (an image is
 * positive for a class when any detection of that class passes its threshold), AP@0.5 when boxes are
 * labelled, the confusion between classes, and the worst false positives and misses by file.
 * Unreadable images are reported one by one and the rest is scored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectImage } from '../image/decode.ts';
import { PhotoError } from '../issues.ts';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';
import type { Detector } from '../model/detector.ts';
import { iou } from '../model/nms.ts';
import type { BoxPx, PixelDetection } from '../model/nms.ts';
import type { ImageLabel } from './labels.ts';

/** Figures of one class. */
export interface ClassScores {
  /** Images labelled with the class. */
  positives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
  /** AP at IoU 0.5 over the boxes (null without box labels). */
  ap50: number | null;
  boxes: { labelled: number; detected: number; matched: number } | null;
}

/** An image with its label and what the model said. */
export interface ImageOutcome {
  image: string;
  labelled: TriageClass[];
  detected: { cls: TriageClass; score: number; box: BoxPx }[];
  ms: number;
}

/** The evaluation's result (also printed as JSON). */
export interface EvaluationReport {
  model: string;
  images: number;
  scored: number;
  unreadable: { image: string; reason: string }[];
  perClass: Record<TriageClass, ClassScores>;
  /** Rows: labelled class (or `none`); columns: detected class (or `none`); counts of images. */
  confusion: Record<string, Record<string, number>>;
  /** Share of negative images (no class labelled) with any detection. */
  negativeFalsePositiveRate: number | null;
  /** How many scored images are negative (no class labelled). */
  negativeImages: number;
  /** Per hard-negative tag of a rendered set: share of its negative images with a detection. */
  hardNegatives: Record<string, { images: number; falsePositiveRate: number }>;
  worstFalsePositives: { image: string; cls: TriageClass; score: number }[];
  worstMisses: { image: string; cls: TriageClass }[];
  msPerPhoto: number | null;
  outcomes: ImageOutcome[];
}

export interface EvaluateOptions {
  detector: Detector;
  labels: (ImageLabel & { hardNegatives?: string[] })[];
  /** Folder that image names in the report are relative to. */
  root?: string;
  concurrency?: number;
  /** Bytes of a file as the model should see them (e.g. PNG re-encoded); default: the file itself. */
  readImage?: (file: string) => Promise<Uint8Array>;
  onProgress?: (done: number, total: number) => void;
}

const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** All-point interpolated average precision of ranked matches. */
export function averagePrecision(ranked: { score: number; matched: boolean }[], labelled: number): number | null {
  if (!labelled) return null;
  const order = [...ranked].sort((a, b) => b.score - a.score);
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  order.forEach((r, i) => {
    if (r.matched) tp++;
    precision.push(tp / (i + 1));
    recall.push(tp / labelled);
  });
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < order.length; i++) {
    ap += (recall[i]! - prevRecall) * precision[i]!;
    prevRecall = recall[i]!;
  }
  return ap;
}

/** Runs the model over every labelled image and scores it. */
export async function evaluateModel(o: EvaluateOptions): Promise<EvaluationReport> {
  const root = o.root ?? process.cwd();
  const rel = (f: string): string => path.relative(root, f) || f;
  const unreadable: EvaluationReport['unreadable'] = [];
  const outcomes: (ImageOutcome | null)[] = new Array(o.labels.length).fill(null);
  const sizes: ({ widthPx: number; heightPx: number } | null)[] = new Array(o.labels.length).fill(null);
  let next = 0;
  let done = 0;
  const read = o.readImage ?? ((f: string) => readFile(f));
  await Promise.all(
    Array.from({ length: Math.max(1, o.concurrency ?? 2) }, async () => {
      while (next < o.labels.length) {
        const i = next++;
        const l = o.labels[i]!;
        const t0 = performance.now();
        try {
          const bytes = await read(l.image);
          const info = await inspectImage(bytes);
          const dets: PixelDetection[] = await o.detector.detect(bytes, info);
          sizes[i] = info;
          outcomes[i] = {
            image: rel(l.image),
            labelled: [...l.classes],
            detected: dets.map((d) => ({ cls: d.cls, score: Math.round(d.score * 1e4) / 1e4, box: d.box })),
            ms: performance.now() - t0,
          };
        } catch (e) {
          const reason = e instanceof PhotoError ? e.message : `${(e as Error).message ?? String(e)}`;
          unreadable.push({ image: rel(l.image), reason });
        }
        o.onProgress?.(++done, o.labels.length);
      }
    }),
  );

  const perClass = {} as Record<TriageClass, ClassScores>;
  const worstFalsePositives: EvaluationReport['worstFalsePositives'] = [];
  const worstMisses: EvaluationReport['worstMisses'] = [];
  for (const cls of TRIAGE_CLASSES) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let positives = 0;
    let hasBoxes = false;
    let labelledBoxes = 0;
    let detectedBoxes = 0;
    let matchedBoxes = 0;
    const ranked: { score: number; matched: boolean }[] = [];
    outcomes.forEach((out, i) => {
      if (!out) return;
      const l = o.labels[i]!;
      const pos = l.classes.has(cls);
      const dets = out.detected.filter((d) => d.cls === cls);
      if (pos) positives++;
      if (dets.length && pos) tp++;
      else if (dets.length) {
        fp++;
        worstFalsePositives.push({ image: out.image, cls, score: Math.max(...dets.map((d) => d.score)) });
      } else if (pos) {
        fn++;
        worstMisses.push({ image: out.image, cls });
      }
      if (l.boxes) {
        hasBoxes = true;
        const size = sizes[i]!;
        const gt = l.boxes
          .filter((b) => b.cls === cls)
          .map((b) => ({
            x: b.x * size.widthPx,
            y: b.y * size.heightPx,
            width: b.width * size.widthPx,
            height: b.height * size.heightPx,
          }));
        labelledBoxes += gt.length;
        detectedBoxes += dets.length;
        const used = new Set<number>();
        for (const d of [...dets].sort((a, b) => b.score - a.score)) {
          let best = -1;
          let bestIou = 0.5;
          gt.forEach((g, gi) => {
            const v = iou(d.box, g);
            if (!used.has(gi) && v >= bestIou) {
              best = gi;
              bestIou = v;
            }
          });
          if (best >= 0) used.add(best);
          ranked.push({ score: d.score, matched: best >= 0 });
        }
        matchedBoxes += used.size;
      }
    });
    perClass[cls] = {
      positives,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision: round3(tp + fp ? tp / (tp + fp) : null),
      recall: round3(positives ? tp / positives : null),
      ap50: hasBoxes ? round3(averagePrecision(ranked, labelledBoxes)) : null,
      boxes: hasBoxes ? { labelled: labelledBoxes, detected: detectedBoxes, matched: matchedBoxes } : null,
    };
  }

  const confusion: Record<string, Record<string, number>> = {};
  const keys = ['none', ...TRIAGE_CLASSES];
  for (const r of keys) confusion[r] = Object.fromEntries(keys.map((c) => [c, 0]));
  let negatives = 0;
  let negativesHit = 0;
  const hard: Record<string, { images: number; hits: number }> = {};
  outcomes.forEach((out, i) => {
    if (!out) return;
    const rows = out.labelled.length ? out.labelled : ['none'];
    const cols = [...new Set(out.detected.map((d) => d.cls))];
    for (const r of rows) for (const c of cols.length ? cols : ['none']) confusion[r]![c]!++;
    if (!out.labelled.length) {
      negatives++;
      if (out.detected.length) negativesHit++;
      for (const tag of new Set(o.labels[i]!.hardNegatives ?? [])) {
        const h = (hard[tag] ??= { images: 0, hits: 0 });
        h.images++;
        if (out.detected.length) h.hits++;
      }
    }
  });
  const scored = outcomes.filter((x): x is ImageOutcome => x !== null);
  return {
    model: o.detector.manifest.name,
    images: o.labels.length,
    scored: scored.length,
    unreadable,
    perClass,
    confusion,
    negativeFalsePositiveRate: round3(negatives ? negativesHit / negatives : null),
    negativeImages: negatives,
    hardNegatives: Object.fromEntries(
      Object.entries(hard).map(([t, h]) => [t, { images: h.images, falsePositiveRate: round3(h.hits / h.images)! }]),
    ),
    worstFalsePositives: worstFalsePositives.sort((a, b) => b.score - a.score).slice(0, 10),
    worstMisses: worstMisses.slice(0, 10),
    msPerPhoto: scored.length ? Math.round((scored.reduce((s, x) => s + x.ms, 0) / scored.length) * 10) / 10 : null,
    outcomes: scored,
  };
}

/** The report as a plain-text table for a terminal. */
export function formatReport(r: EvaluationReport): string {
  const f = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
  const lines = [
    `模型 / model: ${r.model}   图像 / images: ${r.images} (scored ${r.scored}, unreadable ${r.unreadable.length})`,
    '',
    'class             labelled  TP   FP   FN   precision  recall  AP@0.5',
  ];
  for (const [cls, s] of Object.entries(r.perClass))
    lines.push(
      `${cls.padEnd(17)} ${String(s.positives).padStart(8)} ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}   ${f(s.precision).padStart(9)}  ${f(s.recall).padStart(6)}  ${f(s.ap50).padStart(6)}`,
    );
  lines.push(
    '',
    `negatives with a detection / false-positive rate on negative images: ${f(r.negativeFalsePositiveRate)}`,
  );
  for (const [t, h] of Object.entries(r.hardNegatives))
    lines.push(`  hard negative ${t}: ${h.images} images, false-positive rate ${f(h.falsePositiveRate)}`);
  const keys = Object.keys(r.confusion);
  lines.push('', `confusion (rows labelled, columns detected): ${keys.join(' | ')}`);
  for (const k of keys)
    lines.push(`  ${k.padEnd(16)} ${keys.map((c) => String(r.confusion[k]![c]).padStart(6)).join('')}`);
  if (r.worstFalsePositives.length) {
    lines.push('', 'worst false positives:');
    for (const x of r.worstFalsePositives) lines.push(`  ${x.score.toFixed(3)}  ${x.cls.padEnd(15)} ${x.image}`);
  }
  if (r.worstMisses.length) {
    lines.push('', 'misses:');
    for (const x of r.worstMisses) lines.push(`  ${x.cls.padEnd(15)} ${x.image}`);
  }
  if (r.unreadable.length) {
    lines.push('', '无法读取 / unreadable:');
    for (const u of r.unreadable) lines.push(`  ${u.image}: ${u.reason}`);
  }
  lines.push('', `ms per photo (model only, concurrent): ${r.msPerPhoto ?? '—'}`);
  return lines.join('\n');
}
