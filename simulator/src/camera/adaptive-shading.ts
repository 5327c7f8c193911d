/**
 * Which shading samples of a photo are shaded and which are interpolated between shaded ones
 * (hierarchical adaptive shading). Three levels:
 * 1. the coarse lattice, every 4th sample of every 4th row (and the last row and column), is shaded;
 * 2. a coarse cell whose four corners agree (ground, one label, colours within COARSE_REL, none
 *    flagged `fine` by the shader: near an incident, in smoke, near a thin line such as a field ridge
 *    that could pass between them) and whose neighbours' corners show
 *    the same label is interpolated whole; elsewhere the samples of the every-other lattice inside it
 *    are shaded;
 * 3. in those cells, the samples between every-other-lattice samples are shaded only where those
 *    differ: a cell's centre when its four corners do, a sample on a cell edge when the edge's two
 *    ends do too (only between cells with no incident corner: an incident's rim is shaded sample by
 *    sample, so its box and pixel count are those of shading every sample; nor in cells a thin line
 *    passes by, which a line one sample wide would slip through).
 * Interpolated samples take the label of a corner they are interpolated from; the caller adds the
 * ground's fine grain to them (`interpolated`), since their corners must stay without it.
 */

export interface ShadingBuffers {
  /** Shading grid size (samples). */
  sw: number;
  shh: number;
  /** Per sample: linear colour (3). */
  lin: Float32Array;
  /** Per sample: ground point x, y (x NaN = sky) and 1 / grain texel. */
  gxy: Float32Array;
  /** Per sample: grain amount. */
  grain: Float32Array;
  /** Per sample: incident index + 1 > 0, −(hard-negative kind + 1) < 0, 0 none. */
  label: Int16Array;
  /**
   * Per sample, set by the shader: 1 where a coarse cell must be refined (near an incident, in smoke, a
   * thin line within the coarse spacing), 2 (THIN) where a thin line passes within the every-other
   * lattice's spacing: the cells around it are shaded sample by sample.
   */
  fine: Uint8Array;
  /** Per sample, optional: a value that goes with the label (an outfall's contrast), copied like it. */
  contrast?: Float32Array;
}

/** `fine` value of a sample close to a line narrower than two samples (scene/surface.ts, thinLineMark's 2). */
export const THIN = 2;

export interface AdaptiveOptions {
  /** false: shade every sample. */
  adaptive: boolean;
  /** false: start from the every-other lattice (no coarse level). */
  coarse: boolean;
}

/**
 * Fill every sample of `b`: shade those that need it through `shadeList` (offsets j·sw + i, in rows),
 * interpolate the others. Returns the per-sample flag of interpolated samples.
 */
