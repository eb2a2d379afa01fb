// Token + position embeddings (text tower input): launchers + CPU references.
// See shaders/embedding_forward.wgsl and embedding_backward.wgsl; the position gradient is a
// column sum (shaders/sum_rows.wgsl).
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import bwdCode from '../../shaders/embedding_backward.wgsl?raw';
import fwdCode from '../../shaders/embedding_forward.wgsl?raw';
import { need, rowWorkgroupSize, sumRowsStrided } from './elementwise';

const fwd = { name: 'embedding_forward', code: fwdCode };
const bwd = { name: 'embedding_backward', code: bwdCode };

/**
 * out[n] = table[ids[n]] + pos[n mod T]; ids i32 (N) with N = B·T, table (V, C), pos (T, C), out (N, C).
 * V is taken from the table's size; ids outside [0, V) add nothing from the table.
 */
export function embeddingForward(gpu: Gpu, ids: Tensor, table: Tensor, pos: Tensor, out: Tensor, N: number, T: number, C: number): void {
  if (ids.dtype !== 'i32') throw new Error(`embeddingForward: ids ${ids.label ?? ''} must be i32, is ${ids.dtype}`);
  need('embeddingForward', ids, N, 'ids');
  need('embeddingForward', pos, T * C, 'pos');
  need('embeddingForward', out, N * C, 'out');
  if (N === 0 || C === 0) return;
  const V = Math.floor(numel(table.shape) / C);
  gpu.run({ shader: fwd, bindings: [ids, table, pos, out], uniforms: [N, T, C, V], grid: Math.ceil((N * C) / 256), label: 'embedding' });
}

/**
 * dtable[v] += Σ_{n: ids[n]=v} dout[n]; dpos[t] += Σ_b dout[b·T+t]. Deterministic (fixed summation
 * order, one writer per element, no atomics). dout (N, C), dtable (V, C), dpos (T, C).
 */
export function embeddingBackward(
  gpu: Gpu,
  ids: Tensor,
  dout: Tensor,
  dtable: Tensor,
  dpos: Tensor,
  N: number,
  T: number,
  C: number,
  V: number,
): void {
  if (ids.dtype !== 'i32') throw new Error(`embeddingBackward: ids ${ids.label ?? ''} must be i32, is ${ids.dtype}`);
  if (T > 0 && N % T !== 0) throw new Error(`embeddingBackward: N=${N} is not a multiple of T=${T}`);
  need('embeddingBackward', ids, N, 'ids');
  need('embeddingBackward', dout, N * C, 'dout');
  need('embeddingBackward', dtable, V * C, 'dtable');
  need('embeddingBackward', dpos, T * C, 'dpos');
  if (N === 0 || C === 0) return;
  gpu.run({
    shader: bwd,
    constants: { WG: rowWorkgroupSize(C) },
    bindings: [ids, dout, dtable],
    uniforms: [N, C, V],
    grid: N,
    label: 'embedding.bwd',
  });
  // dout viewed as (B, T·C): the position gradient is its column sum.
  sumRowsStrided(gpu, dout, dpos, N / T, T * C);
}

export function embeddingForwardRef(
  ids: ArrayLike<number>,
  table: ArrayLike<number>,
  pos: ArrayLike<number>,
  N: number,
  T: number,
  C: number,
): Float64Array {
  const V = Math.floor(table.length / C);
  const out = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    const t = n % T;
    for (let c = 0; c < C; c++) out[n * C + c] = (id >= 0 && id < V ? table[id * C + c] : 0) + pos[t * C + c];
  }
  return out;
}

/** The gradients alone. */
export function embeddingBackwardRef(
  ids: ArrayLike<number>,
  dout: ArrayLike<number>,
  N: number,
  T: number,
  C: number,
  V: number,
): { dtable: Float64Array; dpos: Float64Array } {
  const dtable = new Float64Array(V * C);
  const dpos = new Float64Array(T * C);
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    const t = n % T;
    for (let c = 0; c < C; c++) {
      const g = dout[n * C + c];
      if (id >= 0 && id < V) dtable[id * C + c] += g;
      dpos[t * C + c] += g;
    }
  }
  return { dtable, dpos };
}
