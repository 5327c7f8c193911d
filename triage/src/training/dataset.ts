/**
 * A rendered training set as `npm run render:dataset` writes it (format `xuncha-sim-dataset` v1, see
 * simulator/src/dataset/README.md): `manifest.json` lists every photo with its split, image, YOLO label
 * file and the hard negatives in view. Only the format is shared: triage does not import the simulator.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LabelsError, parseYoloText } from '../evaluation/labels.ts';
import type { ImageLabel } from '../evaluation/labels.ts';
import { attachMasks } from './plume-mask.ts';

/** A labelled photo of a rendered set, with the hard negatives it shows. */
export interface DatasetItem extends ImageLabel {
  hardNegatives: string[];
}

const manifestSchema = z.object({
  format: z.literal('xuncha-sim-dataset'),
  version: z.literal(1),
  classes: z.array(z.string()),
  photos: z.array(
    z.object({
      split: z.string(),
      image: z.string(),
      label: z.string(),
      mask: z.string().optional(),
      hardNegatives: z.array(z.string()).default([]),
    }),
  ),
});

/** Reads one split (`train`, `val`, `test`) of a rendered set. Throws LabelsError listing every problem. */
export async function readDatasetSplit(dir: string, split: string): Promise<DatasetItem[]> {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new LabelsError(`无法读取数据集清单 / cannot read dataset manifest ${file}: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new LabelsError(
      `数据集清单格式不符 / ${file} is not a xuncha-sim-dataset v1 manifest: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const m = parsed.data;
  const photos = m.photos.filter((p) => p.split === split);
  if (!photos.length) throw new LabelsError(`数据集没有 ${split} 部分 / ${dir} has no photos in split ${split}`);
  const problems: string[] = [];
  const missing: string[] = [];
  const items: DatasetItem[] = [];
  for (const p of photos) {
    let text: string;
    try {
      text = await readFile(path.resolve(dir, p.label), 'utf8');
    } catch {
      missing.push(p.label);
      continue;
    }
    const boxes = parseYoloText(text, m.classes, p.label, problems);
    if (p.mask)
      try {
        await attachMasks(path.resolve(dir, p.mask), boxes);
      } catch (e) {
        problems.push((e as Error).message);
      }
    items.push({
      image: path.resolve(dir, p.image),
      classes: new Set(boxes.map((b) => b.cls)),
      boxes,
      hardNegatives: p.hardNegatives,
    });
  }
  if (problems.length)
    throw new LabelsError(`数据集标注有误 / labels in ${dir} have problems: ${problems.slice(0, 20).join(', ')}`);
  if (missing.length)
    throw new LabelsError(`数据集标注文件缺失 / label files missing in ${dir}: ${missing.slice(0, 20).join(', ')}`);
  return items;
}
