// Sequence pooling (B, T, C) → (B, C): CLS token, EOT token, or (masked) mean. Launchers + CPU
// references. See shaders/pool_forward.wgsl and pool_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import bwdCode from '../../shaders/pool_backward.wgsl?raw';
import fwdCode from '../../shaders/pool_forward.wgsl?raw';
import { need } from './elementwise';
import { dummyTensor } from './matmul';

const fwd = { name: 'pool_forward', code: fwdCode };
const bwd = { name: 'pool_backward', code: bwdCode };

/**
 * 'cls': token 0. 'eot': token index[b] (clamped to [0, T−1]). 'mean': mean over the first
 * index[b] tokens (clamped to [0, T]; 0 tokens give 0), or over all T when index is omitted.
 */
export type PoolMode = 'cls' | 'mean' | 'eot';
const MODE: Record<PoolMode, number> = { cls: 0, mean: 1, eot: 2 };

function validate(op: string, B: number, mode: PoolMode, index: Tensor | undefined): void {
  if (mode === 'eot' && !index) throw new Error(`${op}: mode 'eot' needs the index tensor (EOT position per sequence)`);
  if (index) {
    if (index.dtype !== 'i32') throw new Error(`${op}: index ${index.label ?? ''} must be i32, is ${index.dtype}`);
    need(op, index, B, 'index');
  }
}

/** x (B, T, C) → out (B, C). */
export function poolForward(gpu: Gpu, x: Tensor, out: Tensor, B: number, T: number, C: number, mode: PoolMode, index?: Tensor): void {
  validate('poolForward', B, mode, index);
  need('poolForward', x, B * T * C, 'x');
  need('poolForward', out, B * C, 'out');
  if (B * C === 0) return;
  if (T === 0) throw new Error('poolForward: T = 0');
  gpu.run({
    shader: fwd,
    constants: { MODE: MODE[mode], HAS_INDEX: !!index },
    bindings: [x, index ?? dummyTensor(gpu), out],
    uniforms: [B, T, C],
    grid: Math.ceil((B * C) / 256),
    label: `pool.${mode}`,
  });
}

/** dx (B, T, C) += dout (B, C) scattered onto the pooled tokens. */
export function poolBackward(gpu: Gpu, dout: Tensor, dx: Tensor, B: number, T: number, C: number, mode: PoolMode, index?: Tensor): void {
  validate('poolBackward', B, mode, index);
  need('poolBackward', dout, B * C, 'dout');
  need('poolBackward', dx, B * T * C, 'dx');
  if (B * T * C === 0) return;
  gpu.run({
    shader: bwd,
    constants: { MODE: MODE[mode], HAS_INDEX: !!index },
    bindings: [dout, index ?? dummyTensor(gpu), dx],
    uniforms: [B, T, C],
    grid: Math.ceil((B * T * C) / 256),
    label: `pool.${mode}.bwd`,
  });
}

/** The pooled tokens of sequence b and the weight each gets. */
function pooledTokens(b: number, T: number, mode: PoolMode, index?: ArrayLike<number>): { t: number[]; w: number } {
  if (mode === 'cls') return { t: [0], w: 1 };
  if (mode === 'eot') {
    if (!index) throw new Error("pool 'eot' needs index");
    return { t: [Math.min(Math.max(index[b], 0), T - 1)], w: 1 };
  }
  const L = index ? Math.min(Math.max(index[b], 0), T) : T;
  return { t: Array.from({ length: L }, (_, i) => i), w: L > 0 ? 1 / L : 0 };
}

export function poolForwardRef(
  x: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
  mode: PoolMode,
  index?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(B * C);
  for (let b = 0; b < B; b++) {
    const { t: ts, w } = pooledTokens(b, T, mode, index);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (const t of ts) s += x[(b * T + t) * C + c];
      out[b * C + c] = s * w;
    }
  }
  return out;
}

/** The gradient alone: dx (B, T, C). */
export function poolBackwardRef(
  dout: ArrayLike<number>,
  B: number,
  T: number,
  C: number,
  mode: PoolMode,
  index?: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(B * T * C);
  for (let b = 0; b < B; b++) {
    const { t: ts, w } = pooledTokens(b, T, mode, index);
    for (const t of ts) for (let c = 0; c < C; c++) dx[(b * T + t) * C + c] += dout[b * C + c] * w;
  }
  return dx;
}
