/**
 * Writes `MODEL_CARD.md` beside the model from what training and evaluation left there
 * (`training-report.json`, `eval-heldout.json`, and `eval-real-photos.json` when the sanity set was scored).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvaluationReport } from '../evaluation/evaluate.ts';
import { BACKBONES } from './pretrained-backbone.ts';
import type { BackboneName } from './pretrained-backbone.ts';
import { writeFormatted } from './write-formatted.ts';

type Summary = Omit<EvaluationReport, 'outcomes'>;

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(3));

function scoreTable(r: Summary): string {
  const rows = Object.entries(r.perClass).map(
    ([cls, s]) =>
      `| ${cls} | ${s.positives} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.ap50)} | ${s.falsePositives} | ${s.falseNegatives} |`,
  );
  return [
    '| class | images with it | precision | recall | AP@0.5 | false positives | misses |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function confusionTable(r: Summary): string {
  const keys = Object.keys(r.confusion);
  return [
    `| labelled \\ detected | ${keys.join(' | ')} |`,
    `| --- | ${keys.map(() => '---:').join(' | ')} |`,
    ...keys.map((k) => `| ${k} | ${keys.map((c) => r.confusion[k]![c]).join(' | ')} |`),
  ].join('\n');
}

/** The card's Markdown from the training report and the evaluations. */
export function modelCardMarkdown(
  training: Record<string, unknown> | null,
  heldout: Summary | null,
  real: (Summary & { note?: string }) | null,
  sections: { body: string },
): string {
  const t = training as {
    counts?: { trainPhotos: number; validationPhotos: number; samples: number };
    trainingSeconds?: number;
    totalSeconds?: number;
    cores?: number;
    modelBytes?: number;
    command?: string;
    thresholds?: Record<string, { threshold: number; minSeedCells?: number }>;
    dataset?: string;
    splits?: { train: number; val: number; test: number };
  } | null;
  const parts = [sections.body];
  parts.push('## Scores on the held-out rendered set', '');
  if (heldout) {
    parts.push(
      `${heldout.scored} photos of the \`test\` split of \`${t?.dataset ?? 'the rendered set'}\` (rendered with another seed, in other generated places than training). Image level: a photo counts as positive for a class when any detection of that class passes its threshold. AP@0.5 ranks the detections the shipped thresholds let through (the operating point), so it is a lower bound of the full-curve AP.`,
      '',
      scoreTable(heldout),
      '',
      `False-positive rate on negative photos: ${f3(heldout.negativeFalsePositiveRate)}. CPU time per photo (decode + inference, two photos at once on the shared 2-core machine): ${heldout.msPerPhoto} ms; \`npm run bench:triage\` measures the whole pipeline on 12 MP photos.`,
      ...Object.entries(heldout.hardNegatives).map(
        ([k, v]) => `- hard negative \`${k}\`: ${v.images} photos, false-positive rate ${f3(v.falsePositiveRate)}`,
      ),
      '',
      'Confusion (photos):',
      '',
      confusionTable(heldout),
      '',
    );
  } else parts.push('Not evaluated yet (run `npm run train:model`).', '');
  parts.push('## Sanity check on real photos', '');
  if (real) {
    parts.push(
      `${real.scored} of ${real.images} real photos (\`shared/real-photos\`, never trained on, but they informed the choice of hard-negative mining, the vegetation gate and the region rules (see above), so these figures are not an unbiased estimate; image-level labels; several are proxies: wildfire smoke and scars for straw burning, a ground-level pipe for an outfall, US landslides for exposed slopes). ${real.note ?? ''}`,
      '',
      scoreTable(real),
      '',
      // The confusion's `none` row counts a photo once per class it fires, so not the photos themselves.
      `False-positive rate on the ${real.negativeImages ?? '?'} negative photos: ${f3(real.negativeFalsePositiveRate)}.`,
      '',
      confusionTable(real),
      '',
      'Credits: USGS, USDA Forest Service, BLM (public domain); HOT DroneTM / spwoodcock drone-testdata (CC-BY-4.0); weecology/DeepForest (MIT, Copyright (c) 2019, Ben Weinstein; imagery NEON); MarcWong/UDD (MIT, Copyright (c) 2018 MarcWong); walkerjeffd/riffle-ito-apps (MIT, Copyright (c) 2014 Jeffrey D. Walker). Full list: `shared/real-photos/SOURCES.md`.',
      '',
    );
  } else parts.push('Not run here (the folder `../shared/real-photos` was absent): `npm run eval:real`.', '');
  parts.push('## Training run', '');
  if (t) {
    parts.push(
      `- command: \`${t.command}\``,
      `- rendered set \`${t.dataset}\`: ${t.counts?.trainPhotos} \`train\` photos (each also once augmented), ${t.counts?.validationPhotos} \`val\` photos for choosing thresholds, ${t.splits?.test} \`test\` photos held out; ${t.counts?.samples} cells fitted`,
      `- time: ${t.trainingSeconds} s to the model, ${t.totalSeconds} s with the held-out evaluation, on ${t.cores} cores`,
      `- model size: ${((t.modelBytes ?? 0) / 1e6).toFixed(2)} MB`,
      `- thresholds: ${Object.entries(t.thresholds ?? {})
        .map(
          ([c, v]) =>
            `${c} ${v.threshold}${(v.minSeedCells ?? 1) > 1 ? ` (regions of ≥ ${v.minSeedCells} cells at it)` : ''}`,
        )
        .join(', ')}`,
      '- log: `training-log.txt`; figures: `training-report.json`, `eval-heldout.json`',
      '',
    );
  }
  return parts.join('\n');
}

/** Rewrites MODEL_CARD.md in `modelDir` (the fixed text comes from `model-card-body.md` there). */
export async function writeModelCard(modelDir: string): Promise<void> {
  const body = (
    await readFile(path.join(modelDir, 'model-card-body.md'), 'utf8').catch(() => '# Model card\n')
  ).trimEnd();
  const report = await readJson<{ options?: { spec?: { backbone?: BackboneName } } }>(
    path.join(modelDir, 'training-report.json'),
  );
  // The backbone the report says the model was trained on (MobileNetV2 up to round 41, where it says none).
  const backbone = report?.options?.spec?.backbone ?? 'mobilenet_v2';
  if (!Object.hasOwn(BACKBONES, backbone))
    throw new Error(
      `训练报告中的主干网络未知 / ${path.join(modelDir, 'training-report.json')} names an unknown backbone ` +
        `"${String(backbone)}" (known: ${Object.keys(BACKBONES).join(', ')}); the model card was not written`,
    );
  const p = BACKBONES[backbone].provenance;
  const md = modelCardMarkdown(
    report,
    await readJson(path.join(modelDir, 'eval-heldout.json')),
    await readJson(path.join(modelDir, 'eval-real-photos.json')),
    {
      body: `${body}\n\nBackbone provenance: ${p.architecture}, ${p.file} of the npm package \`${p.package}\`, ${p.licence}. ${p.note}\n`,
    },
  );
  await writeFormatted(path.join(modelDir, 'MODEL_CARD.md'), `${md.trimEnd()}\n`);
}
