/**
 * The units of work of `render:dataset` and `render:gallery`, serialisable so child processes can
 * run them: render one dataset photo into the dataset folder, or one gallery cell into a JPEG file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetPhoto } from './dataset-format.ts';
import { gallerySpec, type GalleryCell } from './gallery-spec.ts';
import { renderSample } from './render-sample.ts';
import { writeSample, type SampleJob } from './write-sample.ts';

export type Job =
  { type: 'sample'; outDir: string; job: SampleJob } | { type: 'gallery'; outFile: string; cell: GalleryCell };

export type JobResult =
  { type: 'sample'; entry: DatasetPhoto } | { type: 'gallery'; entry: DatasetPhoto; cpuMs: number };

/** Run one job in this process. */
export async function runJob(job: Job): Promise<JobResult> {
  if (job.type === 'sample') return { type: 'sample', entry: await writeSample(job.outDir, job.job) };
  const c0 = process.cpuUsage();
  const spec = gallerySpec(job.cell);
  const { jpeg, entry } = await renderSample(spec, path.basename(job.outFile), '');
  const c = process.cpuUsage(c0);
  await mkdir(path.dirname(job.outFile), { recursive: true });
  await writeFile(job.outFile, jpeg);
  return { type: 'gallery', entry, cpuMs: (c.user + c.system) / 1000 };
}
