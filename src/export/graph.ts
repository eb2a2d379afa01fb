// A small ONNX graph builder over onnx-proto: nodes with generated unique value names, float32 /
// int64 / bool initializers, typed attributes, and the ModelProto wrapper (IR version 8, one opset).
// Weights are initializers under their arena (canonical) names, so a tensor two towers share is one
// initializer however many nodes read it.
import { DT, type ElemType, onnx, type pb } from './proto';

export const OPSET = 17; // LayerNormalization exists from 17; ReduceMean/ReduceL2 still take `axes` as an attribute
export const IR_VERSION = 8;

/** A graph input or output: static dims as numbers, symbolic ones (the batch) as names. */
export interface ValueSpec {
  name: string;
  dtype: ElemType;
  shape: (number | string)[];
}

/** Attribute values: integers → INT, number[] → INTS, f(x) → FLOAT, strings → STRING. */
export type Attr = number | number[] | string | { float: number };
export const f = (x: number): { float: number } => ({ float: x });

const AT = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: Attr): pb.IAttributeProto {
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    if (!v.every(Number.isInteger)) throw new Error(`attribute ${name}: INTS must be integers`);
    return { name, type: AT.INTS, ints: v };
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer (wrap floats with f())`);
    return { name, type: AT.INT, i: v };
  }
  return { name, type: AT.FLOAT, f: v.float };
}

function valueInfo(v: ValueSpec): pb.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DT[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

const bytesOf = (a: Float32Array | BigInt64Array | Uint8Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

export class GraphBuilder {
  readonly nodes: pb.INodeProto[] = [];
  private readonly inits = new Map<string, pb.ITensorProto>();
  private readonly used = new Set<string>();
  private readonly memo = new Map<string, string>();
  readonly extraOutputs: ValueSpec[] = [];
  private n = 0;

  constructor(readonly name: string) {}

  /** A fresh value name (readable: the hint, then a counter). */
  fresh(hint: string): string {
    let name = `${hint}_${this.n++}`;
    while (this.used.has(name)) name = `${hint}_${this.n++}`;
    this.used.add(name);
    return name;
  }

  /** A float32 initializer under `name` (the first call defines it; later calls must agree on the shape). */
  weight(name: string, shape: readonly number[], data: Float32Array): string {
    const have = this.inits.get(name);
    if (have) {
      if ((have.dims ?? []).join(',') !== shape.join(',')) throw new Error(`initializer ${name}: shape [${shape}] vs [${have.dims}]`);
      return name;
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for shape [${shape}]`);
    this.inits.set(name, { name, dims: [...shape], dataType: DT.float32, rawData: bytesOf(data) });
    this.used.add(name);
    return name;
  }

  /** A constant initializer (float32, int64 or bool), deduplicated by content. */
  constant(dtype: ElemType, values: readonly number[] | Float32Array, shape: readonly number[], hint = 'const'): string {
    const key = `${dtype}|${shape.join(',')}|${Array.from(values).join(',')}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const name = this.fresh(hint);
    const raw =
      dtype === 'float32'
        ? bytesOf(Float32Array.from(values))
        : dtype === 'int64'
          ? bytesOf(BigInt64Array.from(Array.from(values), (v) => BigInt(v)))
          : Uint8Array.from(values, (v) => (v ? 1 : 0));
    this.inits.set(name, { name, dims: [...shape], dataType: DT[dtype], rawData: raw });
    this.memo.set(key, name);
    return name;
  }

  /** int64 1-D constant (shapes, axes, indices). */
  ints(values: readonly number[], hint = 'ints'): string {
    return this.constant('int64', values, [values.length], hint);
  }

  /** float32 scalar constant. */
  scalar(x: number, hint = 'scalar'): string {
    return this.constant('float32', [x], [], hint);
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, hint?: string): string {
    return this.opN(opType, inputs, 1, attrs, hint)[0];
  }

  /** One node with `nOut` outputs. */
  opN(opType: string, inputs: readonly string[], nOut: number, attrs: Record<string, Attr> = {}, hint?: string): string[] {
    const outs = Array.from({ length: nOut }, () => this.fresh(hint ?? opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.fresh(`n_${hint ?? opType}`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A value computed once per graph under a key (e.g. a transposed weight, the attention mask). */
  once(key: string, make: () => string): string {
    const k = `once|${key}`;
    let v = this.memo.get(k);
    if (!v) {
      v = make();
      this.memo.set(k, v);
    }
    return v;
  }

  /** Rename the value `from` to the graph output `to` (an Identity node). */
  output(from: string, to: string): void {
    this.used.add(to);
    this.nodes.push({ opType: 'Identity', name: this.fresh(`n_${to}`), input: [from], output: [to] });
  }

  get initializerNames(): string[] {
    return [...this.inits.keys()];
  }

  /** Serialise as an ONNX model. */
  encode(inputs: ValueSpec[], outputs: ValueSpec[], meta: { producer: string; docString?: string; props?: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: meta.producer,
      producerVersion: '1',
      docString: meta.docString ?? '',
      metadataProps: Object.entries(meta.props ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: [...this.inits.values()],
        input: inputs.map(valueInfo),
        output: [...outputs, ...this.extraOutputs].map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
