// Reading an .onnx file back before handing it to a runtime: decode the ModelProto, list its inputs,
// outputs, opset and ops, and check it against the sidecar (names, dtypes, static dims, checksum),
// so a wrong or corrupt file fails with a message that says what is wrong instead of deep in ORT.
import type { ValueSpec } from './graph';
import { elemTypeName, onnx, type pb } from './proto';
import { type OnnxSidecar, OnnxImportError, sha256Hex } from './sidecar';

export interface OnnxSummary {
  irVersion: number;
  opset: number | null;
  producer: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: number;
  initializers: number;
  opTypes: string[];
}

const num = (x: unknown): number => (typeof x === 'number' ? x : Number(String(x)));

function specOf(v: pb.IValueInfoProto, where: string, label: string): ValueSpec {
  const tt = v.type?.tensorType;
  if (!v.name || !tt) throw new OnnxImportError(`${label}: ${where} "${v.name ?? '?'}" is not a tensor`);
  const dims = tt.shape?.dim ?? [];
  return {
    name: v.name,
    dtype: elemTypeName(num(tt.elemType)) as ValueSpec['dtype'],
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? num(d.dimValue) : '?')),
  };
}

/** Decode and summarise an ONNX model; throws OnnxImportError when it is not one. */
export function inspectOnnx(bytes: Uint8Array, label = 'model'): OnnxSummary {
  if (bytes.length === 0) throw new OnnxImportError(`${label}: the file is empty`);
  let m: pb.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxImportError(`${label}: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`);
  }
  // protobuf decodes many random byte strings "successfully" into an empty message: require the essentials.
  const g = m.graph;
  const ir = num(m.irVersion ?? 0);
  if (!g || !(ir > 0) || !g.node?.length || !g.input?.length || !g.output?.length) {
    throw new OnnxImportError(`${label}: not an ONNX model (no IR version, graph, nodes, inputs or outputs in ${bytes.length} bytes)`);
  }
  const opset = m.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  return {
    irVersion: ir,
    opset: opset !== undefined && opset !== null ? num(opset) : null,
    producer: m.producerName ?? '',
    // Graph inputs may also list initializers (older exporters): only the real feeds count.
    inputs: g.input.filter((v) => !inits.has(v.name ?? '')).map((v) => specOf(v, 'input', label)),
    outputs: g.output.map((v) => specOf(v, 'output', label)),
    nodes: g.node.length,
    initializers: inits.size,
    opTypes: [...new Set(g.node.map((n) => n.opType ?? '?'))].sort(),
  };
}

/** Which encoder a model is, from its inputs. */
export function encoderKind(s: OnnxSummary): 'image' | 'text' | null {
  const names = s.inputs.map((v) => v.name);
  if (names.includes('pixel_values')) return 'image';
  if (names.includes('input_ids')) return 'text';
  return null;
}

const fmt = (v: ValueSpec) => `${v.name} ${v.dtype} [${v.shape.join(', ')}]`;

/** The model's I/O must be what the sidecar says (symbolic dims may be named differently; static dims must agree). */
export function checkIO(kind: 'image' | 'text', s: OnnxSummary, side: OnnxSidecar): void {
  const want = side[kind];
  const label = `${kind} encoder`;
  const cmp = (got: ValueSpec[], exp: ValueSpec[], what: string) => {
    for (const e of exp) {
      const g = got.find((x) => x.name === e.name);
      if (!g) throw new OnnxImportError(`${label}: the model has no ${what} "${e.name}" (it has ${got.map(fmt).join('; ') || 'none'}) — wrong file for this sidecar?`);
      const dimsOk = g.shape.length === e.shape.length && g.shape.every((d, i) => typeof e.shape[i] === 'string' || d === e.shape[i]);
      if (g.dtype !== e.dtype || !dimsOk) throw new OnnxImportError(`${label}: ${what} is ${fmt(g)}, the sidecar says ${fmt(e)}`);
    }
  };
  cmp(s.inputs, want.inputs, 'input');
  cmp(s.outputs, want.outputs, 'output');
}

/** The file must hash to the sidecar's checksum (ties the sidecar to its own export). */
export async function checkChecksum(kind: 'image' | 'text', bytes: Uint8Array, side: OnnxSidecar): Promise<void> {
  const want = side[kind].sha256;
  const sha = await sha256Hex(bytes);
  if (sha !== want) {
    throw new OnnxImportError(`${kind} encoder: the file's SHA-256 (${sha.slice(0, 12)}…) is not the sidecar's (${want.slice(0, 12)}…): this sidecar belongs to another export`);
  }
}
