/**
 * A minimal ONNX (protobuf) writer: enough of ModelProto/GraphProto/NodeProto/TensorProto to write
 * the default model (a converted backbone plus our head, megabytes of weights) and small test models.
 * Field numbers from onnx/onnx.proto (IR version 8).
 */

/** Protobuf wire encoder that collects byte chunks (weights are copied once, not byte by byte). */
class Writer {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.scratch.length) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.length += this.scratch.length;
      this.scratch = [];
    }
  }
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.scratch.push(b);
    } while (x > 0n);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.scratch.push(...b);
    return this;
  }
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** A tensor constant (initializer). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: 'float' | 'int64';
  values: number[] | Float32Array;
}

/** A node attribute. */
export type OnnxAttribute =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; ints: number[] }
  | { name: string; string: string };

/** A graph node. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
  /** Node name; default `<opType>_<index>`. */
  name?: string;
}

/** A graph input/output: float tensor with fixed dims (or a named symbolic dim). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
  elemType?: 'float' | 'int64';
}

/** The model to serialise. */
export interface OnnxModelSpec {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset?: number;
  graphName?: string;
  producerName?: string;
  docString?: string;
  /** Free key → value pairs stored in the model (ModelProto.metadata_props). */
  metadata?: Record<string, string>;
}

const DT = { float: 1, int64: 7 } as const;

function tensorProto(t: OnnxTensor): Uint8Array {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, DT[t.dataType]);
  w.string(8, t.name);
  let raw: Uint8Array;
  if (t.dataType === 'float') {
    const f = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
    raw = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  } else {
    const b = new BigInt64Array(t.values.length);
    t.values.forEach((v, i) => (b[i] = BigInt(v)));
    raw = new Uint8Array(b.buffer);
  }
  w.bytes(9, raw);
  return w.finish();
}

function attributeProto(a: OnnxAttribute): Uint8Array {
  const w = new Writer().string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, 2);
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else if ('ints' in a) {
    for (const v of a.ints) w.int(8, v);
    w.int(20, 7);
  } else w.bytes(4, new TextEncoder().encode(a.string)).int(20, 3);
  return w.finish();
}

function nodeProto(n: OnnxNode, i: number): Uint8Array {
  const w = new Writer();
  for (const s of n.inputs) w.string(1, s);
  for (const s of n.outputs) w.string(2, s);
  w.string(3, n.name ?? `${n.opType}_${i}`);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.bytes(5, attributeProto(a));
  return w.finish();
}

function valueInfoProto(v: OnnxValueInfo): Uint8Array {
  const shape = new Writer();
  for (const d of v.dims) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.bytes(1, dim.finish());
  }
  const tensorType = new Writer()
    .int(1, DT[v.elemType ?? 'float'])
    .bytes(2, shape.finish())
    .finish();
  const type = new Writer().bytes(1, tensorType).finish();
  return new Writer().string(1, v.name).bytes(2, type).finish();
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const g = new Writer();
  spec.nodes.forEach((n, i) => g.bytes(1, nodeProto(n, i)));
  g.string(2, spec.graphName ?? 'xuncha_test_graph');
  for (const t of spec.initializers) g.bytes(5, tensorProto(t));
  for (const v of spec.inputs) g.bytes(11, valueInfoProto(v));
  for (const v of spec.outputs) g.bytes(12, valueInfoProto(v));
  const opset = new Writer()
    .string(1, '')
    .int(2, spec.opset ?? 13)
    .finish();
  const m = new Writer().int(1, 8).string(2, spec.producerName ?? 'xuncha-test');
  if (spec.docString) m.string(6, spec.docString);
  m.bytes(7, g.finish()).bytes(8, opset);
  for (const [key, value] of Object.entries(spec.metadata ?? {}))
    m.bytes(14, new Writer().string(1, key).string(2, value).finish());
  return m.finish();
}
