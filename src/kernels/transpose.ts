// Batched 2-D transpose (B, R, S) → (B, S, R): launcher + float64 CPU reference. See shaders/transpose.wgsl.
// The transpose is its own adjoint: the backward of y = transpose(x, R, S) is dx += transpose(dy, S, R)
// (the same kernel with accumulate = true).
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import code from '../../shaders/transpose.wgsl?raw';
import { need } from './elementwise';

const shader = { name: 'transpose', code };

/** out (B, S, R) = x (B, R, S) transposed per batch; with accumulate, out += instead of =. */
export function transpose(gpu: Gpu, x: Tensor, out: Tensor, B: number, R: number, S: number, accumulate = false): void {
  const n = B * R * S;
  need('transpose', x, n, 'x');
  need('transpose', out, n, 'out');
  if (n === 0) return;
  gpu.run({
    shader,
    constants: { ACCUMULATE: accumulate },
    bindings: [x, out],
    uniforms: [B, R, S],
    grid: Math.ceil(n / 256),
    label: accumulate ? 'transpose.acc' : 'transpose',
  });
}

/** CPU reference in float64: out (B, S, R) with out[b, s, r] = x[b, r, s]. */
export function transposeRef(x: ArrayLike<number>, B: number, R: number, S: number): Float64Array {
  const out = new Float64Array(B * R * S);
  for (let b = 0; b < B; b++) for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) out[(b * S + s) * R + r] = x[(b * R + r) * S + s];
  return out;
}
