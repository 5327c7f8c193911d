/**
 * npm run eval:real -- [--dir ../shared/real-photos] [--model MANIFEST] [--write]
 *
 * The sanity check of the shipped model on real photos (`shared/real-photos`: image-level labels in
 * labels.csv). Those photos are never used for training or for choosing anything; this only reports.
 * PNG files (not a format triage reads) are re-encoded as JPEG quality 95 in memory. --write stores the
 * figures beside the model (`eval-real-photos.json`) and rewrites the model card. Exit 1 when the folder
 * is missing or a photo could not be scored.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { evaluateModel, formatReport } from '../src/evaluation/evaluate.ts';
import { readCsvLabels } from '../src/evaluation/labels.ts';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { Detector } from '../src/model/detector.ts';
import { writeModelCard } from '../src/training/model-card.ts';
import { writeFormatted } from '../src/training/write-formatted.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dir = path.resolve(opt('dir') ?? process.env.XUNCHA_REAL_PHOTOS ?? path.join(repo, '../shared/real-photos'));
if (
  !(await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  ))
) {
  console.error(`真实照片目录不存在 / real-photo folder not found: ${dir} (--dir or XUNCHA_REAL_PHOTOS)`);
  process.exit(1);
}
const manifest = path.resolve(opt('model') ?? DEFAULT_MODEL_MANIFEST);
const labels = await readCsvLabels(path.join(dir, 'labels.csv'), dir);
const detector = await Detector.fromManifestFile(manifest);
const report = await evaluateModel({
  detector,
  labels,
  root: dir,
  readImage: async (file) => {
    const bytes = await readFile(file);
    return file.toLowerCase().endsWith('.png') ? sharp(bytes).jpeg({ quality: 95 }).toBuffer() : bytes;
  },
});
await detector.close();
console.log(
  `真实照片检查 / real-photo sanity check (${path.relative(process.cwd(), dir) || dir}):\n${formatReport(report)}`,
);
console.log('\nper photo:');
for (const o of report.outcomes)
  console.log(
    `  ${(o.labelled.join('+') || 'none').padEnd(15)} → ${(o.detected.map((d) => `${d.cls} ${d.score.toFixed(2)}`).join(', ') || 'none').padEnd(40)} ${o.image}`,
  );
if (argv.includes('--write')) {
  const modelDir = path.dirname(manifest);
  const { outcomes, ...summary } = report;
  await writeFormatted(
    path.join(modelDir, 'eval-real-photos.json'),
    `${JSON.stringify({ ...summary, perPhoto: outcomes.map((o) => ({ image: o.image, labelled: o.labelled, detected: o.detected.map((d) => ({ cls: d.cls, score: d.score })) })), note: 'PNG files re-encoded as JPEG q95 in memory.' }, null, 2)}\n`,
  );
  await writeModelCard(modelDir);
  console.log(`written: ${path.relative(process.cwd(), path.join(modelDir, 'eval-real-photos.json'))}, MODEL_CARD.md`);
}
if (report.unreadable.length) process.exit(1);
