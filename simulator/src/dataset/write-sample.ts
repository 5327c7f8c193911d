/**
 * Render one dataset photo and write its JPEG, YOLO label and plume mask into the dataset folder (the unit of
 * work a dataset worker does). Files are written under a temporary name and renamed, so a killed run
 * never leaves half a photo.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { yoloLabel, type DatasetPhoto } from './dataset-format.ts';
import { maskPathFor, maskText } from './label-mask.ts';
import { photoSpec, type PhotoSpecOptions, type Split } from './photo-spec.ts';
import { renderSample } from './render-sample.ts';

export interface SampleJob {
  datasetSeed: number;
  split: Split;
  index: number;
  spec: PhotoSpecOptions;
}

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Render and write photo `job.index` of `job.split` into `outDir`; returns its manifest entry. */
export async function writeSample(outDir: string, job: SampleJob): Promise<DatasetPhoto> {
  const spec = photoSpec(job.datasetSeed, job.split, job.index, job.spec);
  const image = `images/${job.split}/${spec.id}.jpg`;
  const label = `labels/${job.split}/${spec.id}.txt`;
  const maskFile = maskPathFor(label);
  const { jpeg, entry, mask } = await renderSample(spec, image, label, maskFile);
  await mkdir(path.join(outDir, 'images', job.split), { recursive: true });
  await mkdir(path.join(outDir, 'labels', job.split), { recursive: true });
  await writeAtomic(path.join(outDir, image), jpeg);
  await writeAtomic(path.join(outDir, label), yoloLabel(entry.objects, entry.widthPx, entry.heightPx));
  await writeAtomic(path.join(outDir, maskFile), maskText(mask));
  return entry;
}
