/**
 * The region verifier: its forward pass equals the trainer's, the manifest refuses a malformed block with
 * the path and the reason, and the decoder drops a proposal the verifier scores low.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TriageStartupError } from '../src/issues.ts';
import { decodeSegmentation } from '../src/model/decode-output.ts';
import { loadManifest, parseManifest } from '../src/model/manifest.ts';
import type { ModelManifestInput } from '../src/model/manifest.ts';
import { descriptorNames, regionDescriptor, verifierScore } from '../src/model/region-verifier.ts';
import type { VerifierNet } from '../src/model/region-verifier.ts';
import {
  chooseVerifierThreshold,
  fitRegionVerifiers,
  fitVerifierNet,
  labelledProposals,
  onLabelledBox,
  verifierNet,
} from '../src/training/fit-verifier.ts';
import type { InputBox } from '../src/training/cell-targets.ts';
import type { Proposal, ScoredLabelledPhoto } from '../src/training/fit-verifier.ts';
import { mlpForward } from '../src/training/mlp.ts';
import { seededRandom } from '../src/training/random.ts';

const NAMES = descriptorNames(3);
const D = NAMES.length;
const LOG_AREA = NAMES.indexOf('logArea');

/** A verifier whose score rises with the region's area: sigmoid(4 · (logArea − log 4)). */
function areaNet(): VerifierNet {
  return {
    mean: new Array<number>(D).fill(0),
    std: new Array<number>(D).fill(1),
    w1: Array.from({ length: D }, (_, i) => [i === LOG_AREA ? 1 : 0, i === LOG_AREA ? -1 : 0]),
    b1: [-Math.log(4), Math.log(4)],
    w2: [4, -4],
    b2: 0,
  };
}

function manifest(verifier?: Record<string, unknown>): ModelManifestInput {
  return {
    name: 't',
    model: 't.onnx',
    input: { widthPx: 80, heightPx: 40 },
    output: { kind: 'segmentation', minAreaCells: 1, regionGrow: 0.5, ...(verifier ? { verifier } : {}) },
    numClasses: 3,
    classMap: { '0': 'straw_burning', '1': 'sewage_outfall', '2': 'exposed_slope' },
    thresholds: { straw_burning: 0.8, sewage_outfall: 0.8, exposed_slope: 0.8 },
  };
}

function block(net: VerifierNet = areaNet(), threshold = 0.5) {
  return { descriptor: NAMES, proposalThreshold: 0.4, minSeedCells: 1, threshold, ...net };
}

// 8×4 cells. Class 0: a 2×3 patch at 0.6 (below the cell threshold 0.8) and a lone cell at 0.95.
const w = 8;
const h = 4;
const plane = w * h;
const map = new Float32Array(3 * plane);
for (const y of [0, 1]) for (const x of [1, 2, 3]) map[y * w + x] = 0.6;
map[3 * w + 6] = 0.95;
const dims = [1, 3, h, w];