export function shadeAdaptive(
  b: ShadingBuffers,
  shadeList: (list: Int32Array, count: number) => void,
  opts: AdaptiveOptions,
): Uint8Array {
  const { sw, shh, lin, gxy, grain, label, fine, contrast } = b;
  const n = sw * shh;
  const interpolated = new Uint8Array(n);
  const todo = new Int32Array(sw);
  if (!opts.adaptive || sw < 3 || shh < 3) {
    for (let j = 0; j < shh; j++) {
      for (let i = 0; i < sw; i++) todo[i] = j * sw + i;
      shadeList(todo, sw);
    }
    return interpolated;
  }
  const S = opts.coarse ? 4 : 2;
  // Coarse cells: columns x0 = S·c … x1 = min(S·c + S, sw − 1), rows likewise.
  const cw4 = latticeCount(sw, S);
  const ch4 = latticeCount(shh, S);
  const onCoarseCol = (i: number): boolean => i % S === 0 || i === sw - 1;
  const onCoarseRow = (j: number): boolean => j % S === 0 || j === shh - 1;
  // The coarse cells that contain each column (a lattice column is shared by two), and row.
  const { lo: colLo, hi: colHi } = coarseCellsOf(sw, cw4, S);
  const { lo: rowLo, hi: rowHi } = coarseCellsOf(shh, ch4, S);

  const smooth4 = new Uint8Array((cw4 - 1) * (ch4 - 1));
  const cw = latticeCount(sw, 2);
  const ch = latticeCount(shh, 2);
  const smoothCell = new Uint8Array((cw - 1) * (ch - 1));
  const clearCell = new Uint8Array((cw - 1) * (ch - 1));
  // Per row: whether each sample lies only in coarse cells interpolated whole (a sample on a coarse
  // lattice line lies in two or four), worked out once per row rather than per sample.
  const cellSmooth = new Uint8Array(cw4);
  const rowSmooth = new Uint8Array(sw);
  const markSmoothRow = (j: number): void => {
    const a = (rowLo[j] as number) * (cw4 - 1);
    const b = (rowHi[j] as number) * (cw4 - 1);
    for (let c = 0; c + 1 < cw4; c++) cellSmooth[c] = (smooth4[a + c] as number) & (smooth4[b + c] as number);
    for (let i = 0; i < sw; i++)
      rowSmooth[i] = (cellSmooth[colLo[i] as number] as number) & (cellSmooth[colHi[i] as number] as number);
  };
  /** Interpolate sample (i, j) bilinearly from the cell with corner columns x0, x1 and rows y0, y1. */
  const interpolate = (i: number, j: number, x0: number, x1: number, y0: number, y1: number, level = 1): void => {
    const fu = (i - x0) / (x1 - x0);
    const fv = (j - y0) / (y1 - y0);
    const k00 = y0 * sw + x0;
    const k10 = y0 * sw + x1;
    const k01 = y1 * sw + x0;
    const k11 = y1 * sw + x1;
    // The sample whose label and grain texel it takes: one it is interpolated from (weight > 0).
    const ks = fu < 1 ? (fv < 1 ? k00 : k01) : fv < 1 ? k10 : k11;
    const w00 = (1 - fu) * (1 - fv);
    const w10 = fu * (1 - fv);
    const w01 = (1 - fu) * fv;
    const w11 = fu * fv;
    const o = j * sw + i;
    gxy[o * 3] =
      (gxy[k00 * 3] as number) * w00 +
      (gxy[k10 * 3] as number) * w10 +
      (gxy[k01 * 3] as number) * w01 +
      (gxy[k11 * 3] as number) * w11;
    gxy[o * 3 + 1] =
      (gxy[k00 * 3 + 1] as number) * w00 +
      (gxy[k10 * 3 + 1] as number) * w10 +
      (gxy[k01 * 3 + 1] as number) * w01 +
      (gxy[k11 * 3 + 1] as number) * w11;
    gxy[o * 3 + 2] = gxy[ks * 3 + 2] as number;
    grain[o] =
      (grain[k00] as number) * w00 +
      (grain[k10] as number) * w10 +
      (grain[k01] as number) * w01 +
      (grain[k11] as number) * w11;
    label[o] = label[ks] as number;
    if (contrast) contrast[o] = contrast[ks] as number;
    for (let ch = 0; ch < 3; ch++)
      lin[o * 3 + ch] =
        (lin[k00 * 3 + ch] as number) * w00 +
        (lin[k10 * 3 + ch] as number) * w10 +
        (lin[k01 * 3 + ch] as number) * w01 +
        (lin[k11 * 3 + ch] as number) * w11;
    interpolated[o] = level;
  };
  const interpolateCoarse = (i: number, j: number): void => {
    const c = colHi[i] as number;
    const r = rowHi[j] as number;
    interpolate(i, j, S * c, Math.min(S * c + S, sw - 1), S * r, Math.min(S * r + S, shh - 1), 2);
  };
  const onFineCol = (i: number): boolean => (i & 1) === 0 || i === sw - 1;
  const onFineRow = (j: number): boolean => (j & 1) === 0 || j === shh - 1;

  /** 1. Shade row r of the coarse lattice. */
  const shadeCoarseRow = (r: number): void => {
    const j = Math.min(S * r, shh - 1);
    for (let c = 0; c < cw4; c++) todo[c] = j * sw + Math.min(S * c, sw - 1);
    shadeList(todo, cw4);
  };
  // A cell is interpolated whole only where the coarse samples of it and its eight neighbours show
  // one label: a label's outline (a hard negative's, smoke's) is refined on both sides, so a part of
  // it that pokes between coarse samples is still found.
  const labelMixed = (r: number, c: number): boolean => {
    const l = label[Math.min(S * r, shh - 1) * sw + Math.min(S * c, sw - 1)] as number;
    for (let rr = Math.max(0, r - 1); rr <= Math.min(ch4 - 1, r + 2); rr++) {
      const row = Math.min(S * rr, shh - 1) * sw;
      for (let cc = Math.max(0, c - 1); cc <= Math.min(cw4 - 1, c + 2); cc++)
        if (label[row + Math.min(S * cc, sw - 1)] !== l) return true;
    }
    return false;
  };
  /** 2. Which coarse cells of band r (between coarse rows r and r + 1) are interpolated whole. */
  const decideCoarseBand = (r: number): void => {
    const r0 = S * r * sw;
    const r1 = Math.min(S * r + S, shh - 1) * sw;
    for (let c = 0; c + 1 < cw4; c++) {
      const x0 = S * c;
      const x1 = Math.min(S * c + S, sw - 1);
      const forced = fine[r0 + x0] || fine[r0 + x1] || fine[r1 + x0] || fine[r1 + x1] || labelMixed(r, c);
      smooth4[r * (cw4 - 1) + c] = !forced && cornersAgree(lin, gxy, label, r0, r1, x0, x1, COARSE_REL) ? 1 : 0;
    }
  };
  /** 3. Row j of the every-other lattice, off the coarse one: shaded unless its coarse cells all agree. */
  const fineLatticeRow = (j: number): void => {
    const coarseRow = onCoarseRow(j);
    markSmoothRow(j);
    let m = 0;
    for (let i = 0; i < sw; i++) {
      if (!onFineCol(i) || (coarseRow && onCoarseCol(i))) continue;
      if (rowSmooth[i] === 1) interpolateCoarse(i, j);
      else todo[m++] = j * sw + i;
    }
    shadeList(todo, m);
  };
  /** The four-corner and no-incident flags of the every-other lattice's cells on cell row cj. */
  const decideFineCells = (cj: number): void => {
    const r0 = 2 * cj * sw;
    const r1 = Math.min(2 * cj + 2, shh - 1) * sw;
    for (let ci = 0; ci + 1 < cw; ci++) {
      const x0 = 2 * ci;
      const x1 = Math.min(2 * ci + 2, sw - 1);
      const k = cj * (cw - 1) + ci;
      // A thin line passes by (fine 2): every sample of the cell is shaded, or a line narrower than the
      // lattice's spacing that slips between its samples would be interpolated away.
      const thin = fine[r0 + x0] === THIN || fine[r0 + x1] === THIN || fine[r1 + x0] === THIN || fine[r1 + x1] === THIN;
      smoothCell[k] = !thin && cornersAgree(lin, gxy, label, r0, r1, x0, x1) ? 1 : 0;
      clearCell[k] =
        !thin &&
        (label[r0 + x0] as number) <= 0 &&
        (label[r0 + x1] as number) <= 0 &&
        (label[r1 + x0] as number) <= 0 &&
        (label[r1 + x1] as number) <= 0
          ? 1
          : 0;
    }
  };
  /** 4. The samples of row j between the every-other lattice's: the four-corner and edge rules. */
  const betweenRow = (j: number): void => {
    markSmoothRow(j);
    const rowOnLattice = onFineRow(j);
    const cj = Math.min(ch - 2, j >> 1);
    const y0 = 2 * cj;
    const y1 = Math.min(2 * cj + 2, shh - 1);
    let m = 0;
    for (let i = 0; i < sw; i++) {
      const colOnLattice = onFineCol(i);
      if (rowOnLattice && colOnLattice) continue;
      if (rowSmooth[i] === 1) {
        interpolateCoarse(i, j);
        continue;
      }
      const ci = Math.min(cw - 2, i >> 1);
      const x0 = 2 * ci;
      const x1 = Math.min(2 * ci + 2, sw - 1);
      const k = cj * (cw - 1) + ci;
      // A sample on a lattice row or column lies between two lattice samples: it is interpolated
      // when its cell's four corners agree, or else when those two do (an edge that passes by).
      const smooth =
        smoothCell[k] === 1 ||
        (clearCell[k] === 1 &&
          (rowOnLattice
            ? (j !== y0 || cj === 0 || clearCell[k - (cw - 1)] === 1) &&
              pairAgree(lin, gxy, label, j * sw + x0, j * sw + x1)
            : colOnLattice &&
              (i !== x0 || ci === 0 || clearCell[k - 1] === 1) &&
              pairAgree(lin, gxy, label, y0 * sw + i, y1 * sw + i)));
      if (smooth) interpolate(i, j, x0, x1, y0, y1);
      else todo[m++] = j * sw + i;
    }
    shadeList(todo, m);
  };

  // Band by band, so that the samples shaded in a band read the textures and rasters its lattice
  // samples just read, while those are still in the cache. A coarse band is decided once the coarse
  // rows around it are shaded (its neighbours' labels count): two coarse rows behind the shading.
  let nextRow = 0;
  let fineCellRows = 0;
  for (let t = 0; t < ch4 + 2; t++) {
    if (t < ch4) shadeCoarseRow(t);
    const r = t - 2;
    if (r < 0 || r > ch4 - 2) continue;
    if (opts.coarse) {
      decideCoarseBand(r);
      for (let j = S * r; j <= Math.min(S * r + S, shh - 1); j++)
        if ((rowHi[j] as number) === r && onFineRow(j)) fineLatticeRow(j);
    }
    // Then the rows whose every-other-lattice cells are complete (their lower row decided).
    while (nextRow < shh) {
      const cj = Math.min(ch - 2, nextRow >> 1);
      if ((rowHi[Math.min(2 * cj + 2, shh - 1)] as number) > r) break;
      while (fineCellRows <= cj) decideFineCells(fineCellRows++);
      betweenRow(nextRow++);
    }
  }
  return interpolated;
}

