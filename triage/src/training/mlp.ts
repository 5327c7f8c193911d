/**
 * A one-hidden-layer perceptron with independent sigmoid outputs (one per class), trained with Adam on
 * a weighted binary cross-entropy. Plain TypeScript: the head is small and the features are cached,
 * so a CPU fits it in minutes, deterministically for a given seed.
 */
import { seededRandom, shuffle } from './random.ts';

/** The head's weights. Inputs are standardised with `mean`/`std` first. */
export interface Mlp {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  mean: Float32Array;
  std: Float32Array;
  /** `[inputSize × hiddenSize]`, row-major by input. */
  w1: Float32Array;
  b1: Float32Array;
  /** `[hiddenSize × outputSize]`, row-major by hidden unit. */
  w2: Float32Array;
  b2: Float32Array;
}

/** Training samples: `x` row-major `[n × d]`, `y` targets in {0, 1} `[n × k]`, `w` per-target weights (0 = ignore). */
export interface Samples {
  n: number;
  d: number;
  k: number;
  x: Float32Array;
  y: Uint8Array;
  w: Float32Array;
}

export interface TrainMlpOptions {
  hiddenSize: number;
  epochs: number;
  learningRate: number;
  /** L2 weight decay on the weights (not the biases). */
  l2: number;
  batchSize: number;
  seed: number;
  /** Probability of dropping an input feature during training (robustness to any single cue). */
  inputDropout?: number;
  /** Inputs the head may use (1) or must leave out (0: their weights stay 0); default all. */
  inputMask?: Uint8Array;
  /** Weights to continue from (copied; its standardisation is kept) instead of a fresh start. */
  init?: Mlp;
  /** Called after each epoch with the mean training loss; return false to stop early. */
  onEpoch?: (epoch: number, loss: number, mlp: Mlp) => boolean | void;
}

/** Per-feature mean and standard deviation (std floored so constant features stay finite). */
export function standardisation(s: Samples): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(s.d);
  const sq = new Float64Array(s.d);
  for (let r = 0; r < s.n; r++)
    for (let i = 0; i < s.d; i++) {
      const v = s.x[r * s.d + i]!;
      mean[i]! += v;
      sq[i]! += v * v;
    }
  const m = new Float32Array(s.d);
  const sd = new Float32Array(s.d);
  for (let i = 0; i < s.d; i++) {
    m[i] = mean[i]! / s.n;
    sd[i] = Math.max(1e-3, Math.sqrt(Math.max(0, sq[i]! / s.n - m[i]! * m[i]!)));
  }
  return { mean: m, std: sd };
}

/**
 * The same function as `m` on inputs standardised with `mean`/`std` instead of its own: a warm start then
 * sees its inputs as a fresh fit on those samples would (first-layer weights rescaled, offsets in the biases).
 */
export function withStandardisation(m: Mlp, { mean, std }: { mean: Float32Array; std: Float32Array }): Mlp {
  const { inputSize: d, hiddenSize: h } = m;
  const w1 = new Float32Array(d * h);
  const b1 = Float64Array.from(m.b1);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < h; j++) {
      // (x − m0)/s0 · w = (x − m)/s · (w·s/s0) + (m − m0)/s0 · w
      const u = m.w1[i * h + j]! / m.std[i]!;
      w1[i * h + j] = u * std[i]!;
      b1[j]! += (mean[i]! - m.mean[i]!) * u;
    }
  return {
    ...m,
    mean: Float32Array.from(mean),
    std: Float32Array.from(std),
    w1,
    b1: Float32Array.from(b1),
    w2: Float32Array.from(m.w2),
    b2: Float32Array.from(m.b2),
  };
}

