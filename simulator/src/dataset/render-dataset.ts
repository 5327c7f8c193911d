/**
 * `npm run render:dataset -- --count N --out DIR [--seed S] [--split train|val|test] [--val-count M]
 *  [--width 640] [--height 480] [--workers 2] [--photos-per-place 8] [--quality Q] [--aim none] [--focus KIND,…]`
 *
 * Renders N training photos (and optionally M held-out photos into `val`) with YOLO labels and a
 * manifest (format: ./README.md). Work is spread over child processes; every photo is a pure function
 * of (seed, split, index), so the output is byte-identical whatever the number of workers.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  DatasetManifestSchema,
  dataYaml,
  emptyManifest,
  LABEL_VERSION,
  type DatasetManifest,
} from './dataset-format.ts';
import { photoSpec, SPLITS, type PhotoSpecOptions, type Split } from './photo-spec.ts';
import { INCIDENT_CLASSES } from '../scene/incident-schema.ts';
import { PATCH_KINDS, type PatchKind } from '../scene/distractor-schema.ts';
import { parseArgs as parseKv } from './cli-args.ts';
import { runPool } from './pool.ts';
import type { SampleJob } from './write-sample.ts';

/**
 * Version of the renderer that made a dataset, recorded in its manifest (a folder refuses photos of another).
 * Bump it whenever the look of photos changes, so that sets made before and after can be told apart.
 * 3: slides, scars and benched cuts; burns clipped to plots over stubble; blue clear-sky shade; sparse canopy,
 * dry scrub and dark forest over a level ground (December 2026).
 * 4: construction sites as Chinese building sites (hoarding, dust netting, concrete, offices); nothing hidden by a
 * site or stream casts a shadow (December 2026).
 * 5: vehicles cast shadows; open-woodland and scrub soil, fallen logs and boulders neutral-to-warm grey
 * instead of lilac or pink; open-woodland pines muted olive instead of lime (December 2026).
 * 6: buildings stand as a 2.5D heightfield: camera rays meet walls (render, concrete or brick, window rows per
 * storey) and roofs at their height, which hide the ground, smoke and labels behind them (December 2026).
 * 7: auto exposure meters each photo (centre-weighted mean to mid grey: renders were ~0.7× as bright as real
 * frames); picture-style saturation 0.8–1.1 instead of 0.95–1.3; walls lit by the ground's bounce (warm grey
 * shade sides); burns, slopes and outfalls no longer painted on roofs and walls (December 2026).
 * 8: tree crowns stand up: camera rays meet them on a lattice of their heights, so they hide what is behind
 * them (labels too) and shift with parallax; ridge-tree shadows only from the crowns drawn; dirt-lane houses on
 * straight rows (December 2026).
 * 9: light scales the display colours as light^(1/2.2): clear-sky shade about half the lit level and blue-grey,
 * not near-black; with the changes since 8 (flat-roof furniture, town avenues, ridge trees as round crowns,
 * dark-forest tones and snags, two-octave clouds, milk vetch green in winter, no glint under overcast)
 * (December 2026).
 */
export const RENDERER_VERSION = 'xuncha-sim-camera/15';

const int = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${what} 必须是数字 / ${what} must be a number` })
    .int(`${what} 必须是整数 / ${what} must be an integer`)
    .min(min, `${what} 至少为 ${min} / ${what} must be at least ${min}`)
    .max(max, `${what} 至多为 ${max} / ${what} must be at most ${max}`);

export const DatasetOptionsSchema = z.object({
  count: int('--count', 0, 1_000_000),
  out: z.string().min(1, '--out 不能为空 / --out must not be empty'),
  seed: int('--seed', 0, 0xffffffff).default(1),
  split: z
    .enum(SPLITS, { error: '--split 须为 train、val 或 test / --split must be train, val or test' })
    .default('train'),
  valCount: int('--val-count', 0, 1_000_000).default(0),
  width: int('--width', 32, 8000).default(640),
  height: int('--height', 24, 6000).optional(),
  workers: int('--workers', 1, 64).optional(),
  photosPerPlace: int('--photos-per-place', 1, 10_000).default(8),
  quality: int('--quality', 1, 100).optional(),
  aim: z
    .enum([...INCIDENT_CLASSES, 'none'], {
      error: `--aim 须为 ${INCIDENT_CLASSES.join('、')} 或 none / --aim must be ${INCIDENT_CLASSES.join(', ')} or none`,
    })
    .optional(),
  /** With `--aim none`: only the negative photos aimed at one of these hard-negative patches. */
  focus: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((k) => k.trim()).filter(Boolean))
    .pipe(
      z
        .array(
          z.enum(PATCH_KINDS, {
            error: `--focus 须为 ${PATCH_KINDS.join('、')} / --focus must be ${PATCH_KINDS.join(', ')} (comma-separated)`,
          }),
        )
        .min(1, '--focus 不能为空 / --focus must name at least one patch kind'),
    )
    .optional(),
});
export type DatasetOptions = z.input<typeof DatasetOptionsSchema>;

export interface DatasetReport {
  outDir: string;
  photos: number;
  seconds: number;
  photosPerMin: number;
  workers: number;
  objects: Record<string, number>;
  hardNegatives: Record<string, number>;
  emptyPhotos: number;
}

/** Parse the command line of `render:dataset`. */
export function parseArgs(argv: readonly string[]): DatasetOptions {
  return parseKv(argv, Object.keys(DatasetOptionsSchema.shape)) as unknown as DatasetOptions;
}

async function readManifest(file: string): Promise<DatasetManifest | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = DatasetManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${file} 不是本格式的数据集清单，请换一个输出目录 / is not a manifest of this dataset format; use another --out folder`,
    );
  return parsed.data;
}

