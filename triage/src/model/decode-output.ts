/**
 * Model outputs → detections in model-input pixels, per output kind.
 */
import { boxGrowFor, thresholdFor } from './manifest.ts';
import type { ModelManifest, TriageClass } from './manifest.ts';
import type { PixelDetection } from './nms.ts';
import { regionDescriptor, verifierScore } from './region-verifier.ts';
import type { CellRegion } from './region-verifier.ts';

/** The mapped classes of a manifest as [model index, our class] pairs. */
export function mappedClasses(m: ModelManifest): [number, TriageClass][] {
  return Object.entries(m.classMap).map(([k, v]) => [Number(k), v]);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Checks an output shape against the manifest; returns a message when it does not fit.
 * yolov8 `[1, 4+nc, N]` (or transposed `[1, N, 4+nc]`), classifier `[1, nc]`, segmentation `[1, nc, h, w]`.
 */
export function outputShapeProblem(m: ModelManifest, dims: readonly number[]): string | null {
  const nc = m.numClasses;
  const got = `[${dims.join(', ')}]`;
  switch (m.output.kind) {
    case 'yolov8':
      return dims.length === 3 && dims[0] === 1 && (dims[1] === 4 + nc || dims[2] === 4 + nc)
        ? null
        : `yolov8 输出应为 [1, ${4 + nc}, N] / yolov8 output must be [1, ${4 + nc}, N] for ${nc} classes, got ${got}`;
    case 'classifier':
      return dims.length === 2 && dims[0] === 1 && dims[1] === nc
        ? null
        : `classifier 输出应为 [1, ${nc}] / classifier output must be [1, ${nc}], got ${got}`;
    case 'segmentation':
      return dims.length === 4 && dims[0] === 1 && dims[1] === nc
        ? null
        : `segmentation 输出应为 [1, ${nc}, H, W] / segmentation output must be [1, ${nc}, H, W], got ${got}`;
  }
}

/** YOLOv8/YOLO11 detection head → boxes (cx, cy, w, h in input pixels) with the best mapped class. */
export function decodeYolov8(m: ModelManifest, data: Float32Array, dims: readonly number[]): PixelDetection[] {
  const nc = m.numClasses;
  const transposed = dims[1] !== 4 + nc;
  const n = transposed ? dims[1]! : dims[2]!;
  const at = transposed
    ? (attr: number, i: number) => data[i * (4 + nc) + attr]!
    : (attr: number, i: number) => data[attr * n + i]!;
  const classes = mappedClasses(m).map(([idx, cls]) => ({ idx, cls, thr: thresholdFor(m, cls) }));
  const out: PixelDetection[] = [];
  for (let i = 0; i < n; i++) {
    let best: (typeof classes)[number] | null = null;
    let bestScore = -Infinity;
    for (const c of classes) {
      let s = at(4 + c.idx, i);
      if (m.output.activation === 'sigmoid') s = sigmoid(s);
      if (s >= c.thr && s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    if (!best) continue;
    const w = at(2, i);
    const h = at(3, i);
    out.push({
      cls: best.cls,
      modelClass: best.idx,
      score: bestScore,
      box: { x: at(0, i) - w / 2, y: at(1, i) - h / 2, width: w, height: h },
    });
  }
  return out;
}

/** Classifier: one detection covering the whole input per mapped class above its threshold. */
export function decodeClassifier(m: ModelManifest, data: Float32Array): PixelDetection[] {
  const out: PixelDetection[] = [];
  for (const [idx, cls] of mappedClasses(m)) {
    let s = data[idx]!;
    if (m.output.activation === 'sigmoid') s = sigmoid(s);
    if (s >= thresholdFor(m, cls))
      out.push({
        cls,
        modelClass: idx,
        score: s,
        box: { x: 0, y: 0, width: m.input.widthPx, height: m.input.heightPx },
      });
  }
  return out;
}

/** The part of the model input that holds the photo (the rest is letterbox padding), in input pixels. */
export interface InputContent {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Which output cells lie on the photo: those whose centre is inside `content` (all when it is not given).
 * Letterbox padding is a flat grey the model never saw in training: its edge looks like a river bank or a
 * smoke front, and a detection there is a detection of nothing.
 */
export function contentCells(m: ModelManifest, h: number, w: number, content?: InputContent): Uint8Array {
  const on = new Uint8Array(w * h).fill(1);
  if (!content) return on;
  const sx = m.input.widthPx / w;
  const sy = m.input.heightPx / h;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const cx = (x + 0.5) * sx;
      const cy = (y + 0.5) * sy;
      if (cx < content.x || cx > content.x + content.width || cy < content.y || cy > content.y + content.height)
        on[y * w + x] = 0;
    }
  return on;
}

/**
 * Depth-first flood over 4-neighbours from the cells on `stack` (already marked in `seen`) into the cells
 * `joins` takes; `visit` sees every cell reached once, in the order they leave the stack.
 */
function flood(
  stack: number[],
  seen: Uint8Array,
  h: number,
  w: number,
  joins: (q: number) => boolean,
  visit: (p: number, x: number, y: number) => void,
): void {
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % w;
    const y = (p - x) / w;
    visit(p, x, y);
    for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
      if (q >= 0 && !seen[q] && joins(q)) {
        seen[q] = 1;
        stack.push(q);
      }
    }
  }
}

/**
 * Connected regions (4-neighbour) of one channel of a score map: seeded by cells at or above `seed`, grown
 * over connected cells at or above `grow`; cells that `prob` gives 0 (letterbox padding) never join one.
 */
export function cellRegions(
  prob: (p: number) => number,
  channel: number,
  h: number,
  w: number,
  seed: number,
  grow: number,
): CellRegion[] {
  const out: CellRegion[] = [];
  const seen = new Uint8Array(w * h);
  for (let p0 = 0; p0 < w * h; p0++) {
    if (seen[p0] || prob(p0) < seed) continue;
    const r: CellRegion = { channel, cells: [], seeds: 0, seedSum: 0, minX: w, minY: h, maxX: -1, maxY: -1 };
    seen[p0] = 1;
    flood(
      [p0],
      seen,
      h,
      w,
      (q) => prob(q) >= grow,
      (p, x, y) => {
        const v = prob(p);
        if (v >= seed) {
          r.seedSum += v;
          r.seeds++;
        }
        r.cells.push(p);
        if (x < r.minX) r.minX = x;
        if (x > r.maxX) r.maxX = x;
        if (y < r.minY) r.minY = y;
        if (y > r.maxY) r.maxY = y;
      },
    );
    out.push(r);
  }
  return out;
}

/**
 * The bounding cells of `r` grown over connected cells at or above `level` (4-neighbour; cells `prob` gives 0
 * never join): a kept region's box taking in the rest of its object (`output.boxGrow`).
 */
export function grownBounds(
  prob: (p: number) => number,
  r: CellRegion,
  h: number,
  w: number,
  level: number,
): { minX: number; minY: number; maxX: number; maxY: number } {
  const b = { minX: r.minX, minY: r.minY, maxX: r.maxX, maxY: r.maxY };
  const seen = new Uint8Array(w * h);
  for (const p of r.cells) seen[p] = 1;
  flood(
    [...r.cells],
    seen,
    h,
    w,
    (q) => prob(q) >= level && prob(q) > 0,
    (_p, x, y) => {
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
    },
  );
  return b;
}

/**
 * Segmentation: connected regions (4-neighbour) per mapped class → boxes. A region is seeded by cells at or
 * above the threshold and grows over connected cells at or above threshold × `regionGrow`; it is kept when it
 * has at least `minAreaCells` cells and at least the class's `minSeedCells` seeds. Score = mean of its seed
 * cells (so it passes the threshold). Cells outside `content` (letterbox padding) are never part of a region.
 *
 * A kept region's box then extends over connected cells down to threshold × the class's `boxGrow` (when below
 * `regionGrow`): the box takes in more of the object, what is kept and its score do not change.
 *
 * A class with a region verifier (`output.verifier`) is proposed at the verifier's lower threshold and seed
 * count instead, and a proposal is kept when the verifier scores it at or above the verifier's threshold;
 * its score is then the verifier's.
 */
export function decodeSegmentation(
  m: ModelManifest,
  data: Float32Array,
  dims: readonly number[],
  content?: InputContent,
): PixelDetection[] {
  const h = dims[2]!;
  const w = dims[3]!;
  const sx = m.input.widthPx / w;
  const sy = m.input.heightPx / h;
  const out: PixelDetection[] = [];
  const onPhoto = contentCells(m, h, w, content);
  // The verifier reads probabilities of every channel, padding included as the model gave it.
  const probs =
    m.output.activation === 'sigmoid' ? Float32Array.from(data.subarray(0, m.numClasses * w * h), sigmoid) : data;
  for (const [idx, cls] of mappedClasses(m)) {
    const verifier = m.output.verifier?.[cls];
    const thr = verifier ? verifier.proposalThreshold : thresholdFor(m, cls);
    const minSeeds = verifier ? verifier.minSeedCells : (m.output.minSeedCells[cls] ?? 1);
    const base = idx * w * h;
    const prob = (p: number): number => (onPhoto[p] ? probs[base + p]! : 0);
    for (const r of cellRegions(prob, idx, h, w, thr, thr * m.output.regionGrow)) {
      if (r.cells.length < m.output.minAreaCells || r.seeds < minSeeds) continue;
      let score = r.seedSum / r.seeds;
      if (verifier) {
        score = verifierScore(verifier, regionDescriptor(probs, m.numClasses, h, w, r, onPhoto));
        if (score < verifier.threshold) continue;
      }
      const boxGrow = boxGrowFor(m, cls);
      const b = boxGrow < m.output.regionGrow ? grownBounds(prob, r, h, w, thr * boxGrow) : r;
      out.push({
        cls,
        modelClass: idx,
        score,
        box: {
          x: b.minX * sx,
          y: b.minY * sy,
          width: (b.maxX - b.minX + 1) * sx,
          height: (b.maxY - b.minY + 1) * sy,
        },
      });
    }
  }
  return out;
}
