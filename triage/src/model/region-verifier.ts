/**
 * The region verifier: a second stage that judges each candidate region of the segmentation decoder.
 * The cell map proposes regions at a low threshold (high recall); a tiny perceptron scores each proposal
 * from a fixed-length descriptor of the score maps in and around it, so that a look-alike (river bank,
 * shaded canopy, roofs, mist) whose cells score as high as an incident's can still be told apart by its
 * shape, its context and the other classes' scores. Only the model's output is used: any segmentation
 * model's manifest can carry a verifier without changing the ONNX graph.
 */

/** A connected region of one class on the cell map (cells are `y * w + x`). */
export interface CellRegion {
  /** Channel of the class in the score map. */
  channel: number;
  cells: number[];
  /** Cells at or above the seed threshold. */
  seeds: number;
  seedSum: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The descriptor's values for a score map of `nc` channels, in order (the manifest lists them). */
export function descriptorNames(nc: number): string[] {
  const perClass = ['mean', 'max', 'ringMean', 'ringMax', 'photoMean', 'photoMax'];
  return [
    ...Array.from({ length: nc }, (_, c) => perClass.map((n) => `c${c}.${n}`)).flat(),
    'logArea',
    'seedShare',
    'fill',
    'aspect',
    'touchesEdge',
    'centreY',
    'ownStd',
    'photoShare',
  ];
}

/** Cells within this many cells (Chebyshev) of a region, and not in it, are its ring (its context). */
const RING_CELLS = 2;

/**
 * The fixed-length descriptor of a region: per channel the mean and max score inside the region, in a ring
 * around it and over the whole photo; then its size, how much of its box it fills, its aspect, whether it
 * touches the photo's edge, its height in the frame, the spread of its own class's scores and its share of
 * the photo. `onPhoto` marks the cells on the photo (not letterbox padding).
 */
export function regionDescriptor(
  data: Float32Array,
  nc: number,
  h: number,
  w: number,
  region: CellRegion,
  onPhoto: Uint8Array,
): Float64Array {
  const plane = h * w;
  const out = new Float64Array(nc * 6 + 8);
  const inRegion = new Uint8Array(plane);
  for (const p of region.cells) inRegion[p] = 1;
  const ring: number[] = [];
  const x0 = Math.max(0, region.minX - RING_CELLS);
  const x1 = Math.min(w - 1, region.maxX + RING_CELLS);
  const y0 = Math.max(0, region.minY - RING_CELLS);
  const y1 = Math.min(h - 1, region.maxY + RING_CELLS);
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const p = y * w + x;
      if (inRegion[p] || !onPhoto[p]) continue;
      // near the region: some region cell within RING_CELLS
      let near = false;
      for (let dy = -RING_CELLS; dy <= RING_CELLS && !near; dy++)
        for (let dx = -RING_CELLS; dx <= RING_CELLS && !near; dx++) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx >= 0 && qx < w && qy >= 0 && qy < h && inRegion[qy * w + qx]) near = true;
        }
      if (near) ring.push(p);
    }
  let photoCells = 0;
  let pxMin = w;
  let pxMax = -1;
  let pyMin = h;
  let pyMax = -1;
  for (let p = 0; p < plane; p++)
    if (onPhoto[p]) {
      photoCells++;
      const x = p % w;
      const y = (p - x) / w;
      pxMin = Math.min(pxMin, x);
      pxMax = Math.max(pxMax, x);
      pyMin = Math.min(pyMin, y);
      pyMax = Math.max(pyMax, y);
    }
  const stats = (base: number, cells: number[]): [number, number] => meanMax(data, base, cells);
  for (let c = 0; c < nc; c++) {
    const base = c * plane;
    const [mean, max] = stats(base, region.cells);
    let photoSum = 0;
    let photoMax = 0;
    for (let p = 0; p < plane; p++)
      if (onPhoto[p]) {
        const v = data[base + p]!;
        photoSum += v;
        if (v > photoMax) photoMax = v;
      }
    const photoMean = photoCells ? photoSum / photoCells : 0;
    // A region that fills its surroundings has no ring: its context is the photo's.
    const [ringMean, ringMax] = ring.length ? stats(base, ring) : [photoMean, photoMax];
    out.set([mean, max, ringMean, ringMax, photoMean, photoMax], c * 6);
  }
  const area = region.cells.length;
  const bw = region.maxX - region.minX + 1;
  const bh = region.maxY - region.minY + 1;
  const own = region.channel * plane;
  const [ownMean] = stats(own, region.cells);
  let sq = 0;
  for (const p of region.cells) sq += (data[own + p]! - ownMean) ** 2;
  const touches = region.minX <= pxMin || region.maxX >= pxMax || region.minY <= pyMin || region.maxY >= pyMax ? 1 : 0;
  const g = nc * 6;
  out[g] = Math.log(area);
  out[g + 1] = region.seeds / area;
  out[g + 2] = area / (bw * bh);
  out[g + 3] = Math.min(bw, bh) / Math.max(bw, bh);
  out[g + 4] = touches;
  out[g + 5] = ((region.minY + region.maxY + 1) / 2 - pyMin) / Math.max(1, pyMax - pyMin + 1);
  out[g + 6] = Math.sqrt(sq / area);
  out[g + 7] = area / Math.max(1, photoCells);
  return out;
}

/** Mean and max of `data[base + p]` over `cells` (0, 0 when there are none). */
function meanMax(data: Float32Array, base: number, cells: number[]): [number, number] {
  let sum = 0;
  let max = 0;
  for (const p of cells) {
    const v = data[base + p]!;
    sum += v;
    if (v > max) max = v;
  }
  return [cells.length ? sum / cells.length : 0, max];
}

/** A verifier's perceptron: descriptor → (standardise) → hidden ReLU → one sigmoid. */
export interface VerifierNet {
  mean: number[];
  std: number[];
  /** `[inputs][hidden]` */
  w1: number[][];
  b1: number[];
  w2: number[];
  b2: number;
}

/** The verifier's probability that a region with this descriptor is an incident of its class. */
export function verifierScore(net: VerifierNet, x: ArrayLike<number>): number {
  const hidden = net.b1.slice();
  for (let i = 0; i < x.length; i++) {
    const v = (x[i]! - net.mean[i]!) / net.std[i]!;
    const row = net.w1[i]!;
    for (let j = 0; j < hidden.length; j++) hidden[j]! += v * row[j]!;
  }
  let z = net.b2;
  for (let j = 0; j < hidden.length; j++) if (hidden[j]! > 0) z += hidden[j]! * net.w2[j]!;
  return 1 / (1 + Math.exp(-z));
}
