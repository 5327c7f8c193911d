/**
 * Plume masks of a rendered set: beside each YOLO label, `labels/<split>/<id>.mask.json` says which
 * cells of a coarse grid over the photo each labelled object actually covers (the renderer's own
 * per-sample visibility, camera/label-grid.ts). A box says where an object is; the mask says which
 * of the box's cells show it (an outfall's box is mostly water and bank around the plume).
 *
 *   { "cols": 64, "rows": 48, "objects": [ { "id": "…", "class": "sewage_outfall",
 *     "cells": [[index, share], …] } ] }
 *
 * `objects` follow the label file's lines in order; `index` = row × cols + col (row 0 at the top);
 * `share` = 1–255, the part of the cell (255 = all of it) where the object is seen; cells not listed
 * show none of it.
 */
import { z } from 'zod';
import { INCIDENT_CLASSES } from '../scene/incident-schema.ts';

export const LabelMaskSchema = z.object({
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  objects: z.array(
    z.object({
      id: z.string(),
      class: z.enum(INCIDENT_CLASSES),
      cells: z.array(z.tuple([z.number().int().min(0), z.number().int().min(1).max(255)])),
    }),
  ),
});
export type LabelMask = z.infer<typeof LabelMaskSchema>;

/** Mask path of a label path: `labels/train/x.txt` → `labels/train/x.mask.json`. */
export function maskPathFor(labelPath: string): string {
  return labelPath.replace(/\.txt$/, '') + '.mask.json';
}

/** The mask of a photo's labelled objects (in label order), each with its grid of shares. */
export function labelMask(
  cols: number,
  rows: number,
  objects: readonly { id: string; class: LabelMask['objects'][number]['class']; cells: Uint8Array }[],
): LabelMask {
  return {
    cols,
    rows,
    objects: objects.map((o) => {
      const cells: [number, number][] = [];
      o.cells.forEach((s, k) => {
        if (s > 0) cells.push([k, s]);
      });
      return { id: o.id, class: o.class, cells };
    }),
  };
}

/** The mask file's text: one object per line, so a diff of two renders stays readable. */
export function maskText(mask: LabelMask): string {
  const objects = mask.objects.map((o) => '    ' + JSON.stringify(o));
  return `{\n  "cols": ${mask.cols},\n  "rows": ${mask.rows},\n  "objects": [\n${objects.join(',\n')}\n  ]\n}\n`;
}
