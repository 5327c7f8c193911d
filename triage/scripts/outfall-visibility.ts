/**
 * npx tsx triage/scripts/outfall-visibility.ts --dataset DIR [--split test] [--model MANIFEST] [--json FILE]
 *
 * Why outfalls are missed (issue 16, round 20): for every sewage outfall a rendered set paints in frame
 * (labelled or not), how visible it is and what the model makes of it. The set must be rendered with label
 * version 2 (`render:dataset` since round 20): its manifest gives each outfall the box of everything it
 * paints (the label-version-1 box), the mean CIE76 ΔE*ab it makes in the photo there (the renderer
 * lights each such pixel with and without the outfall, through the camera's colour pipeline) and the share of those pixels at or above the just-noticeable difference (2.3). Prints, per
 * visibility bin, how many outfalls there are, how many keep a label, how many photos the model finds
 * (image level: any outfall detection, as the held-out scores count) and the best outfall cell score in
 * the painted box; `--json` writes the per-outfall rows.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectImage } from '../src/image/decode.ts';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { Detector } from '../src/model/detector.ts';
import { loadManifest, thresholdFor, TRIAGE_CLASSES } from '../src/model/manifest.ts';
import { readDatasetSplit } from '../src/training/dataset.ts';
import { scoreMaps } from '../src/training/score-maps.ts';

type Box = [number, number, number, number];
interface Visibility {
  paintedBboxPx: Box;
  meanDeltaE: number | null;
  seenShare: number;
}
interface RawPhoto {
  id: string;
  split: string;
  image: string;
  widthPx: number;
  heightPx: number;
  objects: { class: string; id: string; bboxPx: Box; visibility?: Visibility }[];
  unlabelled?: { class: string; id: string; reason: string; visibility?: Visibility }[];
}

const argv = process.argv.slice(2);
const opt = (n: string): string | undefined => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dir = opt('dataset');
if (!dir) {
  console.error(
    '用法 / usage: npx tsx triage/scripts/outfall-visibility.ts --dataset DIR [--split test] [--model MANIFEST]',
  );
  process.exit(2);
}
const split = opt('split') ?? 'test';
const modelFile = path.resolve(opt('model') ?? DEFAULT_MODEL_MANIFEST);
const raw = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
  labelVersion?: number;
  photos: RawPhoto[];
};
if ((raw.labelVersion ?? 1) < 2) {
  console.error(`${dir} 的标注是第 1 版，没有可见度 / holds label version 1: no visibility figures; render it again`);
  process.exit(2);
}
const OUTFALL = 'sewage_outfall';
const photos = raw.photos.filter(
  (p) => p.split === split && [...p.objects, ...(p.unlabelled ?? [])].some((o) => o.class === OUTFALL),
);
const wanted = new Set(photos.map((p) => path.resolve(dir, p.image)));
const items = (await readDatasetSplit(dir, split)).filter((it) => wanted.has(path.resolve(it.image)));
const byImage = new Map(items.map((it) => [path.resolve(it.image), it]));

const { manifest, modelPath } = await loadManifest(modelFile);
const maps = await scoreMaps(await readFile(modelPath), manifest, items, 1);
const detector = await Detector.fromManifestFile(modelFile);
const k = TRIAGE_CLASSES.indexOf(OUTFALL);
const { widthPx: W, heightPx: H } = manifest.input;

interface Row {
  photo: string;
  id: string;
  labelled: boolean;
  reason: string | null;
  meanDeltaE: number | null;
  seenShare: number;
  paintedBboxPx: Box;
  /** Best outfall cell score whose cell centre lies in the painted box (or the cell of its centre). */
  bestInBox: number;
  bestElsewhere: number;
  /** The photo fires `sewage_outfall` (image level). */
  found: boolean;
}
const rows: Row[] = [];
for (const p of photos) {
  const it = byImage.get(path.resolve(dir, p.image));
  const m = it ? maps[items.indexOf(it)] : undefined;
  if (!it || !m) continue;
  const bytes = await readFile(it.image);
  const dets = await detector.detect(bytes, await inspectImage(bytes));
  const found = dets.some((d) => d.cls === OUTFALL);
  // Letterbox of the photo into the model's input (the renders are 4:3 like the input: identity).
  const s = Math.min(W / p.widthPx, H / p.heightPx);
  const ox = (W - p.widthPx * s) / 2;
  const oy = (H - p.heightPx * s) / 2;
  const cw = W / m.w;
  const ch = H / m.h;
  const outfalls = [
    ...p.objects.filter((o) => o.class === OUTFALL).map((o) => ({ ...o, labelled: true, reason: null })),
    ...(p.unlabelled ?? []).filter((o) => o.class === OUTFALL).map((o) => ({ ...o, labelled: false })),
  ];
  for (const o of outfalls) {
    const v = o.visibility;
    if (!v) continue;
    const [x0, y0, x1, y1] = v.paintedBboxPx.map((c, i) => c * s + (i % 2 ? oy : ox)) as Box;
    let inBox = 0;
    let elsewhere = 0;
    for (let r = 0; r < m.h; r++)
      for (let c = 0; c < m.w; c++) {
        const sc = m.scores[k * m.h * m.w + r * m.w + c] as number;
        const cx = (c + 0.5) * cw;
        const cy = (r + 0.5) * ch;
        if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1) inBox = Math.max(inBox, sc);
        else elsewhere = Math.max(elsewhere, sc);
      }
    if (inBox === 0) {
      const c = Math.min(m.w - 1, Math.floor((x0 + x1) / 2 / cw));
      const r = Math.min(m.h - 1, Math.floor((y0 + y1) / 2 / ch));
      inBox = m.scores[k * m.h * m.w + r * m.w + c] as number;
    }
    rows.push({
      photo: p.id,
      id: o.id,
      labelled: o.labelled,
      reason: 'reason' in o && typeof o.reason === 'string' ? o.reason : null,
      meanDeltaE: v.meanDeltaE,
      seenShare: v.seenShare,
      paintedBboxPx: v.paintedBboxPx,
      bestInBox: Math.round(inBox * 1000) / 1000,
      bestElsewhere: Math.round(elsewhere * 1000) / 1000,
      found,
    });
  }
}
await detector.close();