describe('region verifier', () => {
  it('scores a descriptor exactly as the trainer computed it', () => {
    const rnd = seededRandom(3);
    const props: Proposal[] = Array.from({ length: 200 }, (_, i) => {
      const x = Float64Array.from({ length: D }, () => rnd() * 2 - 1);
      return { photo: i, x, positive: x[0]! + 0.5 * x[LOG_AREA]! > 0 };
    });
    const mlp = fitVerifierNet(props, {
      hiddenSize: 6,
      epochs: 30,
      learningRate: 1e-2,
      l2: 1e-4,
      batchSize: 32,
      seed: 1,
    });
    const net = verifierNet(mlp);
    // what the manifest stores survives JSON
    const stored = JSON.parse(JSON.stringify(net)) as VerifierNet;
    let right = 0;
    for (const p of props) {
      const want = mlpForward(mlp, Float32Array.from(p.x))[0]!;
      expect(verifierScore(stored, p.x)).toBeCloseTo(want, 5);
      if (want >= 0.5 === p.positive) right++;
    }
    // and it learnt the rule (a verifier that learns nothing would fail here)
    expect(right / props.length).toBeGreaterThan(0.9);
  });

  it('the decoder proposes below the cell threshold and keeps only what the verifier accepts', () => {
    const plain = decodeSegmentation(parseManifest(manifest()), map, dims);
    // without a verifier: only the lone 0.95 cell reaches the 0.8 threshold
    expect(plain.map((d) => d.box)).toEqual([{ x: 60, y: 30, width: 10, height: 10 }]);

    const m = parseManifest(manifest({ straw_burning: block() }));
    const d = decodeSegmentation(m, map, dims);
    // the 6-cell patch is proposed at 0.4 and accepted; the lone cell scores low (area 1) and is dropped
    expect(d.map((x) => x.box)).toEqual([{ x: 10, y: 0, width: 30, height: 20 }]);
    expect(d[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-4 * Math.log(6 / 4))), 6);

    // a higher verifier threshold drops the patch too
    expect(decodeSegmentation(parseManifest(manifest({ straw_burning: block(areaNet(), 0.95) })), map, dims)).toEqual(
      [],
    );
  });

  it('the descriptor sees the region, its ring and the photo', () => {
    const onPhoto = new Uint8Array(plane).fill(1);
    const cells = [1, 2, 3, w + 1, w + 2, w + 3];
    const x = regionDescriptor(
      map,
      3,
      h,
      w,
      { channel: 0, cells, seeds: 6, seedSum: 3.6, minX: 1, minY: 0, maxX: 3, maxY: 1 },
      onPhoto,
    );
    const at = (n: string): number => x[NAMES.indexOf(n)]!;
    expect(at('c0.mean')).toBeCloseTo(0.6, 6);
    expect(at('c0.max')).toBeCloseTo(0.6, 6);
    expect(at('c0.ringMax')).toBe(0); // the 0.95 cell is 3 cells away
    expect(at('c0.photoMax')).toBeCloseTo(0.95, 6);
    expect(at('logArea')).toBeCloseTo(Math.log(6), 9);
    expect(at('fill')).toBe(1);
    expect(at('aspect')).toBeCloseTo(2 / 3, 9);
    expect(at('touchesEdge')).toBe(1);
  });

  it('refuses a malformed verifier block at load, naming the field and the reason', async () => {
    const bad = block();
    bad.w1 = bad.w1.map((row, i) => (i === 3 ? row.slice(0, 1) : row));
    expect(() => parseManifest(manifest({ straw_burning: bad }))).toThrow(
      /output\.verifier\.straw_burning\.w1\.3: length 1, expected 2/,
    );
    expect(() => parseManifest(manifest({ exposed_slope: { ...block(), mean: [0, 1] } }))).toThrow(
      new RegExp(`output\\.verifier\\.exposed_slope\\.mean: length 2, expected ${D}`),
    );
    expect(() => parseManifest(manifest({ straw_burning: { ...block(), descriptor: ['area'] } }))).toThrow(
      /output\.verifier\.straw_burning\.descriptor/,
    );
    expect(() => parseManifest(manifest({ straw_burning: { ...block(), std: block().std.map(() => 0) } }))).toThrow(
      /output\.verifier\.straw_burning\.std\.0/,
    );
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-verifier-'));
    const file = path.join(dir, 'm.json');
    await writeFile(file, JSON.stringify(manifest({ straw_burning: bad })));
    const err = await loadManifest(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TriageStartupError);
    expect((err as Error).message).toMatch(
      /模型清单无效 \/ invalid model manifest .*m\.json: output\.verifier\.straw_burning\.w1\.3/,
    );
    await writeFile(file, JSON.stringify(manifest({ straw_burning: block() })));
    expect((await loadManifest(file)).manifest.output.verifier?.straw_burning?.threshold).toBe(0.5);
  });
});

