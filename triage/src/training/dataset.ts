/**
 * A rendered training set as `npm run render:dataset` writes it: `images/`, YOLO `labels/` and a
 * `manifest.json` (class names, and per image optional tags such as the hard negatives in view).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readYoloLabels } from '../evaluation/labels.ts';
import type { ImageLabel } from '../evaluation/labels.ts';

/** A labelled photo of a rendered set, with the hard negatives it shows (when the manifest says). */
export interface DatasetItem extends ImageLabel {
  hardNegatives: string[];
}

interface ManifestImage {
  image?: string;
  file?: string;
  hardNegatives?: string[];
  negatives?: string[];
}

/** Reads one rendered set. */
export async function readDatasetFolder(dir: string): Promise<DatasetItem[]> {
  const labels = await readYoloLabels(path.join(dir, 'labels'), path.join(dir, 'images'));
  const tags = new Map<string, string[]>();
  try {
    const m = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { images?: ManifestImage[] };
    for (const im of m.images ?? []) {
      const rel = im.image ?? im.file;
      if (rel)
        tags.set(
          path.resolve(dir, rel.includes('/') ? rel : path.join('images', rel)),
          im.hardNegatives ?? im.negatives ?? [],
        );
    }
  } catch {
    // a set without a manifest has no hard-negative tags
  }
  return labels.map((l) => ({ ...l, hardNegatives: tags.get(l.image) ?? [] }));
}
