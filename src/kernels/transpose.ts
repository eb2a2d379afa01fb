// Batched 2-D transpose (B, R, S) → (B, S, R): launcher + float64 CPU reference. See shaders/transpose.wgsl.
// The transpose is its own adjoint: the backward of y = transpose(x, R, S) is dx += transpose(dy, S, R)
// (the same kernel with accumulate = true).
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import code from '../../shaders/transpose.wgsl?raw';
import { need } from './elementwise';

const shader = { name: 'transpose', code };

/**
 * Where each batch item sits (elements): item b of x starts at b·xBatch + xOff, of out at b·outBatch + outOff.
 * Defaults: contiguous (batch stride R·S, offset 0).
 */
export interface TransposeLayout {
  xBatch?: number;
  xOff?: number;
  outBatch?: number;
  outOff?: number;
}

function strides(B: number, R: number, S: number, l: TransposeLayout) {
  const xBatch = l.xBatch ?? R * S;
  const outBatch = l.outBatch ?? R * S;
  const xOff = l.xOff ?? 0;
  const outOff = l.outOff ?? 0;
  if (xBatch < R * S || outBatch < R * S) throw new Error(`transpose: batch strides ${xBatch}/${outBatch} < R·S = ${R * S}`);
  return { xBatch, xOff, outBatch, outOff, nx: (B - 1) * xBatch + xOff + R * S, nout: (B - 1) * outBatch + outOff + R * S };
}

/** out (B, S, R) = x (B, R, S) transposed per batch; with accumulate, out += instead of =. */
export function transpose(gpu: Gpu, x: Tensor, out: Tensor, B: number, R: number, S: number, accumulate = false, layout: TransposeLayout = {}): void {
  const n = B * R * S;
  if (n === 0) return;
  const st = strides(B, R, S, layout);
  need('transpose', x, st.nx, 'x');
  need('transpose', out, st.nout, 'out');
  gpu.run({
    shader,
    constants: { ACCUMULATE: accumulate },
    bindings: [x, out],
    uniforms: [B, R, S, st.xBatch, st.xOff, st.outBatch, st.outOff],
    grid: Math.ceil(n / 256),
    label: accumulate ? 'transpose.acc' : 'transpose',
  });
}

/**
 * CPU reference in float64: out[b, s, r] = x[b, r, s]. With a layout, `out` (the prior contents of the
 * output buffer, default zeros of the needed size) is copied and only the transposed elements overwritten.
 */
export function transposeRef(x: ArrayLike<number>, B: number, R: number, S: number, layout: TransposeLayout = {}, out?: ArrayLike<number>): Float64Array {
  const st = strides(B, R, S, layout);
  const y = out ? Float64Array.from(out) : new Float64Array(st.nout);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < R; r++)
      for (let s = 0; s < S; s++) y[b * st.outBatch + st.outOff + s * R + r] = x[b * st.xBatch + st.xOff + r * S + s];
  return y;
}