/** Lattice samples along a side of n shading samples: every step-th one, and the last. */
function latticeCount(n: number, step: number): number {
  return n < 2 ? 1 : Math.ceil((n - 1) / step) + 1;
}

/**
 * Colour difference between lattice corners below which the samples between them are
 * interpolated: a share of their mean level plus a floor for dark ground (linear light).
 */
const REFINE_REL = 0.08;
const REFINE_ABS = 0.004;
/**
 * The same for the corners of a coarse cell, which decide 4 × 4 samples at once: a little looser than
 * REFINE_REL (0.16 smeared the furrows of ploughed fields; 0.1 keeps them).
 */
const COARSE_REL = 0.1;

/**
 * Whether the four lattice corners (rows r0, r1 as sample offsets, columns x0, x1) are alike enough
 * to interpolate between: all ground, one label, and colours within REFINE_REL of each other.
 */
function cornersAgree(
  lin: Float32Array,
  gxy: Float32Array,
  label: Int16Array,
  r0: number,
  r1: number,
  x0: number,
  x1: number,
  rel = REFINE_REL,
): boolean {
  const k00 = r0 + x0;
  const k10 = r0 + x1;
  const k01 = r1 + x0;
  const k11 = r1 + x1;
  const l = label[k00] as number;
  if (label[k10] !== l || label[k01] !== l || label[k11] !== l) return false;
  // Sky has no ground point (x is NaN, the one value not equal to itself): always shaded.
  const a = gxy[k00 * 3] as number;
  const b = gxy[k10 * 3] as number;
  const c = gxy[k01 * 3] as number;
  const d = gxy[k11 * 3] as number;
  if (a !== a || b !== b || c !== c || d !== d) return false;
  for (let ch = 0; ch < 3; ch++) {
    const p = lin[k00 * 3 + ch] as number;
    const q = lin[k10 * 3 + ch] as number;
    const r = lin[k01 * 3 + ch] as number;
    const s = lin[k11 * 3 + ch] as number;
    const mx = Math.max(p, q, r, s);
    const mn = Math.min(p, q, r, s);
    if (mx - mn > rel * (p + q + r + s) * 0.25 + REFINE_ABS) return false;
  }
  return true;
}

/** Whether two lattice samples (offsets ka, kb) agree: both ground, one label, colours within REFINE_REL. */
function pairAgree(lin: Float32Array, gxy: Float32Array, label: Int16Array, ka: number, kb: number): boolean {
  if (label[ka] !== label[kb]) return false;
  const a = gxy[ka * 3] as number;
  const b = gxy[kb * 3] as number;
  if (a !== a || b !== b) return false;
  for (let ch = 0; ch < 3; ch++) {
    const p = lin[ka * 3 + ch] as number;
    const q = lin[kb * 3 + ch] as number;
    if (Math.abs(p - q) > REFINE_REL * (p + q) * 0.5 + REFINE_ABS) return false;
  }
  return true;
}

/** For each of `n` samples along one axis, the first and last of the coarse cells (step `S`, `lattice` points) it lies in. */
function coarseCellsOf(n: number, lattice: number, S: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.min(lattice - 2, (i / S) | 0);
    hi[i] = c;
    lo[i] = i === S * c && c > 0 ? c - 1 : c;
  }
  return { lo, hi };
}