/** Class probabilities for one feature vector (`out` gets `outputSize` values). */
export function mlpForward(m: Mlp, x: Float32Array, xOffset = 0, out = new Float32Array(m.outputSize)): Float32Array {
  const { inputSize: d, hiddenSize: h, outputSize: k } = m;
  const hidden = new Float64Array(h);
  for (let j = 0; j < h; j++) hidden[j] = m.b1[j]!;
  for (let i = 0; i < d; i++) {
    const v = (x[xOffset + i]! - m.mean[i]!) / m.std[i]!;
    if (v === 0) continue;
    const row = i * h;
    for (let j = 0; j < h; j++) hidden[j]! += v * m.w1[row + j]!;
  }
  for (let c = 0; c < k; c++) {
    let z = m.b2[c]!;
    for (let j = 0; j < h; j++) if (hidden[j]! > 0) z += hidden[j]! * m.w2[j * k + c]!;
    out[c] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

/** Fits an MLP to the samples. Deterministic for a given seed. */
export function trainMlp(s: Samples, o: TrainMlpOptions): Mlp {
  const { d, k } = s;
  const h = o.hiddenSize;
  const rnd = seededRandom(o.seed);
  const { mean, std } = o.init ? { mean: o.init.mean, std: o.init.std } : standardisation(s);
  // He initialisation for the ReLU layer, small for the output.
  const gauss = (): number => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const m: Mlp = {
    inputSize: d,
    hiddenSize: h,
    outputSize: k,
    mean,
    std,
    w1: Float32Array.from({ length: d * h }, () => gauss() * Math.sqrt(2 / d)),
    b1: new Float32Array(h),
    w2: Float32Array.from({ length: h * k }, () => gauss() * Math.sqrt(1 / h)),
    b2: new Float32Array(k),
  };
  if (o.init) {
    m.w1 = Float32Array.from(o.init.w1);
    m.b1 = Float32Array.from(o.init.b1);
    m.w2 = Float32Array.from(o.init.w2);
    m.b2 = Float32Array.from(o.init.b2);
  }
  const mask = o.inputMask;
  if (mask) for (let i = 0; i < d; i++) if (!mask[i]) m.w1.fill(0, i * h, (i + 1) * h);
  const params = [m.w1, m.b1, m.w2, m.b2];
  const decay = [o.l2, 0, o.l2, 0];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const [gw1, gb1, gw2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  const order = new Uint32Array(s.n).map((_, i) => i);
  // Inputs standardised once; dropout draws come from a seeded table (a generator call per input is slow).
  const xStd = new Float32Array(s.n * d);
  // A left-out input is 0 after standardisation: no gradient reaches its (zero) weights.
  for (let r = 0; r < s.n; r++)
    for (let i = 0; i < d; i++) xStd[r * d + i] = mask && !mask[i] ? 0 : (s.x[r * d + i]! - mean[i]!) / std[i]!;
  const dropTable = Float32Array.from({ length: 65_521 }, () => rnd());
  let dropAt = 0;
  const xs = new Float64Array(d);
  const hidden = new Float64Array(h);
  const dh = new Float64Array(h);
  const dz = new Float64Array(k);
  const keep = 1 - (o.inputDropout ?? 0);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rnd);
    let lossSum = 0;
    let weightSum = 0;
    for (let start = 0; start < s.n; start += o.batchSize) {
      const end = Math.min(s.n, start + o.batchSize);
      for (const gr of grads) gr.fill(0);
      let batchWeight = 0;
      for (let q = start; q < end; q++) {
        const r = order[q]!;
        const row0 = r * d;
        if (keep < 1) {
          for (let i = 0; i < d; i++) {
            xs[i] = dropTable[dropAt]! < keep ? xStd[row0 + i]! / keep : 0;
            if (++dropAt === dropTable.length) dropAt = 0;
          }
        } else for (let i = 0; i < d; i++) xs[i] = xStd[row0 + i]!;
        for (let j = 0; j < h; j++) hidden[j] = m.b1[j]!;
        for (let i = 0; i < d; i++) {
          const v = xs[i]!;
          if (v === 0) continue;
          const row = i * h;
          for (let j = 0; j < h; j++) hidden[j]! += v * m.w1[row + j]!;
        }
        for (let j = 0; j < h; j++) if (hidden[j]! < 0) hidden[j] = 0;
        let any = false;
        for (let c = 0; c < k; c++) {
          const wt = s.w[r * k + c]!;
          if (wt === 0) {
            dz[c] = 0;
            continue;
          }
          any = true;
          let z = m.b2[c]!;
          for (let j = 0; j < h; j++) z += hidden[j]! * m.w2[j * k + c]!;
          const p = 1 / (1 + Math.exp(-z));
          const t = s.y[r * k + c]!;
          lossSum -= wt * (t ? Math.log(p + 1e-7) : Math.log(1 - p + 1e-7));
          weightSum += wt;
          batchWeight += wt;
          dz[c] = wt * (p - t);
        }
        if (!any) continue;
        for (let j = 0; j < h; j++) {
          let g = 0;
          const hj = hidden[j]!;
          for (let c = 0; c < k; c++) {
            g += dz[c]! * m.w2[j * k + c]!;
            gw2[j * k + c]! += dz[c]! * hj;
          }
          dh[j] = hj > 0 ? g : 0;
        }
        for (let c = 0; c < k; c++) gb2[c]! += dz[c]!;
        for (let j = 0; j < h; j++) gb1[j]! += dh[j]!;
        for (let i = 0; i < d; i++) {
          const v = xs[i]!;
          if (v === 0) continue;
          const row = i * h;
          for (let j = 0; j < h; j++) gw1[row + j]! += v * dh[j]!;
        }
      }
      if (batchWeight === 0) continue;
      step++;
      const lr = (o.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let p = 0; p < params.length; p++) {
        const w = params[p]!;
        const gr = grads[p]!;
        const a = m1[p]!;
        const b = m2[p]!;
        const l2 = decay[p]!;
        for (let i = 0; i < w.length; i++) {
          const g = gr[i]! / batchWeight + l2 * w[i]!;
          a[i] = beta1 * a[i]! + (1 - beta1) * g;
          b[i] = beta2 * b[i]! + (1 - beta2) * g * g;
          w[i] = w[i]! - (lr * a[i]!) / (Math.sqrt(b[i]!) + 1e-8);
        }
      }
    }
    if (o.onEpoch?.(epoch, lossSum / Math.max(1e-9, weightSum), m) === false) break;
  }
  return m;
}
