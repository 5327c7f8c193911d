/**
 * `npm run render:gallery [-- --out test-artifacts/gallery --width 1200 --workers 2 --real DIR
 *  --subjects a,b]`
 *
 * Contact sheets for judging realism at a glance: every incident class and every hard negative at
 * nadir, 45° and 30° gimbal pitch, in three seasons and two weathers, rendered at full resolution
 * (shown whole and as a 1:1 centre crop) and at 1/4 resolution. One PNG per subject plus an index
 * sheet. Prints detail statistics per class (grey Laplacian variance and colourfulness at 768 px
 * width), and those of real photos under `--real DIR` (any folder tree of images) for comparison;
 * `gallery-tiles.json` lists every tile's figures, lowest detail first.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { z } from 'zod';
import type { Season } from '../scene/incident-schema.ts';
import { detailStats, summary, type DetailStats } from './detail-stats.ts';
import { GALLERY_SUBJECTS, subjectClass, type GalleryCell, type GallerySubject } from './gallery-spec.ts';
import type { Job } from './jobs.ts';
import { runPool } from './pool.ts';
import { parseArgs as parseKv } from './cli-args.ts';

const SEASONS: Season[] = ['autumn', 'winter', 'summer'];
const WEATHERS = ['clear', 'overcast'] as const;
const PITCHES = [-90, -45, -30];
const TILE_W = 320;
const TILE_H = 240;

export const GalleryOptionsSchema = z.object({
  out: z.string().min(1).default('test-artifacts/gallery'),
  width: z.coerce.number().int().min(64).max(8000).default(1200),
  workers: z.coerce.number().int().min(1).max(64).optional(),
  real: z.string().optional(),
  subjects: z.string().optional(),
  seed: z.coerce.number().int().min(0).default(7),
});

interface Rendered {
  cell: GalleryCell;
  file: string;
  quarter: string;
}

function caption(text: string, w: number): Buffer {
  const esc = text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  return Buffer.from(
    `<svg width="${w}" height="18"><rect width="${w}" height="18" fill="black" fill-opacity="0.55"/>` +
      `<text x="4" y="13" font-family="sans-serif" font-size="12" fill="white">${esc}</text></svg>`,
  );
}

async function tile(file: string, mode: 'whole' | 'crop' | 'native', label: string): Promise<Buffer> {
  const img = sharp(file);
  const meta = await img.metadata();
  let base: Sharp;
  if (mode === 'crop') {
    const w = Math.min(TILE_W, meta.width ?? TILE_W);
    const h = Math.min(TILE_H, meta.height ?? TILE_H);
    base = img.extract({
      left: Math.floor(((meta.width ?? w) - w) / 2),
      top: Math.floor(((meta.height ?? h) - h) / 2),
      width: w,
      height: h,
    });
  } else base = img.resize(TILE_W, TILE_H, { fit: 'fill', kernel: mode === 'native' ? 'nearest' : 'lanczos3' });
  const px = await base.resize(TILE_W, TILE_H, { fit: 'contain', background: '#000' }).png().toBuffer();
  return sharp(px)
    .composite([{ input: caption(label, TILE_W), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** Render the gallery; returns the per-class statistics it printed. */