let lastReport = 0;
function progress(done: number, total: number, started: number): void {
  const now = Date.now();
  if (done < total && now - lastReport < 5000) return;
  lastReport = now;
  const rate = (done / Math.max(1, now - started)) * 60_000;
  process.stderr.write(`render:dataset ${done}/${total} (${rate.toFixed(0)} photos/min)\n`);
}

/**
 * The first `n` photo indices of a split, or with `aim` the first `n` whose photo is aimed so (`none`: the
 * negative photos only, e.g. extra hard negatives for a head; with `focus`, only those aimed at one of
 * these patches). A photo stays a pure function of its index, so an aimed set holds exactly the photos
 * of those indices in the full set; drawing a spec costs ~2 ms.
 */
export function photoIndices(
  seed: number,
  split: Split,
  n: number,
  spec: PhotoSpecOptions,
  aim?: (typeof INCIDENT_CLASSES)[number] | 'none',
  focus?: readonly PatchKind[],
): number[] {
  if (!aim) return Array.from({ length: n }, (_, i) => i);
  const wanted = (s: ReturnType<typeof photoSpec>): boolean =>
    s.aim === aim && (!focus || (s.focus !== undefined && focus.includes(s.focus)));
  const what = focus ? `${aim} (${focus.join(',')})` : aim;
  const out: number[] = [];
  // A place without slopes turns a slope aim into straw, so give up rather than loop for ever.
  for (let i = 0; out.length < n; i++) {
    if (i > 100 * n + 1000)
      throw new Error(`找不到足够的 ${what} 照片 / found only ${out.length} photos aimed at ${what} in ${i} indices`);
    if (wanted(photoSpec(seed, split, i, spec))) out.push(i);
  }
  return out;
}

/** Render a dataset into `opts.out` (see the file comment); returns a summary. */
export async function renderDataset(input: DatasetOptions): Promise<DatasetReport> {
  const parsed = DatasetOptionsSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(`参数无效 / invalid options: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const o = parsed.data;
  if (o.focus && o.aim !== 'none') throw new Error('--focus 只能与 --aim none 同用 / --focus needs --aim none');
  const width = o.width;
  const height = o.height ?? Math.round((width * 3) / 4);
  const workers = o.workers ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const outDir = path.resolve(o.out);
  await mkdir(outDir, { recursive: true });
  const manifestPath = path.join(outDir, 'manifest.json');
  const renderer = RENDERER_VERSION;
  const manifest = (await readManifest(manifestPath)) ?? emptyManifest(renderer);
  if (manifest.photos.length && manifest.renderer !== renderer)
    throw new Error(
      `${outDir} 中已有另一版渲染器生成的数据 / already holds photos of renderer ${manifest.renderer}; use another --out folder`,
    );
  if (manifest.photos.length && (manifest.labelVersion ?? 1) !== LABEL_VERSION)
    throw new Error(
      `${outDir} 中的标注是另一版规则 / holds labels of label version ${manifest.labelVersion ?? 1} (this renderer writes ${LABEL_VERSION}); use another --out folder`,
    );

  const plan: [Split, number][] = [[o.split, o.count]];
  if (o.valCount > 0) {
    if (o.split === 'val')
      throw new Error('--val-count 不能与 --split val 同用 / --val-count needs --split train or test');
    plan.push(['val', o.valCount]);
  }
  const spec = {
    widthPx: width,
    heightPx: height,
    photosPerPlace: o.photosPerPlace,
    ...(o.quality ? { quality: o.quality } : {}),
  };
  const jobs: SampleJob[] = [];
  for (const [split, n] of plan)
    for (const index of photoIndices(o.seed, split, n, spec, o.aim, o.focus))
      jobs.push({ datasetSeed: o.seed, split, index, spec });

  const t0 = Date.now();
  const results = await runPool(
    jobs.map((job) => ({ type: 'sample' as const, outDir, job })),
    { workers, onProgress: (done, total) => progress(done, total, t0) },
  );
  const entries = results.map((r) => r.entry);
  const seconds = (Date.now() - t0) / 1000;

  const splits = new Set(plan.map(([s]) => s));
  manifest.photos = [...manifest.photos.filter((p) => !splits.has(p.split)), ...entries].sort(
    (a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || a.id.localeCompare(b.id),
  );
  for (const [split, n] of plan)
    manifest.splits[split] = {
      seed: o.seed,
      count: n,
      places: [...new Set(entries.filter((e) => e.split === split).map((e) => e.place))],
    };
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 1) + '\n');
  await rename(tmp, manifestPath);
  await writeFile(path.join(outDir, 'data.yaml'), dataYaml(SPLITS.filter((s) => manifest.splits[s] !== undefined)));

  const objects: Record<string, number> = {};
  const hardNegatives: Record<string, number> = {};
  let emptyPhotos = 0;
  for (const e of entries) {
    if (e.objects.length === 0) emptyPhotos++;
    for (const ob of e.objects) objects[ob.class] = (objects[ob.class] ?? 0) + 1;
    for (const h of e.hardNegatives) hardNegatives[h] = (hardNegatives[h] ?? 0) + 1;
  }
  return {
    outDir,
    photos: entries.length,
    seconds: Math.round(seconds * 10) / 10,
    photosPerMin: Math.round((entries.length / Math.max(1e-3, seconds)) * 60),
    workers,
    objects,
    hardNegatives,
    emptyPhotos,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const report = await renderDataset(parseArgs(process.argv.slice(2)));
    console.log(JSON.stringify({ bench: 'render-dataset', ...report }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
