/**
 * Where each incident is actually seen, as a coarse cell grid: the renderer's per-sample `label`
 * buffer (incident index + 1 where that incident is seen) summarised into the share of each cell's
 * samples that show it. A box around an outfall's plume is mostly water and bank; this grid says
 * which cells the plume itself covers, so a trainer can target those cells (issue 16, round 12).
 */

/** Cells across the photo; rows follow its aspect (a 4:3 photo: 64 × 48, half a 16-px model cell at 512 px). */
export const LABEL_GRID_COLS = 64;

export interface LabelGrid {
  cols: number;
  rows: number;
  /**
   * Per incident (same order as the renderer's `shapes`): share of each cell's shading samples where
   * it is seen, 0–255 (255 = the whole cell), row-major, `cols × rows`.
   */
  shares: Uint8Array[];
}

/** Rows of the grid for a `width` × `height` photo: the cells stay about square. */
export function labelGridRows(width: number, height: number, cols = LABEL_GRID_COLS): number {
  return Math.max(1, Math.round((cols * height) / width));
}

/**
 * Summarise `label` (`sw` × `shh` samples, row-major) of `incidents` incidents into a grid of
 * `cols` columns. Cell (c, r) covers samples [⌈c·sw/cols⌉, ⌈(c+1)·sw/cols⌉) × the same in rows.
 */
export function labelGrid(
  label: Int16Array,
  sw: number,
  shh: number,
  incidents: number,
  cols = LABEL_GRID_COLS,
): LabelGrid {
  const rows = labelGridRows(sw, shh, cols);
  const counts = Array.from({ length: incidents }, () => new Uint32Array(cols * rows));
  const colOf = new Int32Array(sw);
  for (let i = 0; i < sw; i++) colOf[i] = Math.min(cols - 1, Math.floor((i * cols) / sw));
  for (let j = 0, o = 0; j < shh; j++) {
    const rowBase = Math.min(rows - 1, Math.floor((j * rows) / shh)) * cols;
    for (let i = 0; i < sw; i++, o++) {
      const l = label[o] as number;
      if (l > 0 && l <= incidents) {
        const cnt = counts[l - 1] as Uint32Array;
        const k = rowBase + (colOf[i] as number);
        cnt[k] = (cnt[k] as number) + 1;
      }
    }
  }
  const samplesIn = (a: number, n: number, cells: number): number =>
    Math.ceil(((a + 1) * n) / cells) - Math.ceil((a * n) / cells);
  const shares = counts.map((cnt) => {
    const out = new Uint8Array(cols * rows);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const k = r * cols + c;
        const v = cnt[k] as number;
        if (v > 0) out[k] = Math.max(1, Math.round((255 * v) / (samplesIn(c, sw, cols) * samplesIn(r, shh, rows))));
      }
    return out;
  });
  return { cols, rows, shares };
}