export async function renderGallery(
  input: z.input<typeof GalleryOptionsSchema>,
): Promise<Record<string, DetailStats[]>> {
  const o = GalleryOptionsSchema.parse(input);
  const outDir = path.resolve(o.out);
  const renders = path.join(outDir, 'renders');
  await mkdir(renders, { recursive: true });
  const subjects = (o.subjects ? o.subjects.split(',') : [...GALLERY_SUBJECTS]) as GallerySubject[];
  for (const s of subjects)
    if (!GALLERY_SUBJECTS.includes(s))
      throw new Error(`未知主题 / unknown subject ${s}; one of ${GALLERY_SUBJECTS.join(', ')}`);
  const width = o.width;
  const height = Math.round((width * 3) / 4);
  const cells: Rendered[] = [];
  const jobs: Job[] = [];
  for (const subject of subjects)
    for (const season of SEASONS)
      for (const weather of WEATHERS)
        for (const pitchDeg of PITCHES) {
          const base = { subject, season, weather, pitchDeg, seed: o.seed };
          const name = `${subject}-${season}-${weather}-${-pitchDeg}`;
          const full: GalleryCell = { ...base, widthPx: width, heightPx: height };
          const quarter: GalleryCell = { ...base, widthPx: Math.round(width / 4), heightPx: Math.round(height / 4) };
          const file = path.join(renders, `${name}.jpg`);
          const qfile = path.join(renders, `${name}-q.jpg`);
          cells.push({ cell: full, file, quarter: qfile });
          jobs.push({ type: 'gallery', outFile: file, cell: full }, { type: 'gallery', outFile: qfile, cell: quarter });
        }
  const workers = o.workers ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const t0 = Date.now();
  const results = await runPool(jobs, {
    workers,
    onProgress: (d, n) => {
      if (d % 20 === 0 || d === n) process.stderr.write(`render:gallery ${d}/${n}\n`);
    },
  });
  const cpu = results.filter((_, i) => i % 2 === 0).map((r) => (r.type === 'gallery' ? r.cpuMs : 0));

  // One sheet per subject: rows season × weather; per pitch: whole frame, 1:1 crop, 1/4-res render.
  for (const subject of subjects) {
    const mine = cells.filter((c) => c.cell.subject === subject);
    const composites: OverlayOptions[] = [];
    let row = 0;
    for (const season of SEASONS)
      for (const weather of WEATHERS) {
        let col = 0;
        for (const pitchDeg of PITCHES) {
          const c = mine.find(
            (m) => m.cell.season === season && m.cell.weather === weather && m.cell.pitchDeg === pitchDeg,
          );
          if (!c) continue;
          const tag = `${season} ${weather} ${-pitchDeg}°`;
          composites.push(
            { input: await tile(c.file, 'whole', `${tag} ${width}px`), left: col++ * TILE_W, top: row * TILE_H },
            { input: await tile(c.file, 'crop', `${tag} 1:1 crop`), left: col++ * TILE_W, top: row * TILE_H },
            { input: await tile(c.quarter, 'native', `${tag} 1/4 res`), left: col++ * TILE_W, top: row * TILE_H },
          );
        }
        row++;
      }
    await sharp({
      create: { width: 9 * TILE_W, height: row * TILE_H, channels: 3, background: '#000' },
    })
      .composite(composites)
      .png()
      .toFile(path.join(outDir, `gallery-${subject}.png`));
  }
  // Index: one row per subject, autumn clear at the three pitches.
  const index: OverlayOptions[] = [];
  for (const [r, subject] of subjects.entries())
    for (const [k, pitchDeg] of PITCHES.entries()) {
      const c = cells.find(
        (m) =>
          m.cell.subject === subject &&
          m.cell.season === 'autumn' &&
          m.cell.weather === 'clear' &&
          m.cell.pitchDeg === pitchDeg,
      );
      if (c)
        index.push({
          input: await tile(c.file, 'whole', `${subject} ${-pitchDeg}°`),
          left: k * TILE_W,
          top: r * TILE_H,
        });
    }
  await sharp({ create: { width: 3 * TILE_W, height: subjects.length * TILE_H, channels: 3, background: '#000' } })
    .composite(index)
    .png()
    .toFile(path.join(outDir, 'gallery-index.png'));

  const stats: Record<string, DetailStats[]> = {};
  // Per tile too (gallery-tiles.json): which season, weather and pitch fall short of the real range.
  const tiles: (GalleryCell & { laplacianVar768: number; colourfulness: number })[] = [];
  for (const c of cells) {
    const k = subjectClass(c.cell.subject);
    const d = await detailStats(c.file);
    (stats[k] ??= []).push(d);
    tiles.push({ ...c.cell, laplacianVar768: Math.round(d.laplacianVar), colourfulness: round1(d.colourfulness) });
  }
  tiles.sort((a, b) => a.laplacianVar768 - b.laplacianVar768);
  await writeFile(path.join(outDir, 'gallery-tiles.json'), `${JSON.stringify(tiles, null, 1)}\n`);
  const print = (cls: string, xs: DetailStats[], source: string): void => {
    const lv = summary(xs.map((x) => x.laplacianVar));
    const cf = summary(xs.map((x) => x.colourfulness));
    console.log(
      JSON.stringify({
        gallery: 'detail',
        source,
        class: cls,
        n: xs.length,
        laplacianVar768: { min: Math.round(lv.min), median: Math.round(lv.median), max: Math.round(lv.max) },
        colourfulness: { min: round1(cf.min), median: round1(cf.median), max: round1(cf.max) },
      }),
    );
  };
  for (const [cls, xs] of Object.entries(stats)) print(cls, xs, 'render');
  if (o.real) {
    const real: Record<string, DetailStats[]> = {};
    for (const file of await listImages(path.resolve(o.real))) {
      const cls = path.basename(path.dirname(file));
      (real[cls === 'none' ? 'negative' : cls] ??= []).push(await detailStats(file));
    }
    for (const [cls, xs] of Object.entries(real)) print(cls, xs, 'real');
  }
  const cs = summary(cpu);
  console.log(
    JSON.stringify({
      gallery: 'done',
      out: outDir,
      photos: jobs.length,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      cpuMsPerFullPhoto: { median: Math.round(cs.median), max: Math.round(cs.max) },
      sheets: subjects.length + 1,
    }),
  );
  if (!process.env.XUNCHA_GALLERY_KEEP) await rm(renders, { recursive: true, force: true }).catch(() => undefined);
  return stats;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listImages(p)));
    else if (/\.(jpe?g|png|tiff?|webp)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await renderGallery(parseKv(process.argv.slice(2), Object.keys(GalleryOptionsSchema.shape)) as never);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
