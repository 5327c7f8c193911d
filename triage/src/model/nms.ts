/**
 * Boxes, non-maximum suppression and tile-seam merging.
 */
import type { TriageClass } from './manifest.ts';

/** Axis-aligned box in pixels: top-left corner and size. */
export interface BoxPx {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A detection in the photo's pixels. */
export interface PixelDetection {
  cls: TriageClass;
  /** Index of the class in the model. */
  modelClass: number;
  score: number;
  box: BoxPx;
}

/** Intersection over union of two boxes. */
export function iou(a: BoxPx, b: BoxPx): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Greedy per-class NMS: keeps the highest score, drops same-class boxes overlapping it above `iouThreshold`. */
export function nonMaxSuppression<T extends PixelDetection>(
  dets: T[],
  iouThreshold: number,
  maxDetections = Infinity,
): T[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const d of sorted) {
    if (kept.length >= maxDetections) break;
    if (!kept.some((k) => k.cls === d.cls && iou(k.box, d.box) > iouThreshold)) kept.push(d);
  }
  return kept;
}

/** A detection from one tile, with the tile it came from. */
export interface TileDetection extends PixelDetection {
  tile: BoxPx;
}

function touchesInnerEdge(d: TileDetection, imageW: number, imageH: number, marginPx: number): boolean {
  const t = d.tile;
  const b = d.box;
  return (
    (t.x > 0 && b.x - t.x <= marginPx) ||
    (t.y > 0 && b.y - t.y <= marginPx) ||
    (t.x + t.width < imageW && t.x + t.width - (b.x + b.width) <= marginPx) ||
    (t.y + t.height < imageH && t.y + t.height - (b.y + b.height) <= marginPx)
  );
}

function union(a: BoxPx, b: BoxPx): BoxPx {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function overlapsOrTouches(a: BoxPx, b: BoxPx, gapPx: number): boolean {
  return (
    a.x <= b.x + b.width + gapPx &&
    b.x <= a.x + a.width + gapPx &&
    a.y <= b.y + b.height + gapPx &&
    b.y <= a.y + a.height + gapPx
  );
}

/**
 * Joins the halves of an object cut by a tile seam: same-class boxes from different tiles that
 * touch, where one of them reaches an inner tile edge, become their union (best score kept).
 */
export function mergeTileSeams(dets: TileDetection[], imageW: number, imageH: number, marginPx = 2): PixelDetection[] {
  const items = dets.map((d) => ({ ...d, cut: touchesInnerEdge(d, imageW, imageH, marginPx) }));
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i]!;
        const b = items[j]!;
        if (a.cls !== b.cls || a.tile === b.tile || !(a.cut || b.cut)) continue;
        if (!overlapsOrTouches(a.box, b.box, marginPx)) continue;
        // Only join when they overlap along the seam, not when a small box sits inside a big one.
        if (iou(a.box, b.box) > 0.5) continue;
        items[i] = {
          ...a,
          box: union(a.box, b.box),
          score: Math.max(a.score, b.score),
          cut: a.cut && b.cut,
          tile: a.tile,
        };
        items.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return items.map(({ cls, modelClass, score, box }) => ({ cls, modelClass, score, box }));
}
