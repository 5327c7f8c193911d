import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/onnx/graph-builder.ts';
import { encodeOnnxModel } from '../src/onnx/onnx-writer.ts';
import { seededRandom } from '../src/training/random.ts';
import { appendWaterGate, applyWaterGate, DEFAULT_WATER_GATE, waterCue } from '../src/training/water-gate.ts';
import type { WaterGate } from '../src/training/water-gate.ts';
import { DEFAULT_TRAIN_OPTIONS, waterGateFor } from '../src/training/train-detector.ts';

// Cues in CUE_NAMES order: meanR, meanG, meanB, saturation, maxRGB, minRGB, greyStd, gradient.
const gate: WaterGate = { classes: [1], cueChannel: 2, ...DEFAULT_WATER_GATE };

describe('water gate (outfalls only where there is water)', () => {
  it('passes smooth, dull water and blocks canopy, bare earth and roofs', () => {
    expect(waterCue(gate, [0.33, 0.38, 0.36, 0.14, 0.39, 0.33, 0.015, 0.012])).toBeGreaterThan(0.5); // grey-green river
    expect(waterCue(gate, [0.42, 0.38, 0.3, 0.3, 0.43, 0.3, 0.02, 0.015])).toBeGreaterThan(0.5); // muddy brown river
    expect(waterCue(gate, [0.12, 0.2, 0.08, 0.6, 0.21, 0.08, 0.09, 0.11])).toBeLessThan(0.5); // shaded canopy
    expect(waterCue(gate, [0.62, 0.42, 0.28, 0.55, 0.63, 0.27, 0.09, 0.1])).toBeLessThan(0.5); // bare red earth
  });

  it('in the ONNX graph equals its TypeScript twin within 1e-4, and leaves other classes alone', async () => {
    const [d, k, h, w] = [12, 3, 7, 11];
    const plane = h * w;
    const rnd = seededRandom(5);
    const features = Float32Array.from({ length: d * plane }, () => rnd() * 0.4);
    const river = [0.33, 0.38, 0.36, 0.14, 0.39, 0.33, 0.015, 0.012];
    const canopy = [0.12, 0.2, 0.08, 0.6, 0.21, 0.08, 0.09, 0.11];
    for (let p = 0; p < plane; p++) {
      // one river cell in a corner: its 9×9 window covers only part of the map
      const cues = p === 0 ? river : canopy;
      cues.forEach((v, i) => (features[(gate.cueChannel + i) * plane + p] = v * (0.9 + 0.2 * rnd())));
    }
    const scores = Float32Array.from({ length: k * plane }, () => 0.2 + 0.8 * rnd());
    const g = new GraphBuilder();
    g.reserve('features');
    g.reserve('scores');
    g.reserve('gated');
    const out = appendWaterGate(g, gate, 'features', d, 'scores', k);
    g.nodes.push({ opType: 'Identity', inputs: [out], outputs: ['gated'], name: 'out_identity' });
    const session = await ort.InferenceSession.create(
      encodeOnnxModel({
        nodes: g.nodes,
        initializers: g.initializers,
        inputs: [
          { name: 'features', dims: [1, d, h, w] },
          { name: 'scores', dims: [1, k, h, w] },
        ],
        outputs: [{ name: 'gated', dims: [1, k, h, w] }],
        graphName: 'water_gate_test',
        producerName: 'test',
        metadata: {},
      }),
    );
    const got = (
      await session.run({
        features: new ort.Tensor('float32', features, [1, d, h, w]),
        scores: new ort.Tensor('float32', scores, [1, k, h, w]),
      })
    )['gated']!.data as Float32Array;
    await session.release();
    const expected = Float32Array.from(scores);
    applyWaterGate(gate, expected, features, h, w);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    // only the outfall plane moves, and it moves both ways: kept near water, cut to under 0.3 far from it
    expect(Array.from(expected.subarray(0, plane))).toEqual(Array.from(scores.subarray(0, plane)));
    expect(Array.from(expected.subarray(2 * plane))).toEqual(Array.from(scores.subarray(2 * plane)));
    const ratio = Array.from(expected.subarray(plane, 2 * plane), (v, i) => v / scores[plane + i]!);
    expect(Math.max(...ratio)).toBeGreaterThan(0.9);
    expect(Math.min(...ratio)).toBeLessThan(0.3);
  });

  it('is off by default and, when on, reads the local cues of the feature map', () => {
    expect(DEFAULT_TRAIN_OPTIONS.waterGate).toBeNull();
    expect(waterGateFor(DEFAULT_TRAIN_OPTIONS, 208)).toBeNull();
    const on = { ...DEFAULT_TRAIN_OPTIONS, waterGate: { classes: ['sewage_outfall'], ...DEFAULT_WATER_GATE } };
    // 96 backbone channels and 8 cues, then their 5×5 mean: the cues start at channel 96.
    expect(waterGateFor(on, 208)).toMatchObject({ classes: [1], cueChannel: 96, contextCells: 9 });
  });
});
