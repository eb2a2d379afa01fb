// A one-node ONNX model (MatMul, or Gemm for transposed operands) encoded by hand: the protobuf
// wire format needs only varints, length-delimited fields and strings for this, so no protobuf
// library. Field numbers are from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// ValueInfoProto, TypeProto, TensorShapeProto).

type Bytes = number[];

function varint(n: number): Bytes {
  const out: Bytes = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Field `no` with wire type 0 (varint). */
const vfield = (no: number, n: number): Bytes => [...varint(no << 3), ...varint(n)];
/** Field `no` with wire type 2 (length-delimited). */
const lfield = (no: number, body: Bytes): Bytes => [...varint((no << 3) | 2), ...varint(body.length), ...body];
const sfield = (no: number, s: string): Bytes => lfield(no, [...new TextEncoder().encode(s)]);

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT

function valueInfo(name: string, dims: readonly number[]): Bytes {
  const shape = dims.flatMap((d) => lfield(1, vfield(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...vfield(1, FLOAT), ...lfield(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return [...sfield(1, name), ...lfield(2, lfield(1, tensorType))]; // ValueInfoProto { name, type { tensor_type } }
}

function intAttr(name: string, v: number): Bytes {
  return [...sfield(1, name), ...vfield(3, v), ...vfield(20, ATTR_INT)];
}

export interface MatmulModelSpec {
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

/**
 * Y (M, N) = op(A) · op(B) with inputs named A, B and output Y. Plain products use MatMul; transposed
 * ones use Gemm (transA/transB attributes, no C input), as ONNX MatMul has no transpose flags.
 */
export function matmulModel(s: MatmulModelSpec): { bytes: Uint8Array; op: 'MatMul' | 'Gemm'; aDims: number[]; bDims: number[] } {
  const aDims = s.transA ? [s.K, s.M] : [s.M, s.K];
  const bDims = s.transB ? [s.N, s.K] : [s.K, s.N];
  const op = s.transA || s.transB ? 'Gemm' : 'MatMul';
  const attrs = op === 'Gemm' ? [...lfield(5, intAttr('transA', s.transA ? 1 : 0)), ...lfield(5, intAttr('transB', s.transB ? 1 : 0))] : [];
  const node = [...sfield(1, 'A'), ...sfield(1, 'B'), ...sfield(2, 'Y'), ...sfield(3, 'mm'), ...sfield(4, op), ...attrs];
  const graph = [
    ...lfield(1, node),
    ...sfield(2, 'bench'),
    ...lfield(11, valueInfo('A', aDims)),
    ...lfield(11, valueInfo('B', bDims)),
    ...lfield(12, valueInfo('Y', [s.M, s.N])),
  ];
  const model = [
    ...vfield(1, 8), // ir_version
    ...sfield(2, 'sharelab-bench'), // producer_name
    ...lfield(7, graph),
    ...lfield(8, [...sfield(1, ''), ...vfield(2, 13)]), // opset_import { domain "", version 13 }
  ];
  return { bytes: Uint8Array.from(model), op, aDims, bDims };
}
