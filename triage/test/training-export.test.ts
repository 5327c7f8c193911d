/**
 * The training side of the default model: the tfjs → ONNX conversion of the pretrained backbone equals
 * TensorFlow.js itself, and the exported detector equals the trainer's own forward pass (1e-4).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/onnx/graph-builder.ts';
import { encodeOnnxModel } from '../src/onnx/onnx-writer.ts';
import { detectorOnnx, featureCopies, featureModelOnnx } from '../src/training/detector-graph.ts';
import type { FeatureGraphSpec } from '../src/training/detector-graph.ts';
import { mlpForward, standardisation, trainMlp, withStandardisation } from '../src/training/mlp.ts';
import type { Samples } from '../src/training/mlp.ts';
import { appendBackbone, loadPretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import { kerasToOnnx } from '../src/training/keras-to-onnx.ts';
import type { PretrainedBackbone } from '../src/training/pretrained-backbone.ts';
import { gateFactor } from '../src/training/colour-gate.ts';
import type { ColourGate } from '../src/training/colour-gate.ts';
import { headScores, keepConfidentPositives, withHardNegatives } from '../src/training/train-detector.ts';
import { featureIndices } from '../src/training/class-feature-sets.ts';
import { composeHeads, selectChannels, selectColumns } from '../src/training/composed-head.ts';
import { seededRandom } from '../src/training/random.ts';
import { headFromOnnx, keptHeadMlp } from '../src/training/kept-head.ts';
import type { HeadPick, KeptHeadFile } from '../src/training/kept-head.ts';
import type { TriageClass } from '../src/model/manifest.ts';
import { createHash } from 'node:crypto';

let net: PretrainedBackbone;
beforeAll(async () => {
  net = await loadPretrainedBackbone();
  await tf.setBackend('cpu');
});

function randomInput(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

describe('pretrained backbone conversion', () => {
  it.each([
    ['MobileNetV2', 'mobilenet_v2', 'block_10_project_BN', 224, 96, 14],
    ['InceptionV3 (max and average pooling, concatenation)', 'inception_v3', 'mixed5', 299, 768, 17],
  ] as const)(
    'ONNX Runtime on the converted %s equals TensorFlow.js on the original',
    async (_title, name, layer, size, channels, side) => {
      const model = name === 'mobilenet_v2' ? net : await loadPretrainedBackbone(name);
      const g = new GraphBuilder();
      g.reserve('images');
      // The converter itself, without the input padding appendBackbone adds for InceptionV3.
      const bb = kerasToOnnx(g, model.model, model.weights, 'images', layer);
      expect(bb).toMatchObject({ channels, stride: 16 });
      const onnx = encodeOnnxModel({
        nodes: g.nodes,
        initializers: g.initializers,
        inputs: [{ name: 'images', dims: [1, 3, size, size] }],
        outputs: [{ name: bb.output, dims: [1, channels, side, side] }],
      });
      // TensorFlow.js reads the same dequantised weights through its own Keras implementation.
      const specs = model.model.weightsManifest.flatMap((gr) => gr.weights);
      const all = new Float32Array(specs.reduce((n, s) => n + model.weights.get(s.name)!.values.length, 0));
      let o = 0;
      for (const s of specs) {
        all.set(model.weights.get(s.name)!.values, o);
        o += model.weights.get(s.name)!.values.length;
      }
      const keras = await tf.loadLayersModel({
        load: async () => ({
          modelTopology: model.model.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
          weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })),
          weightData: all.buffer,
        }),
      });
      const sub = tf.model({ inputs: keras.inputs, outputs: keras.getLayer(layer).output as tf.SymbolicTensor });
      const nhwc = randomInput(size * size * 3, 7);
      const ref = tf.tidy(() => (sub.predict(tf.tensor4d(nhwc, [1, size, size, 3])) as tf.Tensor).dataSync());
      keras.dispose();
      const plane = size * size;
      const nchw = new Float32Array(nhwc.length);
      for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) nchw[c * plane + p] = nhwc[p * 3 + c]!;
      const session = await ort.InferenceSession.create(onnx);
      const out = (await session.run({ images: new ort.Tensor('float32', nchw, [1, 3, size, size]) }))[bb.output]!;
      await session.release();
      expect(out.dims).toEqual([1, channels, side, side]);
      const got = out.data as Float32Array;
      const cells = side * side;
      let maxDiff = 0;
      let maxAbs = 0;
      for (let p = 0; p < cells; p++)
        for (let c = 0; c < channels; c++) {
          maxDiff = Math.max(maxDiff, Math.abs(ref[p * channels + c]! - got[c * cells + p]!));
          maxAbs = Math.max(maxAbs, Math.abs(ref[p * channels + c]!));
        }
      expect(maxAbs).toBeGreaterThan(1); // a real activation, not zeros
      expect(maxDiff).toBeLessThan(1e-4);
    },
    120_000,
  );

  it('pads InceptionV3 so that a photo still gets one cell per 16 pixels', async () => {
    const inception = await loadPretrainedBackbone('inception_v3');
    const g = new GraphBuilder();
    g.reserve('images');
    const bb = appendBackbone(g, inception, 'images');
    const onnx = encodeOnnxModel({
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: 'images', dims: [1, 3, 96, 128] }],
      outputs: [{ name: bb.output, dims: [1, 768, 'h', 'w'] }],
    });
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ images: new ort.Tensor('float32', randomInput(3 * 96 * 128, 3), [1, 3, 96, 128]) });
    await session.release();
    expect(out[bb.output]!.dims).toEqual([1, 768, 96 / 16, 128 / 16]);
  }, 60_000);

  it('refuses a layer kind it does not know, naming it', () => {
    const model = structuredClone(net.model);
    model.modelTopology.model_config.config.layers[1]!.class_name = 'Cropping2D';
    const g = new GraphBuilder();
    expect(() => appendBackbone(g, { ...net, model }, 'images', 'block_10_project_BN')).toThrow(
      /Cropping2D not supported/,
    );
  });
});

const SHIPPED_SPEC: FeatureGraphSpec = {
  inputWidthPx: 128,
  inputHeightPx: 96,
  featureLayer: 'block_10_project_BN',
  contextCells: 3,
};
// Round 7's options: stride-8 detail pooled per cell (mean and max) and a max-pooled context.
const FINE_SPEC: FeatureGraphSpec = { ...SHIPPED_SPEC, fineLayer: 'block_5_add', contextMaxCells: 3 };
// Round 42: InceptionV3's mixed5 instead of MobileNetV2's block_10, without context.
const INCEPTION_SPEC: FeatureGraphSpec = {
  ...SHIPPED_SPEC,
  backbone: 'inception_v3',
  featureLayer: 'mixed5',
  contextCells: 0,
};
let inception: PretrainedBackbone | undefined;
const netFor = async (spec: FeatureGraphSpec): Promise<PretrainedBackbone> =>
  spec.backbone === 'inception_v3' ? (inception ??= await loadPretrainedBackbone('inception_v3')) : net;

describe('exported detector equals the trainer', () => {
  it.each([
    ['backbone + cues + context', SHIPPED_SPEC, 2 * (96 + 8)],
    ['backbone + stride-8 mean/max + cues + mean and max context', FINE_SPEC, 3 * (96 + 64 + 8)],
    ['InceptionV3 + cues', INCEPTION_SPEC, 768 + 8],
  ])(
    'full ONNX graph (%s + head) = trainer head over the feature model, within 1e-4',
    async (_, spec, channels) => {
      const net = await netFor(spec);
      const features = await ort.InferenceSession.create(featureModelOnnx(net, spec));
      const input = randomInput(3 * 96 * 128, 11);
      const fOut = (await features.run({ images: new ort.Tensor('float32', input, [1, 3, 96, 128]) }))['features']!;
      await features.release();
      const [, d, h, w] = fOut.dims as [number, number, number, number];
      expect([d, h, w]).toEqual([channels, 6, 8]);
      // A head trained for a few epochs on these very cells (any weights would do; trained ones are realistic).
      const plane = h * w;
      const fv = fOut.data as Float32Array;
      const x = new Float32Array(plane * d);
      for (let p = 0; p < plane; p++) for (let i = 0; i < d; i++) x[p * d + i] = fv[i * plane + p]!;
      const samples: Samples = {
        n: plane,
        d,
        k: 3,
        x,
        y: Uint8Array.from({ length: plane * 3 }, (_, i) => (i % 7 === 0 ? 1 : 0)),
        w: new Float32Array(plane * 3).fill(1),
      };
      const head = trainMlp(samples, {
        hiddenSize: 16,
        epochs: 3,
        learningRate: 0.01,
        l2: 1e-4,
        batchSize: 8,
        seed: 3,
      });
      // The vegetation gate on two classes, at a step inside the random input's colours so that it bites.
      const rgbChannel = d / featureCopies(spec) - 8;
      const gate: ColourGate = { classes: [0, 2], rgbChannel, maxExcessGreen: 0, softness: 0.05 };
      const expected = headScores(head, { d, h, w, values: fv, boxes: [] }, gate);
      const ungated = headScores(head, { d, h, w, values: fv, boxes: [] });
      expect(expected.subarray(plane, 2 * plane)).toEqual(ungated.subarray(plane, 2 * plane));
      expect(Math.max(...ungated.subarray(0, plane).map((v, i) => v - expected[i]!))).toBeGreaterThan(0.01);
      const full = await ort.InferenceSession.create(detectorOnnx(net, spec, head, {}, gate));
      const out = (await full.run({ images: new ort.Tensor('float32', input, [1, 3, 96, 128]) }))['scores']!;
      await full.release();
      expect(out.dims).toEqual([1, 3, 6, 8]);
      const got = out.data as Float32Array;
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
      expect(maxDiff).toBeLessThan(1e-4);
      // and the scores are not all alike (the comparison would be empty otherwise)
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.01);
      // the trainer's single-vector forward agrees with its map version
      const one = mlpForward(head, x, 0);
      expect(one[1]).toBeCloseTo(expected[plane]!, 6);
    },
    60_000,
  );

  it('composed heads (a feature set per class) in one graph = each class from its own head, within 1e-4', async () => {
    // The union features once; straw from a head on the shipped set, outfalls and slopes from one on the fine set.
    const input = randomInput(3 * 96 * 128, 13);
    const feed = { images: new ort.Tensor('float32', input, [1, 3, 96, 128]) };
    const run = async (spec: FeatureGraphSpec) => {
      const s = await ort.InferenceSession.create(featureModelOnnx(net, spec));
      const out = (await s.run(feed))['features']!;
      await s.release();
      return { d: out.dims[1]!, values: out.data as Float32Array };
    };
    const union = await run(FINE_SPEC);
    const [h, w] = [6, 8];
    const plane = h * w;
    const unionMap = { d: union.d, h, w, values: union.values, boxes: [] };
    const fineOnly: FeatureGraphSpec = { ...SHIPPED_SPEC, fineLayer: 'block_5_add' };
    const sets = [
      { spec: SHIPPED_SPEC, classes: [0] },
      { spec: fineOnly, classes: [1, 2] },
    ];
    const parts = [];
    for (const [n, { spec, classes }] of sets.entries()) {
      const inputs = featureIndices(FINE_SPEC, spec, 96, 32);
      // the set's own feature graph gives exactly those channels of the union
      const own = await run(spec);
      expect(own.d).toBe(inputs.length);
      const picked = selectChannels(unionMap, inputs);
      expect(Math.max(...own.values.map((v, i) => Math.abs(v - picked.values[i]!)))).toBeLessThan(1e-5);
      const x = new Float32Array(plane * union.d);
      for (let p = 0; p < plane; p++)
        for (let i = 0; i < union.d; i++) x[p * union.d + i] = union.values[i * plane + p]!;
      const all: Samples = {
        n: plane,
        d: union.d,
        k: 3,
        x,
        y: Uint8Array.from({ length: plane * 3 }, (_, i) => (i % (5 + n) === 0 ? 1 : 0)),
        w: new Float32Array(plane * 3).fill(1),
      };
      const head = trainMlp(selectColumns(all, inputs), {
        hiddenSize: 8 + 4 * n,
        epochs: 3,
        learningRate: 0.01,
        l2: 1e-4,
        batchSize: 8,
        seed: 3 + n,
      });
      parts.push({ head, inputs, classes, own: headScores(head, picked) });
    }
    const composed = composeHeads(parts, union.d, 3);
    expect(composed.hiddenSize).toBe(8 + 12);
    const expected = headScores(composed, unionMap);
    // each class's composed score is its own head's score on its own features
    for (const p of parts)
      for (const c of p.classes)
        for (let i = 0; i < plane; i++) expect(expected[c * plane + i]).toBeCloseTo(p.own[c * plane + i]!, 5);
    // and the heads differ, so the composition is not trivially one head
    expect(
      Math.max(...parts[0]!.own.subarray(plane, 2 * plane).map((v, i) => Math.abs(v - expected[plane + i]!))),
    ).toBeGreaterThan(0.01);
    const gate: ColourGate = { classes: [0, 2], rgbChannel: union.d / 3 - 8, maxExcessGreen: 0, softness: 0.05 };
    const gated = headScores(composed, unionMap, gate);
    const session = await ort.InferenceSession.create(detectorOnnx(net, FINE_SPEC, composed, {}, gate));
    const out = (await session.run(feed))['scores']!;
    await session.release();
    expect(out.dims).toEqual([1, 3, h, w]);
    const got = out.data as Float32Array;
    expect(Math.max(...got.map((v, i) => Math.abs(v - gated[i]!)))).toBeLessThan(1e-4);
    expect(Math.max(...gated) - Math.min(...gated)).toBeGreaterThan(0.01);
  }, 60_000);

  it('a head read back from an exported detector, kept beside a newly fitted head, gives that detector its own scores', async () => {
    // Round 9: straw and slopes from the shipped head as it is (taken out of its ONNX file), outfalls from a
    // head on the fine features; the composed graph must give the kept classes the old graph's scores.
    const input = randomInput(3 * 96 * 128, 17);
    const feed = { images: new ort.Tensor('float32', input, [1, 3, 96, 128]) };
    const features = async (spec: FeatureGraphSpec) => {
      const s = await ort.InferenceSession.create(featureModelOnnx(net, spec));
      const out = (await s.run(feed))['features']!;
      await s.release();
      return { d: out.dims[1]!, h: 6, w: 8, values: out.data as Float32Array, boxes: [] };
    };
    const scores = async (onnx: Uint8Array) => {
      const s = await ort.InferenceSession.create(onnx);
      const out = (await s.run(feed))['scores']!;
      await s.release();
      return out.data as Float32Array;
    };
    const plane = 6 * 8;
    const samplesOf = (f: { d: number; values: Float32Array }, every: number): Samples => {
      const x = new Float32Array(plane * f.d);
      for (let p = 0; p < plane; p++) for (let i = 0; i < f.d; i++) x[p * f.d + i] = f.values[i * plane + p]!;
      return {
        n: plane,
        d: f.d,
        k: 3,
        x,
        y: Uint8Array.from({ length: plane * 3 }, (_, i) => (i % every === 0 ? 1 : 0)),
        w: new Float32Array(plane * 3).fill(1),
      };
    };
    const fit = (s: Samples, seed: number) =>
      trainMlp(s, { hiddenSize: 8, epochs: 3, learningRate: 0.01, l2: 1e-4, batchSize: 8, seed });
    const shippedFeatures = await features(SHIPPED_SPEC);
    const shipped = fit(samplesOf(shippedFeatures, 7), 5);
    const gateAt = (d: number, spec: FeatureGraphSpec): ColourGate => ({
      classes: [0, 2],
      rgbChannel: d / featureCopies(spec) - 8,
      maxExcessGreen: 0,
      softness: 0.05,
    });
    const shippedOnnx = detectorOnnx(net, SHIPPED_SPEC, shipped, {}, gateAt(shippedFeatures.d, SHIPPED_SPEC));
    const file = headFromOnnx(shippedOnnx, 'shipped.onnx');
    expect(file.source.sha256).toBe(createHash('sha256').update(shippedOnnx).digest('hex'));
    // the file survives JSON, and reads as the head with its standardisation folded in
    const kept = keptHeadMlp(JSON.parse(JSON.stringify(file)) as KeptHeadFile);
    expect(kept.set).toBe('base');
    const a = headScores(kept.head, shippedFeatures);
    const b = headScores(shipped, shippedFeatures);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
    // Round 10's warm start: the kept head on another standardisation (a fit's own samples') is the same
    // function, so the exported graph of it gives the old detector's scores before any fine-tuning step.
    const restated = withStandardisation(kept.head, standardisation(samplesOf(shippedFeatures, 7)));
    expect(Array.from(restated.std).some((v) => Math.abs(v - 1) > 0.01)).toBe(true);
    const restatedOnnx = detectorOnnx(net, SHIPPED_SPEC, restated, {}, gateAt(shippedFeatures.d, SHIPPED_SPEC));
    const viaTrainer = headScores(restated, shippedFeatures, gateAt(shippedFeatures.d, SHIPPED_SPEC));
    const [before, after] = [await scores(shippedOnnx), await scores(restatedOnnx)];
    for (let i = 0; i < 3 * plane; i++) {
      expect(Math.abs(after[i]! - before[i]!)).toBeLessThan(1e-4);
      expect(Math.abs(after[i]! - viaTrainer[i]!)).toBeLessThan(1e-4);
    }
    // beside an outfall head on the union of the sets
    const union = await features(FINE_SPEC);
    const baseInputs = featureIndices(FINE_SPEC, SHIPPED_SPEC, 96, 32);
    const outfall = fit(samplesOf(union, 5), 9);
    const composed = composeHeads(
      [
        { head: kept.head, inputs: baseInputs, classes: [0, 2] },
        { head: outfall, inputs: Array.from({ length: union.d }, (_, i) => i), classes: [1] },
      ],
      union.d,
      3,
    );
    // the kept weights sit in the composed head bit for bit (identity standardisation folds exactly)
    baseInputs.forEach((ch, i) => {
      for (let j = 0; j < kept.head.hiddenSize; j++)
        expect(composed.w1[ch * composed.hiddenSize + j]).toBe(kept.head.w1[i * kept.head.hiddenSize + j]);
    });
    const old = await scores(shippedOnnx);
    const got = await scores(detectorOnnx(net, FINE_SPEC, composed, {}, gateAt(union.d, FINE_SPEC)));
    for (const c of [0, 2])
      for (let i = 0; i < plane; i++) expect(Math.abs(got[c * plane + i]! - old[c * plane + i]!)).toBeLessThan(1e-4);
    const own = headScores(outfall, union);
    for (let i = 0; i < plane; i++) expect(Math.abs(got[plane + i]! - own[plane + i]!)).toBeLessThan(1e-4);
    expect(Math.max(...old.subarray(plane, 2 * plane).map((v, i) => Math.abs(v - got[plane + i]!)))).toBeGreaterThan(
      0.01,
    );
    // Round 30: each head taken back out of a composed model scores as it did in it (outfalls on the fine
    // set, straw and slopes on base), with its classes and the points the model's manifest gives them.
    const fineOnly: FeatureGraphSpec = { ...SHIPPED_SPEC, fineLayer: 'block_5_add' };
    const fineFeatures = await features(fineOnly);
    const fineOutfall = fit(samplesOf(fineFeatures, 5), 11);
    const both = composeHeads(
      [
        { head: kept.head, inputs: featureIndices(fineOnly, SHIPPED_SPEC, 96, 32), classes: [0, 2] },
        { head: fineOutfall, inputs: Array.from({ length: fineFeatures.d }, (_, i) => i), classes: [1] },
      ],
      fineFeatures.d,
      3,
    );
    const bothOnnx = detectorOnnx(net, fineOnly, both, {
      'xuncha.fine_layer': 'block_5_add',
      'xuncha.class_features': JSON.stringify({ sewage_outfall: 'fine' }),
    });
    const pick = (classes: TriageClass[], fine = 32): HeadPick => ({
      classes,
      baseSpec: SHIPPED_SPEC,
      channels: { backbone: 96, fine },
      manifest: {
        thresholds: { straw_burning: 0.8, sewage_outfall: 0.9 },
        output: { minSeedCells: { sewage_outfall: 3 } },
      },
    });
    const bothScores = await scores(bothOnnx);
    const outfallFile = headFromOnnx(bothOnnx, 'both.onnx', pick(['sewage_outfall']));
    expect(outfallFile).toMatchObject({
      set: 'fine',
      answers: ['sewage_outfall'],
      points: { sewage_outfall: { threshold: 0.9, minSeedCells: 3 } },
      hiddenSize: fineOutfall.hiddenSize,
    });
    const outfallBack = keptHeadMlp(JSON.parse(JSON.stringify(outfallFile)) as KeptHeadFile);
    expect(outfallBack.answers).toEqual(['sewage_outfall']);
    const outfallScores = headScores(outfallBack.head, fineFeatures);
    for (let i = 0; i < plane; i++)
      expect(Math.abs(outfallScores[plane + i]! - bothScores[plane + i]!)).toBeLessThan(1e-4);
    const baseFile = headFromOnnx(bothOnnx, 'both.onnx', pick(['straw_burning', 'exposed_slope']));
    expect(baseFile).toMatchObject({ set: 'base', answers: ['straw_burning', 'exposed_slope'] });
    expect(baseFile.points).toBeUndefined(); // straw has a threshold but no seed count in that manifest
    const baseScores = headScores(keptHeadMlp(baseFile).head, shippedFeatures);
    for (const c of [0, 2])
      for (let i = 0; i < plane; i++)
        expect(Math.abs(baseScores[c * plane + i]! - bothScores[c * plane + i]!)).toBeLessThan(1e-4);
    // A model composed of kept heads names no --class-features: the weights say which set a head reads.
    const keptOnly = detectorOnnx(net, fineOnly, both, { 'xuncha.fine_layer': 'block_5_add' });
    expect(headFromOnnx(keptOnly, 'kept.onnx', pick(['sewage_outfall'])).w1).toBe(outfallFile.w1);
    expect(headFromOnnx(keptOnly, 'kept.onnx', pick(['straw_burning', 'exposed_slope'])).set).toBe('base');
    expect(() =>
      headFromOnnx(bothOnnx, 'both.onnx', pick(['straw_burning', 'sewage_outfall', 'exposed_slope'])),
    ).toThrow(/read different feature sets \(base, fine\)/);
    expect(() => headFromOnnx(bothOnnx, 'both.onnx', pick(['straw_burning']))).toThrow(/also feeds exposed_slope/);
    expect(() => headFromOnnx(bothOnnx, 'both.onnx', pick(['sewage_outfall'], 16))).toThrow(
      /its head reads 336 features, its feature spec gives 272/,
    );
    expect(() => keptHeadMlp({ ...outfallFile, answers: ['smoke'] })).toThrow(/answers must list distinct classes/);
    expect(() =>
      keptHeadMlp({ ...outfallFile, points: { straw_burning: { threshold: 0.5, minSeedCells: 1 } } }),
    ).toThrow(/a point for straw_burning, which it does not answer for/);
    expect(() =>
      keptHeadMlp({ ...outfallFile, points: { sewage_outfall: { threshold: 1.5, minSeedCells: 1 } } }),
    ).toThrow(/the point of sewage_outfall needs a threshold in \(0, 1\)/);
    // a model that is not a single base head is refused
    expect(() =>
      headFromOnnx(detectorOnnx(net, FINE_SPEC, composed, { 'xuncha.fine_layer': 'block_5_add' }), 'c.onnx'),
    ).toThrow(/不是单一 base 特征头的模型 .*not a single head on the base feature set/);
    expect(() => keptHeadMlp({ ...file, w1: file.b1 })).toThrow(/w1 holds 8 values, expected/);
    expect(() => keptHeadMlp({ ...file, hiddenSize: undefined as unknown as number })).toThrow(
      /hiddenSize must be a whole number ≥ 1, got undefined/,
    );
    expect(() => keptHeadMlp({ ...file, outputSize: 2 })).toThrow(/outputSize must be 3, got 2/);
  }, 60_000);

  it('stride-8 features are the 2×2 mean and max of block_5 per cell; the max context is the 3×3 max of a cell', async () => {
    const g = new GraphBuilder();
    g.reserve('images');
    const bb = appendBackbone(g, net, 'images', 'block_10_project_BN', ['block_5_add']);
    const tap = bb.taps['block_5_add']!;
    expect(tap).toMatchObject({ channels: 32, stride: 8 });
    const tapModel = encodeOnnxModel({
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: 'images', dims: [1, 3, 96, 128] }],
      outputs: [{ name: tap.output, dims: [1, 32, 12, 16] }],
    });
    const input = randomInput(3 * 96 * 128, 12);
    const feed = { images: new ort.Tensor('float32', input, [1, 3, 96, 128]) };
    const tapSession = await ort.InferenceSession.create(tapModel);
    const fine = (await tapSession.run(feed))[tap.output]!.data as Float32Array;
    await tapSession.release();
    const featSession = await ort.InferenceSession.create(featureModelOnnx(net, FINE_SPEC));
    const f = (await featSession.run(feed))['features']!.data as Float32Array;
    await featSession.release();
    const [h, w, local] = [6, 8, 96 + 64 + 8];
    const at = (ch: number, y: number, x: number) => f[(ch * h + y) * w + x]!;
    let worst = 0;
    for (let c = 0; c < 32; c++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const four = [0, 1, 2, 3].map((i) => fine[(c * 12 + 2 * y + (i >> 1)) * 16 + 2 * x + (i & 1)]!);
          const mean = four.reduce((a, b) => a + b, 0) / 4;
          worst = Math.max(worst, Math.abs(at(96 + c, y, x) - mean), Math.abs(at(128 + c, y, x) - Math.max(...four)));
        }
    expect(worst).toBeLessThan(1e-5);
    // the max context of cell (y, x) is the max of the local channel over its 3×3 neighbours inside the map
    for (const [ch, y, x] of [
      [0, 0, 0],
      [130, 3, 4],
      [local - 1, 5, 7],
    ] as const) {
      let m = -Infinity;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++)
          if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w) m = Math.max(m, at(ch, y + dy, x + dx));
      expect(at(2 * local + ch, y, x)).toBeCloseTo(m, 6);
    }
  }, 60_000);

  it('training is deterministic: the same seed gives the same head', () => {
    const r = seededRandom(5);
    const n = 200;
    const d = 6;
    const s: Samples = {
      n,
      d,
      k: 3,
      x: Float32Array.from({ length: n * d }, () => r()),
      y: Uint8Array.from({ length: n * 3 }, () => (r() < 0.3 ? 1 : 0)),
      w: new Float32Array(n * 3).fill(1),
    };
    const opts = { hiddenSize: 8, epochs: 3, learningRate: 0.01, l2: 1e-4, batchSize: 16, seed: 9, inputDropout: 0.1 };
    const a = trainMlp(s, opts);
    const b = trainMlp(s, opts);
    expect(Array.from(a.w1)).toEqual(Array.from(b.w1));
    expect(Array.from(a.w2)).toEqual(Array.from(b.w2));
    const c = trainMlp(s, { ...opts, seed: 10 });
    expect(Array.from(c.w1)).not.toEqual(Array.from(a.w1));
  });

  it('the head learns a separable problem', () => {
    const r = seededRandom(1);
    const n = 400;
    const d = 4;
    const x = Float32Array.from({ length: n * d }, () => r() * 2 - 1);
    const y = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      y[i * 3] = x[i * d]! > 0 ? 1 : 0;
      y[i * 3 + 1] = x[i * d + 1]! + x[i * d + 2]! > 0.5 ? 1 : 0;
      y[i * 3 + 2] = 0;
    }
    const head = trainMlp(
      { n, d, k: 3, x, y, w: new Float32Array(n * 3).fill(1) },
      { hiddenSize: 16, epochs: 40, learningRate: 0.01, l2: 0, batchSize: 16, seed: 2 },
    );
    let right = 0;
    for (let i = 0; i < n; i++) {
      const p = mlpForward(head, x, i * d);
      for (let c = 0; c < 3; c++) if ((p[c]! > 0.5 ? 1 : 0) === y[i * 3 + c]) right++;
    }
    expect(right / (n * 3)).toBeGreaterThan(0.95);
  });

  it('left-out inputs keep zero weights, and a continued fit starts from the given head', () => {
    const r = seededRandom(4);
    const n = 300;
    const d = 5;
    const x = Float32Array.from({ length: n * d }, () => r());
    const y = Uint8Array.from({ length: n * 3 }, (_, i) => (x[Math.floor(i / 3) * d + 1]! > 0.5 ? 1 : 0));
    const s: Samples = { n, d, k: 3, x, y, w: new Float32Array(n * 3).fill(1) };
    const mask = Uint8Array.from([1, 0, 1, 1, 1]);
    const opts = { hiddenSize: 8, epochs: 4, learningRate: 0.01, l2: 1e-4, batchSize: 16, seed: 1 };
    const masked = trainMlp(s, { ...opts, inputMask: mask });
    expect(Array.from(masked.w1.subarray(8, 16))).toEqual(new Array(8).fill(0));
    expect(Array.from(masked.w1.subarray(0, 8)).some((v) => v !== 0)).toBe(true);
    const more = trainMlp(s, { ...opts, epochs: 1, init: masked, inputMask: mask });
    expect(Array.from(more.w1.subarray(8, 16))).toEqual(new Array(8).fill(0));
    expect(more.mean).toBe(masked.mean);
    // one more epoch moves the weights a little, it does not start over
    const moved = more.w1.reduce((a, v, i) => Math.max(a, Math.abs(v - masked.w1[i]!)), 0);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.2);
  });
});

describe('vegetation gate and hard negatives', () => {
  it('green cells are gated, smoke, ash, scars and bare earth are not', () => {
    const gate: ColourGate = { classes: [0], rgbChannel: 0, maxExcessGreen: 0.08, softness: 0.02 };
    expect(gateFactor(gate, 0.25, 0.45, 0.2)).toBeLessThan(0.01); // grass, canopy
    expect(gateFactor(gate, 0.08, 0.14, 0.07)).toBeLessThan(0.05); // conifer in shade
    expect(gateFactor(gate, 0.75, 0.75, 0.78)).toBeGreaterThan(0.95); // smoke
    expect(gateFactor(gate, 0.12, 0.11, 0.1)).toBeGreaterThan(0.95); // burn scar
    expect(gateFactor(gate, 0.6, 0.45, 0.3)).toBeGreaterThan(0.95); // bare earth
    expect(gateFactor(gate, 0.95, 0.55, 0.15)).toBeGreaterThan(0.95); // flames
  });

  it('hard-negative mining adds, per photo, the candidates the head scores highest', () => {
    const d = 2;
    // a head whose class-0 score grows with input 0
    const head = trainMlp(
      {
        n: 200,
        d,
        k: 3,
        x: Float32Array.from({ length: 400 }, (_, i) => (i % 2 ? 0 : (Math.floor(i / 2) % 10) / 10)),
        y: Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 && (Math.floor(i / 3) % 10) / 10 >= 0.5 ? 1 : 0)),
        w: new Float32Array(600).fill(1),
      },
      { hiddenSize: 4, epochs: 30, learningRate: 0.05, l2: 0, batchSize: 16, seed: 1 },
    );
    const poolX = Float32Array.from([0.1, 0, 0.9, 0, 0.5, 0, 0.2, 0, 0.8, 0, 0.3, 0]);
    const mined = withHardNegatives(
      {
        samples: { n: 1, d, k: 3, x: Float32Array.from([0, 0]), y: new Uint8Array(3), w: new Float32Array(3).fill(1) },
        pool: { n: 6, d, k: 3, x: poolX, y: new Uint8Array(18), w: new Float32Array(18).fill(1) },
        poolPhoto: Uint32Array.from([0, 0, 0, 1, 1, 1]),
        samplePhoto: Uint32Array.from([0]),
        valFeatures: [],
        trainNegatives: [],
        positives: {},
        trainPhotos: 2,
      },
      head,
      1,
    );
    expect(mined.n).toBe(3);
    // photo 0's highest is 0.9, photo 1's is 0.8; mined cells are negatives
    expect(Array.from(mined.x.subarray(2)).map((v) => Math.round(v * 10) / 10)).toEqual([0.9, 0, 0.8, 0]);
    expect(Array.from(mined.y)).toEqual(new Array(9).fill(0));
  });

  it('positive refinement keeps, per photo, the positive cells the head scores highest and ignores the rest', () => {
    const d = 2;
    // a head whose class-1 score grows with input 0
    const head = trainMlp(
      {
        n: 200,
        d,
        k: 3,
        x: Float32Array.from({ length: 400 }, (_, i) => (i % 2 ? 0 : (Math.floor(i / 2) % 10) / 10)),
        y: Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 1 && (Math.floor(i / 3) % 10) / 10 >= 0.5 ? 1 : 0)),
        w: new Float32Array(600).fill(1),
      },
      { hiddenSize: 4, epochs: 30, learningRate: 0.05, l2: 0, batchSize: 16, seed: 1 },
    );
    // photo 0: three class-1 positives (0.2, 0.9, 0.6) and a negative; photo 1: one positive (0.1)
    const x = Float32Array.from([0.2, 0, 0.9, 0, 0.6, 0, 0.9, 0, 0.1, 0]);
    const y = Uint8Array.from([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
    const samples: Samples = { n: 5, d, k: 3, x, y, w: new Float32Array(15).fill(1) };
    const kept = keepConfidentPositives(samples, Uint32Array.from([0, 0, 0, 0, 1]), head, { sewage_outfall: 0.5 });
    const weight1 = Array.from({ length: 5 }, (_, r) => kept.w[r * 3 + 1]);
    // photo 0 keeps ceil(0.5 × 3) = 2 (0.9 and 0.6); the negative is untouched; photo 1 keeps its only one
    expect(weight1).toEqual([0, 1, 1, 1, 1]);
    // other classes and the input samples are untouched
    expect(Array.from({ length: 5 }, (_, r) => kept.w[r * 3])).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(samples.w)).toEqual(new Array(15).fill(1));
  });

  it('per-class mining gives each class its own hardest negatives', () => {
    const d = 2;
    // class 0 grows with input 0, class 1 with input 1
    const xs = Array.from({ length: 200 }, (_, r) => [(r % 10) / 10, (Math.floor(r / 10) % 10) / 10]);
    const head = trainMlp(
      {
        n: 200,
        d,
        k: 3,
        x: Float32Array.from(xs.flat()),
        y: Uint8Array.from(xs.flatMap(([a, b]) => [a! >= 0.5 ? 1 : 0, b! >= 0.5 ? 1 : 0, 0])),
        w: new Float32Array(600).fill(1),
      },
      { hiddenSize: 8, epochs: 40, learningRate: 0.05, l2: 0, batchSize: 16, seed: 1 },
    );
    // one photo: two strong class-0 look-alikes, one class-1 look-alike
    const poolX = Float32Array.from([0.9, 0, 0.8, 0, 0, 0.7, 0.1, 0.1]);
    const ex = {
      samples: { n: 1, d, k: 3, x: Float32Array.from([0, 0]), y: new Uint8Array(3), w: new Float32Array(3).fill(1) },
      pool: { n: 4, d, k: 3, x: poolX, y: new Uint8Array(12), w: new Float32Array(12).fill(1) },
      poolPhoto: Uint32Array.from([0, 0, 0, 0]),
      samplePhoto: Uint32Array.from([0]),
      valFeatures: [],
      trainNegatives: [],
      positives: {},
      trainPhotos: 1,
    };
    const rows = (m: Samples): number[][] =>
      Array.from({ length: m.n - 1 }, (_, i) => Array.from(m.x.subarray((i + 1) * d, (i + 2) * d)));
    // 2 slots: by the highest class score the class-0 look-alikes come first
    const byMax = rows(withHardNegatives(ex, head, 2));
    expect(byMax.map((r) => r.map((v) => Math.round(v * 10) / 10))).toEqual([
      [0.9, 0],
      [0.8, 0],
    ]);
    // per class (one slot each of ceil(2 / 3) = 1): class 0's hardest, then class 1's
    const perClass = rows(withHardNegatives(ex, head, 2, true));
    expect(perClass.slice(0, 2).map((r) => r.map((v) => Math.round(v * 10) / 10))).toEqual([
      [0.9, 0],
      [0, 0.7],
    ]);
  });
});
