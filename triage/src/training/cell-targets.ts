/**
 * Per-cell training targets from boxes: a cell is positive for a class when at least half of it lies
 * in a box of that class, ignored when it only touches one (box labels are loose around irregular
 * shapes), negative otherwise. With a mask (the renderer's own record of where the object is seen),
 * a class may instead take as positive the cells the object itself covers (`MaskTarget`).
 */
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { LabelBox } from '../evaluation/labels.ts';

/** A box in model-input pixels. */
export interface InputBox {
  cls: LabelBox['cls'];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Where the object is seen, as rectangles in input pixels with the share of each it covers. */
  mask?: { x0: number; y0: number; x1: number; y1: number; share: number }[];
}

/**
 * Targets of a class from its boxes' masks: a cell is positive when the object covers at least `share`
 * of it; the box's other cells are ignored, or (`outside`) negative where the object covers none of
 * it (an outfall box's plain water and bank, the look-alikes the head must learn apart).
 */
export interface MaskTarget {
  share: number;
  outside?: boolean;
}

/** Coverage below this counts as none (a mask cell's edge grazing a model cell). */
const NO_COVER = 0.02;

/** Target (0/1) and weight (0 = ignore) per class and cell, `[k × h × w]`. */
export interface CellTargets {
  y: Uint8Array;
  ignore: Uint8Array;
}

/**
 * Computes the targets of a `w`×`h` cell grid of `cellPx` pixels. `core[class]` (0–1, default 1) keeps
 * only the box's centre part, that share of its width and height, positive; the rest of the box is
 * ignored (an outfall's box is mostly ordinary water and bank around the plume).
 */
export function cellTargets(
  boxes: InputBox[],
  w: number,
  h: number,
  cellPx: number,
  core: Partial<Record<string, number>> = {},
  mask: Partial<Record<string, MaskTarget>> = {},
): CellTargets {
  const k = TRIAGE_CLASSES.length;
  const y = new Uint8Array(k * w * h);
  const ignore = new Uint8Array(k * w * h);
  for (const b of boxes) {
    const c = TRIAGE_CLASSES.indexOf(b.cls);
    const mt = mask[b.cls];
    if (mt && b.mask) {
      maskTargets(b, b.mask, mt, c, w, h, cellPx, y, ignore);
      continue;
    }
    eachOverlap(b, w, h, cellPx, (i, j, share) => {
      const p = c * w * h + j * w + i;
      if (share >= 0.5 && inCore(b, core[b.cls] ?? 1, (i + 0.5) * cellPx, (j + 0.5) * cellPx)) y[p] = 1;
      else ignore[p] = 1;
    });
  }
  // A cell that is positive by one box is not ignored because another only touches it (a cell a mask
  // calls background is left as it is: negative unless another box touches it).
  for (let p = 0; p < y.length; p++) if (y[p]) ignore[p] = 0;
  return { y, ignore };
}

/** Marks the cells of box `b` from its mask (see MaskTarget). */
function maskTargets(
  b: InputBox,
  rects: NonNullable<InputBox['mask']>,
  mt: MaskTarget,
  c: number,
  w: number,
  h: number,
  cellPx: number,
  y: Uint8Array,
  ignore: Uint8Array,
): void {
  const cover = new Float32Array(w * h);
  for (const r of rects)
    eachOverlap(r, w, h, cellPx, (i, j, share) => {
      cover[j * w + i] = (cover[j * w + i] as number) + share * r.share;
    });
  const { i0, i1, j0, j1 } = cellSpan(b, w, h, cellPx);
  const plane = w * h;
  for (let cell = 0; cell < plane; cell++) {
    const i = cell % w;
    const j = Math.floor(cell / w);
    const inBox = i >= i0 && i <= i1 && j >= j0 && j <= j1;
    const v = cover[cell] as number;
    if (!inBox && v < NO_COVER) continue;
    const p = c * plane + cell;
    if (v >= mt.share) y[p] = 1;
    else if (!(mt.outside && v < NO_COVER)) ignore[p] = 1;
  }
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The cells of a w × h grid that rectangle `r` (input pixels) touches: columns i0…i1, rows j0…j1. */
function cellSpan(r: Rect, w: number, h: number, cellPx: number): { i0: number; i1: number; j0: number; j1: number } {
  return {
    i0: Math.max(0, Math.floor(r.x0 / cellPx)),
    i1: Math.min(w - 1, Math.floor((r.x1 - 1e-6) / cellPx)),
    j0: Math.max(0, Math.floor(r.y0 / cellPx)),
    j1: Math.min(h - 1, Math.floor((r.y1 - 1e-6) / cellPx)),
  };
}

/** Calls `fn` for each cell that rectangle `r` overlaps, with the share of the cell's area it covers. */
function eachOverlap(
  r: Rect,
  w: number,
  h: number,
  cellPx: number,
  fn: (i: number, j: number, share: number) => void,
): void {
  const { i0, i1, j0, j1 } = cellSpan(r, w, h, cellPx);
  const area = cellPx * cellPx;
  for (let j = j0; j <= j1; j++)
    for (let i = i0; i <= i1; i++) {
      const ox = Math.min(r.x1, (i + 1) * cellPx) - Math.max(r.x0, i * cellPx);
      const oy = Math.min(r.y1, (j + 1) * cellPx) - Math.max(r.y0, j * cellPx);
      if (ox > 0 && oy > 0) fn(i, j, (ox * oy) / area);
    }
}

/** Whether (x, y) lies in the centre part of `b`, `share` of its width and height. */
function inCore(b: InputBox, share: number, x: number, y: number): boolean {
  if (share >= 1) return true;
  const mx = ((b.x1 - b.x0) * (1 - share)) / 2;
  const my = ((b.y1 - b.y0) * (1 - share)) / 2;
  return x >= b.x0 + mx && x <= b.x1 - mx && y >= b.y0 + my && y <= b.y1 - my;
}
