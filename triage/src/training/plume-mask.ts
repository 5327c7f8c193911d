/**
 * Reads the plume masks a rendered set writes beside its labels (`labels/<split>/<id>.mask.json`, see
 * simulator/src/dataset/README.md): per labelled object the cells of a coarse grid over the photo where
 * the renderer saw it. Only the file format is shared with the simulator.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BoxMask, LabelBox } from '../evaluation/labels.ts';
import type { InputBox } from './cell-targets.ts';

const maskFileSchema = z.object({
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  objects: z.array(
    z.object({
      class: z.string(),
      cells: z.array(z.tuple([z.number().int().min(0), z.number().int().min(1).max(255)])),
    }),
  ),
});

/**
 * Attaches the mask of `file` to `boxes` (the label file's lines, in order). A mask whose objects do not
 * match the label (count or class) is refused: it would teach the wrong cells.
 */
export async function attachMasks(file: string, boxes: LabelBox[]): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: 掩膜文件无法读取 / cannot read the mask file: ${(e as Error).message}`);
  }
  const parsed = maskFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: 不是掩膜文件 / not a mask file: ${parsed.error.issues[0]?.message}`);
  const m = parsed.data;
  if (m.objects.length !== boxes.length || m.objects.some((o, i) => o.class !== boxes[i]!.cls))
    throw new Error(`${file}: 掩膜与标注不符 / the mask's objects do not match the label's lines`);
  const n = m.cols * m.rows;
  // Checked whole before any box takes its mask: a refused file leaves the boxes as they were.
  if (m.objects.some((o) => o.cells.some(([k]) => k >= n)))
    throw new Error(`${file}: 掩膜格子越界 / a mask cell lies outside the grid`);
  m.objects.forEach((o, i) => {
    const mask: BoxMask = { cols: m.cols, rows: m.rows, cells: o.cells.map(([k, s]) => [k, s / 255]) };
    boxes[i]!.mask = mask;
  });
}

/**
 * The mask's cells as rectangles in model-input pixels (`toInput` maps normalised image coordinates,
 * `flip` mirrors them as the augmentation does).
 */
export function maskToInput(
  mask: BoxMask,
  toInput: (x: number, y: number) => [number, number],
  flip: boolean,
): NonNullable<InputBox['mask']> {
  return mask.cells.map(([k, share]) => {
    const c = k % mask.cols;
    const r = Math.floor(k / mask.cols);
    const u0 = flip ? 1 - (c + 1) / mask.cols : c / mask.cols;
    const [x0, y0] = toInput(u0, r / mask.rows);
    const [x1, y1] = toInput(u0 + 1 / mask.cols, (r + 1) / mask.rows);
    return { x0, y0, x1, y1, share };
  });
}
