/**
 * Per-cell training targets from boxes: a cell is positive for a class when at least half of it lies
 * in a box of that class, ignored when it only touches one (box labels are loose around irregular
 * shapes), negative otherwise.
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
}

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
): CellTargets {
  const k = TRIAGE_CLASSES.length;
  const y = new Uint8Array(k * w * h);
  const ignore = new Uint8Array(k * w * h);
  const area = cellPx * cellPx;
  for (const b of boxes) {
    const c = TRIAGE_CLASSES.indexOf(b.cls);
    const i0 = Math.max(0, Math.floor(b.x0 / cellPx));
    const i1 = Math.min(w - 1, Math.floor((b.x1 - 1e-6) / cellPx));
    const j0 = Math.max(0, Math.floor(b.y0 / cellPx));
    const j1 = Math.min(h - 1, Math.floor((b.y1 - 1e-6) / cellPx));
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const ox = Math.min(b.x1, (i + 1) * cellPx) - Math.max(b.x0, i * cellPx);
        const oy = Math.min(b.y1, (j + 1) * cellPx) - Math.max(b.y0, j * cellPx);
        if (ox <= 0 || oy <= 0) continue;
        const p = c * w * h + j * w + i;
        if ((ox * oy) / area >= 0.5 && inCore(b, core[b.cls] ?? 1, (i + 0.5) * cellPx, (j + 0.5) * cellPx)) y[p] = 1;
        else ignore[p] = 1;
      }
  }
  // A cell that is positive by one box is not ignored because another only touches it.
  for (let p = 0; p < y.length; p++) if (y[p]) ignore[p] = 0;
  return { y, ignore };
}

/** Whether (x, y) lies in the centre part of `b`, `share` of its width and height. */
function inCore(b: InputBox, share: number, x: number, y: number): boolean {
  if (share >= 1) return true;
  const mx = ((b.x1 - b.x0) * (1 - share)) / 2;
  const my = ((b.y1 - b.y0) * (1 - share)) / 2;
  return x >= b.x0 + mx && x <= b.x1 - mx && y >= b.y0 + my && y <= b.y1 - my;
}
