/**
 * A minimal ONNX (protobuf) reader: the float initializers and metadata of a model, enough to take a
 * trained head back out of an exported detector (round 9 keeps the shipped straw/slope head as it is).
 * Field numbers from onnx/onnx.proto, as `onnx-writer.ts` writes them.
 */

/** A float tensor of the graph's initializers. */
export interface OnnxInitializer {
  dims: number[];
  data: Float32Array;
}

/** The model's float initializers by name, and its metadata. */
export interface OnnxContents {
  initializers: Map<string, OnnxInitializer>;
  metadata: Record<string, string>;
}

/** Calls `on(field, wire, value)` for each field of a protobuf message; length-delimited values as byte views. */
function fields(buf: Uint8Array, on: (field: number, wire: number, value: bigint | Uint8Array) => void): void {
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buf.length) throw new Error('ONNX 文件被截断 / truncated ONNX file');
      const b = buf[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) on(field, wire, varint());
    else if (wire === 2) {
      const n = Number(varint());
      if (at + n > buf.length) throw new Error('ONNX 文件被截断 / truncated ONNX file');
      on(field, wire, buf.subarray(at, at + n));
      at += n;
    } else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else throw new Error(`无法读取的 ONNX 字段 / unreadable ONNX wire type ${wire}`);
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const FLOAT = 1n;

/** Reads the float initializers (raw_data) and metadata of an ONNX model. */
export function readOnnx(bytes: Uint8Array): OnnxContents {
  const initializers = new Map<string, OnnxInitializer>();
  const metadata: Record<string, string> = {};
  fields(bytes, (f, wire, v) => {
    if (f === 14 && wire === 2) {
      let key = '';
      let value = '';
      fields(v as Uint8Array, (ef, _w, ev) => {
        if (ef === 1) key = text(ev as Uint8Array);
        if (ef === 2) value = text(ev as Uint8Array);
      });
      metadata[key] = value;
    }
    if (f !== 7 || wire !== 2) return;
    fields(v as Uint8Array, (gf, gw, gv) => {
      if (gf !== 5 || gw !== 2) return;
      const dims: number[] = [];
      let type = 0n;
      let name = '';
      let raw: Uint8Array | null = null;
      fields(gv as Uint8Array, (tf, tw, tv) => {
        if (tf === 1 && tw === 0) dims.push(Number(tv));
        else if (tf === 2) type = tv as bigint;
        else if (tf === 8) name = text(tv as Uint8Array);
        else if (tf === 9) raw = tv as Uint8Array;
      });
      if (type !== FLOAT || !raw) return;
      const r = raw as Uint8Array;
      // copied: the view into the file need not be 4-byte aligned
      const data = new Float32Array(Uint8Array.from(r).buffer);
      initializers.set(name, { dims, data });
    });
  });
  return { initializers, metadata };
}