describe('fitting the verifier', () => {
  it('labels a proposal by its overlap with a box of its class', () => {
    const r = {
      channel: 0,
      cells: [1, 2, 3, w + 1, w + 2, w + 3],
      seeds: 6,
      seedSum: 4,
      minX: 1,
      minY: 0,
      maxX: 3,
      maxY: 1,
    };
    expect(onLabelledBox(r, w, 10, [{ cls: 'straw_burning', x0: 10, y0: 0, x1: 40, y1: 20 }])).toBe(true);
    // half its cells inside a larger box: IoU low but most of it is on the incident
    expect(onLabelledBox(r, w, 10, [{ cls: 'straw_burning', x0: 0, y0: 0, x1: 80, y1: 12 }])).toBe(true);
    expect(onLabelledBox(r, w, 10, [{ cls: 'straw_burning', x0: 50, y0: 20, x1: 80, y1: 40 }])).toBe(false);
    expect(onLabelledBox(r, w, 10, [])).toBe(false);
  });

  it('chooses the lowest threshold that reaches the precision and negative-rate targets', () => {
    const val = [0.9, 0.8, 0.7, 0.6, 0.3];
    const positive = [true, true, false, true, false];
    // at 0.6: 3 of 4 → precision 0.75; at 0.8: 2 of 2
    const p = chooseVerifierThreshold(val, positive, [0.1, 0.2, 0.85], 0.9, 0.5);
    expect(p).toMatchObject({ threshold: 0.8, precision: 1, reached: true });
    expect(p.recall).toBeCloseTo(2 / 3, 9);
    // the negatives forbid 0.8 (1 of 3 fire > 0.2): 0.9 is next
    expect(chooseVerifierThreshold(val, positive, [0.1, 0.2, 0.85], 0.9, 0.2).threshold).toBe(0.9);
  });

  it('when the precision is out of reach, falls back to the best F1 that keeps the negative limit', () => {
    const val = [0.9, 0.8, 0.7, 0.6];
    const positive = [true, false, true, true];
    // a precision target above 1 is never reached; the best F1 (0.6: 3 of 4, recall 1) fires on both negatives (0.65,
    // 0.75); within a 0 limit only 0.9 (1 of 1, recall 1/3) remains.
    const p = chooseVerifierThreshold(val, positive, [0.65, 0.75], 1.01, 0);
    expect(p).toMatchObject({ threshold: 0.9, negativeRate: 0, reached: false });
    // no threshold keeps the limit: nothing fires
    expect(chooseVerifierThreshold(val, positive, [0.95], 1.01, 0)).toMatchObject({ threshold: 1, recall: 0 });
  });

  it('learns to tell incidents from look-alikes whose cells score the same, and is used only when it helps', () => {
    // Incidents: compact 3×3 blobs; look-alikes: 1×6 strips (river banks), both at 0.7 — one cell threshold
    // cannot separate them, their shape can.
    const rnd = seededRandom(11);
    const W = 16;
    const H = 12;
    const photo = (incident: boolean, lookAlike: boolean): ScoredLabelledPhoto => {
      const scores = new Float32Array(3 * W * H);
      for (let q = 0; q < W * H; q++) scores[q] = rnd() * 0.2;
      const boxes: InputBox[] = [];
      if (incident) {
        const x0 = 1 + Math.floor(rnd() * 5);
        const y0 = 1 + Math.floor(rnd() * 3);
        for (let y = y0; y < y0 + 3; y++) for (let x = x0; x < x0 + 3; x++) scores[y * W + x] = 0.7 + rnd() * 0.1;
        boxes.push({ cls: 'straw_burning', x0: x0 * 16, y0: y0 * 16, x1: (x0 + 3) * 16, y1: (y0 + 3) * 16 });
      }
      if (lookAlike) {
        const y = 8 + Math.floor(rnd() * 3);
        for (let x = 9; x < 15; x++) scores[y * W + x] = 0.7 + rnd() * 0.1;
      }
      return { scores, h: H, w: W, boxes, classes: new Set(incident ? ['straw_burning'] : []) };
    };
    const set = (n: number) => Array.from({ length: n }, (_, i) => photo(i % 2 === 0, i % 3 !== 2));
    const train = set(60);
    const val = set(40);
    const props = labelledProposals(
      train,
      0,
      { proposalThreshold: 0.5, minSeedCells: 1, minAreaCells: 2, regionGrow: 0.5 },
      16,
    );
    expect(props.filter((p) => p.positive)).toHaveLength(30);
    const options = {
      grid: [[0.5, 1]] as [number, number][],
      minAreaCells: 2,
      regionGrow: 0.5,
      targetPrecision: 0.9,
      maxNegativeRate: 0.05,
      folds: 3,
      fit: { hiddenSize: 4, epochs: 40, learningRate: 1e-2, l2: 1e-4, batchSize: 16, seed: 1 },
    };
    const verifier = fitRegionVerifiers(train, val, { straw_burning: 0.2 }, 16, options);
    expect(Object.keys(verifier)).toEqual(['straw_burning']);
    const m = parseManifest(manifest(verifier));
    const test = set(30);
    let right = 0;
    for (const p of test) {
      const fired = decodeSegmentation(m, p.scores, [1, 3, H, W]).some((d) => d.cls === 'straw_burning');
      if (fired === p.classes.has('straw_burning')) right++;
    }
    expect(right).toBeGreaterThanOrEqual(28);
    // a cell rule that already finds everything keeps the class without a verifier
    expect(fitRegionVerifiers(train, val, { straw_burning: 1 }, 16, options)).toEqual({});
  });
});
