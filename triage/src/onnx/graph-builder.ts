/**
 * Builds an ONNX graph node by node with unique tensor names, for the converter and the model export.
 */
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-writer.ts';

/** Collects nodes and initializers; every tensor name it hands out is unique. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();

  /** A fresh tensor name starting with `prefix`. */
  name(prefix: string): string {
    const base = prefix.replace(/[^A-Za-z0-9_./-]/g, '_');
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Reserves a name that comes from outside (a graph input). */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`tensor name ${name} already used`);
    this.used.add(name);
    return name;
  }

  /** A float (or int64) constant. */
  constant(
    prefix: string,
    dims: number[],
    values: Float32Array | number[],
    dataType: 'float' | 'int64' = 'float',
  ): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count)
      throw new Error(`constant ${prefix}: ${values.length} values for dims [${dims.join(', ')}]`);
    const name = this.name(prefix);
    this.initializers.push({ name, dims, dataType, values });
    return name;
  }

  /** A node with one output; returns the output's name. */
  op(opType: string, inputs: string[], attributes: OnnxAttribute[] = [], outPrefix = opType.toLowerCase()): string {
    const out = this.name(outPrefix);
    this.nodes.push({ opType, inputs, outputs: [out], attributes, name: `${out}_node` });
    return out;
  }
}
