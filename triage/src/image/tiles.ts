/**
 * Overlapping square tiles covering an image, for models whose input is smaller than the photo
 * at the resolution they need.
 */

/** A tile's top-left corner and size in pixels of the decoded image. */
export interface Tile {
  x: number;
  y: number;
  size: number;
}

/** Origins along one axis: first at 0, last flush with the end, evenly spread, overlap ≥ `overlapPx`. */
function axisOrigins(lengthPx: number, size: number, overlapPx: number): number[] {
  if (lengthPx <= size) return [0];
  const stride = Math.max(1, size - overlapPx);
  const n = Math.ceil((lengthPx - size) / stride) + 1;
  const step = (lengthPx - size) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/** Tiles of `size`×`size` covering `widthPx`×`heightPx` with at least `overlapPx` overlap. */
export function planTiles(widthPx: number, heightPx: number, size: number, overlapPx: number): Tile[] {
  const xs = axisOrigins(widthPx, size, overlapPx);
  const ys = axisOrigins(heightPx, size, overlapPx);
  return ys.flatMap((y) => xs.map((x) => ({ x, y, size })));
}