const threshold = thresholdFor(manifest, OUTFALL);
const table = (title: string, bins: [string, (r: Row) => boolean][]): void => {
  console.log(`\n${title}`);
  console.log(
    '| bin | outfalls | keep a label (v2) | photos found | recall | median best cell in box | best cell ≥ threshold |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, f] of bins) {
    const rs = rows.filter(f);
    if (!rs.length) continue;
    const best = rs.map((r) => r.bestInBox).sort((a, b) => a - b);
    const med = best[Math.floor((best.length - 1) / 2)] as number;
    const found = rs.filter((r) => r.found).length;
    console.log(
      `| ${name} | ${rs.length} | ${rs.filter((r) => r.labelled).length} | ${found} | ${(found / rs.length).toFixed(2)} | ${med.toFixed(3)} | ${rs.filter((r) => r.bestInBox >= threshold).length} |`,
    );
  }
};
const dE = (lo: number, hi: number) => (r: Row) => r.meanDeltaE !== null && r.meanDeltaE >= lo && r.meanDeltaE < hi;
const share = (lo: number, hi: number) => (r: Row) => r.seenShare >= lo && r.seenShare < hi;
console.log(
  `${dir} ${split}: ${rows.length} outfalls painted in frame in ${photos.length} photos; model ${path.relative(process.cwd(), modelFile)} (outfall threshold ${threshold})`,
);
table('By mean ΔE*ab of what it paints (CIE76; JND 2.3):', [
  ['< 2.3', dE(0, 2.3)],
  ['2.3–5', dE(2.3, 5)],
  ['5–10', dE(5, 10)],
  ['10–20', dE(10, 20)],
  ['≥ 20', dE(20, Infinity)],
  ['all', () => true],
]);
table('By share of painted pixels at or above the JND:', [
  ['< 0.25', share(0, 0.25)],
  ['0.25–0.5', share(0.25, 0.5)],
  ['0.5–0.75', share(0.5, 0.75)],
  ['0.75–0.95', share(0.75, 0.95)],
  ['≥ 0.95', share(0.95, 1.01)],
]);
const json = opt('json');
if (json) await writeFile(json, `${JSON.stringify(rows, null, 1)}\n`);
