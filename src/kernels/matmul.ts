// Batched matmul launcher + CPU reference. See shaders/matmul.wgsl for tiling and bindings.
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import code from '../../shaders/matmul.wgsl?raw';
import directCode from '../../shaders/matmul_direct.wgsl?raw';
import vec4Code from '../../shaders/matmul_vec4.wgsl?raw';

const tiled = { name: 'matmul', code };
const direct = { name: 'matmul_direct', code: directCode };
const vec4 = { name: 'matmul_vec4', code: vec4Code };

/**
 * Which kernel: 'auto' picks the vec4 path for A·Bᵀ with K % 4 == 0 (and 4-aligned batch strides),
 * else the barrier-free one when K is small (see matmul_direct.wgsl), else the tiled one.
 */
export type MatmulVariant = 'auto' | 'tiled' | 'direct' | 'vec4';

/** Whether the vec4 kernel applies to these operands. */
export function vec4Applies(o: MatmulOpts, K: number, sA: number, sB: number): boolean {
  return !o.transA && !!o.transB && K % 4 === 0 && sA % 4 === 0 && sB % 4 === 0;
}
let defaultVariant: MatmulVariant = 'auto';
export function setMatmulVariant(v: MatmulVariant): void {
  defaultVariant = v;
}
const DIRECT_MAX_K = 1024;

export interface MatmulOpts {
  transA?: boolean;
  transB?: boolean;
  /** (N,) added to every row. */
  bias?: Tensor;
  /** C += result instead of C = result (gradient accumulation). */
  accumulate?: boolean;
  alpha?: number;
  /** Batch count; strides default to one matrix per batch. Pass 0 to broadcast an operand. */
  batch?: number;
  variant?: MatmulVariant;
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

const dummies = new WeakMap<Gpu, Tensor>();
export function dummyTensor(gpu: Gpu): Tensor {
  let t = dummies.get(gpu);
  if (!t) {
    t = gpu.tensor([1], 'dummy');
    dummies.set(gpu, t);
  }
  return t;
}

/** C (batch, M, N) = alpha · op(A) · op(B) (+ bias) (+ C). */
export function matmul(gpu: Gpu, a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number, o: MatmulOpts = {}): void {
  const batch = o.batch ?? 1;
  const sA = o.strideA ?? M * K;
  const sB = o.strideB ?? K * N;
  const sC = o.strideC ?? M * N;
  const need = (t: Tensor, n: number, what: string) => {
    if (numel(t.shape) < n) throw new Error(`matmul ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
  };
  need(a, sA * (batch - 1) + M * K, 'A');
  need(b, sB * (batch - 1) + K * N, 'B');
  need(c, sC * (batch - 1) + M * N, 'C');
  if (o.bias) need(o.bias, N, 'bias');
  const v = o.variant ?? defaultVariant;
  const canVec4 = vec4Applies(o, K, sA, sB);
  if (v === 'vec4' && !canVec4) throw new Error('matmul vec4 path needs A·Bᵀ with K and batch strides divisible by 4');
  const kind = v === 'vec4' || (v === 'auto' && canVec4) ? 'vec4' : v === 'direct' || (v === 'auto' && K <= DIRECT_MAX_K) ? 'direct' : 'tiled';
  const tile = kind === 'tiled' ? 64 : 32;
  gpu.run({
    shader: kind === 'vec4' ? vec4 : kind === 'direct' ? direct : tiled,
    constants:
      kind === 'vec4'
        ? { HAS_BIAS: !!o.bias, ACCUMULATE: !!o.accumulate }
        : { TRANS_A: !!o.transA, TRANS_B: !!o.transB, HAS_BIAS: !!o.bias, ACCUMULATE: !!o.accumulate },
    bindings: [a, b, c, o.bias ?? dummyTensor(gpu)],
    uniforms: [M, N, K, sA, sB, sC, f32(o.alpha ?? 1)],
    grid: [Math.ceil(N / tile), Math.ceil(M / tile), batch],
    label: `matmul.${kind}${o.transA ? '.Ta' : ''}${o.transB ? '.Tb' : ''}`,
  });
}

/** CPU reference (float64 accumulation). `c` is only read when accumulating. */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  N: number,
  K: number,
  o: Omit<MatmulOpts, 'bias'> & { bias?: ArrayLike<number>; c?: ArrayLike<number> } = {},
): Float64Array {
  const batch = o.batch ?? 1;
  const sA = o.strideA ?? M * K;
  const sB = o.strideB ?? K * N;
  const sC = o.strideC ?? M * N;
  const out = new Float64Array(sC * (batch - 1) + M * N);
  if (o.c) for (let i = 0; i < out.length; i++) out[i] = o.c[i];
  const alpha = o.alpha ?? 1;
  for (let bi = 0; bi < batch; bi++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = o.transA ? a[bi * sA + k * M + m] : a[bi * sA + m * K + k];
          const bv = o.transB ? b[bi * sB + n * K + k] : b[bi * sB + k * N + n];
          s += av * bv;
        }
        let v = alpha * s + (o.bias ? o.bias[n] : 0);
        const idx = bi * sC + m * N + n;
        if (o.accumulate) v += out[idx];
        out[idx] = v;
      }
    }
  }
  return out;
}
