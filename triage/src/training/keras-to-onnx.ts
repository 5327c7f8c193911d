/**
 * Converts a TensorFlow.js layers model (Keras topology + weights manifest, as nsfwjs ships its
 * MobileNetV2) into ONNX nodes, channels-last weights to NCHW, batch norms folded into the convolution
 * before them. Only the layer kinds a MobileNet needs are supported; anything else is refused by name.
 */
import type { GraphBuilder } from '../onnx/graph-builder.ts';

/** A Keras layer as tfjs-layers serialises it. */
export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

/** One weight of a tfjs weights manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

/** A tfjs layers model: topology and the description of its weight files. */
export interface TfjsLayersModel {
  modelTopology: { model_config: { config: { layers: KerasLayer[] } } };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

/** A dequantised weight. */
export interface Weight {
  shape: number[];
  values: Float32Array;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Reads the weights of a manifest from its concatenated weight files (one buffer per group, shards
 * joined), dequantising uint8/uint16 (`min + q·scale`) and float16.
 */
export function readTfjsWeights(model: TfjsLayersModel, groupBytes: Uint8Array[]): Map<string, Weight> {
  const out = new Map<string, Weight>();
  model.weightsManifest.forEach((group, gi) => {
    const bytes = groupBytes[gi];
    if (!bytes) throw new Error(`weights group ${gi} (${group.paths.join(', ')}) missing`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(n);
      const q = w.quantization;
      const size = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
      if (offset + n * size > bytes.byteLength)
        throw new Error(`weights of ${w.name} run past the end of group ${gi} (${bytes.byteLength} bytes)`);
      for (let i = 0; i < n; i++) {
        const o = offset + i * size;
        if (!q) values[i] = w.dtype === 'int32' ? view.getInt32(o, true) : view.getFloat32(o, true);
        else if (q.dtype === 'float16') values[i] = halfToFloat(view.getUint16(o, true));
        else {
          const v = q.dtype === 'uint8' ? view.getUint8(o) : view.getUint16(o, true);
          values[i] = (q.min ?? 0) + v * (q.scale ?? 1);
        }
      }
      offset += n * size;
      out.set(w.name, { shape: w.shape, values });
    }
  });
  return out;
}

/** What the converted part of the network produces. */
export interface ConvertedBackbone {
  /** Tensor name of the output (NCHW). */
  output: string;
  channels: number;
  /** Total stride of the output relative to the input. */
  stride: number;
  /** Outputs of the earlier layers asked for as taps, by layer name. */
  taps: Record<string, { output: string; channels: number; stride: number }>;
}

interface Produced {
  tensor: string;
  channels: number;
  stride: number;
  /** A ZeroPadding2D not yet applied: [top, left, bottom, right]. */
  pendingPad?: [number, number, number, number];
}

const pair = (v: unknown, what: string): [number, number] => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(`unsupported ${what}: ${JSON.stringify(v)}`);
};

/**
 * Appends the layers of `model` from its input up to `outputLayer` to `g`, reading `input` (an NCHW
 * tensor already normalised as the network expects). Throws on a layer kind it does not know.
 */
export function kerasToOnnx(
  g: GraphBuilder,
  model: TfjsLayersModel,
  weights: Map<string, Weight>,
  input: string,
  outputLayer: string,
  tapLayers: readonly string[] = [],
): ConvertedBackbone {
  const layers = model.modelTopology.model_config.config.layers;
  for (const name of [outputLayer, ...tapLayers])
    if (!layers.some((l) => l.name === name)) throw new Error(`layer ${name} not in the model`);
  const consumers = new Map<string, string[]>();
  for (const l of layers)
    for (const node of l.inbound_nodes)
      for (const [src] of node) consumers.set(src, [...(consumers.get(src) ?? []), l.name]);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const produced = new Map<string, Produced>();
  const weight = (layer: string, w: string): Weight => {
    const found = weights.get(`${layer}/${w}`);
    if (!found) throw new Error(`weight ${layer}/${w} missing`);
    return found;
  };
  const inputsOf = (l: KerasLayer): Produced[] =>
    (l.inbound_nodes[0] ?? []).map(([src]) => {
      const p = produced.get(src);
      if (!p) throw new Error(`layer ${l.name}: input ${src} not converted yet`);
      return p;
    });
  /** Applies a pending zero padding as its own node (when the consumer cannot take it). */
  const materialise = (p: Produced): Produced => {
    if (!p.pendingPad) return p;
    const [t, l, b, r] = p.pendingPad;
    const pads = g.constant('pads', [8], [0, 0, t, l, 0, 0, b, r], 'int64');
    return { tensor: g.op('Pad', [p.tensor, pads], [], 'pad'), channels: p.channels, stride: p.stride };
  };

  for (const l of layers) {
    const c = l.config;
    switch (l.class_name) {
      case 'InputLayer':
        produced.set(l.name, { tensor: input, channels: 3, stride: 1 });
        break;
      case 'ZeroPadding2D': {
        const [src] = inputsOf(l);
        const [[t, b], [le, r]] = c.padding as [[number, number], [number, number]];
        const prev = src!.pendingPad ?? [0, 0, 0, 0];
        produced.set(l.name, {
          ...src!,
          pendingPad: [prev[0] + t, prev[1] + le, prev[2] + b, prev[3] + r],
        });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [src0] = inputsOf(l);
        const depthwise = l.class_name === 'DepthwiseConv2D';
        const [kh, kw] = pair(c.kernel_size, 'kernel_size');
        const [sh, sw] = pair(c.strides, 'strides');
        const [dh, dw] = pair(c.dilation_rate ?? 1, 'dilation_rate');
        const k = weight(l.name, depthwise ? 'depthwise_kernel' : 'kernel');
        const cin = k.shape[2]!;
        const mult = depthwise ? k.shape[3]! : 1;
        const cout = depthwise ? cin * mult : k.shape[3]!;
        // [kh, kw, cin, cout | mult] → [cout, cin/group, kh, kw]
        const w = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw);
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let i = 0; i < cin; i++)
              for (let o = 0; o < (depthwise ? mult : cout); o++) {
                const v = k.values[((y * kw + x) * cin + i) * (depthwise ? mult : cout) + o]!;
                if (depthwise) w[((i * mult + o) * kh + y) * kw + x] = v;
                else w[((o * cin + i) * kh + y) * kw + x] = v;
              }
        const bias = new Float32Array(cout);
        if (c.use_bias) bias.set(weight(l.name, 'bias').values);
        const activation = (c.activation as string | undefined) ?? 'linear';
        // Fold the batch norm that alone consumes a linear convolution.
        const next = consumers.get(l.name) ?? [];
        const bnLayer = next.length === 1 ? byName.get(next[0]!) : undefined;
        const fold = activation === 'linear' && bnLayer?.class_name === 'BatchNormalization';
        if (fold) {
          const eps = Number(bnLayer.config.epsilon ?? 1e-3);
          const gamma = bnLayer.config.scale === false ? null : weight(bnLayer.name, 'gamma').values;
          const beta = bnLayer.config.center === false ? null : weight(bnLayer.name, 'beta').values;
          const mean = weight(bnLayer.name, 'moving_mean').values;
          const variance = weight(bnLayer.name, 'moving_variance').values;
          const per = w.length / cout;
          for (let o = 0; o < cout; o++) {
            const s = (gamma ? gamma[o]! : 1) / Math.sqrt(variance[o]! + eps);
            for (let j = 0; j < per; j++) w[o * per + j]! *= s;
            bias[o] = (bias[o]! - mean[o]!) * s + (beta ? beta[o]! : 0);
          }
        }
        const padding = c.padding as string;
        let src = src0!;
        const attrs: Parameters<GraphBuilder['op']>[2] = [
          { name: 'kernel_shape', ints: [kh, kw] },
          { name: 'strides', ints: [sh, sw] },
          { name: 'dilations', ints: [dh, dw] },
          { name: 'group', int: depthwise ? cin : 1 },
        ];
        if (padding === 'valid') attrs.push({ name: 'pads', ints: src.pendingPad ?? [0, 0, 0, 0] });
        else if (padding === 'same') {
          src = materialise(src);
          attrs.push({ name: 'auto_pad', string: 'SAME_UPPER' });
        } else throw new Error(`layer ${l.name}: padding ${padding} not supported`);
        const wName = g.constant(`${l.name}.w`, [cout, depthwise ? 1 : cin, kh, kw], w);
        const bName = g.constant(`${l.name}.b`, [cout], bias);
        let out = g.op('Conv', [src.tensor, wName, bName], attrs, l.name);
        if (activation === 'relu') out = g.op('Relu', [out], [], `${l.name}_relu`);
        else if (activation !== 'linear') throw new Error(`layer ${l.name}: activation ${activation} not supported`);
        const p: Produced = { tensor: out, channels: cout, stride: src.stride * sh };
        produced.set(l.name, p);
        if (fold) produced.set(bnLayer.name, p);
        break;
      }
      case 'BatchNormalization': {
        if (produced.has(l.name)) break; // folded into its convolution
        const [src0] = inputsOf(l);
        const src = materialise(src0!);
        const eps = Number(c.epsilon ?? 1e-3);
        const mean = weight(l.name, 'moving_mean').values;
        const variance = weight(l.name, 'moving_variance').values;
        const gamma = c.scale === false ? null : weight(l.name, 'gamma').values;
        const beta = c.center === false ? null : weight(l.name, 'beta').values;
        const n = mean.length;
        const scale = new Float32Array(n);
        const shift = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          scale[i] = (gamma ? gamma[i]! : 1) / Math.sqrt(variance[i]! + eps);
          shift[i] = (beta ? beta[i]! : 0) - mean[i]! * scale[i]!;
        }
        const mul = g.op('Mul', [src.tensor, g.constant(`${l.name}.scale`, [1, n, 1, 1], scale)], [], l.name);
        const add = g.op('Add', [mul, g.constant(`${l.name}.shift`, [1, n, 1, 1], shift)], [], l.name);
        produced.set(l.name, { tensor: add, channels: n, stride: src.stride });
        break;
      }
      case 'ReLU':
      case 'Activation': {
        const [src0] = inputsOf(l);
        const src = materialise(src0!);
        const kind = l.class_name === 'ReLU' ? 'relu' : (c.activation as string);
        const max = kind === 'relu6' ? 6 : l.class_name === 'ReLU' ? (c.max_value as number | null | undefined) : null;
        let out: string;
        if (kind !== 'relu' && kind !== 'relu6') throw new Error(`layer ${l.name}: activation ${kind} not supported`);
        if (max !== null && max !== undefined)
          out = g.op('Clip', [src.tensor, g.constant('zero', [], [0]), g.constant('max', [], [max])], [], l.name);
        else out = g.op('Relu', [src.tensor], [], l.name);
        produced.set(l.name, { ...src, tensor: out });
        break;
      }
      case 'Add': {
        const ins = inputsOf(l).map(materialise);
        let out = ins[0]!.tensor;
        for (const x of ins.slice(1)) out = g.op('Add', [out, x.tensor], [], l.name);
        produced.set(l.name, { ...ins[0]!, tensor: out });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const [src0] = inputsOf(l);
        const [kh, kw] = pair(c.pool_size, 'pool_size');
        const [sh, sw] = pair(c.strides ?? c.pool_size, 'strides');
        const padding = c.padding as string;
        let src = src0!;
        const attrs: Parameters<GraphBuilder['op']>[2] = [
          { name: 'kernel_shape', ints: [kh, kw] },
          { name: 'strides', ints: [sh, sw] },
        ];
        // Keras's 'same' average leaves the padding out of the mean, as ONNX does by default (count_include_pad 0).
        if (padding === 'valid') src = materialise(src);
        else if (padding === 'same') {
          src = materialise(src);
          attrs.push({ name: 'auto_pad', string: 'SAME_UPPER' });
        } else throw new Error(`layer ${l.name}: padding ${padding} not supported`);
        const kind = l.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
        const out = g.op(kind, [src.tensor], attrs, l.name);
        produced.set(l.name, { tensor: out, channels: src.channels, stride: src.stride * sh });
        break;
      }
      case 'Concatenate': {
        const ins = inputsOf(l).map(materialise);
        if (Number(c.axis ?? -1) !== 3 && Number(c.axis ?? -1) !== -1)
          throw new Error(`layer ${l.name}: concatenation on axis ${String(c.axis)} not supported`);
        const out = g.op(
          'Concat',
          ins.map((x) => x.tensor),
          [{ name: 'axis', int: 1 }],
          l.name,
        );
        produced.set(l.name, {
          tensor: out,
          channels: ins.reduce((n, x) => n + x.channels, 0),
          stride: ins[0]!.stride,
        });
        break;
      }
      default:
        throw new Error(`layer ${l.name}: kind ${l.class_name} not supported by the converter`);
    }
    if (l.name === outputLayer) {
      const p = materialise(produced.get(l.name)!);
      const taps: ConvertedBackbone['taps'] = {};
      for (const name of tapLayers) {
        const t = produced.get(name);
        if (!t) throw new Error(`tap ${name} comes after ${outputLayer}`);
        const m = materialise(t);
        taps[name] = { output: m.tensor, channels: m.channels, stride: m.stride };
      }
      return { output: p.tensor, channels: p.channels, stride: p.stride, taps };
    }
  }
  throw new Error(`layer ${outputLayer} not reached`);
}
